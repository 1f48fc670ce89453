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

/// The gradient of a scalar function of a float64 tensor by central differences, as
/// `torch.autograd.gradcheck` estimates it (step `eps` each way).
func centralDifferences(
    at point: Tensor<Double>, eps: Double = 1e-6, _ function: (Tensor<Double>) throws -> Double
) rethrows -> [Double] {
    var result: [Double] = []
    for index in point.scalars.indices {
        var above = point.scalars
        var below = point.scalars
        above[index] += eps
        below[index] -= eps
        let up = try function(Tensor(unchecked: point.shape, scalars: above))
        let down = try function(Tensor(unchecked: point.shape, scalars: below))
        result.append((up - down) / (2 * eps))
    }
    return result
}

/// The elements where an analytic gradient is farther from its numerical estimate than gradcheck's
/// tolerance, `|a - n| <= atol + rtol |n|` (atol 1e-5, rtol 1e-3); a NaN is always a mismatch and
/// arrays of different lengths are one mismatch.
func gradientMismatches(_ analytic: [Double], _ numerical: [Double], atol: Double = 1e-5, rtol: Double = 1e-3) -> [String] {
    guard analytic.count == numerical.count else { return ["\(analytic.count) analytic values, \(numerical.count) numerical"] }
    return zip(analytic, numerical).enumerated().compactMap { index, pair in
        let (a, n) = pair
        return (a - n).magnitude <= atol + rtol * n.magnitude ? nil : "[\(index)] analytic \(a), numerical \(n)"
    }
}

/// `Σ cotangent · value`, the scalar a vector-valued function's gradient check differentiates.
func dot(_ value: Tensor<Double>, _ cotangent: Tensor<Double>) -> Double {
    zip(value.scalars, cotangent.scalars).reduce(0) { $0 + $1.0 * $1.1 }
}
