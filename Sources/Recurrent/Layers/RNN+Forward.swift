extension RNN {
    /// Runs the RNN over `input`, from `h0` or zeros, as `torch.nn.RNN.forward(input, hx)` does.
    ///
    /// - Parameters:
    ///   - input: `(L, N, inputSize)`, `(N, L, inputSize)` when ``batchFirst``, or unbatched `(L, inputSize)`.
    ///   - h0: The initial state of every layer and direction, `(D * numLayers, N, hiddenSize)`, or
    ///     `(D * numLayers, hiddenSize)` for unbatched input; zeros when `nil`. ``batchFirst`` never
    ///     applies to it.
    /// - Returns: `output`, the last layer's state at every step, `(L, N, D * hiddenSize)` in the input's
    ///   layout (`(L, D * hiddenSize)` unbatched), and `hN`, every layer and direction's final state, in
    ///   `h0`'s shape. Dropout masks in training mode come from a randomly seeded generator.
    /// - Throws: `TorchError` with PyTorch's message for a wrong rank, input size or `h0` shape, or an
    ///   empty sequence, checked in PyTorch's order.
    @_specialize(exported: true, where Scalar == Float)
    @_specialize(exported: true, where Scalar == Double)
    public func callAsFunction(
        _ input: Tensor<Scalar>, h0: Tensor<Scalar>? = nil
    ) throws(TorchError) -> (output: Tensor<Scalar>, hN: Tensor<Scalar>) {
        var generator: TorchGenerator? = nil
        return try forward(input, h0: h0, generator: &generator)
    }

    /// Runs the RNN, drawing training-mode dropout masks from `generator` exactly as PyTorch draws
    /// them from its global generator.
    ///
    /// After `var generator = TorchGenerator(seed: s)`, the masks are those of
    /// `torch.manual_seed(s); rnn(input, h0)`.
    ///
    /// - Throws: `TorchError` as ``callAsFunction(_:h0:)`` does.
    @_specialize(exported: true, where Scalar == Float)
    @_specialize(exported: true, where Scalar == Double)
    public func callAsFunction(
        _ input: Tensor<Scalar>, h0: Tensor<Scalar>? = nil, generator: inout TorchGenerator
    ) throws(TorchError) -> (output: Tensor<Scalar>, hN: Tensor<Scalar>) {
        try TorchGenerator.lending(&generator) { generator throws(TorchError) in try forward(input, h0: h0, generator: &generator) }
    }

    /// Runs the RNN on tensors whose dtype is known only at run time, as from a file.
    ///
    /// - Throws: `TorchError` as ``callAsFunction(_:h0:)`` does, and PyTorch's messages when the input's
    ///   dtype is not the weights' (`RNN input dtype (torch.float64) does not match weight dtype
    ///   (torch.float32). ...`) or `h0`'s is not (`mat1 and mat2 must have the same dtype, ...`).
    @_specialize(exported: true, where Scalar == Float)
    @_specialize(exported: true, where Scalar == Double)
    public func callAsFunction(
        _ input: AnyTensor, h0: AnyTensor? = nil
    ) throws(TorchError) -> (output: AnyTensor, hN: AnyTensor) {
        var generator: TorchGenerator? = nil
        return try forward(input, h0: h0, generator: &generator)
    }

    /// Runs the RNN on tensors whose dtype is known only at run time, drawing dropout masks from
    /// `generator`.
    ///
    /// - Throws: `TorchError` as ``callAsFunction(_:h0:)-(AnyTensor,_)`` does.
    @_specialize(exported: true, where Scalar == Float)
    @_specialize(exported: true, where Scalar == Double)
    public func callAsFunction(
        _ input: AnyTensor, h0: AnyTensor? = nil, generator: inout TorchGenerator
    ) throws(TorchError) -> (output: AnyTensor, hN: AnyTensor) {
        try TorchGenerator.lending(&generator) { generator throws(TorchError) in try forward(input, h0: h0, generator: &generator) }
    }

    private func forward(
        _ input: AnyTensor, h0: AnyTensor?, generator: inout TorchGenerator?
    ) throws(TorchError) -> (output: AnyTensor, hN: AnyTensor) {
        let layout = try validate(inputShape: input.shape, inputDType: input.dtype, h0Shape: h0?.shape, h0DType: h0?.dtype)
        guard let typedInput = input.tensor(of: Scalar.self) else {
            preconditionFailure("validate(...) admits only inputs of the weights' dtype")
        }
        let result = run(typedInput, h0: h0?.tensor(of: Scalar.self), layout: layout, generator: &generator)
        return (Scalar.erase(result.output), Scalar.erase(result.hN))
    }

    private func forward(
        _ input: Tensor<Scalar>, h0: Tensor<Scalar>?, generator: inout TorchGenerator?
    ) throws(TorchError) -> (output: Tensor<Scalar>, hN: Tensor<Scalar>) {
        let layout = try validate(
            inputShape: input.shape, inputDType: Scalar.dtype, h0Shape: h0?.shape, h0DType: h0 == nil ? nil : Scalar.dtype)
        return run(input, h0: h0, layout: layout, generator: &generator)
    }

    /// The sizes of a validated call.
    struct Layout {
        var steps: Int
        var batch: Int
        var isBatched: Bool

        /// Each step's rows for the kernels: `batch` at every step, or no steps at all for an empty
        /// batch, which has nothing to compute at any length (PyTorch returns empty results too, after a
        /// step loop as long as the sequence).
        var batchSizes: [Int] { batch > 0 ? Array(repeating: batch, count: steps) : [] }
    }

    /// PyTorch's checks for a non-packed forward, in PyTorch's order.
    func validate(
        inputShape: [Int], inputDType: DType, h0Shape: [Int]?, h0DType: DType?
    ) throws(TorchError) -> Layout {
        guard inputShape.count == 2 || inputShape.count == 3 else {
            throw .valueError("RNN: Expected input to be 2D or 3D, got \(inputShape.count)D tensor instead")
        }
        let isBatched = inputShape.count == 3
        if let h0Shape {
            if isBatched && h0Shape.count != 3 {
                throw .runtimeError("For batched 3-D input, hx should also be 3-D but got \(h0Shape.count)-D tensor")
            }
            if !isBatched && h0Shape.count != 2 {
                throw .runtimeError("For unbatched 2-D input, hx should also be 2-D but got \(h0Shape.count)-D tensor")
            }
        }
        try checkInputDType(inputDType)
        guard inputShape[inputShape.count - 1] == inputSize else {
            throw .runtimeError(
                "input.size(-1) must be equal to input_size. Expected \(inputSize), got \(inputShape[inputShape.count - 1])")
        }
        let steps = isBatched && batchFirst ? inputShape[1] : inputShape[0]
        let batch = isBatched ? (batchFirst ? inputShape[0] : inputShape[1]) : 1
        if let h0Shape {
            let expected = [numDirections * numLayers, batch, hiddenSize]
            let given = isBatched ? h0Shape : [h0Shape[0], 1, h0Shape[1]]
            guard given == expected else {
                throw .runtimeError("Expected hidden size \(formatTuple(expected)), got \(formatList(given))")
            }
        }
        guard steps > 0 else { throw .runtimeError("Expected sequence length to be larger than 0 in RNN") }
        try checkStateDType(h0DType)
        // The output's shape must be one a tensor can have: an empty batch leaves the input's length
        // unchecked by its (absent) data, and PyTorch's allocation of the output refuses it here.
        _ = try Tensor<Scalar>.elementCount(of: [steps, batch, numDirections * hiddenSize])
        return Layout(steps: steps, batch: batch, isBatched: isBatched)
    }

    /// PyTorch's dtype checks of a forward call, without running it, for a caller that holds its
    /// arrays in another type first (a packed batch is checked the same way): the input's dtype
    /// against the weights' (`RNN input dtype (torch.float64) does not match weight dtype
    /// (torch.float32). ...`), then `h0`'s (`mat1 and mat2 must have the same dtype, ...`).
    ///
    /// - Throws: `TorchError` with PyTorch's message for the first dtype that is not the weights'.
    public func checkDTypes(input: DType, h0: DType? = nil) throws(TorchError) {
        try checkInputDType(input)
        try checkStateDType(h0)
    }

    private func checkInputDType(_ dtype: DType) throws(TorchError) {
        guard dtype == Scalar.dtype else {
            throw .valueError(
                "RNN input dtype (\(dtype.torchName)) does not match weight dtype (\(Scalar.dtype.torchName)). "
                    + "Convert input: input.to(\(Scalar.dtype.torchName)), or convert model: model.to(\(dtype.torchName))")
        }
    }

    private func checkStateDType(_ dtype: DType?) throws(TorchError) {
        if let dtype, dtype != Scalar.dtype {
            throw .matmulDTypeMismatch(dtype, weights: Scalar.dtype, bias: bias)
        }
    }

    /// The forward pass on validated tensors: time-major internally, in the caller's layout outside.
    private func run(
        _ input: Tensor<Scalar>, h0: Tensor<Scalar>?, layout: Layout, generator: inout TorchGenerator?
    ) -> (output: Tensor<Scalar>, hN: Tensor<Scalar>) {
        let rows = layout.isBatched && batchFirst ? input.transposingFirstTwoDimensions().scalars : input.scalars
        let (output, hN, _) = runLayers(rows, batchSizes: layout.batchSizes, h0: h0?.scalars, generator: &generator)
        return (shapedOutput(output, layout), shapedStates(hN, layout))
    }

    /// Time-major `(L, N, features)` rows as the caller lays them out: `(N, L, features)` with
    /// ``batchFirst``, `(L, features)` unbatched.
    private func shapedRows(_ rows: [Scalar], features: Int, _ layout: Layout) -> Tensor<Scalar> {
        guard layout.isBatched else { return Tensor(unchecked: [layout.steps, features], scalars: rows) }
        let timeMajor = Tensor(unchecked: [layout.steps, layout.batch, features], scalars: rows)
        return batchFirst ? timeMajor.transposingFirstTwoDimensions() : timeMajor
    }

    /// The output's time-major rows in the caller's layout.
    func shapedOutput(_ rows: [Scalar], _ layout: Layout) -> Tensor<Scalar> {
        shapedRows(rows, features: numDirections * hiddenSize, layout)
    }

    /// The input's time-major rows (or their gradient) in the caller's layout.
    func shapedInput(_ rows: [Scalar], _ layout: Layout) -> Tensor<Scalar> {
        shapedRows(rows, features: inputSize, layout)
    }

    /// The shape of the output the caller sees.
    func outputShape(_ layout: Layout) -> [Int] {
        let width = numDirections * hiddenSize
        guard layout.isBatched else { return [layout.steps, width] }
        return batchFirst ? [layout.batch, layout.steps, width] : [layout.steps, layout.batch, width]
    }

    /// The shape of `h0` and `h_n`: `(D * numLayers, N, H)`, or `(D * numLayers, H)` unbatched.
    func statesShape(_ layout: Layout) -> [Int] {
        [numDirections * numLayers] + (layout.isBatched ? [layout.batch] : []) + [hiddenSize]
    }

    /// Final states (or their gradient) in `h_n`'s shape.
    func shapedStates(_ states: [Scalar], _ layout: Layout) -> Tensor<Scalar> {
        Tensor(unchecked: statesShape(layout), scalars: states)
    }

    /// Runs every layer and direction over time-major rows grouped by `batchSizes` (see
    /// ``RecurrentKernel/runDirection(_:nonlinearity:input:features:batchSizes:initialState:reverse:output:outputWidth:outputOffset:finalState:)``),
    /// from `h0` (`(D * numLayers, batchSizes[0], H)`, zeros when `nil`), applying dropout between
    /// layers in training mode.
    ///
    /// With `keepingLayers`, every layer's output (before dropout) and dropout multipliers are kept
    /// for the backward pass; without, a layer's output is reused once the next one has read it.
    ///
    /// - Returns: the last layer's `(Σ batchSizes, D * H)` rows, the `(D * numLayers, batchSizes[0], H)`
    ///   final states, and the kept layers (empty unless asked for).
    func runLayers(
        _ input: [Scalar], batchSizes: [Int], h0: [Scalar]?, generator: inout TorchGenerator?, keepingLayers: Bool = false
    ) -> (output: [Scalar], hN: [Scalar], layers: [TracedLayer]) {
        let directions = numDirections
        let width = directions * hiddenSize
        let totalRows = batchSizes.reduce(0, +)
        let stateSize = (batchSizes.first ?? 0) * hiddenSize
        var layerInput = input
        var features = inputSize
        var hN = [Scalar](repeating: 0, count: directions * numLayers * stateSize)
        var kept: [TracedLayer] = []

        // The output of the layer before last, free once its successor has read it: from the third
        // layer on, each layer writes over it instead of allocating (the kernel sets every element).
        var spare: [Scalar]? = nil
        for layer in 0..<numLayers {
            var layerOutput = spare.take() ?? [Scalar](repeating: 0, count: totalRows * width)
            for direction in 0..<directions {
                let index = layer * directions + direction
                let states = (index * stateSize)..<((index + 1) * stateSize)
                layerInput.withUnsafeBufferPointer { source in
                    layerOutput.withUnsafeMutableBufferPointer { target in
                        hN.withUnsafeMutableBufferPointer { hN in
                            withInitialState(h0, states) { initialState in
                                RecurrentKernel.runDirection(
                                    cells[index], nonlinearity: nonlinearity,
                                    input: source, features: features, batchSizes: batchSizes,
                                    initialState: initialState, reverse: direction == 1,
                                    output: target, outputWidth: width, outputOffset: direction * hiddenSize,
                                    finalState: UnsafeMutableBufferPointer(rebasing: hN[states]))
                            }
                        }
                    }
                }
            }
            var mask: [Scalar]? = nil
            if training && dropout > 0 && layer < numLayers - 1 {
                if generator == nil { generator = .seededFromSystem() }
                mask = Dropout.mask(probability: dropout, count: layerOutput.count, generator: &generator!)
            }
            if keepingLayers { kept.append(TracedLayer(output: layerOutput, dropoutMask: mask)) }
            if let mask { Dropout.apply(mask, to: &layerOutput) }
            if layer > 0 && !keepingLayers { spare = layerInput }
            layerInput = layerOutput
            features = width
        }
        return (layerInput, hN, kept)
    }

    /// One layer of a forward pass kept for the backward pass.
    struct TracedLayer: Sendable, Hashable {
        /// The layer's output rows before dropout: the states the backward pass reads back.
        var output: [Scalar]
        /// The dropout multipliers applied to the output before the next layer, when there were any.
        var dropoutMask: [Scalar]?
    }
}

/// Calls `body` with `states` of `scalars`, or with `nil` when there are none.
func withInitialState<Scalar, Result>(
    _ scalars: [Scalar]?, _ states: Range<Int>, _ body: (UnsafeBufferPointer<Scalar>?) -> Result
) -> Result {
    guard let scalars else { return body(nil) }
    return scalars.withUnsafeBufferPointer { body(UnsafeBufferPointer(rebasing: $0[states])) }
}
