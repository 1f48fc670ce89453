import Foundation
import RealModule

/// The cross entropy of logits against class indices: the Swift counterpart of
/// `torch.nn.CrossEntropyLoss` with class-index targets.
///
/// The input is `(C)`, `(N, C)` or `(N, C, d1, ..., dK)` logits and the target `()`, `(N)` or
/// `(N, d1, ..., dK)` class indices. Each element's loss is `-weight[t] · log_softmax(input)[t]`; a
/// target equal to `ignoreIndex` contributes nothing, and ``Reduction/mean`` divides by the sum of
/// the weights of the targets not ignored. With `labelSmoothing` ε the loss is
/// `(1 - ε) · that + ε / C · (-Σ_c weight[c] · log_softmax(input)[c])`, as in PyTorch.
///
/// ```swift
/// let criterion = CrossEntropyLoss<Float>(ignoreIndex: 0)
/// let (loss, trace) = try criterion.trainingForward(logits, targets)   // (N, C), (N)
/// let logitsGradient = try criterion.backward(trace)                    // loss.backward()
/// ```
///
/// Targets holding class probabilities (a float target of the input's shape) are not offered.
public struct CrossEntropyLoss<Scalar: RecurrentScalar>: Sendable, Hashable {
    /// A weight per class, `(C)` (`weight`), or `nil` for all ones.
    public var weight: Tensor<Scalar>?
    /// The target value that is ignored (`ignore_index`).
    public var ignoreIndex: Int
    /// How the elements' losses are reduced.
    public var reduction: Reduction
    /// The share ε of the loss spread uniformly over the classes (`label_smoothing`, in [0, 1]; a
    /// negative value counts as 0, as in PyTorch).
    public var labelSmoothing: Double

    /// Creates the loss, `nn.CrossEntropyLoss(weight=..., ignore_index=..., reduction=...,
    /// label_smoothing=...)`. Like PyTorch, the options are checked when the loss is computed.
    public init(weight: Tensor<Scalar>? = nil, ignoreIndex: Int = -100, reduction: Reduction = .mean, labelSmoothing: Double = 0) {
        self.weight = weight
        self.ignoreIndex = ignoreIndex
        self.reduction = reduction
        self.labelSmoothing = labelSmoothing
    }

    /// What ``backward(_:lossGradient:)`` needs of a forward pass.
    public struct Trace: Sendable, Hashable {
        /// `log_softmax` of the input, `(N, C, S)` flattened.
        let logProbabilities: [Double]
        let layout: Layout
        let targets: [Int]
        /// The mean's denominator (1 for the other reductions).
        let denominator: Double
        let inputShape: [Int]
        let lossShape: [Int]
    }

    /// The input seen as `(batch, classes, positions)`.
    struct Layout: Sendable, Hashable {
        var batch: Int
        var classes: Int
        var positions: Int

        func offset(_ n: Int, _ c: Int, _ s: Int) -> Int { (n * classes + c) * positions + s }
    }

    /// The loss, as `nn.CrossEntropyLoss.forward(input, target)` returns it: 0-D, or the target's
    /// shape for ``Reduction/none``.
    ///
    /// - Throws: `TorchError` with PyTorch's messages, in PyTorch's order, for shapes that do not
    ///   match, a weight of the wrong size, a label smoothing above 1 and a target out of range.
    public func callAsFunction(_ input: Tensor<Scalar>, _ target: IndexTensor) throws(TorchError) -> Tensor<Scalar> {
        try trainingForward(input, target).loss
    }

    /// The loss for targets held in a tensor whose dtype is known only at run time.
    ///
    /// - Throws: `TorchError` as ``callAsFunction(_:_:)-(Tensor<Scalar>,IndexTensor)`` does, and with
    ///   PyTorch's message for a target that is not int64 or uint8.
    public func callAsFunction(_ input: Tensor<Scalar>, _ target: AnyTensor) throws(TorchError) -> Tensor<Scalar> {
        try computeLoss(input, IndexTensor(unchecked: target.shape, indices: target.indexTensor?.indices ?? []), targetDType: target.dtype).loss
    }

