extension RecurrentLayers {
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

    /// A forward pass's results in the caller's layout: `cN` only for an LSTM.
    typealias Results = (output: Tensor<Scalar>, hN: Tensor<Scalar>, cN: Tensor<Scalar>?)

    /// The forward pass on tensors whose dtype is known only at run time: PyTorch's checks, in its
    /// order, then the run.
    func forward(
        _ input: AnyTensor, h0: AnyTensor?, c0: AnyTensor?, generator: inout TorchGenerator?
    ) throws(TorchError) -> (output: AnyTensor, hN: AnyTensor, cN: AnyTensor?) {
        let layout = try validate(
            inputShape: input.shape, inputDType: input.dtype, h0Shape: h0?.shape, h0DType: h0?.dtype, c0Shape: c0?.shape,
            c0DType: c0?.dtype)
        guard let typedInput = input.tensor(of: Scalar.self) else {
            preconditionFailure("validate(...) admits only inputs of the weights' dtype")
        }
        let result = run(
            typedInput, h0: h0?.tensor(of: Scalar.self), c0: c0?.tensor(of: Scalar.self), layout: layout, generator: &generator)
        return (Scalar.erase(result.output), Scalar.erase(result.hN), result.cN.map(Scalar.erase))
    }

    /// The forward pass on typed tensors.
    func forward(
        _ input: Tensor<Scalar>, h0: Tensor<Scalar>?, c0: Tensor<Scalar>?, generator: inout TorchGenerator?
    ) throws(TorchError) -> Results {
        let layout = try validate(typed: input, h0: h0, c0: c0)
        return run(input, h0: h0, c0: c0, layout: layout, generator: &generator)
    }

    /// ``validate(inputShape:inputDType:h0Shape:h0DType:c0Shape:c0DType:)`` for typed tensors.
    func validate(typed input: Tensor<Scalar>, h0: Tensor<Scalar>?, c0: Tensor<Scalar>?) throws(TorchError) -> Layout {
        try validate(
            inputShape: input.shape, inputDType: Scalar.dtype, h0Shape: h0?.shape, h0DType: h0 == nil ? nil : Scalar.dtype,
            c0Shape: c0?.shape, c0DType: c0 == nil ? nil : Scalar.dtype)
    }

