/// A multi-layer Elman RNN with tanh or ReLU: the Swift counterpart of `torch.nn.RNN`.
///
/// For each element of the input sequence, each layer computes
/// `h_t = act((h_{t-1} · W_hhᵀ + b_hh) + (x_t · W_ihᵀ + b_ih))`. Names, shapes, defaults, validation,
/// error messages and numbers follow PyTorch 2.x on CPU: parameters are named `weight_ih_l0`,
/// `bias_hh_l1_reverse`, ..., inputs are `(L, N, H_in)`, `(N, L, H_in)` with ``batchFirst``, or
/// unbatched `(L, H_in)`, and the same mistake throws the same message.
///
/// ```swift
/// // torch.manual_seed(0); rnn = nn.RNN(10, 20, 2)
/// let rnn = try RNN<Float>(inputSize: 10, hiddenSize: 20, numLayers: 2, seed: 0)
/// let input = try Tensor<Float>(repeating: 0.5, shape: [5, 3, 10])   // (L, N, H_in)
/// let (output, hN) = try rnn(input)
/// output.shape   // [5, 3, 20]
/// hN.shape       // [2, 3, 20]
/// ```
///
/// Like a PyTorch module, a new RNN is in training mode, which matters only for ``dropout``; set
/// ``training`` to `false` for PyTorch's `eval()`.
public struct RNN<Scalar: RecurrentScalar>: RecurrentModule, Hashable, CustomStringConvertible {
    /// The number of features of each input step (`input_size`).
    public var inputSize: Int { layers.inputSize }
    /// The number of features of the hidden state (`hidden_size`).
    public var hiddenSize: Int { layers.hiddenSize }
    /// The number of stacked recurrent layers (`num_layers`).
    public var numLayers: Int { layers.numLayers }
    /// The activation (`nonlinearity`).
    public let nonlinearity: Nonlinearity
    /// Whether the layers have the biases `b_ih` and `b_hh` (`bias`).
    public var bias: Bool { layers.bias }
    /// Whether input and output are `(N, L, ·)` instead of `(L, N, ·)` (`batch_first`); never
    /// applies to `h0` and `h_n`.
    public var batchFirst: Bool { layers.batchFirst }
    /// The probability of zeroing an element of each layer's output but the last, in training mode
    /// (`dropout`).
    public var dropout: Double { layers.dropout }
    /// Whether each layer also runs backwards in time (`bidirectional`).
    public var bidirectional: Bool { layers.bidirectional }
    /// Whether the layer is in training mode, where ``dropout`` applies. `true` for a new layer, as in
    /// PyTorch; `false` is PyTorch's `eval()`.
    public var training: Bool {
        get { layers.training }
        set { layers.training = newValue }
    }

    /// The options and weights, shared with ``LSTM`` and ``GRU``.
    var layers: RecurrentLayers<Scalar>

    /// Creates an RNN whose parameters are drawn from `generator`, as PyTorch draws them from its
    /// global generator: every parameter from U(-1/√hiddenSize, 1/√hiddenSize), in PyTorch's order.
    ///
    /// The arguments, their defaults and their validation are `torch.nn.RNN`'s. A `dropout` above 0
    /// with a single layer is allowed, with PyTorch's warning passed to `onWarning`.
    ///
    /// - Throws: `TorchError` (`ValueError`) with PyTorch's message for a dropout outside [0, 1] and for
    ///   sizes that are not positive, checked in PyTorch's order.
    public init(
        inputSize: Int, hiddenSize: Int, numLayers: Int = 1, nonlinearity: Nonlinearity = .tanh,
        bias: Bool = true, batchFirst: Bool = false, dropout: Double = 0, bidirectional: Bool = false,
        generator: inout TorchGenerator,
        onWarning: TorchWarningHandler = TorchWarning.printToStandardError
    ) throws(TorchError) {
        self.nonlinearity = nonlinearity
        layers = try RecurrentLayers(
            className: "RNN", kind: .elman(nonlinearity), inputSize: inputSize, hiddenSize: hiddenSize, numLayers: numLayers,
            bias: bias, batchFirst: batchFirst, dropout: dropout, bidirectional: bidirectional, generator: &generator,
            onWarning: onWarning)
    }

    /// Wraps layers built elsewhere (from a state dict).
    init(layers: RecurrentLayers<Scalar>, nonlinearity: Nonlinearity) {
        self.layers = layers
        self.nonlinearity = nonlinearity
    }

    /// Creates an RNN whose parameters are those `torch.manual_seed(seed)` followed by `nn.RNN(...)`
    /// gives, bit for bit; with no seed, from a randomly seeded generator.
    ///
    /// - Throws: `TorchError` as ``init(inputSize:hiddenSize:numLayers:nonlinearity:bias:batchFirst:dropout:bidirectional:generator:onWarning:)`` does.
    public init(
        inputSize: Int, hiddenSize: Int, numLayers: Int = 1, nonlinearity: Nonlinearity = .tanh,
        bias: Bool = true, batchFirst: Bool = false, dropout: Double = 0, bidirectional: Bool = false,
        seed: UInt64? = nil,
        onWarning: TorchWarningHandler = TorchWarning.printToStandardError
    ) throws(TorchError) {
        var generator = seed.map(TorchGenerator.init(seed:)) ?? .seededFromSystem()
        try self.init(
            inputSize: inputSize, hiddenSize: hiddenSize, numLayers: numLayers, nonlinearity: nonlinearity,
            bias: bias, batchFirst: batchFirst, dropout: dropout, bidirectional: bidirectional,
            generator: &generator, onWarning: onWarning)
    }

    /// 2 when ``bidirectional``, else 1 (PyTorch's `D`).
    public var numDirections: Int { layers.numDirections }

    /// `torch.nn.RNN`'s `repr`: `RNN(3, 4, num_layers=2, bias=False, batch_first=True, dropout=0.25,
    /// bidirectional=True)`, each option shown only when it differs from the default; the
    /// nonlinearity is never shown, as in PyTorch.
    public var description: String { layers.description }
}

// MARK: - Parameters

extension RNN {
    /// `RNN`.
    public static var pytorchClassName: String { "RNN" }

    /// `weight_ih_l0, weight_hh_l0, bias_ih_l0, bias_hh_l0, weight_ih_l0_reverse, ...`: layer-major,
    /// then direction, then PyTorch's order within a cell; no bias names when ``bias`` is `false`.
    public var parameterNames: [String] { layers.parameterNames }

    /// The shape of the weight or bias with the given PyTorch name: `(H, input)` for `weight_ih_l0`,
    /// `(H, D * H)` for the deeper `weight_ih_l{k}`, `(H, H)` for `weight_hh_l{k}`, `(H)` for biases.
    public func parameterShape(named name: String) -> [Int]? { layers.parameterShape(named: name) }

    /// The weight or bias with the given PyTorch name, such as `weight_hh_l1_reverse`.
    public func parameter(named name: String) -> Tensor<Scalar>? { layers.parameter(named: name) }

    /// Replaces the weight or bias with the given PyTorch name.
    ///
    /// - Throws: `TorchError` when there is no such parameter or its shape differs.
    public mutating func setParameter(named name: String, to value: Tensor<Scalar>) throws(TorchError) {
        try layers.setParameter(named: name, to: value)
    }
}
