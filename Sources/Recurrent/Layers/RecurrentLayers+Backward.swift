extension RecurrentLayers {
    /// What a forward pass keeps for its backward pass: the module it ran (its weights are shared, not
    /// copied), every layer's states (and a gated cell's gates) at every step, the dropout multipliers
    /// it drew, the input and the initial states.
    struct Trace: Sendable {
        let model: RecurrentLayers
        let inputRows: [Scalar]
        let h0: [Scalar]?
        let c0: [Scalar]?
        let batchSizes: [Int]
        let layers: [TracedLayer]
        let form: Form
        /// Whether `inputRows` is a copy the forward pass made (a batch-first input, transposed).
        let inputIsCopy: Bool

        /// The shape of the input and output the caller sees.
        enum Form: Sendable {
            /// A padded or unbatched tensor.
            case padded(Layout)
            /// A packed batch, with the permutation of its sequences.
            case packed(sortedIndices: [Int]?, unsortedIndices: [Int]?)
        }

        /// The bytes the forward pass allocated for the trace: what the backward pass cannot do without,
        /// and a time-major copy of a batch-first input (any other input, and the initial states, are
        /// the caller's tensors, shared).
        var byteCount: Int {
            essentialByteCount + (inputIsCopy ? inputRows.count * MemoryLayout<Scalar>.stride : 0)
        }

        /// The bytes the backward pass cannot do without: the states of every layer and step, a gated
        /// cell's gates and auxiliaries, and the dropout masks.
        var essentialByteCount: Int {
            layers.reduce(0) { total, layer in
                total + layer.output.count + (layer.dropoutMask?.count ?? 0) + layer.gates.reduce(0) { $0 + $1.count }
                    + layer.auxiliary.reduce(0) { $0 + $1.count }
            } * MemoryLayout<Scalar>.stride
        }
    }

    /// The gradients of a loss with respect to what a traced forward pass took.
    struct Gradients {
        var input: Tensor<Scalar>
        var h0: Tensor<Scalar>
        var c0: Tensor<Scalar>?
        var parameters: ParameterGradients<Scalar>
    }

    /// The forward pass over a padded or unbatched input, keeping what the backward pass needs.
    func traced(
        _ input: Tensor<Scalar>, h0: Tensor<Scalar>?, c0: Tensor<Scalar>?, generator: inout TorchGenerator?
    ) throws(TorchError) -> (results: Results, trace: Trace) {
        let layout = try validate(typed: input, h0: h0, c0: c0)
        let rows = timeMajorRows(input, layout)
        let batchSizes = layout.batchSizes
        let run = runLayers(rows, batchSizes: batchSizes, h0: h0?.scalars, c0: c0?.scalars, generator: &generator, keepingLayers: true)
        let trace = Trace(
            model: self, inputRows: rows, h0: h0?.scalars, c0: c0?.scalars, batchSizes: batchSizes, layers: run.layers,
            form: .padded(layout), inputIsCopy: layout.isBatched && batchFirst)
        return (shapedResults(run, layout), trace)
    }

    /// The forward pass over a packed batch, keeping what the backward pass needs.
    func traced(
        _ input: PackedSequence<Scalar>, h0: Tensor<Scalar>?, c0: Tensor<Scalar>?, generator: inout TorchGenerator?
    ) throws(TorchError) -> (output: PackedSequence<Scalar>, hN: Tensor<Scalar>, cN: Tensor<Scalar>?, trace: Trace) {
        let (h0, c0) = try validatePacked(input, h0: h0, c0: c0)
        let run = runLayers(
            input.data.scalars, batchSizes: input.batchSizes, h0: h0?.scalars, c0: c0?.scalars, generator: &generator,
            keepingLayers: true)
        let form = Trace.Form.packed(sortedIndices: input.sortedIndices, unsortedIndices: input.unsortedIndices)
        let trace = Trace(
            model: self, inputRows: input.data.scalars, h0: h0?.scalars, c0: c0?.scalars, batchSizes: input.batchSizes,
            layers: run.layers, form: form, inputIsCopy: false)
        let results = try packedResults(run, like: input)
        return (results.output, results.hN, results.cN, trace)
    }
}

