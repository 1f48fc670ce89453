/// A multi-layer gated recurrent unit: the Swift counterpart of `torch.nn.GRU`.
///
/// For each element of the input sequence, each layer computes, with gates stacked `r, z, n` in
/// PyTorch's order,
///
/// ```
/// r = σ(x · W_irᵀ + b_ir + h · W_hrᵀ + b_hr)
/// z = σ(x · W_izᵀ + b_iz + h · W_hzᵀ + b_hz)
/// n = tanh(x · W_inᵀ + b_in + r * (h · W_hnᵀ + b_hn))
/// h' = (1 - z) * n + z * h
/// ```
///
/// The reset gate multiplies the recurrent product *with* its bias `b_hn`, as PyTorch (and ONNX's
/// `linear_before_reset`) does. Names, shapes (`weight_ih_l0` is `(3 * H, H_in)`), defaults,
/// validation, error messages and numbers follow PyTorch 2.x on CPU; inputs are laid out as for
/// ``RNN``.
///
/// ```swift
/// // torch.manual_seed(0); gru = nn.GRU(10, 20, 2)
/// let gru = try GRU<Float>(inputSize: 10, hiddenSize: 20, numLayers: 2, seed: 0)
/// let input = try Tensor<Float>(repeating: 0.5, shape: [5, 3, 10])   // (L, N, H_in)
/// let (output, hN) = try gru(input)
/// output.shape   // [5, 3, 20]
/// hN.shape       // [2, 3, 20]
/// ```
public struct GRU<Scalar: RecurrentScalar>: RecurrentModule, Hashable, CustomStringConvertible {
    /// The number of features of each input step (`input_size`).
    public var inputSize: Int { layers.inputSize }
    /// The number of features of the hidden state (`hidden_size`).
    public var hiddenSize: Int { layers.hiddenSize }
    /// The number of stacked recurrent layers (`num_layers`).
    public var numLayers: Int { layers.numLayers }
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
    /// 2 when ``bidirectional``, else 1 (PyTorch's `D`).
    public var numDirections: Int { layers.numDirections }

    var layers: RecurrentLayers<Scalar>

    /// Creates a GRU whose parameters are drawn from `generator`, as PyTorch draws them from its
    /// global generator: every parameter from U(-1/√hiddenSize, 1/√hiddenSize), in PyTorch's order.
    ///
    /// - Throws: `TorchError` (`ValueError`) with PyTorch's message for a dropout outside [0, 1] and for
    ///   sizes that are not positive, checked in PyTorch's order.
    public init(
        inputSize: Int, hiddenSize: Int, numLayers: Int = 1, bias: Bool = true, batchFirst: Bool = false,
        dropout: Double = 0, bidirectional: Bool = false, generator: inout TorchGenerator,
        onWarning: TorchWarningHandler = TorchWarning.printToStandardError
    ) throws(TorchError) {
        layers = try RecurrentLayers(
            className: "GRU", kind: .gru, inputSize: inputSize, hiddenSize: hiddenSize, numLayers: numLayers, bias: bias,
            batchFirst: batchFirst, dropout: dropout, bidirectional: bidirectional, generator: &generator, onWarning: onWarning)
    }

    /// Creates a GRU whose parameters are those `torch.manual_seed(seed)` followed by `nn.GRU(...)`
    /// gives, bit for bit; with no seed, from a randomly seeded generator.
    ///
    /// - Throws: `TorchError` as ``init(inputSize:hiddenSize:numLayers:bias:batchFirst:dropout:bidirectional:generator:onWarning:)`` does.
    public init(
        inputSize: Int, hiddenSize: Int, numLayers: Int = 1, bias: Bool = true, batchFirst: Bool = false,
        dropout: Double = 0, bidirectional: Bool = false, seed: UInt64? = nil,
        onWarning: TorchWarningHandler = TorchWarning.printToStandardError
    ) throws(TorchError) {
        var generator = seed.map(TorchGenerator.init(seed:)) ?? .seededFromSystem()
        try self.init(
            inputSize: inputSize, hiddenSize: hiddenSize, numLayers: numLayers, bias: bias, batchFirst: batchFirst,
            dropout: dropout, bidirectional: bidirectional, generator: &generator, onWarning: onWarning)
    }

