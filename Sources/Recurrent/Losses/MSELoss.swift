/// The mean squared error, `(input - target)²` reduced: the Swift counterpart of `torch.nn.MSELoss`.
///
/// ```swift
/// let loss = MSELoss<Float>()                               // reduction: .mean
/// let (value, trace) = try loss.trainingForward(prediction, target)
/// let gradients = try loss.backward(trace)                 // loss.backward()
/// gradients.input.shape == prediction.shape                // true
/// ```
///
/// As in PyTorch, an input and a target of different shapes are broadcast together, with
/// PyTorch's warning that this is likely a mistake.
public struct MSELoss<Scalar: RecurrentScalar>: Sendable, Hashable {
    /// How the squared errors are reduced.
    public var reduction: Reduction

    /// Creates the loss, `nn.MSELoss(reduction=...)`.
    public init(reduction: Reduction = .mean) {
        self.reduction = reduction
    }

    /// What ``backward(_:lossGradient:)`` needs of a forward pass.
    public struct Trace: Sendable, Hashable {
        let difference: Tensor<Scalar>
        let inputShape: [Int]
        let targetShape: [Int]
        let lossShape: [Int]
    }

    /// The loss, as `nn.MSELoss.forward(input, target)` returns it: a 0-D tensor, or the
    /// broadcast shape's squared errors for ``Reduction/none``. The mean of no elements is NaN.
    ///
    /// - Parameter onWarning: Receives PyTorch's warning when the shapes differ.
    /// - Throws: `TorchError` with PyTorch's broadcasting message when the shapes do not broadcast.
    public func callAsFunction(
        _ input: Tensor<Scalar>, _ target: Tensor<Scalar>, onWarning: TorchWarningHandler = TorchWarning.printToStandardError
    ) throws(TorchError) -> Tensor<Scalar> {
        try trainingForward(input, target, onWarning: onWarning).loss
    }

    /// The loss and what the backward pass needs.
    ///
    /// - Throws: `TorchError` as ``callAsFunction(_:_:onWarning:)`` does.
    public func trainingForward(
        _ input: Tensor<Scalar>, _ target: Tensor<Scalar>, onWarning: TorchWarningHandler = TorchWarning.printToStandardError
    ) throws(TorchError) -> (loss: Tensor<Scalar>, trace: Trace) {
        if input.shape != target.shape {
            onWarning(
                TorchWarning(
                    "Using a target size (\(torchSize(target.shape))) that is different to the input size "
                        + "(\(torchSize(input.shape))). This will likely lead to incorrect results due to broadcasting. "
                        + "Please ensure they have the same size."))
        }
        let shape = try broadcastShape(input.shape, target.shape)
        let a = try input.broadcast(to: shape)
        let b = try target.broadcast(to: shape)
        let difference = Tensor(unchecked: shape, scalars: zip(a.scalars, b.scalars).map { $0 - $1 })
        let squares = difference.scalars.map { $0 * $0 }
        let loss: Tensor<Scalar>
        switch reduction {
        case .none: loss = Tensor(unchecked: shape, scalars: squares)
        case .sum: loss = Tensor(scalar: Scalar(squares.reduce(0) { $0 + Double($1) }))
        case .mean: loss = Tensor(scalar: Scalar(squares.reduce(0) { $0 + Double($1) } / Double(squares.count)))
        }
        return (loss, Trace(difference: difference, inputShape: input.shape, targetShape: target.shape, lossShape: loss.shape))
    }

    /// The gradients of a loss with respect to the input and the target, as autograd computes them:
    /// `2 (input - target) · lossGradient` (divided by the element count for ``Reduction/mean``),
    /// summed over the dimensions broadcasting added; the target's is its negation.
    ///
    /// - Parameter lossGradient: `∂L/∂loss` in the loss's shape; by default 1, as `loss.backward()`
    ///   starts, which PyTorch allows only for a loss of one element.
    /// - Throws: `TorchError` with autograd's messages when `lossGradient` has the wrong shape, or is
    ///   left out for a loss of more than one element.
    public func backward(
        _ trace: Trace, lossGradient: Tensor<Scalar>? = nil
    ) throws(TorchError) -> (input: Tensor<Scalar>, target: Tensor<Scalar>) {
        let lossGradient = try Recurrent.lossGradient(lossGradient, lossShape: trace.lossShape)
        let difference = trace.difference.scalars
        let norm = Scalar(reduction == .mean ? 2 / Double(difference.count) : 2)
        let gradient: [Scalar] =
            reduction == .none
            ? zip(difference, lossGradient.scalars).map { $0 * norm * $1 }
            : difference.map { $0 * norm * lossGradient.scalars[0] }
        let full = Tensor(unchecked: trace.difference.shape, scalars: gradient)
        let negated = Tensor(unchecked: full.shape, scalars: gradient.map { -$0 })
        return (full.summed(toShape: trace.inputShape), negated.summed(toShape: trace.targetShape))
    }
}
