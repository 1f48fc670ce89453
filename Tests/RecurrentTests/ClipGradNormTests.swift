import Testing
@testable import Recurrent

@Suite("clipGradNorm follows torch.nn.utils.clip_grad_norm_")
struct ClipGradNormTests {
    let first = try! Tensor<Double>(shape: [2], scalars: [3, 4])
    let second = try! Tensor<Double>(shape: [1, 1], scalars: [12])

    @Test("the total 2-norm is the norm of all gradients together; above max_norm they are scaled down")
    func twoNorm() throws {
        var gradients: [Tensor<Double>?] = [first, nil, second]
        let total = try clipGradNorm(&gradients, maxNorm: 6.5)
        #expect(total == 13)
        let coefficient = (1 / (13 + 1e-6)) * 6.5
        #expect(gradients[0]?.scalars == [3 * coefficient, 4 * coefficient])
        #expect(gradients[1] == nil)
        #expect(gradients[2]?.scalars == [12 * coefficient] && gradients[2]?.shape == [1, 1])
        var small: [Tensor<Double>?] = [first]
        #expect(try clipGradNorm(&small, maxNorm: 100) == 5)
        #expect(small == [first])
    }

    @Test("other orders: inf, 1, 0, -inf, 0.5")
    func orders() throws {
        for (order, expected) in [(Double.infinity, 12.0), (1, 19), (0, 2), (-.infinity, 3), (0.5, 0)] {
            var gradients: [Tensor<Double>?] = [first, second]
            let total = try clipGradNorm(&gradients, maxNorm: 1000, normType: order)
            if order == 0.5 {
                let perTensor = [(3.0.squareRoot() + 4.0.squareRoot()) * (3.0.squareRoot() + 4.0.squareRoot()), 12]
                let combined = perTensor.map { $0.squareRoot() }.reduce(0, +)
                #expect((total - combined * combined).magnitude < 1e-12)
            } else {
                #expect(total == expected, "order \(order)")
            }
        }
    }

    @Test("no gradients: a norm of 0; a non-finite norm scales to NaN, or throws PyTorch's error")
    func edges() throws {
        var none: [Tensor<Float>?] = [nil]
        #expect(try clipGradNorm(&none, maxNorm: 1) == 0)
        let infinite = try Tensor<Float>(shape: [3], scalars: [.infinity, -1, 1])
        var gradients: [Tensor<Float>?] = [infinite]
        #expect(try clipGradNorm(&gradients, maxNorm: 1) == .infinity)
        #expect(gradients[0]?.scalars[0].isNaN == true && gradients[0]?.scalars[1] == 0)
        var refused: [Tensor<Float>?] = [infinite]
        #expect(
            throws: TorchError(
                .runtimeError,
                "The total norm of order inf for gradients from `parameters` is non-finite, so it cannot be clipped. To disable "
                    + "this error and scale the gradients by the non-finite norm anyway, set `error_if_nonfinite=False`")
        ) {
            try clipGradNorm(&refused, maxNorm: 1, normType: .infinity, errorIfNonfinite: true)
        }
        #expect(refused == [infinite])
        var empty: [Tensor<Float>?] = [try Tensor<Float>.zeros([0])]
        #expect(
            throws: TorchError(
                .runtimeError,
                "linalg.vector_norm cannot compute the -1 norm on an empty tensor because the operation does not have an identity")
        ) {
            try clipGradNorm(&empty, maxNorm: 1, normType: -1)
        }
    }
}
