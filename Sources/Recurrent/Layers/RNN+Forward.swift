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
    private struct Layout {
        var steps: Int
        var batch: Int
        var isBatched: Bool
    }

    /// PyTorch's checks for a non-packed forward, in PyTorch's order.
    private func validate(
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
        guard inputDType == Scalar.dtype else {
            throw .valueError(
                "RNN input dtype (\(inputDType.torchName)) does not match weight dtype (\(Scalar.dtype.torchName)). "
                    + "Convert input: input.to(\(Scalar.dtype.torchName)), or convert model: model.to(\(inputDType.torchName))")
        }
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
        if let h0DType, h0DType != Scalar.dtype {
            throw .matmulDTypeMismatch(h0DType, weights: Scalar.dtype, bias: bias)
        }
        // The output's shape must be one a tensor can have: an empty batch leaves the input's length
        // unchecked by its (absent) data, and PyTorch's allocation of the output refuses it here.
        _ = try Tensor<Scalar>.elementCount(of: [steps, batch, numDirections * hiddenSize])
        return Layout(steps: steps, batch: batch, isBatched: isBatched)
    }

    /// The forward pass on validated tensors: time-major internally, in the caller's layout outside.
    private func run(
        _ input: Tensor<Scalar>, h0: Tensor<Scalar>?, layout: Layout, generator: inout TorchGenerator?
    ) -> (output: Tensor<Scalar>, hN: Tensor<Scalar>) {
        let (steps, batch) = (layout.steps, layout.batch)
        let width = numDirections * hiddenSize
        let hNShape = [numDirections * numLayers] + (layout.isBatched ? [batch] : []) + [hiddenSize]
        // An empty batch has nothing to compute, at any length: the results are empty, as PyTorch's are
        // (which it reaches after a step loop as long as the sequence).
        guard batch > 0 else {
            return (Tensor(unchecked: batchFirst ? [0, steps, width] : [steps, 0, width], scalars: []), Tensor(unchecked: hNShape, scalars: []))
        }
        let rows = layout.isBatched && batchFirst ? input.transposingFirstTwoDimensions().scalars : input.scalars
        let (output, hN) = runLayers(
            rows, batchSizes: Array(repeating: batch, count: steps), h0: h0?.scalars, generator: &generator)
        let hNTensor = Tensor(unchecked: hNShape, scalars: hN)
        guard layout.isBatched else {
            return (Tensor(unchecked: [steps, width], scalars: output), hNTensor)
        }
        let outputTensor = Tensor(unchecked: [steps, batch, width], scalars: output)
        return (batchFirst ? outputTensor.transposingFirstTwoDimensions() : outputTensor, hNTensor)
    }

    /// Runs every layer and direction over time-major rows grouped by `batchSizes` (see
    /// ``RecurrentKernel/runDirection(_:nonlinearity:input:features:batchSizes:initialState:reverse:output:outputWidth:outputOffset:finalState:)``),
    /// from `h0` (`(D * numLayers, batchSizes[0], H)`, zeros when `nil`), applying dropout between
    /// layers in training mode.
    ///
    /// - Returns: the last layer's `(Σ batchSizes, D * H)` rows and the `(D * numLayers, batchSizes[0], H)`
    ///   final states.
    func runLayers(
        _ input: [Scalar], batchSizes: [Int], h0: [Scalar]?, generator: inout TorchGenerator?
    ) -> (output: [Scalar], hN: [Scalar]) {
        let directions = numDirections
        let width = directions * hiddenSize
        let totalRows = batchSizes.reduce(0, +)
        let stateSize = (batchSizes.first ?? 0) * hiddenSize
        var layerInput = input
        var features = inputSize
        var hN = [Scalar](repeating: 0, count: directions * numLayers * stateSize)

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
            if training && dropout > 0 && layer < numLayers - 1 {
                if generator == nil { generator = .seededFromSystem() }
                Dropout.apply(probability: dropout, to: &layerOutput, generator: &generator!)
            }
            if layer > 0 { spare = layerInput }
            layerInput = layerOutput
            features = width
        }
        return (layerInput, hN)
    }
}

/// Calls `body` with `states` of `scalars`, or with `nil` when there are none.
func withInitialState<Scalar, Result>(
    _ scalars: [Scalar]?, _ states: Range<Int>, _ body: (UnsafeBufferPointer<Scalar>?) -> Result
) -> Result {
    guard let scalars else { return body(nil) }
    return scalars.withUnsafeBufferPointer { body(UnsafeBufferPointer(rebasing: $0[states])) }
}
