import Foundation
import Recurrent
import RecurrentFormats

/// A file `torch.save` (or safetensors) wrote, beside the output torch computed for the module in
/// it: `checkpoints/NAME.expected.safetensors` names the file (`checkpoint`), the sub-dictionary
/// (`key`), the module (`module`, `RNN` when absent) and how to load it; the module's own
/// conformance builds it from the file and compares its output (``ModuleConformance/runCheckpoint(_:_:)``).
public struct CheckpointConformance: ModuleConformance {
    /// ``Fixture/checkpointModule``: checkpoint cases are found by their format, not a `module` field.
    public static let module = Fixture.checkpointModule

    let fixture: Fixture
    let file: String
    let moduleConformance: any ModuleConformance.Type

    /// Reads the case's `checkpoint` and `module`.
    public init(_ fixture: Fixture) throws(FormatError) {
        self.fixture = fixture
        file = try fixture.field("checkpoint")
        guard !file.contains("/"), !file.hasPrefix(".") else {
            throw FormatError("fixture \(fixture.name): the checkpoint '\(file)' must be a file name beside the case")
        }
        moduleConformance = try ModuleConformances.conformance(for: fixture.metadata["module"] ?? RNNConformance.module)
    }

    /// `checkpoint nested_prefix.pt [model] prefix encoder.rnn. float32`.
    public var summary: String {
        var text = "checkpoint \(file)"
        if let key = fixture.metadata["key"] { text += " [\(key)]" }
        if let prefix = fixture.metadata["prefix"], !prefix.isEmpty { text += " prefix \(prefix)" }
        return text + " \(moduleConformance.module) \(fixture.dtype.rawValue)"
    }

    /// Reads the checkpoint and hands its state dict to the module's conformance.
    public func run<Scalar: RecurrentScalar>(_ run: inout CaseRun<Scalar>) throws(CaseError) {
        guard let directory = fixture.directory else { throw .harness("the case was not read from a directory") }
        let value: CheckpointValue
        do {
            value = try CheckpointFile.read(contentsOf: directory.appendingPathComponent(file)).value
        } catch {
            throw .harness("cannot read \(file): \(error)")
        }
        let scoped: CheckpointValue
        if let key = fixture.metadata["key"] {
            guard let inner = value[key] else { throw .harness("\(file) has no key '\(key)'") }
            scoped = inner
        } else {
            scoped = value
        }
        try moduleConformance.runCheckpoint(value: scoped, &run)
    }
}
