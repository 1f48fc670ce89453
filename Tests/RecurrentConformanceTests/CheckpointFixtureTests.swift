import Foundation
import Recurrent
import RecurrentFormats
import RecurrentTestSupport
import Testing
@testable import RecurrentConformance

/// `fixtures/checkpoints/`: files torch.save wrote, each beside the output torch computed for it.
let checkpointFixtures = TestEnvironment.checkpointFixtures

let checkpointCaseNames: [String] = ((try? FileManager.default.contentsOfDirectory(atPath: checkpointFixtures.path)) ?? [])
    .filter { $0.hasSuffix(".expected.safetensors") }
    .map { String($0.dropLast(".expected.safetensors".count)) }
    .sorted()

@Suite("Checkpoints written by torch.save load without Python (each is also a case the runner runs)")
struct CheckpointFixtureTests {
    @Test("the set covers both formats, a training checkpoint, views, shared storage, float64 and safetensors")
    func coverage() {
        #expect(checkpointCaseNames.count >= 10)
        for name in ["zip_state_dict", "legacy_state_dict", "training_checkpoint", "non_contiguous", "shared_storage",
                     "float64_relu_batch_first", "nested_prefix", "safetensors_state_dict", "packed_lengths"] {
            #expect(checkpointCaseNames.contains(name))
        }
    }

    @Test("a training checkpoint is read whole: epoch, optimizer state and the rest")
    func trainingCheckpoint() throws {
        let value = try TorchCheckpoint.read(contentsOf: checkpointFixtures.appendingPathComponent("training_checkpoint.pt"))
        #expect(value["epoch"] == .int(7))
        #expect(value["loss"] == .float(0.25))
        #expect(value["note"] == .string("trained"))
        #expect(value["flags"] == .tuple([.bool(true), .none]))
        #expect(value["history"] == .list([.float(1.0), .float(0.5)]))
        let state = try #require(value["optimizer"]?["state"])
        guard case .dict(let entries) = state else { Issue.record("optimizer state is not a dict"); return }
        #expect(!entries.isEmpty)
        #expect(value.tensors.contains { $0.path.hasPrefix("optimizer/state/") })
    }

    @Test("a float64 checkpoint loads into a Double model, and into a Float model only when asked")
    func dtypes() throws {
        let value = try TorchCheckpoint.read(contentsOf: checkpointFixtures.appendingPathComponent("float64_relu_batch_first.pt"))
        let stateDict = try #require(value.stateDict)
        _ = try RNN<Double>(stateDict: stateDict, nonlinearity: .relu, batchFirst: true)
        #expect(
            throws: TorchError(
                .valueError,
                "the state dict holds torch.float64 tensors but the model computes in torch.float32; "
                    + "build the model in float64, or ask for the conversion (convertingDType: true)")
        ) { try RNN<Float>(stateDict: stateDict, nonlinearity: .relu, batchFirst: true) }
        let converted = try RNN<Float>(stateDict: stateDict, nonlinearity: .relu, batchFirst: true, convertingDType: true)
        #expect(converted.stateDict()["weight_ih_l0"]?.dtype == .float32)
    }
}
