/// One step of a GRU: the Swift counterpart of `torch.nn.GRUCell`.
///
/// Computes ``GRU``'s gates `r, z, n` for one step and `h' = (1 - z) * n + z * h`, the reset gate
/// scaling `h · W_hnᵀ + b_hn`, with PyTorch's parameter names (`weight_ih` `(3 * H, input)`,
/// `weight_hh` `(3 * H, H)`, `bias_ih`, `bias_hh`), checks and messages.
///
/// ```swift
/// // torch.manual_seed(0); cell = nn.GRUCell(3, 4)
/// let cell = try GRUCell<Double>(inputSize: 3, hiddenSize: 4, seed: 0)
/// var h = try Tensor<Double>.zeros([2, 4])
/// for x in steps { h = try cell(x, hx: h) }   // x: (2, 3)
/// ```
public struct GRUCell<Scalar: RecurrentScalar>: RecurrentModule, Hashable, CustomStringConvertible {
    /// The number of input features (`input_size`).
    public let inputSize: Int
    /// The number of hidden features (`hidden_size`).
    public let hiddenSize: Int
    /// Whether the cell has the biases `b_ih` and `b_hh` (`bias`).
    public let bias: Bool

    var weights: CellWeights<Scalar>

    /// Creates a cell whose parameters are drawn from `generator` as PyTorch draws them: every
    /// parameter from U(-1/√hiddenSize, 1/√hiddenSize), in PyTorch's order.
    ///
    /// Like `torch.nn.GRUCell`, the cell accepts sizes of 0.
    ///
    /// - Throws: `TorchError` with PyTorch's message for a negative size.
    public init(inputSize: Int, hiddenSize: Int, bias: Bool = true, generator: inout TorchGenerator) throws(TorchError) {
        self.inputSize = inputSize
        self.hiddenSize = hiddenSize
        self.bias = bias
        weights = try CellWeights(kind: .gru, inputSize: inputSize, hiddenSize: hiddenSize, bias: bias, generator: &generator)
    }

    /// Creates a cell whose parameters are those `torch.manual_seed(seed)` followed by
    /// `nn.GRUCell(...)` gives, bit for bit; with no seed, from a randomly seeded generator.
    ///
    /// - Throws: `TorchError` with PyTorch's message for a negative size.
    public init(inputSize: Int, hiddenSize: Int, bias: Bool = true, seed: UInt64? = nil) throws(TorchError) {
        var generator = seed.map(TorchGenerator.init(seed:)) ?? .seededFromSystem()
        try self.init(inputSize: inputSize, hiddenSize: hiddenSize, bias: bias, generator: &generator)
    }

    /// `torch.nn.GRUCell`'s `repr`: `GRUCell(3, 4, bias=False)`.
    public var description: String { "GRUCell(\(inputSize), \(hiddenSize)" + (bias ? ")" : ", bias=False)") }

    /// Advances the state one step, as `torch.nn.GRUCell.forward(input, hx)` does.
    ///
    /// - Parameters:
    ///   - input: `(N, inputSize)`, or unbatched `(inputSize)`.
    ///   - hx: The state, `(N, hiddenSize)` or unbatched `(hiddenSize)`; zeros when `nil`.
    /// - Returns: The next state, in `hx`'s shape.
    /// - Throws: `TorchError` with PyTorch's messages for wrong ranks, sizes and dtypes, in PyTorch's
    ///   order.
    @_specialize(exported: true, where Scalar == Float)
    @_specialize(exported: true, where Scalar == Double)
    public func callAsFunction(_ input: Tensor<Scalar>, hx: Tensor<Scalar>? = nil) throws(TorchError) -> Tensor<Scalar> {
        try tracedStep(input, hx: hx).output
    }

    /// Advances the state one step on tensors whose dtype is known only at run time.
    ///
    /// - Throws: `TorchError` as ``callAsFunction(_:hx:)-(Tensor<Scalar>,_)`` does.
    @_specialize(exported: true, where Scalar == Float)
    @_specialize(exported: true, where Scalar == Double)
    public func callAsFunction(_ input: AnyTensor, hx: AnyTensor? = nil) throws(TorchError) -> AnyTensor {
        _ = try validate(inputShape: input.shape, inputDType: input.dtype, hx: hx.map { ($0.shape, $0.dtype) })
        guard let typedInput = input.tensor(of: Scalar.self) else {
            preconditionFailure("validate(...) admits only inputs of the weights' dtype")
        }
        return Scalar.erase(try self(typedInput, hx: hx?.tensor(of: Scalar.self)))
    }

