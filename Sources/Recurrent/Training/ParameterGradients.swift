import OrderedCollections

/// The gradients of a module's parameters, under PyTorch's parameter names and in PyTorch's order:
/// what `{name: p.grad for name, p in module.named_parameters()}` holds after `backward()`.
///
/// ```swift
/// let (output, hN, trace) = try rnn.tracedForward(input)
/// let gradients = try rnn.backward(trace, outputGradient: dOutput)
/// gradients.parameters["weight_hh_l0"]?.shape     // [20, 20]
/// ```
public struct ParameterGradients<Scalar: RecurrentScalar>: Sendable, Hashable, Sequence {
    private var storage: OrderedDictionary<String, Tensor<Scalar>>

    /// No gradients.
    public init() { storage = [:] }

    /// The gradients in the given order.
    public init<S: Sequence>(_ entries: S) where S.Element == (String, Tensor<Scalar>) {
        storage = OrderedDictionary(entries, uniquingKeysWith: { _, last in last })
    }

    /// The names, in order.
    public var names: [String] { Array(storage.keys) }

    /// The number of gradients.
    public var count: Int { storage.count }

    /// The gradient of the parameter `name`.
    public subscript(name: String) -> Tensor<Scalar>? {
        get { storage[name] }
        set { storage[name] = newValue }
    }

    /// The gradients in order, each with its name.
    public func makeIterator() -> some IteratorProtocol<(key: String, value: Tensor<Scalar>)> {
        storage.lazy.map { (key: $0.key, value: $0.value) }.makeIterator()
    }

    /// The same gradients with `prefix` before every name, as a module inside a bigger model names them
    /// (`rnn.` gives `rnn.weight_ih_l0`).
    public func prefixed(_ prefix: String) -> ParameterGradients {
        ParameterGradients(storage.map { (prefix + $0.key, $0.value) })
    }

    /// The gradients as a state dict, for writing them to a file.
    public func stateDict() -> StateDict {
        StateDict(storage.map { ($0.key, Scalar.erase($0.value)) })
    }
}
