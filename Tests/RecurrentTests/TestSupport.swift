@testable import Recurrent

/// A tensor of standard-normal-ish values from a seeded generator, for tests that need data.
func randomTensor<Scalar: RecurrentScalar>(_ shape: [Int], seed: UInt64, scale: Double = 1) -> Tensor<Scalar> {
    var generator = TorchGenerator(seed: seed)
    let count = shape.reduce(1, *)
    let scalars = (0..<count).map { _ in Scalar((generator.nextUnitDouble() * 2 - 1) * scale) }
    return Tensor(unchecked: shape, scalars: scalars)
}

/// The error a throwing call throws, or `nil` when it returns.
func thrownError<T>(_ body: () throws(TorchError) -> T) -> TorchError? {
    do {
        _ = try body()
        return nil
    } catch {
        return error
    }
}
