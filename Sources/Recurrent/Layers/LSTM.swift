/// A multi-layer long short-term memory network: the Swift counterpart of `torch.nn.LSTM`,
/// projections (`proj_size`) included.
///
/// For each element of the input sequence, each layer computes, with gates stacked `i, f, g, o` in
/// PyTorch's order,
///
/// ```
/// i = σ(x · W_iiᵀ + b_ii + h · W_hiᵀ + b_hi)      f = σ(x · W_ifᵀ + b_if + h · W_hfᵀ + b_hf)
/// g = tanh(x · W_igᵀ + b_ig + h · W_hgᵀ + b_hg)   o = σ(x · W_ioᵀ + b_io + h · W_hoᵀ + b_ho)
/// c' = f * c + i * g
/// h' = o * tanh(c')                               (h' · W_hrᵀ with a projection)
/// ```
///
/// Names, shapes (`weight_ih_l0` is `(4 * H, H_in)`, `weight_hh_l0` `(4 * H, P)` and `weight_hr_l0`
/// `(P, H)`, `P` being `proj_size` or `H`), defaults, validation, error messages and numbers follow
/// PyTorch 2.x on CPU; inputs are laid out as for ``RNN``; `h` is `P` wide and `c` is `H` wide.
///
/// ```swift
/// // torch.manual_seed(0); lstm = nn.LSTM(10, 20, 2, proj_size=5)
/// let lstm = try LSTM<Float>(inputSize: 10, hiddenSize: 20, numLayers: 2, projSize: 5, seed: 0)
/// let input = try Tensor<Float>(repeating: 0.5, shape: [5, 3, 10])   // (L, N, H_in)
/// let (output, hN, cN) = try lstm(input)
/// output.shape   // [5, 3, 5]
/// hN.shape       // [2, 3, 5]
/// cN.shape       // [2, 3, 20]
/// ```
public struct LSTM<Scalar: RecurrentScalar>: RecurrentModule, Hashable, CustomStringConvertible {
    /// The number of features of each input step (`input_size`).
    public var inputSize: Int { layers.inputSize }
    /// The number of features of the cell state, and of the hidden state without a projection
    /// (`hidden_size`).
    public var hiddenSize: Int { layers.hiddenSize }
    /// The number of stacked recurrent layers (`num_layers`).
    public var numLayers: Int { layers.numLayers }
    /// Whether the layers have the biases `b_ih` and `b_hh` (`bias`).
    public var bias: Bool { layers.bias }
    /// Whether input and output are `(N, L, ·)` instead of `(L, N, ·)` (`batch_first`); never
    /// applies to the states.
    public var batchFirst: Bool { layers.batchFirst }
    /// The probability of zeroing an element of each layer's output but the last, in training mode
    /// (`dropout`).
    public var dropout: Double { layers.dropout }
    /// Whether each layer also runs backwards in time (`bidirectional`).
    public var bidirectional: Bool { layers.bidirectional }
    /// The width of the projected hidden state, or 0 without a projection (`proj_size`).
    public var projSize: Int { layers.projSize }
    /// Whether the layer is in training mode, where ``dropout`` applies. `true` for a new layer, as in
    /// PyTorch; `false` is PyTorch's `eval()`.
    public var training: Bool {
        get { layers.training }
        set { layers.training = newValue }
    }
    /// 2 when ``bidirectional``, else 1 (PyTorch's `D`).
    public var numDirections: Int { layers.numDirections }

    var layers: RecurrentLayers<Scalar>