    /// The loss and what the backward pass needs.
    ///
    /// - Throws: `TorchError` as ``callAsFunction(_:_:)-(Tensor<Scalar>,IndexTensor)`` does.
    public func trainingForward(_ input: Tensor<Scalar>, _ target: IndexTensor) throws(TorchError) -> (loss: Tensor<Scalar>, trace: Trace) {
        try computeLoss(input, target, targetDType: .int64)
    }

    /// PyTorch's `cross_entropy` for class indices: its checks in its order, then the loss.
    private func computeLoss(
        _ input: Tensor<Scalar>, _ target: IndexTensor, targetDType: DType
    ) throws(TorchError) -> (loss: Tensor<Scalar>, trace: Trace) {
        if input.shape == target.shape {
            guard !targetDType.isFloatingPoint else {
                throw .valueError(
                    "targets of class probabilities (a floating-point target of the input's shape) are not supported; "
                        + "pass class indices")
            }
            throw .runtimeError(
                "Expected floating point type for target with class probabilities, got \(targetDType.scalarTypeName)")
        }
        if labelSmoothing > 1 {
            // C++'s default formatting of a double, as in PyTorch's message.
            throw .runtimeError("label_smoothing must be between 0.0 and 1.0. Got: \(String(format: "%g", labelSmoothing))")
        }
        guard input.rank > 0 else {
            throw TorchError(.indexError, "Dimension out of range (expected to be in range of [-1, 0], but got 1)")
        }
        let (layout, lossShape) = try checkShapes(input.shape, target.shape)
        let classes = layout.classes
        if let weight, weight.rank != 1 || weight.count != classes {
            throw .runtimeError(
                "weight tensor should be defined either for all \(classes) classes or no classes but got weight tensor of shape: "
                    + formatList(weight.shape))
        }
        guard targetDType == .int64 || targetDType == .uint8 else {
            throw .runtimeError("expected target dtype to be Long or Byte, but got \(targetDType.scalarTypeName)")
        }
        if let outside = target.indices.first(where: { $0 != ignoreIndex && !(0..<classes).contains($0) }) {
            throw TorchError(.indexError, "Target \(outside) is out of bounds.")
        }
        let logProbabilities = logSoftmax(input.scalars, layout)
        let weights = weight.map { $0.scalars.map(Double.init) } ?? Array(repeating: 1, count: classes)
        let smoothing = labelSmoothing > 0 ? labelSmoothing : 0
        var losses = [Double](repeating: 0, count: layout.batch * layout.positions)
        var totalWeight = 0.0
        for n in 0..<layout.batch {
            for s in 0..<layout.positions {
                let t = target.indices[n * layout.positions + s]
                guard t != ignoreIndex else { continue }
                totalWeight += weights[t]
                var loss = -weights[t] * logProbabilities[layout.offset(n, t, s)]
                if smoothing > 0 {
                    var smooth = 0.0
                    for c in 0..<classes { smooth -= weights[c] * logProbabilities[layout.offset(n, c, s)] }
                    loss = (1 - smoothing) * loss + smoothing / Double(classes) * smooth
                }
                losses[n * layout.positions + s] = loss
            }
        }
        let denominator = reduction == .mean ? totalWeight : 1
        let loss: Tensor<Scalar> =
            reduction == .none
            ? Tensor(unchecked: lossShape, scalars: losses.map { Scalar($0) })
            : Tensor(scalar: Scalar(losses.reduce(0, +) / denominator))
        return (
            loss,
            Trace(
                logProbabilities: logProbabilities, layout: layout, targets: target.indices, denominator: denominator,
                inputShape: input.shape, lossShape: loss.shape)
        )
    }

