import CPythonShim
import Foundation

/// The embedded CPython interpreter: started once per process, with torch imported from a chosen
/// environment.
///
/// Every use of Python objects goes through ``withGIL(_:)``, which holds the global interpreter lock,
/// so the interpreter can be used from any thread.
///
/// ```swift
/// let python = try Python.start(environment: .default)
/// let version = try python.withGIL { try python.torch.attribute("__version__").string() }
/// ```
public final class Python: @unchecked Sendable {
    /// The interpreter's version, such as `3.11.2 (main, ...)`.
    public let version: String
    /// The `torch` module.
    public let torch: PythonObject
    /// `torch.__version__`.
    public let torchVersion: String
    /// The bridge's helper functions (a module of Python code this package ships).
    let helpers: PythonObject

    private static let lock = NSLock()
    nonisolated(unsafe) private static var started: Python?

    /// Starts the interpreter (once per process), adds the environment's `site-packages` to
    /// `sys.path` and imports torch from it.
    ///
    /// - Throws: ``PythonError/torchUnavailable(_:)`` when the environment has no torch (naming the
    ///   interpreter, the paths searched and the install command), and ``PythonError/exception(type:message:traceback:)``
    ///   when importing it raises.
    public static func start(environment: PythonEnvironment = .default) throws(PythonError) -> Python {
        lock.lock()
        defer { lock.unlock() }
        recurrent_python_initialize()
        let interpreter = String(cString: recurrent_python_version())
        let shortVersion = interpreter.split(separator: " ").first.map { $0.split(separator: ".").prefix(2).joined(separator: ".") } ?? "3"
        let sitePackages = environment.sitePackages(pythonVersion: shortVersion)
        func unavailable(_ reason: String) -> PythonError {
            .torchUnavailable(
                .init(
                    interpreter: "CPython \(interpreter.split(separator: "\n").joined(separator: " ")) (libpython\(shortVersion), embedded)",
                    environment: environment.path,
                    searchedPaths: environment.candidateSitePackages(pythonVersion: shortVersion).map { "\($0)/torch" },
                    installCommand: environment.installCommand, reason: reason))
        }
        guard environment.hasTorch(pythonVersion: shortVersion) else {
            throw unavailable("no torch package in \(environment.path)")
        }
        if let started { return started }
        do {
            let python = try withGIL { () throws(PythonError) -> Python in
                let helpers = try loadHelpers()
                for path in sitePackages.reversed() { try helpers.attribute("add_site_dir").call(PythonObject(path)) }
                let torch = try helpers.attribute("import_torch").call()
                let torchVersion = try torch.attribute("__version__").string()
                return Python(version: interpreter, torch: torch, torchVersion: torchVersion, helpers: helpers)
            }
            started = python
            return python
        } catch {
            throw unavailable("import torch failed: \(error)")
        }
    }

    private init(version: String, torch: PythonObject, torchVersion: String, helpers: PythonObject) {
        self.version = version
        self.torch = torch
        self.torchVersion = torchVersion
        self.helpers = helpers
    }

    /// Runs `body` holding the global interpreter lock.
    public static func withGIL<Result>(_ body: () throws(PythonError) -> Result) throws(PythonError) -> Result {
        let state = recurrent_gil_ensure()
        defer { recurrent_gil_release(state) }
        return try body()
    }

    /// Runs `body` holding the global interpreter lock.
    public func withGIL<Result>(_ body: () throws(PythonError) -> Result) throws(PythonError) -> Result {
        try Self.withGIL(body)
    }

    /// Runs Python statements in a fresh namespace and returns the namespace's `result`, or `None`.
    ///
    /// - Throws: ``PythonError/exception(type:message:traceback:)`` when the code raises.
    @discardableResult
    public func run(_ code: String) throws(PythonError) -> PythonObject {
        try withGIL { () throws(PythonError) -> PythonObject in
            try helpers.attribute("run").call(PythonObject(code))
        }
    }

    /// Makes the modules in `directory` importable, ahead of every other place.
    public func prependImportPath(_ directory: String) throws(PythonError) {
        try withGIL { () throws(PythonError) in _ = try helpers.attribute("prepend_import_path").call(try PythonObject(directory)) }
    }

    /// Sets the number of threads torch computes with (`torch.set_num_threads`).
    public func setTorchThreads(_ count: Int) throws(PythonError) {
        try withGIL { () throws(PythonError) in _ = try helpers.attribute("set_torch_threads").call(try PythonObject(count)) }
    }

    /// Imports a module by name.
    public func importModule(_ name: String) throws(PythonError) -> PythonObject {
        try withGIL { () throws(PythonError) -> PythonObject in try PythonObject(owning: recurrent_import(name)) }
    }

    /// The exception Python has raised, taken from the interpreter and turned into a Swift error.
    static func fetchException() -> PythonError {
        var type: UnsafeMutablePointer<CChar>?
        var message: UnsafeMutablePointer<CChar>?
        var traceback: UnsafeMutablePointer<CChar>?
        guard recurrent_fetch_exception(&type, &message, &traceback) != 0 else {
            return .exception(type: "SystemError", message: "a Python call failed without an exception", traceback: "")
        }
        defer {
            free(type)
            free(message)
            free(traceback)
        }
        func text(_ pointer: UnsafeMutablePointer<CChar>?) -> String { pointer.map { String(cString: $0) } ?? "" }
        return .exception(type: text(type), message: text(message), traceback: text(traceback))
    }

    /// Creates the helper module from the bridge's Python side, `Resources/recurrent_bridge.py`: path
    /// set-up, statement execution and tensor conversion.
    private static func loadHelpers() throws(PythonError) -> PythonObject {
        let source = try Python.source(ofResource: "recurrent_bridge", in: Bundle.module, of: "PythonBridge")
        return try PythonObject(owning: recurrent_module_from_source("_recurrent_bridge", source))
    }

    /// The Python source a module ships as the resource `name.py` of `bundle` (`module` names the
    /// module in the error).
    ///
    /// - Throws: ``PythonError/exception(type:message:traceback:)`` (`FileNotFoundError`) when the
    ///   resource is missing or unreadable.
    public static func source(ofResource name: String, in bundle: Bundle, of module: String) throws(PythonError) -> String {
        guard let url = bundle.url(forResource: name, withExtension: "py"), let source = try? String(contentsOf: url, encoding: .utf8)
        else {
            throw .exception(type: "FileNotFoundError", message: "\(name).py is missing from \(module)'s resources", traceback: "")
        }
        return source
    }
}
