import Foundation
import Recurrent
import RecurrentFormats
import RecurrentTestSupport
import Testing
@testable import RecurrentConformance

/// The training cases (gradients, losses, optimizers, clip_grad_norm_) fail when what they record
/// is tampered with, and the shipped set has them all.
@Suite("The training fixtures: gradients, losses, optimizers and clipping")
struct TrainingFixtureTests {
    func fixture(_ name: String, editing edit: (inout Safetensors.File) throws -> Void = { _ in }) throws -> Fixture {
        var file = try Safetensors.read(contentsOf: TestEnvironment.shippedFixtures.appendingPathComponent(name + ".safetensors"))
        try edit(&file)
        return try Fixture(name: name, file: file, directory: TestEnvironment.shippedFixtures)
    }

    func shifted(_ tensor: AnyTensor?, by epsilon: Double) throws -> AnyTensor {
        switch tensor {
        case .float32(let t)?: return .float32(try Tensor(shape: t.shape, scalars: t.scalars.map { $0 + Float(epsilon) }))
        case .float64(let t)?: return .float64(try Tensor(shape: t.shape, scalars: t.scalars.map { $0 + epsilon }))
        default: throw FormatError("expected a floating-point tensor")
        }
    }

    @Test("a changed parameter gradient, a changed cotangent and a missing gradient each fail a Linear case")
    func linearGradients() throws {
        let name = "linear_grad_01_bias_batched_float64"
        #expect(FixtureRunner.run(try fixture(name)).passed)
        let weight = FixtureRunner.run(try fixture(name) { $0.tensors["grad.weight"] = try shifted($0.tensors["grad.weight"], by: 1e-6) })
        #expect(weight.failures.count == 1 && weight.failures[0].hasPrefix("grad.weight:\nTensor-likes are not close!"))
        let cotangent = FixtureRunner.run(
            try fixture(name) { $0.tensors["cotangent.output"] = try shifted($0.tensors["cotangent.output"], by: 1e-3) })
        #expect(Set(cotangent.failures.map { String($0.prefix { $0 != ":" }) }) == ["grad.input", "grad.weight", "grad.bias"])
        let extra = FixtureRunner.run(try fixture(name) { $0.tensors["grad.bias"] = nil })
        #expect(extra.failures == ["grad.bias: this package computed a gradient PyTorch did not record"])
    }

    @Test("an Embedding case's gradient must keep the padding row at zero")
    func embeddingPadding() throws {
        let name = "embedding_grad_table1_pad1_freq_float32"
        #expect(FixtureRunner.run(try fixture(name)).passed)
        let broken = FixtureRunner.run(
            try fixture(name) { file in
                guard case .float32(let gradient)? = file.tensors["grad.weight"] else { throw FormatError("no grad.weight") }
                var scalars = gradient.scalars
                scalars[3] = 1  // row 1, the padding row
                file.tensors["grad.weight"] = .float32(try Tensor(shape: gradient.shape, scalars: scalars))
            })
        #expect(broken.failures.count == 1 && broken.failures[0].hasPrefix("grad.weight:"))
    }

    @Test("an optimizer case fails on a changed intermediate step and on state PyTorch did not keep")
    func optimizer() throws {
        let name = "optim_adam_02_amsgrad_float64"
        #expect(FixtureRunner.run(try fixture(name)).passed)
        let step = FixtureRunner.run(
            try fixture(name) { $0.tensors["step.1.param.0"] = try shifted($0.tensors["step.1.param.0"], by: 1e-6) })
        #expect(step.failures.count == 1 && step.failures[0].hasPrefix("step.1.param.0:"))
        let state = FixtureRunner.run(try fixture(name) { $0.tensors["optimizer.0.max_exp_avg_sq"] = nil })
        #expect(state.failures.count == 1 && state.failures[0].hasPrefix("optimizer state: PyTorch has"))
        let hostile = FixtureRunner.run(try fixture(name) { $0.metadata["steps"] = "1000000000000" })
        #expect(hostile.failures.count == 1 && hostile.failures[0].contains("'steps' is 1000000000000, not a count up to 65536"))
        let many = FixtureRunner.run(try fixture(name) { $0.metadata["steps"] = "60000" })
        #expect(many.failures.count == 1 && many.failures[0].contains("60000 steps of 3 parameters need more results than its"))
    }

    @Test("a resumed optimizer fails when the saved state is not loaded")
    func resumed() throws {
        let url = TestEnvironment.checkpointFixtures.appendingPathComponent("optim_resume_adam.expected.safetensors")
        #expect(FixtureRunner.run(contentsOf: url).passed)
        var file = try Safetensors.read(contentsOf: url)
        file.metadata["checkpoint"] = "optim_resume_sgd.pt"
        let mixed = FixtureRunner.run(try Fixture(name: "mixed", file: file, directory: TestEnvironment.checkpointFixtures))
        #expect(mixed.failures.count == 1)
        #expect(
            mixed.failures.first?.hasPrefix(
                "unexpected error at construct: KeyError: the state dict's parameter group has no pair of numbers 'betas'") == true)
    }

    @Test("the shipped set has every family of training cases, gradient cases named grad and marked gradients=true")
    func coverage() throws {
        let names = shippedFixtures.map(\.name)
        for (prefix, least) in [
            ("linear_grad_", 20), ("embedding_grad_", 30), ("mse_loss_grad_", 20), ("cross_entropy_loss_grad_", 25),
            ("optim_sgd_", 14), ("optim_adam_", 14), ("optim_adamw_", 6), ("clip_grad_norm_", 30), ("error_optim_", 14),
            ("error_linear_", 8), ("error_embedding_", 10), ("error_cross_entropy_loss_", 18),
        ] {
            #expect(names.count { $0.hasPrefix(prefix) } >= least, "\(prefix)")
        }
        for fixture in shippedFixtures where fixture.recordsGradients {
            #expect(fixture.name.contains("grad"), "\(fixture.name)")
            #expect(fixture.tensors.keys.contains { $0.hasPrefix("grad.") }, "\(fixture.name)")
        }
        #expect(shippedCaseFiles.count { $0.lastPathComponent.hasPrefix("optim_resume_") } == 3)
    }
}