    /// PyTorch's checks for a non-packed forward, in PyTorch's order. An LSTM's states come in pairs
    /// (both or neither); the others take `h0` alone.
    func validate(
        inputShape: [Int], inputDType: DType, h0Shape: [Int]?, h0DType: DType?, c0Shape: [Int]? = nil, c0DType: DType? = nil
    ) throws(TorchError) -> Layout {
        guard inputShape.count == 2 || inputShape.count == 3 else {
            let tensor = kind.hasGateBuffer ? "" : " tensor"
            throw .valueError("\(className): Expected input to be 2D or 3D, got \(inputShape.count)D\(tensor) instead")
        }
        let isBatched = inputShape.count == 3
        if hasCellState, let h0Shape, let c0Shape {
            let (rank, name) = isBatched ? (3, "batched 3-D") : (2, "unbatched 2-D")
            if h0Shape.count != rank || c0Shape.count != rank {
                throw .runtimeError(
                    "For \(name) input, hx and cx should also be \(rank)-D but got (\(h0Shape.count)-D, \(c0Shape.count)-D) tensors")
            }
        } else if let h0Shape {
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
        try checkStateShapes(h0: h0Shape.map { isBatched ? $0 : [$0[0], 1, $0[1]] }, c0: c0Shape.map { isBatched ? $0 : [$0[0], 1, $0[1]] }, batch: batch)
        guard steps > 0 else { throw .runtimeError("Expected sequence length to be larger than 0 in RNN") }
        try checkStateDTypes(h0: h0DType, c0: c0DType)
        // The output's shape must be one a tensor can have: an empty batch leaves the input's length
        // unchecked by its (absent) data, and PyTorch's allocation of the output refuses it here.
        _ = try Tensor<Scalar>.elementCount(of: [steps, batch, numDirections * stateSize])
        return Layout(steps: steps, batch: batch, isBatched: isBatched)
    }

    /// `check_hidden_size` for `h0` and (an LSTM's) `c0`, given as `(D * numLayers, N, ·)`.
    func checkStateShapes(h0: [Int]?, c0: [Int]?, batch: Int) throws(TorchError) {
        let expected = [numDirections * numLayers, batch, stateSize]
        if let h0, h0 != expected {
            let name = hasCellState ? "hidden[0] size" : "hidden size"
            throw .runtimeError("Expected \(name) \(formatTuple(expected)), got \(formatList(h0))")
        }
        let expectedCell = [numDirections * numLayers, batch, hiddenSize]
        if let c0, c0 != expectedCell {
            throw .runtimeError("Expected hidden[1] size \(formatTuple(expectedCell)), got \(formatList(c0))")
        }
    }

    /// PyTorch's check of the input's dtype against the weights'.
    func checkInputDType(_ dtype: DType) throws(TorchError) {
        guard dtype == Scalar.dtype else {
            throw .valueError(
                "RNN input dtype (\(dtype.torchName)) does not match weight dtype (\(Scalar.dtype.torchName)). "
                    + "Convert input: input.to(\(Scalar.dtype.torchName)), or convert model: model.to(\(dtype.torchName))")
        }
    }

    /// The error PyTorch's CPU kernels raise for initial states of another dtype than the weights'.
    ///
    /// An RNN's and a GRU's first product of `h0` refuses it. An LSTM's depends on the path PyTorch
    /// takes: oneDNN's (float32 without a projection) refuses any state's dtype in its own words; the
    /// others refuse `h0` in the first product, and `c0` in the cell's product in float32, or, in
    /// float64, with PyTorch's own `AttributeError` from `LSTM.forward`.
    func checkStateDTypes(h0: DType?, c0: DType?) throws(TorchError) {
        let h0Differs = h0.map { $0 != Scalar.dtype } ?? false
        let c0Differs = c0.map { $0 != Scalar.dtype } ?? false
        guard h0Differs || c0Differs else { return }
        if hasCellState && Scalar.dtype == .float32 && projSize == 0 {
            throw .runtimeError("get_mkldnn_dtype: unsupported data type")
        }
        if let h0, h0Differs { throw .matmulDTypeMismatch(h0, weights: Scalar.dtype, bias: bias) }
        if Scalar.dtype == .float64 { throw TorchError(.attributeError, "'tuple' object has no attribute 'dtype'") }
        throw .matmulDTypeMismatch(c0!, weights: Scalar.dtype, bias: false)
    }

    /// The forward pass on validated tensors: time-major internally, in the caller's layout outside.
    func run(
        _ input: Tensor<Scalar>, h0: Tensor<Scalar>?, c0: Tensor<Scalar>?, layout: Layout, generator: inout TorchGenerator?
    ) -> Results {
        let run = runLayers(timeMajorRows(input, layout), batchSizes: layout.batchSizes, h0: h0?.scalars, c0: c0?.scalars, generator: &generator)
        return shapedResults(run, layout)
    }

    /// The input's rows time-major, as the kernels take them: a batch-first input transposed.
    func timeMajorRows(_ input: Tensor<Scalar>, _ layout: Layout) -> [Scalar] {
        layout.isBatched && batchFirst ? input.transposingFirstTwoDimensions().scalars : input.scalars
    }

    /// A run's output and final states in the caller's layout.
    func shapedResults(_ run: LayerRun, _ layout: Layout) -> Results {
        (
            shapedOutput(run.output, layout), shapedStates(run.hN, width: stateSize, layout),
            run.cN.map { shapedStates($0, width: hiddenSize, layout) }
        )
    }

    /// Time-major `(L, N, features)` rows as the caller lays them out: `(N, L, features)` with
    /// batch-first, `(L, features)` unbatched.
    private func shapedRows(_ rows: [Scalar], features: Int, _ layout: Layout) -> Tensor<Scalar> {
        guard layout.isBatched else { return Tensor(unchecked: [layout.steps, features], scalars: rows) }
        let timeMajor = Tensor(unchecked: [layout.steps, layout.batch, features], scalars: rows)
        return batchFirst ? timeMajor.transposingFirstTwoDimensions() : timeMajor
    }

    /// The output's time-major rows in the caller's layout.
    func shapedOutput(_ rows: [Scalar], _ layout: Layout) -> Tensor<Scalar> {
        shapedRows(rows, features: numDirections * stateSize, layout)
    }

    /// The input's time-major rows (or their gradient) in the caller's layout.
    func shapedInput(_ rows: [Scalar], _ layout: Layout) -> Tensor<Scalar> {
        shapedRows(rows, features: inputSize, layout)
    }

    /// The shape of the output the caller sees.
    func outputShape(_ layout: Layout) -> [Int] {
        let width = numDirections * stateSize
        guard layout.isBatched else { return [layout.steps, width] }
        return batchFirst ? [layout.batch, layout.steps, width] : [layout.steps, layout.batch, width]
    }

    /// The shape of states `width` wide: `(D * numLayers, N, width)`, or `(D * numLayers, width)`
    /// unbatched.
    func statesShape(width: Int, _ layout: Layout) -> [Int] {
        [numDirections * numLayers] + (layout.isBatched ? [layout.batch] : []) + [width]
    }

    /// Final states (or their gradient) in `h_n`'s or `c_n`'s shape.
    func shapedStates(_ states: [Scalar], width: Int, _ layout: Layout) -> Tensor<Scalar> {
        Tensor(unchecked: statesShape(width: width, layout), scalars: states)
    }

    /// What ``runLayers(_:batchSizes:h0:c0:generator:keepingLayers:)`` returns.
    struct LayerRun {
        /// The last layer's `(Σ batchSizes, D * P)` rows.
        var output: [Scalar]
        /// The `(D * numLayers, batchSizes[0], P)` final states.
        var hN: [Scalar]
        /// An LSTM's `(D * numLayers, batchSizes[0], H)` final cell states.
        var cN: [Scalar]?
        /// The kept layers (empty unless asked for).
        var layers: [TracedLayer]
    }

    /// Runs every layer and direction over time-major rows grouped by `batchSizes` (see
    /// ``RecurrentKernel/runDirection(_:input:features:batchSizes:initialState:initialCell:reverse:output:outputWidth:outputOffset:finalState:finalCell:gates:auxiliary:)``),
    /// from `h0` and `c0` (`(D * numLayers, batchSizes[0], ·)`, zeros when `nil`), applying dropout
    /// between layers in training mode.
    ///
    /// With `keepingLayers`, every layer's output (before dropout), gates and dropout multipliers are
    /// kept for the backward pass; without, a layer's output is reused once the next one has read it.
    func runLayers(
        _ input: [Scalar], batchSizes: [Int], h0: [Scalar]?, c0: [Scalar]?, generator: inout TorchGenerator?,
        keepingLayers: Bool = false
    ) -> LayerRun {
        let directions = numDirections
        let width = directions * stateSize
        let totalRows = batchSizes.reduce(0, +)
        let batch = batchSizes.first ?? 0
        let gateWidth = kind.gateCount * hiddenSize
        var layerInput = input
        var features = inputSize
        var hN = [Scalar](repeating: 0, count: directions * numLayers * batch * stateSize)
        var cN = [Scalar](repeating: 0, count: hasCellState ? directions * numLayers * batch * hiddenSize : 0)
        var kept: [TracedLayer] = []

        // The output of the layer before last, free once its successor has read it: from the third
        // layer on, each layer writes over it instead of allocating (the kernel sets every element).
        var spare: [Scalar]? = nil
        // A gated cell's workspace, reused by every layer and direction unless kept.
        var gates: [Scalar] = []
        var auxiliary: [Scalar] = []
        for layer in 0..<numLayers {
            var layerOutput = spare.take() ?? [Scalar](repeating: 0, count: totalRows * width)
            var traced = TracedLayer(output: [], dropoutMask: nil, gates: [], auxiliary: [])
            for direction in 0..<directions {
                let index = layer * directions + direction
                let states = (index * batch * stateSize)..<((index + 1) * batch * stateSize)
                let cellRows = (index * batch * hiddenSize)..<((index + 1) * batch * hiddenSize)
                if kind.hasGateBuffer && (keepingLayers || gates.isEmpty) {
                    // The kernel writes every element of both (the projection every gate, each row's
                    // step its auxiliary): zeroing them first would cost a pass over the largest
                    // buffers of the layer.
                    gates = .uninitialized(count: totalRows * gateWidth)
                    auxiliary = .uninitialized(count: totalRows * hiddenSize)
                }
                layerInput.withUnsafeBufferPointer { source in
                    layerOutput.withUnsafeMutableBufferPointer { target in
                        hN.withUnsafeMutableBufferPointer { hN in
                            cN.withUnsafeMutableBufferPointer { cN in
                                gates.withUnsafeMutableBufferPointer { gates in
                                    auxiliary.withUnsafeMutableBufferPointer { auxiliary in
                                        withInitialState(h0, states) { initialState in
                                            withInitialState(c0, cellRows) { initialCell in
                                                RecurrentKernel.runDirection(
                                                    cells[index], input: source, features: features, batchSizes: batchSizes,
                                                    initialState: initialState, initialCell: initialCell, reverse: direction == 1,
                                                    output: target, outputWidth: width, outputOffset: direction * stateSize,
                                                    finalState: UnsafeMutableBufferPointer(rebasing: hN[states]),
                                                    finalCell: hasCellState ? UnsafeMutableBufferPointer(rebasing: cN[cellRows]) : nil,
                                                    gates: kind.hasGateBuffer ? gates : nil,
                                                    auxiliary: kind.hasGateBuffer ? auxiliary : nil)
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
                if keepingLayers && kind.hasGateBuffer {
                    traced.gates.append(gates)
                    traced.auxiliary.append(auxiliary)
                }
            }
            var mask: [Scalar]? = nil
            if training && dropout > 0 && layer < numLayers - 1 {
                if generator == nil { generator = .seededFromSystem() }
                mask = Dropout.mask(probability: dropout, count: layerOutput.count, generator: &generator!)
            }
            if keepingLayers {
                traced.output = layerOutput
                traced.dropoutMask = mask
                kept.append(traced)
            }
            if let mask { Dropout.apply(mask, to: &layerOutput) }
            if layer > 0 && !keepingLayers { spare = layerInput }
            layerInput = layerOutput
            features = width
        }
        return LayerRun(output: layerInput, hN: hN, cN: hasCellState ? cN : nil, layers: kept)
    }

    /// One layer of a forward pass kept for the backward pass.
    struct TracedLayer: Sendable, Hashable {
        /// The layer's output rows before dropout: the states the backward pass reads back.
        var output: [Scalar]
        /// The dropout multipliers applied to the output before the next layer, when there were any.
        var dropoutMask: [Scalar]?
        /// A gated cell's activations of every row, per direction.
        var gates: [[Scalar]]
        /// A gated cell's auxiliary of every row (an LSTM's cell states, a GRU's `h · W_hnᵀ + b_hn`),
        /// per direction.
        var auxiliary: [[Scalar]]
    }
}

/// Calls `body` with `states` of `scalars`, or with `nil` when there are none.
func withInitialState<Scalar, Result>(
    _ scalars: [Scalar]?, _ states: Range<Int>, _ body: (UnsafeBufferPointer<Scalar>?) -> Result
) -> Result {
    guard let scalars else { return body(nil) }
    return scalars.withUnsafeBufferPointer { body(UnsafeBufferPointer(rebasing: $0[states])) }
}

extension Array where Element: RecurrentScalar {
    /// An array of `count` elements whose values the caller writes before reading any.
    static func uninitialized(count: Int) -> [Element] {
        [Element](unsafeUninitializedCapacity: count) { _, initialized in initialized = count }
    }
}
