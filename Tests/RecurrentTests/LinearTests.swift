import Testing
@testable import Recurrent
import RecurrentTestSupport

@Suite("Linear follows torch.nn.Linear")
struct LinearTests {
    @Test("torch.manual_seed(0); nn.Linear(3, 2) bit for bit, in both dtypes")
    func pytorchInitialisation() throws {
        // Printed by torch 2.15.0 as bit patterns.
        let single = try Linear<Float>(inFeatures: 3, outFeatures: 2, seed: 0)
        #expect(single.weight.scalars.map(\.bitPattern) == [0xBB8D_A3E8, 0x3E9E_9313, 0xBEF3_4B7E, 0xBED9_8BC9, 0xBE63_B4B1, 0x3E1E_8953])
        #expect(single.bias?.scalars.map(\.bitPattern) == [0xBC3B_6B40, 0x3EEA_617A])
        let double = try Linear<Double>(inFeatures: 3, outFeatures: 2, seed: 0)
        #expect(
            double.weight.scalars.map(\.bitPattern) == [
                0x3FE1_5E60_24C8_073D, 0x3FCE_B753_D2C1_45B0, 0xBFA8_0358_E4EC_4C4D, 0x3FDF_17F6_7E80_41DF,
                0x3FC5_6F4F_82BC_0698, 0x3FD5_841D_4E79_64AD,
            ])
        #expect(double.bias?.scalars.map(\.bitPattern) == [0xBFD7_C053_59F6_C0FB, 0xBFC6_01AC_B5E2_A6AD])
    }

    @Test("weights and bias lie in [-1/sqrt(in_features), 1/sqrt(in_features)]")
    func bounds() throws {
        let linear = try Linear<Float>(inFeatures: 50, outFeatures: 40, seed: 5)
        let bound = Float(1 / 50.0.squareRoot())
        #expect(linear.weight.scalars.allSatisfy { $0.magnitude <= bound })
        #expect(linear.bias?.scalars.allSatisfy { $0.magnitude <= bound } == true)
        #expect(Set(linear.weight.scalars).count > 1000)
    }

    @Test("a zero-element weight warns as PyTorch does and stays zero; the bias is zeros when in_features is 0")
    func zeroElements() throws {
        var warnings: [TorchWarning] = []
        let linear = try Linear<Float>(inFeatures: 0, outFeatures: 3, seed: 0) { warnings.append($0) }
        #expect(warnings == [TorchWarning("Initializing zero-element tensors is a no-op")])
        #expect(linear.weight.shape == [3, 0])
        #expect(linear.bias?.scalars == [0, 0, 0])
        let output = try linear(try Tensor<Float>.zeros([5, 0]))
        #expect(output.shape == [5, 3] && output.scalars.allSatisfy { $0 == 0 })
        // The bias's three draws still advance the generator, as in PyTorch.
        var generator = TorchGenerator(seed: 0)
        _ = try Linear<Float>(inFeatures: 0, outFeatures: 3, generator: &generator) { _ in }
        var reference = TorchGenerator(seed: 0)
        for _ in 0..<3 { _ = reference.next32() }
        #expect(generator.next32() == reference.next32())
    }

    @Test("negative sizes, 0-D inputs and wrong feature sizes throw PyTorch's messages")
    func messages() throws {
        #expect(throws: TorchError(.runtimeError, "Trying to create tensor with negative dimension -1: [3, -1]")) {
            try Linear<Float>(inFeatures: -1, outFeatures: 3, seed: 0)
        }
        let linear = try Linear<Float>(inFeatures: 3, outFeatures: 2, seed: 0)
        let noBias = try Linear<Float>(inFeatures: 3, outFeatures: 2, bias: false, seed: 0)
        #expect(throws: TorchError(.runtimeError, "both arguments to linear need to be at least 1D, but they are 0D and 2D")) {
            try linear(Tensor<Float>(scalar: 1))
        }
        #expect(throws: TorchError(.runtimeError, "addmm: mat1 and mat2 shapes cannot be multiplied (10x4 and 3x2)")) {
            try linear(try Tensor<Float>.zeros([2, 5, 4]))
        }
        #expect(throws: TorchError(.runtimeError, "mm: mat1 and mat2 shapes cannot be multiplied (1x4 and 3x2)")) {
            try noBias(try Tensor<Float>.zeros([4]))
        }
        #expect(throws: TorchError(.runtimeError, "mat1 and mat2 must have the same dtype, but got Double and Float")) {
            try linear(AnyTensor.float64(try Tensor<Double>.zeros([2, 3])))
        }
        #expect(throws: TorchError(.runtimeError, "expected m1 and m2 to have the same dtype, but got: double != float")) {
            try noBias(AnyTensor.float64(try Tensor<Double>.zeros([2, 3])))
        }
        #expect(linear.description == "Linear(in_features=3, out_features=2, bias=True)")
    }

    @Test("any leading dimensions: (*, in) to (*, out), the same numbers as row by row")
    func leadingDimensions() throws {
        let linear = try Linear<Double>(inFeatures: 3, outFeatures: 2, seed: 1)
        let input: Tensor<Double> = randomTensor([2, 4, 3], seed: 2)
        let output = try linear(input)
        #expect(output.shape == [2, 4, 2])
        for row in 0..<8 {
            let single = try linear(try Tensor(shape: [3], scalars: Array(input.scalars[(row * 3)..<(row * 3 + 3)])))
            #expect(single.shape == [2])
            let expected = (0..<2).map { o in
                (0..<3).reduce(linear.bias!.scalars[o]) { $0 + linear.weight.scalars[o * 3 + $1] * input.scalars[row * 3 + $1] }
            }
            #expect(Differences.greatestAbsolute(single.scalars, expected).map { $0 < 1e-15 } == true)
            #expect(Array(output.scalars[(row * 2)..<(row * 2 + 2)]) == single.scalars)
        }
        #expect(try linear(try Tensor<Double>.zeros([2, 0, 3])).shape == [2, 0, 2])
    }

    @Test("backward matches central differences for the input, weight and bias", arguments: [[5, 3], [3], [2, 2, 3], [0, 3]])
    func gradients(inputShape: [Int]) throws {
        let linear = try Linear<Double>(inFeatures: 3, outFeatures: 4, seed: 3)
        let input: Tensor<Double> = randomTensor(inputShape, seed: 4)
        let (output, trace) = try linear.trainingForward(input)
        let cotangent: Tensor<Double> = randomTensor(output.shape, seed: 5)
        let (inputGradient, parameters) = try linear.backward(trace, outputGradient: cotangent)
        #expect(parameters.names == ["weight", "bias"])
        let numericalInput = try centralDifferences(at: input) { try dot(linear($0), cotangent) }
        #expect(gradientMismatches(inputGradient.scalars, numericalInput) == [])
        for name in ["weight", "bias"] {
            let numerical = try centralDifferences(at: try #require(linear.parameter(named: name))) { value in
                var changed = linear
                try changed.setParameter(named: name, to: value)
                return dot(try changed(input), cotangent)
            }
            let analytic = try #require(parameters[name])
            #expect(analytic.shape == linear.parameterShape(named: name))
            #expect(gradientMismatches(analytic.scalars, numerical) == [], "\(name)")
        }
    }

    @Test("backward refuses a gradient of another shape than the output, with autograd's message")
    func gradientShape() throws {
        let linear = try Linear<Float>(inFeatures: 3, outFeatures: 2, bias: false, seed: 0)
        let (_, trace) = try linear.trainingForward(try Tensor<Float>.zeros([4, 3]))
        #expect(
            throws: TorchError(
                .runtimeError,
                "Mismatch in shape: grad_output[0] has a shape of torch.Size([4, 3]) and output[0] has a shape of torch.Size([4, 2]).")
        ) {
            try linear.backward(trace, outputGradient: try Tensor<Float>.zeros([4, 3]))
        }
        let (_, gradients) = try linear.backward(trace, outputGradient: try Tensor<Float>.zeros([4, 2]))
        #expect(gradients.names == ["weight"])
    }

    @Test("a state dict loads by prefix; sizes and bias come from the tensors")
    func stateDict() throws {
        let head = try Linear<Float>(inFeatures: 4, outFeatures: 2, seed: 7)
        let saved = head.stateDict().prefixed("head.")
        let loaded = try Linear<Float>(stateDict: saved, prefix: "head.")
        #expect(loaded == head)
        let noBias = try Linear<Float>(stateDict: ["weight": .float32(head.weight)])
        #expect(noBias.bias == nil && noBias.parameterNames == ["weight"])
        #expect(throws: TorchError.self) { try Linear<Double>(stateDict: saved, prefix: "head.") }
        let converted = try Linear<Double>(stateDict: saved, prefix: "head.", convertingDType: true)
        #expect(converted.weight == head.weight.converted(to: Double.self))
        let error = thrownError { () throws(TorchError) in try Linear<Float>(stateDict: saved, prefix: "tail.") }
        #expect(error?.kind == .keyError)
        #expect(error?.message.hasPrefix("no Linear parameters under the prefix 'tail.'") == true)
    }
}