    /// PyTorch's checks for `GRUCell.forward`, in PyTorch's order; returns the batch size.
    private func validate(inputShape: [Int], inputDType: DType, hx: (shape: [Int], dtype: DType)?) throws(TorchError) -> Int {
        let call = CellCall(className: "GRUCell", inputSize: inputSize, hiddenSize: hiddenSize, bias: bias, weightsDType: Scalar.dtype)
        return try call.validate(inputShape: inputShape, inputDType: inputDType, states: hx.map { [$0] } ?? [], checkedDTypes: 1) {
            _, rank in "GRUCell: Expected hidden to be 1D or 2D, got \(rank)D instead"
        }
    }
}

// MARK: - Parameters

extension GRUCell {
    /// `GRUCell`.
    public static var pytorchClassName: String { "GRUCell" }

    /// `weight_ih, weight_hh, bias_ih, bias_hh`, without the biases when ``bias`` is `false`.
    public var parameterNames: [String] { weights.named.map(\.slot) }

    /// The shape of the weight or bias with the given PyTorch name.
    public func parameterShape(named name: String) -> [Int]? {
        parameterNames.contains(name) ? CellWeights<Scalar>.shape(of: name, kind: .gru, inputSize: inputSize, hiddenSize: hiddenSize) : nil
    }

    /// The weight or bias with the given PyTorch name.
    public func parameter(named name: String) -> Tensor<Scalar>? {
        parameterNames.contains(name) ? weights[slot: name] : nil
    }

    /// Replaces the weight or bias with the given PyTorch name.
    ///
    /// - Throws: `TorchError` when there is no such parameter or its shape differs.
    public mutating func setParameter(named name: String, to value: Tensor<Scalar>) throws(TorchError) {
        weights = try weights.replacing(name, with: value, className: Self.pytorchClassName)
    }
}

// MARK: - Training

extension GRUCell {
    /// What a step keeps for its backward pass.
    ///
    /// ```swift
    /// let (next, trace) = try cell.tracedStep(input, hx: hx)
    /// let gradients = try trace.backward(outputGradient: dLoss_dNext)
    /// gradients.hx                                  // ∂L/∂hx
    /// ```
    public struct Trace: Sendable {
        /// The cell as it ran.
        public let cell: GRUCell
        let input: Tensor<Scalar>
        let hx: Tensor<Scalar>?
        let step: CellStep<Scalar>
    }

    /// The gradients of a loss with respect to what a traced step took.
    public struct Gradients: Sendable, Hashable {
        /// `∂L/∂input`, in the input's shape.
        public var input: Tensor<Scalar>
        /// `∂L/∂hx`, in the state's shape; what it would be for zeros when no `hx` was given.
        public var hx: Tensor<Scalar>
        /// `∂L/∂` every parameter, under PyTorch's names (`weight_ih`, ...) and in PyTorch's order.
        public var parameters: ParameterGradients<Scalar>
    }

    /// Advances the state one step as ``callAsFunction(_:hx:)-(Tensor<Scalar>,_)`` does and keeps what
    /// the backward pass needs.
    ///
    /// - Throws: `TorchError` as the step does.
    @_specialize(exported: true, where Scalar == Float)
    @_specialize(exported: true, where Scalar == Double)
    public func tracedStep(_ input: Tensor<Scalar>, hx: Tensor<Scalar>? = nil) throws(TorchError) -> (output: Tensor<Scalar>, trace: Trace) {
        let batch = try validate(inputShape: input.shape, inputDType: Scalar.dtype, hx: hx.map { ($0.shape, Scalar.dtype) })
        let step = weights.step(input.scalars, batch: batch, features: inputSize, hx: hx?.scalars, cx: nil)
        let output = Tensor(unchecked: input.rank == 2 ? [batch, hiddenSize] : [hiddenSize], scalars: step.h)
        return (output, Trace(cell: self, input: input, hx: hx, step: step))
    }
}

extension GRUCell.Trace {
    /// Backpropagates through the traced step, as `torch.autograd.grad` does for its output.
    ///
    /// - Throws: `TorchError` with autograd's message when the gradient's shape is not the output's.
    @_specialize(exported: true, where Scalar == Float)
    @_specialize(exported: true, where Scalar == Double)
    public func backward(outputGradient: Tensor<Scalar>) throws(TorchError) -> GRUCell.Gradients {
        let batch = input.rank == 2 ? input.shape[0] : 1
        let shape = input.rank == 2 ? [batch, cell.hiddenSize] : [cell.hiddenSize]
        try checkGradientShape(outputGradient.shape, output: shape)
        let result = cell.weights.backwardStep(
            input.scalars, batch: batch, features: cell.inputSize, hx: hx?.scalars, cx: nil, step: step,
            hGradient: outputGradient.scalars, cGradient: nil)
        return GRUCell.Gradients(
            input: Tensor(unchecked: input.shape, scalars: result.input), hx: Tensor(unchecked: shape, scalars: result.hx),
            parameters: ParameterGradients(result.parameters.named(like: cell.weights).map { ($0.slot, $0.tensor) }))
    }
}
