import Foundation
import Recurrent
import RecurrentFormats
import RecurrentTestSupport
import Testing
@testable import RecurrentConformance

/// The harness must be able to fail: a case whose recorded result is tampered with is reported
/// failed, with a report that says where.
@Suite("The fixture runner catches wrong results")
struct FixtureRunnerTests {
    func fixture(_ name: String, editing edit: (inout Safetensors.File) throws -> Void) throws -> Fixture {
        var file = try Safetensors.read(contentsOf: TestEnvironment.shippedFixtures.appendingPathComponent(name + ".safetensors"))
        try edit(&file)
        return try Fixture(name: name, file: file, directory: TestEnvironment.shippedFixtures)
    }

    func perturbed(_ tensor: AnyTensor?, by epsilon: Double) throws -> AnyTensor {
        guard case .float32(let t) = tensor else { throw FormatError("expected a float32 tensor") }
        var scalars = t.scalars
        scalars[scalars.count / 2] += Float(epsilon)
        return .float32(try Tensor(shape: t.shape, scalars: scalars))
    }

    @Test("an output off by 1e-3 in one element fails, naming output and the element")
    func perturbedOutput() throws {
        let original = FixtureRunner.run(try fixture("large_0_tanh_float32") { _ in })
        #expect(original.passed)
        let broken = try fixture("large_0_tanh_float32") { file in
            file.tensors["output"] = try perturbed(file.tensors["output"], by: 1e-3)
        }
        let result = FixtureRunner.run(broken)
        #expect(!result.passed)
        #expect(result.failures.first?.hasPrefix("output:\nTensor-likes are not close!\n\nMismatched elements: 1 / ") == true)
    }

    @Test("a changed weight fails the initialisation check and the output")
    func perturbedWeight() throws {
        let broken = try fixture("large_0_tanh_float32") { file in
            file.tensors["state.weight_hh_l1"] = try perturbed(file.tensors["state.weight_hh_l1"], by: 0.1)
        }
        let result = FixtureRunner.run(broken)
        #expect(result.failures.contains { $0.hasPrefix("weight_hh_l1 after torch.manual_seed(") })
        #expect(result.failures.contains { $0.hasPrefix("output:") })
    }

    @Test("a different error message fails")
    func wrongMessage() throws {
        let broken = try fixture("error_forward_h0_batch") { file in
            file.metadata["error_message"] = "Expected hidden size (2, 2, 4), got [2, 3, 5]"
        }
        let result = FixtureRunner.run(broken)
        #expect(result.failures.first?.hasPrefix("wrong error:") == true)
    }

    @Test("an expected error that is not thrown fails")
    func missingError() throws {
        let broken = try fixture("error_forward_h0_batch") { file in
            file.tensors["h0"] = .float32(try .zeros([2, 2, 4]))
        }
        let failures = FixtureRunner.run(broken).failures
        #expect(failures.first?.contains("but nothing was thrown") == true, "\(failures)")
    }

    @Test("a missing warning fails")
    func missingWarning() throws {
        let broken = try fixture("warning_dropout_one_layer") { file in file.metadata["warnings"] = "[]" }
        #expect(FixtureRunner.run(broken).failures.first?.hasPrefix("warnings differ") == true)
    }