    /// Creates an LSTM whose parameters are drawn from `generator`, as PyTorch draws them from its
    /// global generator: every parameter from U(-1/√hiddenSize, 1/√hiddenSize), in PyTorch's order.
    ///
    /// - Throws: `TorchError` (`ValueError`) with PyTorch's message for a dropout outside [0, 1], sizes
    ///   that are not positive, and a `projSize` that is negative or not below `hiddenSize`, checked in
    ///   PyTorch's order.
    public init(
        inputSize: Int, hiddenSize: Int, numLayers: Int = 1, bias: Bool = true, batchFirst: Bool = false,
        dropout: Double = 0, bidirectional: Bool = false, projSize: Int = 0, generator: inout TorchGenerator,
        onWarning: TorchWarningHandler = TorchWarning.printToStandardError
    ) throws(TorchError) {
        layers = try RecurrentLayers(
            className: "LSTM", kind: .lstm, inputSize: inputSize, hiddenSize: hiddenSize, numLayers: numLayers, bias: bias,
            batchFirst: batchFirst, dropout: dropout, bidirectional: bidirectional, projSize: projSize, generator: &generator,
            onWarning: onWarning)
    }

    /// Creates an LSTM whose parameters are those `torch.manual_seed(seed)` followed by
    /// `nn.LSTM(...)` gives, bit for bit; with no seed, from a randomly seeded generator.
    ///
    /// - Throws: `TorchError` as ``init(inputSize:hiddenSize:numLayers:bias:batchFirst:dropout:bidirectional:projSize:generator:onWarning:)`` does.
    public init(
        inputSize: Int, hiddenSize: Int, numLayers: Int = 1, bias: Bool = true, batchFirst: Bool = false,
        dropout: Double = 0, bidirectional: Bool = false, projSize: Int = 0, seed: UInt64? = nil,
        onWarning: TorchWarningHandler = TorchWarning.printToStandardError
    ) throws(TorchError) {
        var generator = seed.map(TorchGenerator.init(seed:)) ?? .seededFromSystem()
        try self.init(
            inputSize: inputSize, hiddenSize: hiddenSize, numLayers: numLayers, bias: bias, batchFirst: batchFirst,
            dropout: dropout, bidirectional: bidirectional, projSize: projSize, generator: &generator, onWarning: onWarning)
    }

    init(layers: RecurrentLayers<Scalar>) { self.layers = layers }

    /// `torch.nn.LSTM`'s `repr`: `LSTM(3, 4, proj_size=2, num_layers=2)`, each option shown only when
    /// it differs from the default.
    public var description: String { layers.description }

    /// `LSTM`.
    public static var pytorchClassName: String { "LSTM" }

    /// `weight_ih_l0, weight_hh_l0, bias_ih_l0, bias_hh_l0, weight_hr_l0, weight_ih_l0_reverse, ...`:
    /// layer-major, then direction, then PyTorch's order within a cell; `weight_hr` only with a
    /// projection.
    public var parameterNames: [String] { layers.parameterNames }

    /// The shape of the parameter with the given PyTorch name: `(4 * H, input)` for `weight_ih_l0`,
    /// `(4 * H, P)` for `weight_hh_l{k}`, `(4 * H)` for biases, `(P, H)` for `weight_hr_l{k}`.
    public func parameterShape(named name: String) -> [Int]? { layers.parameterShape(named: name) }

    /// The parameter with the given PyTorch name, such as `weight_hr_l1_reverse`.
    public func parameter(named name: String) -> Tensor<Scalar>? { layers.parameter(named: name) }

    /// Replaces the parameter with the given PyTorch name.
    ///
    /// - Throws: `TorchError` when there is no such parameter or its shape differs.
    public mutating func setParameter(named name: String, to value: Tensor<Scalar>) throws(TorchError) {
        try layers.setParameter(named: name, to: value)
    }
}

