import OrderedCollections

/// The gradients of a loss with respect to a module's parameters, by PyTorch parameter name and in
/// parameter order: what PyTorch leaves in each parameter's `.grad` after `loss.backward()`.
///
/// A layer's `backward` returns its gradients under its own names (`weight`, `bias`);
/// ``prefixed(_:)`` puts them under the names they have inside a bigger model, and `+` adds the
/// gradients of two backward passes, as PyTorch accumulates into `.grad`.
///
/// ```swift
/// let (output, trace) = try linear.trainingForward(x)
/// let (dx, gradients) = try linear.backward(trace, outputGradient: dy)
/// gradients["weight"]?.shape                  // [out_features, in_features]
/// let named = gradients.prefixed("head.")     // "head.weight", "head.bias"
/// let ordered = gradients.ordered(by: linear.parameterNames)   // for an optimizer's step
/// ```
public struct ParameterGradients<Scalar: RecurrentScalar>: Sendable, Hashable, Sequence {
    private var storage: OrderedDictionary<String, Tensor<Scalar>>

    /// No gradients.
    public init() { storage = [:] }

    /// Gradients from name-tensor pairs in order; a later pair replaces an earlier one of the same
    /// name, keeping the first position.
    public init<S: Sequence>(_ entries: S) where S.Element == (String, Tensor<Scalar>) {
        storage = [:]
        for (name, gradient) in entries { storage[name] = gradient }
    }

    /// The parameter names, in order.
    public var names: [String] { Array(storage.keys) }

    /// The number of gradients.
    public var count: Int { storage.count }

    /// Whether there are no gradients.
    public var isEmpty: Bool { storage.isEmpty }

    /// The gradient of the parameter `name`; setting `nil` removes it (PyTorch's `grad = None`),
    /// setting a new name appends it.
    public subscript(name: String) -> Tensor<Scalar>? {
        get { storage[name] }
        set { storage[name] = newValue }
    }

    /// The gradients in order, each with its parameter's name.
    public func makeIterator() -> some IteratorProtocol<(name: String, gradient: Tensor<Scalar>)> {
        storage.elements.lazy.map { (name: $0.key, gradient: $0.value) }.makeIterator()
    }

    /// The same gradients with `prefix` in front of every name (`encoder.rnn.weight_ih_l0`), as they
    /// are named when the module sits inside a bigger model.
    public func prefixed(_ prefix: String) -> ParameterGradients {
        ParameterGradients(storage.elements.map { (prefix + $0.key, $0.value) })
    }

    /// The gradient of each of `names` in that order, `nil` where there is none: the `gradients`
    /// argument of an optimizer's `step` for parameters listed by `names`.
    public func ordered(by names: [String]) -> [Tensor<Scalar>?] {
        names.map { storage[$0] }
    }

    /// The sum of two sets of gradients, as PyTorch accumulates a second backward pass into `.grad`:
    /// a name in both is added element by element, a name in one keeps its gradient (in the left
    /// operand's order, then the right's new names).
    ///
    /// - Throws: `TorchError` when a name's two gradients differ in shape.
    public static func + (lhs: ParameterGradients, rhs: ParameterGradients) throws(TorchError) -> ParameterGradients {
        var sum = lhs
        try sum.accumulate(rhs)
        return sum
    }

    /// Adds `other` into these gradients, as ``+(_:_:)`` does.
    ///
    /// - Throws: `TorchError` when a name's two gradients differ in shape; nothing is changed then.
    public mutating func accumulate(_ other: ParameterGradients) throws(TorchError) {
        var sum = storage
        for (name, gradient) in other.storage {
            guard let existing = sum[name] else {
                sum[name] = gradient
                continue
            }
            guard existing.shape == gradient.shape else {
                throw .runtimeError(
                    "cannot add gradients of shapes \(formatList(existing.shape)) and \(formatList(gradient.shape)) "
                        + "for the parameter '\(name)': both must have the parameter's shape")
            }
            sum[name] = existing.adding(sameShape: gradient)
        }
        storage = sum
    }
}

extension Tensor {
    /// The element-wise sum with a tensor of the same shape (the caller checks the shapes).
    func adding(sameShape other: Tensor) -> Tensor {
        Tensor(unchecked: shape, scalars: zip(scalars, other.scalars).map { $0 + $1 })
    }
}
