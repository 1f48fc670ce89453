import Foundation
import Recurrent
import RecurrentFormats
import Testing
@testable import RecurrentConformance

/// The harness must be able to fail: a case whose recorded result is tampered with is reported
/// failed, with a report that says where.
@Suite("The fixture runner catches wrong results")
struct FixtureRunnerTests {
    func fixture(_ name: String, editing edit: (inout Safetensors.File) throws -> Void) throws -> Fixture {
        var file = try Safetensors.read(contentsOf: shippedFixtures.appendingPathComponent(name + ".safetensors"))
        try edit(&file)
        return try Fixture(name: name, file: file)
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
}