extension LSTM {
    /// Runs the LSTM over `input`, from `hx` or zeros, as `torch.nn.LSTM.forward(input, (h0, c0))` does.
    ///
    /// - Parameters:
    ///   - input: `(L, N, inputSize)`, `(N, L, inputSize)` when ``batchFirst``, or unbatched `(L, inputSize)`.
    ///   - hx: The initial states of every layer and direction, `h0` `(D * numLayers, N, P)` and `c0`
    ///     `(D * numLayers, N, hiddenSize)` (without `N` for unbatched input); zeros when `nil`.
    /// - Returns: `output`, `(L, N, D * P)` in the input's layout, and the final states `hN` and `cN`
    ///   in `h0`'s and `c0`'s shapes. Dropout masks in training mode come from a randomly seeded
    ///   generator.
    /// - Throws: `TorchError` with PyTorch's message for a wrong rank, input size, state shape or dtype,
    ///   or an empty sequence, checked in PyTorch's order.
    @_specialize(exported: true, where Scalar == Float)
    @_specialize(exported: true, where Scalar == Double)
    public func callAsFunction(
        _ input: Tensor<Scalar>, hx: (h0: Tensor<Scalar>, c0: Tensor<Scalar>)? = nil
    ) throws(TorchError) -> (output: Tensor<Scalar>, hN: Tensor<Scalar>, cN: Tensor<Scalar>) {
        var generator: TorchGenerator? = nil
        return Self.unwrap(try layers.forward(input, h0: hx?.h0, c0: hx?.c0, generator: &generator))
    }

    /// Runs the LSTM, drawing training-mode dropout masks from `generator` as PyTorch draws them from
    /// its global generator.
    ///
    /// - Throws: `TorchError` as ``callAsFunction(_:hx:)-(Tensor<Scalar>,_)`` does.
    @_specialize(exported: true, where Scalar == Float)
    @_specialize(exported: true, where Scalar == Double)
    public func callAsFunction(
        _ input: Tensor<Scalar>, hx: (h0: Tensor<Scalar>, c0: Tensor<Scalar>)? = nil, generator: inout TorchGenerator
    ) throws(TorchError) -> (output: Tensor<Scalar>, hN: Tensor<Scalar>, cN: Tensor<Scalar>) {
        Self.unwrap(
            try TorchGenerator.lending(&generator) { generator throws(TorchError) in
                try layers.forward(input, h0: hx?.h0, c0: hx?.c0, generator: &generator)
            })
    }

    /// Runs the LSTM on tensors whose dtype is known only at run time, as from a file.
    ///
    /// - Throws: `TorchError` as ``callAsFunction(_:hx:)-(Tensor<Scalar>,_)`` does, with PyTorch's
    ///   dtype messages (which, for the states, depend on the path PyTorch's CPU kernels take).
    @_specialize(exported: true, where Scalar == Float)
    @_specialize(exported: true, where Scalar == Double)
    public func callAsFunction(
        _ input: AnyTensor, hx: (h0: AnyTensor, c0: AnyTensor)? = nil
    ) throws(TorchError) -> (output: AnyTensor, hN: AnyTensor, cN: AnyTensor) {
        var generator: TorchGenerator? = nil
        let results = try layers.forward(input, h0: hx?.h0, c0: hx?.c0, generator: &generator)
        return (results.output, results.hN, results.cN!)
    }

    /// Runs the LSTM on tensors whose dtype is known only at run time, drawing dropout masks from
    /// `generator`.
    ///
    /// - Throws: `TorchError` as ``callAsFunction(_:hx:)-(AnyTensor,_)`` does.
    @_specialize(exported: true, where Scalar == Float)
    @_specialize(exported: true, where Scalar == Double)
    public func callAsFunction(
        _ input: AnyTensor, hx: (h0: AnyTensor, c0: AnyTensor)? = nil, generator: inout TorchGenerator
    ) throws(TorchError) -> (output: AnyTensor, hN: AnyTensor, cN: AnyTensor) {
        let results = try TorchGenerator.lending(&generator) { generator throws(TorchError) in
            try layers.forward(input, h0: hx?.h0, c0: hx?.c0, generator: &generator)
        }
        return (results.output, results.hN, results.cN!)
    }