    @Test("an unreadable file is a failed case, not a crash")
    func unreadable() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("recurrent-broken.safetensors")
        try Data([1, 2, 3]).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        let result = FixtureRunner.run(contentsOf: url)
        #expect(!result.passed)
        #expect(Report.summaryLine([result]) == "0 passed, 1 failed")
    }

    @Test("a changed error stage fails, naming both stages")
    func wrongStage() throws {
        let broken = try fixture("error_forward_h0_batch") { file in file.metadata["error_stage"] = "construct" }
        let failures = FixtureRunner.run(broken).failures
        #expect(failures == ["wrong stage: PyTorch raised at construct, this package at forward"])
    }

    @Test("a tolerance looser than assert_close's default fails, and the output is compared with the default")
    func looseTolerance() throws {
        let broken = try fixture("large_0_tanh_float32") { file in
            file.metadata["atol"] = "1"
            file.tensors["output"] = try perturbed(file.tensors["output"], by: 1e-3)
        }
        let failures = FixtureRunner.run(broken).failures
        #expect(failures.count == 2, "\(failures)")
        #expect(failures.first?.hasPrefix("the fixture asks for rtol=1.3e-06, atol=1.0, looser than assert_close's default") == true)
        #expect(failures.last?.hasPrefix("output:\nTensor-likes are not close!") == true)
    }

    @Test("equal_nan where no input holds NaN or an infinity fails")
    func unjustifiedEqualNaN() throws {
        let broken = try fixture("large_0_tanh_float32") { file in file.metadata["equal_nan"] = "true" }
        #expect(FixtureRunner.run(broken).failures == [
            "the fixture asks for equal_nan, but no input holds NaN or an infinity; compared without it"
        ])
        #expect(FixtureRunner.run(try fixture("special_nan_relu_float32") { _ in }).passed)
    }

    @Test("a case whose output is removed fails; one whose input is removed fails for having checked nothing")
    func nothingCompared() throws {
        let noOutput = try fixture("large_0_tanh_float32") { file in file.tensors["output"] = nil }
        #expect(FixtureRunner.run(noOutput).failures == ["the fixture has no 'output' to compare with"])
        let noInput = try fixture("large_0_tanh_float32") { file in file.tensors["input"] = nil }
        #expect(FixtureRunner.run(noInput).failures == [
            "the case expects an output but compared nothing (its input or results are missing)"
        ])
    }

    @Test("an unknown module fails, listing the modules the runner knows")
    func unknownModule() throws {
        let broken = try fixture("large_0_tanh_float32") { file in file.metadata["module"] = "Transformer" }
        #expect(
            FixtureRunner.run(broken).failures == [
                "unknown module 'Transformer' (known: RNN, LSTM, GRU, RNNCell, LSTMCell, GRUCell, utils, checkpoint, "
                    + "Linear, Embedding, MSELoss, CrossEntropyLoss, optim, clip_grad_norm_, CharRNNTraining)"
            ])
    }

    @Test("a fixture asking for too much is refused before anything is allocated", arguments: [
        ("config", #"{"input_size":100000,"hidden_size":100000}"#, "config 'hidden_size' is 100000, above the runner's limit of 65536"),
        ("config", #"{"input_size":3,"hidden_size":30000,"num_layers":40}"#, "the module's parameters would hold 72002400000 elements, above the runner's limit of 67108864"),
    ])
    func limits(_ key: String, _ value: String, _ message: String) throws {
        var file = try Safetensors.read(contentsOf: TestEnvironment.shippedFixtures.appendingPathComponent("large_0_tanh_float32.safetensors"))
        file.metadata[key] = value
        let failures: [String]
        do {
            failures = FixtureRunner.run(try Fixture(name: "huge", file: file)).failures
        } catch {
            failures = ["\(error)"]
        }
        #expect(failures.count == 1)
        #expect(failures.first?.contains(message) == true, "\(failures)")
    }

    @Test("lengths beyond the limits (2^63 - 1, 2^62) are refused exactly, not rounded through Double")
    func hugeLengths() throws {
        var file = try Safetensors.read(contentsOf: TestEnvironment.shippedFixtures.appendingPathComponent("packed_util_pack_padded_ties_17.safetensors"))
        file.tensors["lengths"] = .int64([Int.max] + Array(repeating: 1, count: 16))
        #expect(throws: FormatError.self) { try Fixture(name: "huge", file: file) }
        #expect(AnyTensor.int64([Int.max, 1 << 62 + 1]).integers == [Int.max, 1 << 62 + 1])
    }

    @Test("a checkpoint case runs its checkpoint through the module's conformance")
    func checkpointCase() throws {
        let url = TestEnvironment.checkpointFixtures.appendingPathComponent("nested_prefix.expected.safetensors")
        let fixture = try Fixture(contentsOf: url)
        #expect(fixture.name == "checkpoint_nested_prefix")
        #expect(FixtureRunner.run(fixture).passed)
        var broken = fixture
        broken.metadata["prefix"] = "encoder."
        #expect(FixtureRunner.run(broken).failures.first?.hasPrefix("unexpected error at construct: KeyError: no RNN parameters under the prefix 'encoder.'") == true)
    }
}

@Suite("CaseError")
struct CaseErrorTests {
    @Test("localizedDescription names the stage and the library's error, or the harness's failure")
    func localizedDescription() {
        let torch = CaseError.torch(.forward, TorchError(.runtimeError, "Expected hidden size (1, 3, 4), got [1, 2, 4]"))
        #expect((torch as any Error).localizedDescription == "at forward: RuntimeError: Expected hidden size (1, 3, 4), got [1, 2, 4]")
        #expect((CaseError.harness("the fixture has no tensor 'x'") as any Error).localizedDescription == "the fixture has no tensor 'x'")
    }
}
