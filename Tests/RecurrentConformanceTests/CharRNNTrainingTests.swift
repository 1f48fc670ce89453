import Foundation
import Recurrent
import RecurrentFormats
import RecurrentTestSupport
import Testing
@testable import RecurrentConformance

/// The trained character model (`training_char_rnn_*`) against PyTorch's run of the same steps.
@Suite("A character model trains as PyTorch trains it")
struct CharRNNTrainingTests {
    @Test("float32: all 100 steps within assert_close's default of PyTorch's float32 losses and gradient norms")
    func float32Over100Steps() throws {
        var file = try Safetensors.read(
            contentsOf: TestEnvironment.shippedFixtures.appendingPathComponent("training_char_rnn_float32.safetensors"))
        let first = try #require(file.tensors["losses"]?.tensor(of: Float.self))
        let later = try #require(file.tensors["later_losses"]?.tensor(of: Float.self))
        #expect(first.count == 20 && first.count + later.count == 100)
        file.tensors["losses"] = .float32(try Tensor(shape: [100], scalars: first.scalars + later.scalars))
        file.tensors["gradient_norms"] = nil
        let result = FixtureRunner.run(try Fixture(name: "training_char_rnn_float32_100_steps", file: file))
        #expect(result.failures.count == 1, "\(result.failures)")
        #expect(result.failures.first == "the fixture has no 'gradient_norms' to compare with")
        #expect((result.maxRelativeDifference ?? .infinity) < 1e-4, "losses over 100 steps: \(result)")
    }

    @Test("a loss curve off by one part in 10^8 at one step fails the float64 case")
    func perturbedCurve() throws {
        var file = try Safetensors.read(
            contentsOf: TestEnvironment.shippedFixtures.appendingPathComponent("training_char_rnn_float64.safetensors"))
        var losses = try #require(file.tensors["losses"]?.tensor(of: Double.self)).scalars
        losses[50] *= 1 + 1e-8
        file.tensors["losses"] = .float64(try Tensor(shape: [losses.count], scalars: losses))
        let result = FixtureRunner.run(try Fixture(name: "perturbed", file: file))
        #expect(result.failures.first?.hasPrefix("losses:\nTensor-likes are not close!") == true, "\(result.failures)")
    }
}