extension RecurrentLayers.Trace {
    /// Backpropagates through the traced forward pass, as `torch.autograd.grad` does for
    /// `(output, h_n[, c_n])` with these gradients (`nil` for a result the loss does not depend on).
    ///
    /// - Throws: `TorchError` with autograd's message when a gradient's shape is not its tensor's.
    func backward(
        outputGradient: Tensor<Scalar>?, hNGradient: Tensor<Scalar>?, cNGradient: Tensor<Scalar>?
    ) throws(TorchError) -> RecurrentLayers.Gradients {
        let model = model
        let directions = model.numDirections
        let hidden = model.hiddenSize
        let state = model.stateSize
        let width = directions * state
        let totalRows = batchSizes.reduce(0, +)
        let batch = batchSizes.first ?? 0

        let outputShape: [Int]
        let hNShape: [Int]
        let cNShape: [Int]
        switch form {
        case .padded(let layout):
            outputShape = model.outputShape(layout)
            hNShape = model.statesShape(width: state, layout)
            cNShape = model.statesShape(width: hidden, layout)
        case .packed:
            outputShape = [totalRows, width]
            hNShape = [directions * model.numLayers, batch, state]
            cNShape = [directions * model.numLayers, batch, hidden]
        }
        if let outputGradient { try checkGradientShape(outputGradient.shape, output: outputShape, index: 0) }
        if let hNGradient { try checkGradientShape(hNGradient.shape, output: hNShape, index: 1) }
        if let cNGradient { try checkGradientShape(cNGradient.shape, output: cNShape, index: 2) }

        var upstream: [Scalar]? = outputGradient.map { gradient in
            if case .padded(let layout) = form, layout.isBatched, model.batchFirst {
                return gradient.transposingFirstTwoDimensions().scalars
            }
            return gradient.scalars
        }
        // Final-state gradients in the packed order.
        func packedOrder(_ gradient: Tensor<Scalar>?) throws(TorchError) -> [Scalar]? {
            guard let gradient else { return nil }
            if case .packed(let sorted?, _) = form { return try gradient.selecting(sorted, alongDimension: 1).scalars }
            return gradient.scalars
        }
        let finalGradient = try packedOrder(hNGradient)
        let finalCellGradient = try packedOrder(cNGradient)

        var h0Gradient = [Scalar](repeating: 0, count: directions * model.numLayers * batch * state)
        var c0Gradient = [Scalar](repeating: 0, count: model.hasCellState ? directions * model.numLayers * batch * hidden : 0)
        var cellGradients: [CellGradients<Scalar>] = []
        var inputGradient: [Scalar] = []
        for layer in (0..<model.numLayers).reversed() {
            let features = layer == 0 ? model.inputSize : width
            var layerInput = layer == 0 ? inputRows : layers[layer - 1].output
            if layer > 0, let mask = layers[layer - 1].dropoutMask { Dropout.apply(mask, to: &layerInput) }
            var layerGradient = [Scalar](repeating: 0, count: totalRows * features)
            var gradientsOfLayer: [CellGradients<Scalar>] = []
            for direction in 0..<directions {
                let index = layer * directions + direction
                let states = (index * batch * state)..<((index + 1) * batch * state)
                let cellRows = (index * batch * hidden)..<((index + 1) * batch * hidden)
                let weights = model.cells[index]
                var gradients = CellGradients<Scalar>(weights, inputSize: features)
                let gates = layers[layer].gates.isEmpty ? nil : layers[layer].gates[direction]
                let auxiliary = layers[layer].auxiliary.isEmpty ? nil : layers[layer].auxiliary[direction]
                layerInput.withUnsafeBufferPointer { source in
                layers[layer].output.withUnsafeBufferPointer { output in
                layerGradient.withUnsafeMutableBufferPointer { inputGradient in
                h0Gradient.withUnsafeMutableBufferPointer { h0Gradient in
                c0Gradient.withUnsafeMutableBufferPointer { c0Gradient in
                withInitialState(gates, 0..<(gates?.count ?? 0)) { gates in
                withInitialState(auxiliary, 0..<(auxiliary?.count ?? 0)) { auxiliary in
                withInitialState(h0, states) { initialState in
                withInitialState(c0, cellRows) { initialCell in
                withInitialState(upstream, 0..<(upstream?.count ?? 0)) { upstream in
                withInitialState(finalGradient, states) { finalGradient in
                withInitialState(finalCellGradient, cellRows) { finalCellGradient in
                    RecurrentKernel.backwardDirection(
                        weights, input: source, features: features, batchSizes: batchSizes,
                        initialState: initialState, initialCell: initialCell, reverse: direction == 1,
                        output: output, outputWidth: width, outputOffset: direction * state, gates: gates, auxiliary: auxiliary,
                        outputGradient: upstream, finalStateGradient: finalGradient, finalCellGradient: finalCellGradient,
                        inputGradient: inputGradient, initialStateGradient: UnsafeMutableBufferPointer(rebasing: h0Gradient[states]),
                        initialCellGradient: model.hasCellState ? UnsafeMutableBufferPointer(rebasing: c0Gradient[cellRows]) : nil,
                        gradients: &gradients)
                }
                }
                }
                }
                }
                }
                }
                }
                }
                }
                }
                }
                gradientsOfLayer.append(gradients)
            }
            cellGradients.insert(contentsOf: gradientsOfLayer, at: 0)
            if layer > 0, let mask = layers[layer - 1].dropoutMask { Dropout.apply(mask, to: &layerGradient) }
            if layer > 0 { upstream = layerGradient } else { inputGradient = layerGradient }
        }

        var parameters: [(String, Tensor<Scalar>)] = []
        for layer in 0..<model.numLayers {
            for direction in 0..<directions {
                let suffix = "_l\(layer)" + (direction == 1 ? "_reverse" : "")
                let index = layer * directions + direction
                for (slot, tensor) in cellGradients[index].named(like: model.cells[index]) {
                    parameters.append((slot + suffix, tensor))
                }
            }
        }

        switch form {
        case .padded(let layout):
            return RecurrentLayers.Gradients(
                input: model.shapedInput(inputGradient, layout), h0: model.shapedStates(h0Gradient, width: state, layout),
                c0: model.hasCellState ? model.shapedStates(c0Gradient, width: hidden, layout) : nil,
                parameters: ParameterGradients(parameters))
        case .packed(_, let unsorted):
            func callerOrder(_ gradient: [Scalar], _ shape: [Int]) throws(TorchError) -> Tensor<Scalar> {
                let sortedOrder = Tensor(unchecked: shape, scalars: gradient)
                guard let unsorted else { return sortedOrder }
                return try sortedOrder.selecting(unsorted, alongDimension: 1)
            }
            return RecurrentLayers.Gradients(
                input: Tensor(unchecked: [totalRows, model.inputSize], scalars: inputGradient),
                h0: try callerOrder(h0Gradient, hNShape),
                c0: model.hasCellState ? try callerOrder(c0Gradient, cNShape) : nil,
                parameters: ParameterGradients(parameters))
        }
    }
}
