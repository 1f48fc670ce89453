/// How a loss reduces its per-element values: PyTorch's `reduction` argument.
public enum Reduction: String, Sendable, Hashable, CaseIterable, Codable {
    /// Every element's loss, in the shape of the input's batch (`'none'`).
    case none
    /// The mean over the elements (`'mean'`, the default); weighted losses divide by the sum of the
    /// weights used.
    case mean
    /// The sum over the elements (`'sum'`).
    case sum

    /// Parses PyTorch's name for a reduction.
    ///
    /// - Throws: `TorchError` with PyTorch's `ValueError` for any other string.
    public init(pytorchName: String) throws(TorchError) {
        guard let reduction = Reduction(rawValue: pytorchName) else {
            throw .valueError("\(pytorchName) is not a valid value for reduction")
        }
        self = reduction
    }
}

/// The gradient a loss's `backward` starts from: the one given, checked to have the loss's shape,
/// or `loss.backward()`'s implicit ones, which PyTorch creates only for a loss of one element.
func lossGradient<Scalar: RecurrentScalar>(_ given: Tensor<Scalar>?, lossShape: [Int]) throws(TorchError) -> Tensor<Scalar> {
    guard let given else {
        guard lossShape.reduce(1, *) == 1 else { throw .runtimeError("grad can be implicitly created only for scalar outputs") }
        return Tensor(unchecked: lossShape, scalars: [1])
    }
    try checkGradientShape(given.shape, output: lossShape)
    return given
}
