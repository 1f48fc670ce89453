/// One step of an LSTM: the Swift counterpart of `torch.nn.LSTMCell`.
///
/// Computes ``LSTM``'s gates `i, f, g, o` for one step, `c' = f * c + i * g` and `h' = o * tanh(c')`,
/// with PyTorch's parameter names (`weight_ih` `(4 * H, input)`, `weight_hh` `(4 * H, H)`,
/// `bias_ih`, `bias_hh`), checks and messages.
///
/// ```swift
/// // torch.manual_seed(0); cell = nn.LSTMCell(3, 4)
/// let cell = try LSTMCell<Double>(inputSize: 3, hiddenSize: 4, seed: 0)
/// var state = (h: try Tensor<Double>.zeros([2, 4]), c: try Tensor<Double>.zeros([2, 4]))
/// for x in steps { state = try cell(x, hx: state) }   // x: (2, 3)
/// ```
public struct LSTMCell<Scalar: RecurrentScalar>: RecurrentModule, Hashable, CustomStringConvertible {
    /// The number of input features (`input_size`).
    public let inputSize: Int
    /// The number of features of `h` and `c` (`hidden_size`).
    public let hiddenSize: Int
    /// Whether the cell has the biases `b_ih` and `b_hh` (`bias`).
    public let bias: Bool

    var weights: CellWeights<Scalar>

    /// Creates a cell whose parameters are drawn from `generator` as PyTorch draws them: every
    /// parameter from U(-1/√hiddenSize, 1/√hiddenSize), in PyTorch's order.
    ///
    /// Like `torch.nn.LSTMCell`, the cell accepts sizes of 0.
    ///
    /// - Throws: `TorchError` with PyTorch's message for a negative size.
    public init(inputSize: Int, hiddenSize: Int, bias: Bool = true, generator: inout TorchGenerator) throws(TorchError) {
        self.inputSize = inputSize
        self.hiddenSize = hiddenSize
        self.bias = bias
        weights = try CellWeights(kind: .lstm, inputSize: inputSize, hiddenSize: hiddenSize, bias: bias, generator: &generator)
    }

    /// Creates a cell whose parameters are those `torch.manual_seed(seed)` followed by
    /// `nn.LSTMCell(...)` gives, bit for bit; with no seed, from a randomly seeded generator.
    ///
    /// - Throws: `TorchError` with PyTorch's message for a negative size.
    public init(inputSize: Int, hiddenSize: Int, bias: Bool = true, seed: UInt64? = nil) throws(TorchError) {
        var generator = seed.map(TorchGenerator.init(seed:)) ?? .seededFromSystem()
        try self.init(inputSize: inputSize, hiddenSize: hiddenSize, bias: bias, generator: &generator)
    }

    /// `torch.nn.LSTMCell`'s `repr`: `LSTMCell(3, 4, bias=False)`.
    public var description: String { "LSTMCell(\(inputSize), \(hiddenSize)" + (bias ? ")" : ", bias=False)") }

    /// Advances the states one step, as `torch.nn.LSTMCell.forward(input, (h, c))` does.
    ///
    /// - Parameters:
    ///   - input: `(N, inputSize)`, or unbatched `(inputSize)`.
    ///   - hx: The states `h` and `c`, each `(N, hiddenSize)` or unbatched `(hiddenSize)`; zeros when `nil`.
    /// - Returns: The next `h` and `c`, in the states' shape.
    /// - Throws: `TorchError` with PyTorch's messages for wrong ranks, sizes and dtypes, in PyTorch's
    ///   order.
    @_specialize(exported: true, where Scalar == Float)
    @_specialize(exported: true, where Scalar == Double)
    public func callAsFunction(
        _ input: Tensor<Scalar>, hx: (h: Tensor<Scalar>, c: Tensor<Scalar>)? = nil
    ) throws(TorchError) -> (h: Tensor<Scalar>, c: Tensor<Scalar>) {
        let (h, c, _) = try tracedStep(input, hx: hx)
        return (h, c)
    }

    /// Advances the states one step on tensors whose dtype is known only at run time.
    ///
    /// - Throws: `TorchError` as ``callAsFunction(_:hx:)-(Tensor<Scalar>,_)`` does. A float32 `c` in a
    ///   float64 cell is converted, as PyTorch's promotion does; PyTorch promotes the step to a `c` of
    ///   any other dtype (float64 in a float32 cell), which this package refuses, saying so.
    @_specialize(exported: true, where Scalar == Float)
    @_specialize(exported: true, where Scalar == Double)
    public func callAsFunction(
        _ input: AnyTensor, hx: (h: AnyTensor, c: AnyTensor)? = nil
    ) throws(TorchError) -> (h: AnyTensor, c: AnyTensor) {
        _ = try validate(
            inputShape: input.shape, inputDType: input.dtype,
            states: hx.map { [($0.h.shape, $0.h.dtype), ($0.c.shape, $0.c.dtype)] } ?? [])
        // `c` enters the step only element-wise, where PyTorch promotes: a narrower float `c` gives the
        // cell's own dtype and is converted exactly; a wider one would make the states wider than the
        // cell, which this package does not do.
        if let c = hx?.c, c.dtype != Scalar.dtype, !(c.dtype == .float32 && Scalar.dtype == .float64) {
            throw .runtimeError(
                "LSTMCell: c is \(c.dtype.torchName) but the cell computes in \(Scalar.dtype.torchName), and PyTorch would "
                    + "return states of the promoted dtype, which this package does not: convert c to \(Scalar.dtype.torchName), "
                    + "or the cell")
        }
        guard let typedInput = input.tensor(of: Scalar.self) else {
            preconditionFailure("validate(...) admits only inputs of the weights' dtype")
        }
        let typedStates = hx.flatMap { hx in hx.h.tensor(of: Scalar.self).map { ($0, hx.c.converted(to: Scalar.self)) } }
        let (h, c) = try self(typedInput, hx: typedStates)
        return (Scalar.erase(h), Scalar.erase(c))
    }