    /// The layout of the input and the shape of an unreduced loss, after PyTorch's shape checks
    /// (`nll_loss_nd`, `nll_loss`, `nll_loss2d`), in their order.
    private func checkShapes(_ input: [Int], _ target: [Int]) throws(TorchError) -> (Layout, [Int]) {
        if input.count == 1 {
            // An unbatched input takes a 0-D target or, as PyTorch also accepts, a target of one element.
            guard target.count <= 1 else {
                throw .runtimeError("0D or 1D target tensor expected, multi-target not supported")
            }
            if target.count == 1 && target[0] != 1 {
                throw .valueError("For 1D input, 1D target must have size 1, but got target size: \(target[0])")
            }
            if target.count == 1 && labelSmoothing > 0 && reduction == .none {
                throw .runtimeError("output with shape [] doesn't match the broadcast shape [1]")
            }
            return (Layout(batch: 1, classes: input[0], positions: 1), [])
        }
        let targetBatch = target.first ?? 0
        guard input[0] == targetBatch else {
            throw .valueError("Expected input batch_size (\(input[0])) to match target batch_size (\(targetBatch)).")
        }
        let spatial = Array(input.dropFirst(2))
        switch input.count {
        case 2:
            guard target.count <= 1 else {
                throw .runtimeError("0D or 1D target tensor expected, multi-target not supported")
            }
        case 4:
            guard target.count == 3 else {
                throw .runtimeError(
                    "only batches of spatial targets supported (3D tensors) but got targets of dimension: \(target.count)")
            }
            guard Array(target.dropFirst()) == spatial else {
                throw .runtimeError("size mismatch (got input: \(formatList(input)) , target: \(formatList(target))")
            }
        default:
            guard Array(target.dropFirst()) == spatial else {
                throw .runtimeError("Expected target size \(formatList([input[0]] + spatial)), got \(formatList(target))")
            }
        }
        return (Layout(batch: input[0], classes: input[1], positions: spatial.reduce(1, *)), [input[0]] + spatial)
    }

    /// `log_softmax` over the classes, in `Double`: `x - max - log Σ exp(x - max)`.
    private func logSoftmax(_ input: [Scalar], _ layout: Layout) -> [Double] {
        var result = [Double](repeating: 0, count: input.count)
        for n in 0..<layout.batch {
            for s in 0..<layout.positions {
                var largest = -Double.infinity
                for c in 0..<layout.classes { largest = Swift.max(largest, Double(input[layout.offset(n, c, s)])) }
                var sum = 0.0
                for c in 0..<layout.classes { sum += Double.exp(Double(input[layout.offset(n, c, s)]) - largest) }
                let logSum = Double.log(sum)
                for c in 0..<layout.classes {
                    result[layout.offset(n, c, s)] = Double(input[layout.offset(n, c, s)]) - largest - logSum
                }
            }
        }
        return result
    }

    /// The gradient of a loss with respect to the input logits, as autograd computes it:
    /// `weight[t] · (softmax - onehot(t))` per element (plus, with label smoothing ε,
    /// `ε / C · (softmax · Σ weight - weight)`), scaled by the loss gradient and divided by the
    /// mean's denominator; ignored targets get zeros.
    ///
    /// - Parameter lossGradient: `∂L/∂loss` in the loss's shape; by default 1, as `loss.backward()`
    ///   starts, which PyTorch allows only for a loss of one element.
    /// - Throws: `TorchError` with autograd's messages when `lossGradient` has the wrong shape, or is
    ///   left out for a loss of more than one element.
    public func backward(_ trace: Trace, lossGradient: Tensor<Scalar>? = nil) throws(TorchError) -> Tensor<Scalar> {
        let lossGradient = try Recurrent.lossGradient(lossGradient, lossShape: trace.lossShape)
        let layout = trace.layout
        let classes = layout.classes
        let weights = weight.map { $0.scalars.map(Double.init) } ?? Array(repeating: 1, count: classes)
        let weightSum = weights.reduce(0, +)
        let smoothing = labelSmoothing > 0 ? labelSmoothing : 0
        var gradient = [Double](repeating: 0, count: trace.logProbabilities.count)
        for n in 0..<layout.batch {
            for s in 0..<layout.positions {
                let element = n * layout.positions + s
                let t = trace.targets[element]
                guard t != ignoreIndex else { continue }
                let upstream = Double(reduction == .none ? lossGradient.scalars[element] : lossGradient.scalars[0]) / trace.denominator
                for c in 0..<classes {
                    let offset = layout.offset(n, c, s)
                    let probability = Double.exp(trace.logProbabilities[offset])
                    var value = weights[t] * (probability - (c == t ? 1 : 0))
                    if smoothing > 0 {
                        value = (1 - smoothing) * value + smoothing / Double(classes) * (probability * weightSum - weights[c])
                    }
                    gradient[offset] = upstream * value
                }
            }
        }
        return Tensor(unchecked: trace.inputShape, scalars: gradient.map { Scalar($0) })
    }
}
