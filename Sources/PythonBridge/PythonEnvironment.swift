import Foundation

/// Where the embedded Python finds torch: a virtual environment or a `site-packages` directory.
///
/// ```swift
/// let environment = PythonEnvironment.default          // $RECURRENT_TORCH_ENV or the set-up's venv
/// let other = PythonEnvironment(path: "/opt/venvs/torch")
/// ```
public struct PythonEnvironment: Hashable, Sendable {
    /// The environment variable that names a virtual environment or a `site-packages` directory.
    public static let variable = "RECURRENT_TORCH_ENV"

    /// The torch version the set-up installs, and the fixtures were written with.
    public static let torchVersion = "2.15.0"

    /// Where `tools/setup.sh` creates the virtual environment.
    public static let setUpPath = "~/.local/share/recurrent/torch-venv"

    /// The directory given: a virtual environment or a `site-packages` directory.
    public var path: String

    /// An environment at `path`, a virtual environment or a `site-packages` directory.
    public init(path: String) {
        self.path = (path as NSString).expandingTildeInPath
    }

    /// `$RECURRENT_TORCH_ENV` when set, else the virtual environment `tools/setup.sh` creates
    /// (`~/.local/share/recurrent/torch-venv`).
    public static var `default`: PythonEnvironment {
        if let path = ProcessInfo.processInfo.environment[variable], !path.isEmpty { return PythonEnvironment(path: path) }
        return PythonEnvironment(path: setUpPath)
    }

    /// The `site-packages` directories of the environment for the embedded interpreter's version
    /// (`lib/python3.11/site-packages` of a venv), or the directory itself when it is one.
    public func sitePackages(pythonVersion: String) -> [String] {
        candidateSitePackages(pythonVersion: pythonVersion).filter { candidate in
            var isDirectory: ObjCBool = false
            return FileManager.default.fileExists(atPath: candidate, isDirectory: &isDirectory) && isDirectory.boolValue
        }
    }

    /// Every place a `site-packages` directory of this environment is looked for, in order.
    public func candidateSitePackages(pythonVersion: String) -> [String] {
        var candidates = [
            "\(path)/lib/python\(pythonVersion)/site-packages",
            "\(path)/lib64/python\(pythonVersion)/site-packages",
        ]
        if (path as NSString).lastPathComponent.hasSuffix("-packages") { candidates.insert(path, at: 0) }
        return candidates
    }

    /// Whether the environment has a `torch` package for the given interpreter version.
    public func hasTorch(pythonVersion: String = "3.11") -> Bool {
        sitePackages(pythonVersion: pythonVersion).contains { FileManager.default.fileExists(atPath: "\($0)/torch/__init__.py") }
    }

    /// The command that installs torch into this environment.
    public var installCommand: String {
        path == PythonEnvironment(path: Self.setUpPath).path
            ? "tools/setup.sh"
            : "python3.11 -m venv \(path) && \(path)/bin/pip install torch==\(Self.torchVersion) numpy safetensors"
    }
}