    /// PyTorch's checks for `LSTMCell.forward`, in PyTorch's order; returns the batch size.
    private func validate(inputShape: [Int], inputDType: DType, states: [(shape: [Int], dtype: DType)]) throws(TorchError) -> Int {
        let call = CellCall(className: "LSTMCell", inputSize: inputSize, hiddenSize: hiddenSize, bias: bias, weightsDType: Scalar.dtype)
        return try call.validate(inputShape: inputShape, inputDType: inputDType, states: states, checkedDTypes: 1) { index, rank in
            "LSTMCell: Expected hx[\(index)] to be 1D or 2D, got \(rank)D instead"
        }
    }
}

// MARK: - Parameters

extension LSTMCell {
    /// `LSTMCell`.
    public static var pytorchClassName: String { "LSTMCell" }

    /// `weight_ih, weight_hh, bias_ih, bias_hh`, without the biases when ``bias`` is `false`.
    public var parameterNames: [String] { weights.named.map(\.slot) }

    /// The shape of the weight or bias with the given PyTorch name.
    public func parameterShape(named name: String) -> [Int]? {
        parameterNames.contains(name) ? CellWeights<Scalar>.shape(of: name, kind: .lstm, inputSize: inputSize, hiddenSize: hiddenSize) : nil
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

extension LSTMCell {
    /// What a step keeps for its backward pass.
    ///
    /// ```swift
    /// let (h, c, trace) = try cell.tracedStep(input, hx: (h0, c0))
    /// let gradients = try trace.backward(hGradient: dLoss_dH, cGradient: dLoss_dC)
    /// gradients.cx                                  // ∂L/∂c0
    /// ```
    public struct Trace: Sendable {
        /// The cell as it ran.
        public let cell: LSTMCell
        let input: Tensor<Scalar>
        let hx: (h: Tensor<Scalar>, c: Tensor<Scalar>)?
        let step: CellStep<Scalar>
    }

    /// The gradients of a loss with respect to what a traced step took.
    public struct Gradients: Sendable, Hashable {
        /// `∂L/∂input`, in the input's shape.
        public var input: Tensor<Scalar>
        /// `∂L/∂h`, in the state's shape; what it would be for zeros when no state was given.
        public var hx: Tensor<Scalar>
        /// `∂L/∂c`, in the state's shape.
        public var cx: Tensor<Scalar>
        /// `∂L/∂` every parameter, under PyTorch's names (`weight_ih`, ...) and in PyTorch's order.
        public var parameters: ParameterGradients<Scalar>
    }

    /// Advances the states one step as ``callAsFunction(_:hx:)-(Tensor<Scalar>,_)`` does and keeps what
    /// the backward pass needs.
    ///
    /// - Throws: `TorchError` as the step does.
    @_specialize(exported: true, where Scalar == Float)
    @_specialize(exported: true, where Scalar == Double)
    public func tracedStep(
        _ input: Tensor<Scalar>, hx: (h: Tensor<Scalar>, c: Tensor<Scalar>)? = nil
    ) throws(TorchError) -> (h: Tensor<Scalar>, c: Tensor<Scalar>, trace: Trace) {
        let dtype = Scalar.dtype
        let batch = try validate(
            inputShape: input.shape, inputDType: dtype, states: hx.map { [($0.h.shape, dtype), ($0.c.shape, dtype)] } ?? [])
        let step = weights.step(input.scalars, batch: batch, features: inputSize, hx: hx?.h.scalars, cx: hx?.c.scalars)
        let shape = input.rank == 2 ? [batch, hiddenSize] : [hiddenSize]
        return (
            Tensor(unchecked: shape, scalars: step.h), Tensor(unchecked: shape, scalars: step.c),
            Trace(cell: self, input: input, hx: hx, step: step)
        )
    }
}

extension LSTMCell.Trace {
    /// Backpropagates through the traced step, as `torch.autograd.grad` does for `(h', c')` with these
    /// gradients (`nil` for one the loss does not depend on).
    ///
    /// - Throws: `TorchError` with autograd's message when a gradient's shape is not its state's.
    @_specialize(exported: true, where Scalar == Float)
    @_specialize(exported: true, where Scalar == Double)
    public func backward(hGradient: Tensor<Scalar>?, cGradient: Tensor<Scalar>? = nil) throws(TorchError) -> LSTMCell.Gradients {
        let batch = input.rank == 2 ? input.shape[0] : 1
        let shape = input.rank == 2 ? [batch, cell.hiddenSize] : [cell.hiddenSize]
        if let hGradient { try checkGradientShape(hGradient.shape, output: shape, index: 0) }
        if let cGradient { try checkGradientShape(cGradient.shape, output: shape, index: 1) }
        let result = cell.weights.backwardStep(
            input.scalars, batch: batch, features: cell.inputSize, hx: hx?.h.scalars, cx: hx?.c.scalars, step: step,
            hGradient: hGradient?.scalars, cGradient: cGradient?.scalars)
        return LSTMCell.Gradients(
            input: Tensor(unchecked: input.shape, scalars: result.input), hx: Tensor(unchecked: shape, scalars: result.hx),
            cx: Tensor(unchecked: shape, scalars: result.cx),
            parameters: ParameterGradients(result.parameters.named(like: cell.weights).map { ($0.slot, $0.tensor) }))
    }
}
