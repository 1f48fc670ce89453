import Foundation
import PythonBridge
import RecurrentConformance
import RecurrentFormats

/// The randomized live comparison against the PyTorch of an embedded Python: `conform --live`.
///
/// Each case is drawn from `(seed, index)` alone by `recurrent_fixtures.live.live_case` in `tools/`, running in
/// the embedded interpreter: torch builds the module with its own initialisation, draws the inputs,
/// runs them (or records the exception it raises) and hands the case over in the fixture format, which
/// ``FixtureRunner`` then runs against this package. So a case found live is a fixture already:
/// ``Case/fixture`` is the file to keep.
///
/// ```swift
/// let live = try LiveComparison(environment: .default)
/// let outcome = live.run(LiveComparison.CaseID(seed: 3, index: 0))
/// print(outcome.result.passed)
/// ```
public final class LiveComparison: Sendable {
    /// Which case to draw.
    public struct CaseID: Hashable, Sendable {
        /// The run's seed.
        public var seed: Int
        /// The case's position in the run.
        public var index: Int
        /// `float32`, `float64` or `all`.
        public var dtype: String
        /// Whether to draw only cases with an output (no invalid calls), as error injection needs.
        public var numericOnly: Bool

        /// Identifies a case.
        public init(seed: Int, index: Int, dtype: String = "all", numericOnly: Bool = false) {
            self.seed = seed
            self.index = index
            self.dtype = dtype
            self.numericOnly = numericOnly
        }
    }

    /// One drawn and compared case.
    public struct Case: Sendable {
        /// The comparison's result.
        public var result: CaseResult
        /// The case in the fixture format (a safetensors file), when torch produced it.
        public var fixture: [UInt8]?
    }

    /// The embedded interpreter.
    public let python: Python
    private let generator: PythonObject
    /// Drawing a case seeds torch's global generator, which every thread shares, and torch lets go of
    /// the GIL inside its operations: draws must not overlap.
    private static let drawing = NSLock()

    /// Starts the embedded Python with torch from `environment` and loads the fixture generator from
    /// `toolsDirectory` (by default the package's own `tools/`).
    ///
    /// - Throws: ``PythonError`` when torch is missing or the generator cannot be imported.
    public init(environment: PythonEnvironment = .default, toolsDirectory: URL = LiveComparison.packageTools) throws(PythonError) {
        python = try Python.start(environment: environment)
        try python.prependImportPath(toolsDirectory.path)
        try python.setTorchThreads(1)
        generator = try python.importModule("recurrent_fixtures.live")
    }

    /// The package's `tools/` directory.
    public static var packageTools: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("tools")
    }

    /// Draws case `id` in torch and runs it here; a case torch could not produce is a failed case that
    /// carries the Python error. The result's ``CaseResult/seconds`` include the draw.
    public func run(_ id: CaseID, options: FixtureRunner.Options = .init()) -> Case {
        var fixture: [UInt8]?
        let result = FixtureRunner.timed {
            let (result, bytes) = draw(id, options)
            fixture = bytes
            return result
        }
        return Case(result: result, fixture: fixture)
    }

    /// Draws case `id` in torch and runs it: the result, and the case's bytes when torch drew it.
    private func draw(_ id: CaseID, _ options: FixtureRunner.Options) -> (CaseResult, [UInt8]?) {
        let drawn: (name: String, bytes: [UInt8])
        Self.drawing.lock()
        defer { Self.drawing.unlock() }
        do {
            drawn = try python.withGIL { () throws(PythonError) -> (String, [UInt8]) in
                let pair = try generator.attribute("live_case").call(
                    PythonObject(id.seed), PythonObject(id.index), PythonObject(id.dtype),
                    PythonObject(id.numericOnly ? 1 : 0))
                return (try pair.item(0).string(), try pair.item(1).bytes())
            }
        } catch {
            let name = "live_s\(id.seed)_\(String(format: "%05d", id.index))"
            return (CaseResult(name: name, summary: "torch could not draw the case", failures: ["\(error)"]), nil)
        }
        do {
            let fixture = try Fixture(name: drawn.name, file: try Safetensors.read(Data(drawn.bytes)))
            return (FixtureRunner.run(fixture, options: options), drawn.bytes)
        } catch {
            return (CaseResult(name: drawn.name, summary: "unreadable case", failures: ["\(error)"]), drawn.bytes)
        }
    }
}