    init(layers: RecurrentLayers<Scalar>) { self.layers = layers }

    /// `torch.nn.GRU`'s `repr`: `GRU(3, 4, num_layers=2)`, each option shown only when it differs
    /// from the default.
    public var description: String { layers.description }

    /// `GRU`.
    public static var pytorchClassName: String { "GRU" }

    /// `weight_ih_l0, weight_hh_l0, bias_ih_l0, bias_hh_l0, weight_ih_l0_reverse, ...`, as for ``RNN``.
    public var parameterNames: [String] { layers.parameterNames }

    /// The shape of the parameter with the given PyTorch name: `(3 * H, input)` for `weight_ih_l0`,
    /// `(3 * H, H)` for `weight_hh_l{k}`, `(3 * H)` for biases.
    public func parameterShape(named name: String) -> [Int]? { layers.parameterShape(named: name) }

    /// The parameter with the given PyTorch name, such as `weight_hh_l1_reverse`.
    public func parameter(named name: String) -> Tensor<Scalar>? { layers.parameter(named: name) }

    /// Replaces the parameter with the given PyTorch name.
    ///
    /// - Throws: `TorchError` when there is no such parameter or its shape differs.
    public mutating func setParameter(named name: String, to value: Tensor<Scalar>) throws(TorchError) {
        try layers.setParameter(named: name, to: value)
    }
}

extension GRU {
    /// Runs the GRU over `input`, from `h0` or zeros, as `torch.nn.GRU.forward(input, hx)` does.
    ///
    /// - Parameters:
    ///   - input: `(L, N, inputSize)`, `(N, L, inputSize)` when ``batchFirst``, or unbatched `(L, inputSize)`.
    ///   - h0: `(D * numLayers, N, hiddenSize)`, or `(D * numLayers, hiddenSize)` unbatched; zeros when `nil`.
    /// - Returns: `output`, `(L, N, D * hiddenSize)` in the input's layout, and `hN` in `h0`'s shape.
    ///   Dropout masks in training mode come from a randomly seeded generator.
    /// - Throws: `TorchError` with PyTorch's message for a wrong rank, input size, `h0` shape or dtype,
    ///   or an empty sequence, checked in PyTorch's order.
    @_specialize(exported: true, where Scalar == Float)
    @_specialize(exported: true, where Scalar == Double)
    public func callAsFunction(
        _ input: Tensor<Scalar>, h0: Tensor<Scalar>? = nil
    ) throws(TorchError) -> (output: Tensor<Scalar>, hN: Tensor<Scalar>) {
        var generator: TorchGenerator? = nil
        let results = try layers.forward(input, h0: h0, c0: nil, generator: &generator)
        return (results.output, results.hN)
    }

    /// Runs the GRU, drawing training-mode dropout masks from `generator` as PyTorch draws them from
    /// its global generator.
    ///
    /// - Throws: `TorchError` as ``callAsFunction(_:h0:)`` does.
    @_specialize(exported: true, where Scalar == Float)
    @_specialize(exported: true, where Scalar == Double)
    public func callAsFunction(
        _ input: Tensor<Scalar>, h0: Tensor<Scalar>? = nil, generator: inout TorchGenerator
    ) throws(TorchError) -> (output: Tensor<Scalar>, hN: Tensor<Scalar>) {
        let results = try TorchGenerator.lending(&generator) { generator throws(TorchError) in
            try layers.forward(input, h0: h0, c0: nil, generator: &generator)
        }
        return (results.output, results.hN)
    }