    /// Runs the LSTM over a packed batch, as `torch.nn.LSTM.forward(packed, (h0, c0))` does, the states
    /// in the caller's batch order.
    ///
    /// - Throws: `TorchError` with PyTorch's messages for the data's rank and size, and for states
    ///   whose batches differ.
    @_specialize(exported: true, where Scalar == Float)
    @_specialize(exported: true, where Scalar == Double)
    public func callAsFunction(
        _ input: PackedSequence<Scalar>, hx: (h0: Tensor<Scalar>, c0: Tensor<Scalar>)? = nil
    ) throws(TorchError) -> (output: PackedSequence<Scalar>, hN: Tensor<Scalar>, cN: Tensor<Scalar>) {
        var generator: TorchGenerator? = nil
        let results = try layers.forward(input, h0: hx?.h0, c0: hx?.c0, generator: &generator)
        return (results.output, results.hN, results.cN!)
    }

    /// Runs the LSTM over a packed batch, drawing dropout masks from `generator`.
    ///
    /// - Throws: `TorchError` as ``callAsFunction(_:hx:)-(PackedSequence<Scalar>,_)`` does.
    @_specialize(exported: true, where Scalar == Float)
    @_specialize(exported: true, where Scalar == Double)
    public func callAsFunction(
        _ input: PackedSequence<Scalar>, hx: (h0: Tensor<Scalar>, c0: Tensor<Scalar>)? = nil, generator: inout TorchGenerator
    ) throws(TorchError) -> (output: PackedSequence<Scalar>, hN: Tensor<Scalar>, cN: Tensor<Scalar>) {
        let results = try TorchGenerator.lending(&generator) { generator throws(TorchError) in
            try layers.forward(input, h0: hx?.h0, c0: hx?.c0, generator: &generator)
        }
        return (results.output, results.hN, results.cN!)
    }

    /// An LSTM's results always have `c_n`.
    private static func unwrap(
        _ results: RecurrentLayers<Scalar>.Results
    ) -> (output: Tensor<Scalar>, hN: Tensor<Scalar>, cN: Tensor<Scalar>) {
        (results.output, results.hN, results.cN!)
    }
}

extension LSTM {
    /// PyTorch's dtype checks of a forward call, without running it, for a caller that holds its
    /// arrays in another type first: the input's dtype against the weights' (`RNN input dtype ...`),
    /// then the states' with the messages PyTorch's CPU kernels give.
    ///
    /// - Throws: `TorchError` with PyTorch's message for the first dtype that is not the weights'.
    public func checkDTypes(input: DType, h0: DType? = nil, c0: DType? = nil) throws(TorchError) {
        try layers.checkInputDType(input)
        try layers.checkStateDTypes(h0: h0, c0: c0)
    }
}

extension LSTM {
    /// What a forward pass keeps for its backward pass: the model, every layer's states, gates and
    /// cell states at every step, and the dropout multipliers.
    ///
    /// ```swift
    /// let (output, hN, cN, trace) = try lstm.tracedForward(input, hx: (h0, c0))
    /// let gradients = try trace.backward(outputGradient: dOutput, hNGradient: dHN, cNGradient: dCN)
    /// gradients.c0                          // ∂L/∂c0
    /// gradients.parameters["weight_hr_l0"]  // with a projection
    /// ```
    public struct Trace: Sendable {
        /// The model as it ran.
        public let model: LSTM
        let core: RecurrentLayers<Scalar>.Trace

        /// The bytes the forward pass allocated for the trace: what the backward pass cannot do
        /// without, and a time-major copy of a batch-first input.
        public var byteCount: Int { core.byteCount }

        /// The bytes the backward pass cannot do without: the states, gates and cell states of every
        /// layer and step, and the dropout masks.
        public var essentialByteCount: Int { core.essentialByteCount }
    }

    /// The gradients of a loss with respect to what a traced forward pass took.
    public struct Gradients: Sendable, Hashable {
        /// `∂L/∂input`, in the input's shape (for a packed batch, `∂L/∂data`).
        public var input: Tensor<Scalar>
        /// `∂L/∂h0`, in `h0`'s shape and the caller's batch order.
        public var h0: Tensor<Scalar>
        /// `∂L/∂c0`, in `c0`'s shape and the caller's batch order.
        public var c0: Tensor<Scalar>
        /// `∂L/∂` every parameter, under PyTorch's names and in PyTorch's order.
        public var parameters: ParameterGradients<Scalar>
    }

