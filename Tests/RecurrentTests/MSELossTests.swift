import Testing
@testable import Recurrent

@Suite("MSELoss follows torch.nn.MSELoss")
struct MSELossTests {
    @Test("mean, sum and none of the squared errors")
    func reductions() throws {
        let input = try Tensor<Double>(shape: [2, 2], scalars: [1, 2, 3, 4])
        let target = try Tensor<Double>(shape: [2, 2], scalars: [0, 2, 5, 1])
        #expect(try MSELoss(reduction: .mean)(input, target).scalars == [(1 + 0 + 4 + 9) / 4])
        #expect(try MSELoss(reduction: .sum)(input, target) == Tensor(scalar: 14))
        #expect(try MSELoss(reduction: .none)(input, target).scalars == [1, 0, 4, 9])
        #expect(try MSELoss<Double>()(try Tensor.zeros([0]), try Tensor.zeros([0])).scalars[0].isNaN)
        #expect(throws: TorchError(.valueError, "bad is not a valid value for reduction")) { try Reduction(pytorchName: "bad") }
    }

    @Test("different shapes broadcast, with PyTorch's warning, or throw its message")
    func broadcasting() throws {
        var warnings: [TorchWarning] = []
        let input: Tensor<Double> = randomTensor([3, 4], seed: 1)
        let target: Tensor<Double> = randomTensor([3, 1], seed: 2)
        let loss = try MSELoss<Double>(reduction: .none)(input, target) { warnings.append($0) }
        #expect(loss.shape == [3, 4])
        #expect(
            warnings.map(\.message) == [
                "Using a target size (torch.Size([3, 1])) that is different to the input size (torch.Size([3, 4])). "
                    + "This will likely lead to incorrect results due to broadcasting. Please ensure they have the same size."
            ])
        #expect(
            throws: TorchError(.runtimeError, "The size of tensor a (4) must match the size of tensor b (5) at non-singleton dimension 1")
        ) {
            try MSELoss<Double>()(input, try Tensor.zeros([5])) { _ in }
        }
    }

    @Test(
        "backward matches central differences for the input and the target",
        arguments: [(Reduction.mean, [3, 4], [3, 4]), (.sum, [2, 3], [3]), (.none, [2, 1, 3], [4, 1])])
    func gradients(reduction: Reduction, inputShape: [Int], targetShape: [Int]) throws {
        let loss = MSELoss<Double>(reduction: reduction)
        let input: Tensor<Double> = randomTensor(inputShape, seed: 3)
        let target: Tensor<Double> = randomTensor(targetShape, seed: 4)
        let (value, trace) = try loss.trainingForward(input, target) { _ in }
        let cotangent: Tensor<Double> = randomTensor(value.shape, seed: 5)
        let gradients = try loss.backward(trace, lossGradient: cotangent)
        let forInput = try centralDifferences(at: input) { dot(try loss($0, target) { _ in }, cotangent) }
        let forTarget = try centralDifferences(at: target) { dot(try loss(input, $0) { _ in }, cotangent) }
        #expect(gradients.input.shape == inputShape && gradients.target.shape == targetShape)
        #expect(gradientMismatches(gradients.input.scalars, forInput) == [])
        #expect(gradientMismatches(gradients.target.scalars, forTarget) == [])
    }

    @Test("loss.backward() starts from 1 for a scalar loss and refuses a loss of several elements")
    func implicitGradient() throws {
        let input: Tensor<Float> = randomTensor([4], seed: 6)
        let (_, trace) = try MSELoss<Float>().trainingForward(input, try Tensor.zeros([4]))
        #expect(try MSELoss<Float>().backward(trace).input.scalars == input.scalars.map { 2 * $0 / 4 })
        let (_, unreduced) = try MSELoss<Float>(reduction: .none).trainingForward(input, try Tensor.zeros([4]))
        #expect(throws: TorchError(.runtimeError, "grad can be implicitly created only for scalar outputs")) {
            try MSELoss<Float>(reduction: .none).backward(unreduced)
        }
    }
}