    /// Runs the GRU on tensors whose dtype is known only at run time, as from a file.
    ///
    /// - Throws: `TorchError` as ``callAsFunction(_:h0:)`` does, with PyTorch's dtype messages.
    @_specialize(exported: true, where Scalar == Float)
    @_specialize(exported: true, where Scalar == Double)
    public func callAsFunction(
        _ input: AnyTensor, h0: AnyTensor? = nil
    ) throws(TorchError) -> (output: AnyTensor, hN: AnyTensor) {
        var generator: TorchGenerator? = nil
        let results = try layers.forward(input, h0: h0, c0: nil, generator: &generator)
        return (results.output, results.hN)
    }

    /// Runs the GRU on tensors whose dtype is known only at run time, drawing dropout masks from
    /// `generator`.
    ///
    /// - Throws: `TorchError` as ``callAsFunction(_:h0:)-(AnyTensor,_)`` does.
    @_specialize(exported: true, where Scalar == Float)
    @_specialize(exported: true, where Scalar == Double)
    public func callAsFunction(
        _ input: AnyTensor, h0: AnyTensor? = nil, generator: inout TorchGenerator
    ) throws(TorchError) -> (output: AnyTensor, hN: AnyTensor) {
        let results = try TorchGenerator.lending(&generator) { generator throws(TorchError) in
            try layers.forward(input, h0: h0, c0: nil, generator: &generator)
        }
        return (results.output, results.hN)
    }

    /// Runs the GRU over a packed batch, as `torch.nn.GRU.forward(packed, hx)` does, `h0` and `hN` in
    /// the caller's batch order.
    ///
    /// - Throws: `TorchError` with PyTorch's messages, as ``RNN``'s packed forward does.
    @_specialize(exported: true, where Scalar == Float)
    @_specialize(exported: true, where Scalar == Double)
    public func callAsFunction(
        _ input: PackedSequence<Scalar>, h0: Tensor<Scalar>? = nil
    ) throws(TorchError) -> (output: PackedSequence<Scalar>, hN: Tensor<Scalar>) {
        var generator: TorchGenerator? = nil
        let results = try layers.forward(input, h0: h0, c0: nil, generator: &generator)
        return (results.output, results.hN)
    }

    /// Runs the GRU over a packed batch, drawing dropout masks from `generator`.
    ///
    /// - Throws: `TorchError` as ``callAsFunction(_:h0:)-(PackedSequence<Scalar>,_)`` does.
    @_specialize(exported: true, where Scalar == Float)
    @_specialize(exported: true, where Scalar == Double)
    public func callAsFunction(
        _ input: PackedSequence<Scalar>, h0: Tensor<Scalar>? = nil, generator: inout TorchGenerator
    ) throws(TorchError) -> (output: PackedSequence<Scalar>, hN: Tensor<Scalar>) {
        let results = try TorchGenerator.lending(&generator) { generator throws(TorchError) in
            try layers.forward(input, h0: h0, c0: nil, generator: &generator)
        }
        return (results.output, results.hN)
    }
}

extension GRU {
    /// PyTorch's dtype checks of a forward call, without running it, for a caller that holds its
    /// arrays in another type first: the input's dtype against the weights' (`RNN input dtype ...`),
    /// then the states' with the messages PyTorch's CPU kernels give.
    ///
    /// - Throws: `TorchError` with PyTorch's message for the first dtype that is not the weights'.
    public func checkDTypes(input: DType, h0: DType? = nil) throws(TorchError) {
        try layers.checkInputDType(input)
        try layers.checkStateDTypes(h0: h0, c0: nil)
    }
}

extension GRU {
    /// What a forward pass keeps for its backward pass: the model, every layer's states and gates at
    /// every step, and the dropout multipliers.
    ///
    /// ```swift
    /// let (output, hN, trace) = try gru.tracedForward(input, h0: h0)
    /// let gradients = try trace.backward(outputGradient: dLoss_dOutput, hNGradient: dLoss_dHN)
    /// gradients.parameters["bias_hh_l0"]   // differs from bias_ih_l0's in the n block
    /// ```
    public struct Trace: Sendable {
        /// The model as it ran.
        public let model: GRU
        let core: RecurrentLayers<Scalar>.Trace

        /// The bytes the forward pass allocated for the trace: what the backward pass cannot do
        /// without, and a time-major copy of a batch-first input.
        public var byteCount: Int { core.byteCount }