    /// Runs the LSTM as ``callAsFunction(_:hx:generator:)-(Tensor<Scalar>,_,_)`` does and keeps what
    /// the backward pass needs.
    ///
    /// - Throws: `TorchError` as ``callAsFunction(_:hx:)-(Tensor<Scalar>,_)`` does.
    @_specialize(exported: true, where Scalar == Float)
    @_specialize(exported: true, where Scalar == Double)
    public func tracedForward(
        _ input: Tensor<Scalar>, hx: (h0: Tensor<Scalar>, c0: Tensor<Scalar>)? = nil, generator: inout TorchGenerator
    ) throws(TorchError) -> (output: Tensor<Scalar>, hN: Tensor<Scalar>, cN: Tensor<Scalar>, trace: Trace) {
        let (results, trace) = try TorchGenerator.lending(&generator) { generator throws(TorchError) in
            try layers.traced(input, h0: hx?.h0, c0: hx?.c0, generator: &generator)
        }
        return (results.output, results.hN, results.cN!, Trace(model: self, core: trace))
    }

    /// Runs the LSTM and keeps what the backward pass needs, dropout masks coming from a randomly
    /// seeded generator.
    ///
    /// - Throws: `TorchError` as ``callAsFunction(_:hx:)-(Tensor<Scalar>,_)`` does.
    @_specialize(exported: true, where Scalar == Float)
    @_specialize(exported: true, where Scalar == Double)
    public func tracedForward(
        _ input: Tensor<Scalar>, hx: (h0: Tensor<Scalar>, c0: Tensor<Scalar>)? = nil
    ) throws(TorchError) -> (output: Tensor<Scalar>, hN: Tensor<Scalar>, cN: Tensor<Scalar>, trace: Trace) {
        var generator: TorchGenerator? = nil
        let (results, trace) = try layers.traced(input, h0: hx?.h0, c0: hx?.c0, generator: &generator)
        return (results.output, results.hN, results.cN!, Trace(model: self, core: trace))
    }

    /// Runs the LSTM over a packed batch and keeps what the backward pass needs.
    ///
    /// - Throws: `TorchError` as the packed forward does.
    @_specialize(exported: true, where Scalar == Float)
    @_specialize(exported: true, where Scalar == Double)
    public func tracedForward(
        _ input: PackedSequence<Scalar>, hx: (h0: Tensor<Scalar>, c0: Tensor<Scalar>)? = nil, generator: inout TorchGenerator
    ) throws(TorchError) -> (output: PackedSequence<Scalar>, hN: Tensor<Scalar>, cN: Tensor<Scalar>, trace: Trace) {
        let run = try TorchGenerator.lending(&generator) { generator throws(TorchError) in
            try layers.traced(input, h0: hx?.h0, c0: hx?.c0, generator: &generator)
        }
        return (run.output, run.hN, run.cN!, Trace(model: self, core: run.trace))
    }
}

extension LSTM.Trace {
    /// Backpropagates through the traced forward pass, as `torch.autograd.grad` does for
    /// `(output, h_n, c_n)` with these gradients (`nil` for a result the loss does not depend on).
    ///
    /// - Throws: `TorchError` with autograd's message when a gradient's shape is not its tensor's.
    @_specialize(exported: true, where Scalar == Float)
    @_specialize(exported: true, where Scalar == Double)
    public func backward(
        outputGradient: Tensor<Scalar>?, hNGradient: Tensor<Scalar>? = nil, cNGradient: Tensor<Scalar>? = nil
    ) throws(TorchError) -> LSTM.Gradients {
        let gradients = try core.backward(outputGradient: outputGradient, hNGradient: hNGradient, cNGradient: cNGradient)
        return LSTM.Gradients(input: gradients.input, h0: gradients.h0, c0: gradients.c0!, parameters: gradients.parameters)
    }
}
