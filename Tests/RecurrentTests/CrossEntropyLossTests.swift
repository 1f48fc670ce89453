import RealModule
import Testing
@testable import Recurrent

@Suite("CrossEntropyLoss follows torch.nn.CrossEntropyLoss for class indices")
struct CrossEntropyLossTests {
    @Test("the loss of one row is logsumexp minus the target's logit")
    func definition() throws {
        let logits = try Tensor<Double>(shape: [3], scalars: [1, 2, 3])
        let loss = try CrossEntropyLoss<Double>()(logits, IndexTensor(scalar: 0))
        let expected = Double.log(Double.exp(1) + Double.exp(2) + Double.exp(3)) - 1
        #expect(loss.shape == [] && (loss.scalars[0] - expected).magnitude < 1e-15)
    }

    @Test("weights, ignore_index and the mean's denominator")
    func weightsAndIgnoredTargets() throws {
        let logits: Tensor<Double> = randomTensor([3, 4], seed: 1)
        let weight = try Tensor<Double>(shape: [4], scalars: [1, 2, 3, 4])
        let targets = IndexTensor([1, -100, 3])
        let none = try CrossEntropyLoss(weight: weight, reduction: .none)(logits, targets)
        #expect(none.shape == [3] && none.scalars[1] == 0)
        let mean = try CrossEntropyLoss(weight: weight)(logits, targets)
        #expect((mean.scalars[0] - (none.scalars[0] + none.scalars[2]) / 6).magnitude < 1e-15)
        let allIgnored = try CrossEntropyLoss<Double>()(logits, IndexTensor([-100, -100, -100]))
        #expect(allIgnored.scalars[0].isNaN)
        #expect(try CrossEntropyLoss<Double>(reduction: .sum)(logits, IndexTensor([-100, -100, -100])) == Tensor(scalar: 0))
    }

    @Test("PyTorch's messages, in its order")
    func messages() throws {
        let logits: Tensor<Float> = randomTensor([3, 4], seed: 2)
        let loss = CrossEntropyLoss<Float>()
        #expect(throws: TorchError(.indexError, "Target 4 is out of bounds.")) { try loss(logits, IndexTensor([0, 4, 1])) }
        #expect(throws: TorchError(.valueError, "Expected input batch_size (3) to match target batch_size (2).")) {
            try loss(logits, IndexTensor([0, 1]))
        }
        #expect(throws: TorchError(.runtimeError, "Expected target size [2, 3], got [2, 4]")) {
            try loss(try Tensor.zeros([2, 4, 3]), try IndexTensor(shape: [2, 4], indices: Array(repeating: 0, count: 8)))
        }
        #expect(throws: TorchError(.runtimeError, "size mismatch (got input: [3, 4, 2, 2] , target: [3, 2, 3]")) {
            try loss(try Tensor.zeros([3, 4, 2, 2]), try IndexTensor(shape: [3, 2, 3], indices: Array(repeating: 0, count: 18)))
        }
        #expect(throws: TorchError(.runtimeError, "label_smoothing must be between 0.0 and 1.0. Got: 1.5")) {
            try CrossEntropyLoss<Float>(labelSmoothing: 1.5)(logits, IndexTensor([0, 1, 2]))
        }
        #expect(
            throws: TorchError(
                .runtimeError, "weight tensor should be defined either for all 4 classes or no classes but got weight tensor of shape: [2]")
        ) {
            try CrossEntropyLoss<Float>(weight: try Tensor.zeros([2]))(logits, IndexTensor([0, 1, 2]))
        }
        #expect(throws: TorchError(.runtimeError, "expected target dtype to be Long or Byte, but got Int")) {
            try loss(logits, AnyTensor.raw(try RawTensor(dtype: .int32, shape: [3], bytes: Array(repeating: 0, count: 12))))
        }
        #expect(throws: TorchError(.valueError, "For 1D input, 1D target must have size 1, but got target size: 2")) {
            try loss(try Tensor.zeros([4]), IndexTensor([1, 2]))
        }
    }

    @Test(
        "backward matches central differences",
        arguments: [
            (Reduction.mean, [4, 5], [4], false, 0.0, -100), (.sum, [3, 4, 2], [3, 2], true, 0.0, 1),
            (.none, [2, 3, 2, 2], [2, 2, 2], false, 0.2, -100), (.mean, [5], [], true, 0.3, -100),
            (.mean, [4, 5], [4], true, 0.1, 2),
        ])
    func gradients(
        reduction: Reduction, inputShape: [Int], targetShape: [Int], weighted: Bool, labelSmoothing: Double, ignoreIndex: Int
    ) throws {
        let classes = inputShape.count == 1 ? inputShape[0] : inputShape[1]
        let weight: Tensor<Double>? = weighted ? try Tensor(shape: [classes], scalars: (0..<classes).map { 0.5 + Double($0) }) : nil
        let loss = CrossEntropyLoss(weight: weight, ignoreIndex: ignoreIndex, reduction: reduction, labelSmoothing: labelSmoothing)
        let input: Tensor<Double> = randomTensor(inputShape, seed: 3, scale: 2)
        var generator = TorchGenerator(seed: 4)
        let count = targetShape.reduce(1, *)
        let targets = try IndexTensor(shape: targetShape, indices: (0..<count).map { _ in Int(generator.next32() % UInt32(classes)) })
        let (value, trace) = try loss.trainingForward(input, targets)
        let cotangent: Tensor<Double> = randomTensor(value.shape, seed: 5)
        let analytic = try loss.backward(trace, lossGradient: cotangent)
        let numerical = try centralDifferences(at: input) { dot(try loss($0, targets), cotangent) }
        #expect(analytic.shape == inputShape)
        #expect(gradientMismatches(analytic.scalars, numerical) == [])
        #expect(numerical.contains { $0.magnitude > 1e-3 })
    }
}