        /// The bytes the backward pass cannot do without: the states, gates and `h · W_hnᵀ + b_hn` of
        /// every layer and step, and the dropout masks.
        public var essentialByteCount: Int { core.essentialByteCount }
    }

    /// The gradients of a loss with respect to what a traced forward pass took.
    public struct Gradients: Sendable, Hashable {
        /// `∂L/∂input`, in the input's shape (for a packed batch, `∂L/∂data`).
        public var input: Tensor<Scalar>
        /// `∂L/∂h0`, in `h0`'s shape and the caller's batch order.
        public var h0: Tensor<Scalar>
        /// `∂L/∂` every parameter, under PyTorch's names and in PyTorch's order.
        public var parameters: ParameterGradients<Scalar>
    }

    /// Runs the GRU as ``callAsFunction(_:h0:generator:)`` does and keeps what the backward pass needs.
    ///
    /// - Throws: `TorchError` as ``callAsFunction(_:h0:)`` does.
    @_specialize(exported: true, where Scalar == Float)
    @_specialize(exported: true, where Scalar == Double)
    public func tracedForward(
        _ input: Tensor<Scalar>, h0: Tensor<Scalar>? = nil, generator: inout TorchGenerator
    ) throws(TorchError) -> (output: Tensor<Scalar>, hN: Tensor<Scalar>, trace: Trace) {
        let (results, trace) = try TorchGenerator.lending(&generator) { generator throws(TorchError) in
            try layers.traced(input, h0: h0, c0: nil, generator: &generator)
        }
        return (results.output, results.hN, Trace(model: self, core: trace))
    }

    /// Runs the GRU and keeps what the backward pass needs, dropout masks coming from a randomly
    /// seeded generator.
    ///
    /// - Throws: `TorchError` as ``callAsFunction(_:h0:)`` does.
    @_specialize(exported: true, where Scalar == Float)
    @_specialize(exported: true, where Scalar == Double)
    public func tracedForward(
        _ input: Tensor<Scalar>, h0: Tensor<Scalar>? = nil
    ) throws(TorchError) -> (output: Tensor<Scalar>, hN: Tensor<Scalar>, trace: Trace) {
        var generator: TorchGenerator? = nil
        let (results, trace) = try layers.traced(input, h0: h0, c0: nil, generator: &generator)
        return (results.output, results.hN, Trace(model: self, core: trace))
    }

    /// Runs the GRU over a packed batch and keeps what the backward pass needs.
    ///
    /// - Throws: `TorchError` as the packed forward does.
    @_specialize(exported: true, where Scalar == Float)
    @_specialize(exported: true, where Scalar == Double)
    public func tracedForward(
        _ input: PackedSequence<Scalar>, h0: Tensor<Scalar>? = nil, generator: inout TorchGenerator
    ) throws(TorchError) -> (output: PackedSequence<Scalar>, hN: Tensor<Scalar>, trace: Trace) {
        let run = try TorchGenerator.lending(&generator) { generator throws(TorchError) in
            try layers.traced(input, h0: h0, c0: nil, generator: &generator)
        }
        return (run.output, run.hN, Trace(model: self, core: run.trace))
    }
}

extension GRU.Trace {
    /// Backpropagates through the traced forward pass, as `torch.autograd.grad` does for
    /// `(output, h_n)` with these gradients (`nil` for a result the loss does not depend on).
    ///
    /// - Throws: `TorchError` with autograd's message when a gradient's shape is not its tensor's.
    @_specialize(exported: true, where Scalar == Float)
    @_specialize(exported: true, where Scalar == Double)
    public func backward(
        outputGradient: Tensor<Scalar>?, hNGradient: Tensor<Scalar>? = nil
    ) throws(TorchError) -> GRU.Gradients {
        let gradients = try core.backward(outputGradient: outputGradient, hNGradient: hNGradient, cNGradient: nil)
        return GRU.Gradients(input: gradients.input, h0: gradients.h0, parameters: gradients.parameters)
    }
}
