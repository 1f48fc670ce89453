/// One step of an Elman RNN: the Swift counterpart of `torch.nn.RNNCell`.
///
/// `h' = act((h · W_hhᵀ + b_hh) + (x · W_ihᵀ + b_ih))`, with PyTorch's parameter names
/// (`weight_ih`, `weight_hh`, `bias_ih`, `bias_hh`), shapes, checks and messages.
///
/// ```swift
/// // torch.manual_seed(0); cell = nn.RNNCell(3, 4)
/// let cell = try RNNCell<Double>(inputSize: 3, hiddenSize: 4, seed: 0)
/// var h = try Tensor<Double>.zeros([2, 4])
/// for x in steps { h = try cell(x, hx: h) }   // x: (2, 3)
/// ```
public struct RNNCell<Scalar: RecurrentScalar>: RecurrentModule, Hashable, CustomStringConvertible {
    /// The number of input features (`input_size`).
    public let inputSize: Int
    /// The number of hidden features (`hidden_size`).
    public let hiddenSize: Int
    /// Whether the cell has the biases `b_ih` and `b_hh` (`bias`).
    public let bias: Bool
    /// The activation (`nonlinearity`).
    public let nonlinearity: Nonlinearity

    var weights: CellWeights<Scalar>

    /// Creates a cell whose parameters are drawn from `generator` as PyTorch draws them: every
    /// parameter from U(-1/√hiddenSize, 1/√hiddenSize), in PyTorch's order.
    ///
    /// Like `torch.nn.RNNCell`, the cell accepts sizes of 0.
    ///
    /// - Throws: `TorchError` with PyTorch's message for a negative size.
    public init(
        inputSize: Int, hiddenSize: Int, bias: Bool = true, nonlinearity: Nonlinearity = .tanh,
        generator: inout TorchGenerator
    ) throws(TorchError) {
        self.inputSize = inputSize
        self.hiddenSize = hiddenSize
        self.bias = bias
        self.nonlinearity = nonlinearity
        weights = try CellWeights(
            kind: .elman(nonlinearity), inputSize: inputSize, hiddenSize: hiddenSize, bias: bias, generator: &generator)
    }

    /// Creates a cell whose parameters are those `torch.manual_seed(seed)` followed by
    /// `nn.RNNCell(...)` gives, bit for bit; with no seed, from a randomly seeded generator.
    ///
    /// - Throws: `TorchError` with PyTorch's message for a negative size.
    public init(
        inputSize: Int, hiddenSize: Int, bias: Bool = true, nonlinearity: Nonlinearity = .tanh,
        seed: UInt64? = nil
    ) throws(TorchError) {
        var generator = seed.map(TorchGenerator.init(seed:)) ?? .seededFromSystem()
        try self.init(
            inputSize: inputSize, hiddenSize: hiddenSize, bias: bias, nonlinearity: nonlinearity, generator: &generator)
    }

    /// `torch.nn.RNNCell`'s `repr`: `RNNCell(3, 4, bias=False, nonlinearity=relu)`, each option shown
    /// only when it differs from the default.
    public var description: String {
        var parts = ["\(inputSize)", "\(hiddenSize)"]
        if !bias { parts.append("bias=False") }
        if nonlinearity != .tanh { parts.append("nonlinearity=\(nonlinearity.rawValue)") }
        return "RNNCell(" + parts.joined(separator: ", ") + ")"
    }

    /// Advances the state one step, as `torch.nn.RNNCell.forward(input, hx)` does.
    ///
    /// - Parameters:
    ///   - input: `(N, inputSize)`, or unbatched `(inputSize)`.
    ///   - hx: The state, `(N, hiddenSize)` or unbatched `(hiddenSize)`; zeros when `nil`.
    /// - Returns: The next state, in `hx`'s shape.
    /// - Throws: `TorchError` with PyTorch's messages for wrong ranks and sizes, in PyTorch's order.
    @_specialize(exported: true, where Scalar == Float)
    @_specialize(exported: true, where Scalar == Double)
    public func callAsFunction(_ input: Tensor<Scalar>, hx: Tensor<Scalar>? = nil) throws(TorchError) -> Tensor<Scalar> {
        let batch = try validate(
            inputShape: input.shape, inputDType: Scalar.dtype, hxShape: hx?.shape, hxDType: hx == nil ? nil : Scalar.dtype)
        return step(input, hx: hx, batch: batch, isBatched: input.rank == 2)
    }

    /// Advances the state one step on tensors whose dtype is known only at run time.
    ///
    /// - Throws: `TorchError` as ``callAsFunction(_:hx:)-(Tensor<Scalar>,_)`` does, and PyTorch's
    ///   `mat1 and mat2 must have the same dtype, ...` when a dtype is not the weights'.
    @_specialize(exported: true, where Scalar == Float)
    @_specialize(exported: true, where Scalar == Double)
    public func callAsFunction(_ input: AnyTensor, hx: AnyTensor? = nil) throws(TorchError) -> AnyTensor {
        let batch = try validate(inputShape: input.shape, inputDType: input.dtype, hxShape: hx?.shape, hxDType: hx?.dtype)
        guard let typedInput = input.tensor(of: Scalar.self) else {
            preconditionFailure("validate(...) admits only inputs of the weights' dtype")
        }
        return Scalar.erase(step(typedInput, hx: hx?.tensor(of: Scalar.self), batch: batch, isBatched: input.rank == 2))
    }

    /// PyTorch's checks for `RNNCell.forward`, in PyTorch's order; returns the batch size.
    private func validate(inputShape: [Int], inputDType: DType, hxShape: [Int]?, hxDType: DType?) throws(TorchError) -> Int {
        let call = CellCall(className: "RNNCell", inputSize: inputSize, hiddenSize: hiddenSize, bias: bias, weightsDType: Scalar.dtype)
        return try call.validate(
            inputShape: inputShape, inputDType: inputDType, states: hxShape.map { [($0, hxDType ?? Scalar.dtype)] } ?? [],
            checkedDTypes: 1
        ) { _, rank in "RNNCell: Expected hidden to be 1D or 2D, got \(rank)D instead" }
    }

    private func step(_ input: Tensor<Scalar>, hx: Tensor<Scalar>?, batch: Int, isBatched: Bool) -> Tensor<Scalar> {
        // One step's output is the next state.
        var next = [Scalar](repeating: 0, count: batch * hiddenSize)
        input.scalars.withUnsafeBufferPointer { source in
            next.withUnsafeMutableBufferPointer { output in
                withInitialState(hx?.scalars, 0..<(batch * hiddenSize)) { initialState in
                    RecurrentKernel.runDirection(
                        weights,
                        input: source, features: inputSize, batchSizes: [batch],
                        initialState: initialState, reverse: false,
                        output: output, outputWidth: hiddenSize, outputOffset: 0, finalState: nil)
                }
            }
        }
        return Tensor(unchecked: isBatched ? [batch, hiddenSize] : [hiddenSize], scalars: next)
    }
}

// MARK: - Parameters

extension RNNCell {
    /// `RNNCell`.
    public static var pytorchClassName: String { "RNNCell" }

    /// `weight_ih, weight_hh, bias_ih, bias_hh`, without the biases when ``bias`` is `false`.
    public var parameterNames: [String] { weights.named.map(\.slot) }

    /// The shape of the weight or bias with the given PyTorch name.
    public func parameterShape(named name: String) -> [Int]? {
        parameterNames.contains(name) ? CellWeights<Scalar>.shape(of: name, kind: weights.kind, inputSize: inputSize, hiddenSize: hiddenSize) : nil
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
