import Foundation
import RealModule

/// Scales gradients down so that their total norm is at most `maxNorm`:
/// `torch.nn.utils.clip_grad_norm_`.
///
/// The total norm is the `normType`-norm of the gradients taken together, as if concatenated into
/// one vector (PyTorch computes each gradient's norm, then the norm of those). When it exceeds
/// `maxNorm` every gradient is multiplied by `maxNorm / (total + 1e-6)`; otherwise they are left
/// as they are (multiplied by 1). `nil` gradients (parameters without one) are skipped.
///
/// ```swift
/// var gradients = model.gradients.ordered(by: names)      // [Tensor<Float>?]
/// let total = try clipGradNorm(&gradients, maxNorm: 1.0)  // the norm before clipping
/// try optimizer.step(&parameters, gradients: gradients)
/// ```
///
/// - Parameters:
///   - gradients: The gradients, modified in place.
///   - maxNorm: The largest total norm left.
///   - normType: The order of the norm: 2 (the default), `.infinity` for the largest magnitude, or
///     any other order `torch.linalg.vector_norm` takes (1, 0.5, 0 counts the nonzero elements,
///     negative orders, `-.infinity`).
///   - errorIfNonfinite: Whether a total norm that is NaN or infinite is an error instead of being
///     used to scale the gradients.
/// - Returns: The total norm of the gradients before clipping; 0 when there are none.
/// - Throws: `TorchError` with PyTorch's messages when the total norm is not finite and
///   `errorIfNonfinite` is set (the gradients are then left unchanged), and when an infinity or
///   negative order is asked of an empty gradient.
@discardableResult
public func clipGradNorm<Scalar: RecurrentScalar>(
    _ gradients: inout [Tensor<Scalar>?], maxNorm: Double, normType: Double = 2, errorIfNonfinite: Bool = false
) throws(TorchError) -> Scalar {
    let present = gradients.compactMap { $0 }
    guard !present.isEmpty else { return 0 }
    var norms: [Scalar] = []
    for gradient in present {
        if gradient.count == 0 && (normType == .infinity || normType < 0) {
            throw .runtimeError(
                normType == .infinity
                    ? "_foreach_norm cannot compute the infinity norm on an empty tensor because the operation does not have an identity"
                    : "linalg.vector_norm cannot compute the \(String(format: "%g", normType)) norm on an empty tensor "
                        + "because the operation does not have an identity")
        }
        norms.append(Scalar(vectorNorm(gradient.scalars.lazy.map(Double.init), order: normType)))
    }
    let total = Scalar(vectorNorm(norms.lazy.map(Double.init), order: normType))
    if errorIfNonfinite && !total.isFinite {
        throw .runtimeError(
            "The total norm of order \(normType) for gradients from `parameters` is non-finite, so it cannot be clipped. "
                + "To disable this error and scale the gradients by the non-finite norm anyway, set `error_if_nonfinite=False`")
    }
    // PyTorch's `max_norm / (total + 1e-6)` is `(total + 1e-6).reciprocal() * max_norm`, in the
    // gradients' dtype, then clamped to at most 1 (NaN stays NaN).
    let coefficient = (1 / (total + Scalar(1e-6))) * Scalar(maxNorm)
    let clamped = coefficient > 1 ? 1 : coefficient
    gradients = gradients.map { gradient in
        gradient.map { Tensor(unchecked: $0.shape, scalars: $0.scalars.map { $0 * clamped }) }
    }
    return total
}

/// `torch.linalg.vector_norm(values, order)` in `Double`; a NaN element makes the maximum and
/// minimum NaN as PyTorch's reductions do.
func vectorNorm<Values: Collection>(_ values: Values, order: Double) -> Double where Values.Element == Double {
    switch order {
    case .infinity, -.infinity:
        var result = order > 0 ? 0 : Double.infinity
        for value in values {
            if value.isNaN { return .nan }
            result = order > 0 ? Swift.max(result, value.magnitude) : Swift.min(result, value.magnitude)
        }
        return result
    case 0:
        return Double(values.count { $0 != 0 })
    case 1:
        return values.reduce(0) { $0 + $1.magnitude }
    case 2:
        return values.reduce(0) { $0 + $1 * $1 }.squareRoot()
    default:
        return Double.pow(values.reduce(0) { $0 + Double.pow($1.magnitude, order) }, 1 / order)
    }
}
