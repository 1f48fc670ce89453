extension RNN {
    /// What a forward pass keeps for its backward pass: the model it ran (its weights are shared, not
    /// copied), every layer's states at every step, the dropout multipliers it drew, and the input.
    ///
    /// ```swift
    /// var rnn = try RNN<Double>(inputSize: 3, hiddenSize: 4, numLayers: 2, seed: 0)
    /// let (output, hN, trace) = try rnn.tracedForward(input, h0: h0)
    /// let gradients = try trace.backward(outputGradient: dLoss_dOutput, hNGradient: dLoss_dHN)
    /// gradients.input                              // ∂L/∂input, input's shape
    /// gradients.parameters["weight_hh_l1"]         // ∂L/∂weight_hh_l1, (4, 4)
    /// ```
    public struct Trace: Sendable {
        /// The model as it ran.
        public let model: RNN
        let inputRows: [Scalar]
        let h0: [Scalar]?
        let batchSizes: [Int]
        let layers: [TracedLayer]
        let form: Form
        /// Whether `inputRows` is a copy the forward pass made (a batch-first input, transposed).
        let inputIsCopy: Bool

        /// The shape of the input and output the caller sees.
        enum Form: Sendable {
            /// A padded or unbatched tensor: its layout, and whether the rows were transposed from
            /// batch-first.
            case padded(Layout)
            /// A packed batch, with the permutation of its sequences.
            case packed(sortedIndices: [Int]?, unsortedIndices: [Int]?)
        }

        /// The bytes the forward pass allocated for the trace: the layers' states and dropout
        /// multipliers, and a time-major copy of a batch-first input (any other input, and `h0`, are the
        /// caller's tensors, shared).
        public var byteCount: Int {
            essentialByteCount + (inputIsCopy ? inputRows.count * MemoryLayout<Scalar>.stride : 0)
        }

        /// The bytes the backward pass cannot do without: the states of every layer and step, and the
        /// dropout masks.
        public var essentialByteCount: Int {
            layers.reduce(0) { $0 + $1.output.count + ($1.dropoutMask?.count ?? 0) } * MemoryLayout<Scalar>.stride
        }
    }

    /// The gradients of a loss with respect to what a traced forward pass took.
    public struct Gradients: Sendable, Hashable {
        /// `∂L/∂input`, in the input's shape (for a packed batch, `∂L/∂data`, `(Σ lengths, inputSize)`).
        public var input: Tensor<Scalar>
        /// `∂L/∂h0`, in `h0`'s shape and the caller's batch order; what it would be for zeros when no
        /// `h0` was given.
        public var h0: Tensor<Scalar>
        /// `∂L/∂` every parameter, under PyTorch's names and in PyTorch's order.
        public var parameters: ParameterGradients<Scalar>
    }

    /// Runs the RNN as ``callAsFunction(_:h0:generator:)`` does and keeps what the backward pass
    /// needs: `output` and `hN` are the same numbers.
    ///
    /// - Throws: `TorchError` as ``callAsFunction(_:h0:)`` does.
    @_specialize(exported: true, where Scalar == Float)
    @_specialize(exported: true, where Scalar == Double)
    public func tracedForward(
        _ input: Tensor<Scalar>, h0: Tensor<Scalar>? = nil, generator: inout TorchGenerator
    ) throws(TorchError) -> (output: Tensor<Scalar>, hN: Tensor<Scalar>, trace: Trace) {
        try TorchGenerator.lending(&generator) { generator throws(TorchError) in try traced(input, h0: h0, generator: &generator) }
    }

    /// Runs the RNN and keeps what the backward pass needs, dropout masks coming from a randomly
    /// seeded generator.
    ///
    /// - Throws: `TorchError` as ``callAsFunction(_:h0:)`` does.
    @_specialize(exported: true, where Scalar == Float)
    @_specialize(exported: true, where Scalar == Double)
    public func tracedForward(
        _ input: Tensor<Scalar>, h0: Tensor<Scalar>? = nil
    ) throws(TorchError) -> (output: Tensor<Scalar>, hN: Tensor<Scalar>, trace: Trace) {
        var generator: TorchGenerator? = nil
        return try traced(input, h0: h0, generator: &generator)
    }

    /// Runs the RNN over a packed batch as ``callAsFunction(_:h0:)-(PackedSequence<Scalar>,_)`` does
    /// and keeps what the backward pass needs.
    ///
    /// - Throws: `TorchError` as the packed forward does.
    @_specialize(exported: true, where Scalar == Float)
    @_specialize(exported: true, where Scalar == Double)
    public func tracedForward(
        _ input: PackedSequence<Scalar>, h0: Tensor<Scalar>? = nil, generator: inout TorchGenerator
    ) throws(TorchError) -> (output: PackedSequence<Scalar>, hN: Tensor<Scalar>, trace: Trace) {
        try TorchGenerator.lending(&generator) { generator throws(TorchError) in try traced(input, h0: h0, generator: &generator) }
    }

    private func traced(
        _ input: Tensor<Scalar>, h0: Tensor<Scalar>?, generator: inout TorchGenerator?
    ) throws(TorchError) -> (output: Tensor<Scalar>, hN: Tensor<Scalar>, trace: Trace) {
        let layout = try validate(
            inputShape: input.shape, inputDType: Scalar.dtype, h0Shape: h0?.shape, h0DType: h0 == nil ? nil : Scalar.dtype)
        let rows = layout.isBatched && batchFirst ? input.transposingFirstTwoDimensions().scalars : input.scalars
        let batchSizes = layout.batchSizes
        let (output, hN, layers) = runLayers(rows, batchSizes: batchSizes, h0: h0?.scalars, generator: &generator, keepingLayers: true)
        let trace = Trace(
            model: self, inputRows: rows, h0: h0?.scalars, batchSizes: batchSizes, layers: layers, form: .padded(layout),
            inputIsCopy: layout.isBatched && batchFirst)
        return (shapedOutput(output, layout), shapedStates(hN, layout), trace)
    }

    private func traced(
        _ input: PackedSequence<Scalar>, h0: Tensor<Scalar>?, generator: inout TorchGenerator?
    ) throws(TorchError) -> (output: PackedSequence<Scalar>, hN: Tensor<Scalar>, trace: Trace) {
        let h0 = try validatePacked(input, h0: h0)
        let (rows, states, layers) = runLayers(
            input.data.scalars, batchSizes: input.batchSizes, h0: h0?.scalars, generator: &generator, keepingLayers: true)
        let form = Trace.Form.packed(sortedIndices: input.sortedIndices, unsortedIndices: input.unsortedIndices)
        let trace = Trace(
            model: self, inputRows: input.data.scalars, h0: h0?.scalars, batchSizes: input.batchSizes, layers: layers, form: form,
            inputIsCopy: false)
        return (packedOutput(rows, like: input), try callerOrder(states, input), trace)
    }
}

extension RNN.Trace {
    /// Backpropagates through the traced forward pass, as `torch.autograd.grad` does for
    /// `(output, h_n)` with these gradients.
    ///
    /// - Parameters:
    ///   - outputGradient: `∂L/∂output`, in the output's shape (for a packed batch, `∂L/∂` its data,
    ///     `(Σ lengths, D * hiddenSize)`); `nil` when the loss does not depend on it.
    ///   - hNGradient: `∂L/∂h_n`, in `h_n`'s shape and the caller's batch order; `nil` when the loss
    ///     does not depend on it.
    /// - Returns: The gradients of the input, `h0` and every parameter.
    /// - Throws: `TorchError` with autograd's message when a gradient's shape is not its tensor's.
    @_specialize(exported: true, where Scalar == Float)
    @_specialize(exported: true, where Scalar == Double)
    public func backward(
        outputGradient: Tensor<Scalar>?, hNGradient: Tensor<Scalar>? = nil
    ) throws(TorchError) -> RNN.Gradients {
        let model = model
        let directions = model.numDirections
        let hidden = model.hiddenSize
        let width = directions * hidden
        let totalRows = batchSizes.reduce(0, +)
        let batch = batchSizes.first ?? 0
        let stateSize = batch * hidden

        let outputShape: [Int]
        let hNShape: [Int]
        switch form {
        case .padded(let layout):
            outputShape = model.outputShape(layout)
            hNShape = model.statesShape(layout)
        case .packed:
            outputShape = [totalRows, width]
            hNShape = [directions * model.numLayers, batch, hidden]
        }
        if let outputGradient { try checkGradientShape(outputGradient.shape, output: outputShape, index: 0) }
        if let hNGradient { try checkGradientShape(hNGradient.shape, output: hNShape, index: 1) }

        var upstream: [Scalar]? = outputGradient.map { gradient in
            if case .padded(let layout) = form, layout.isBatched, model.batchFirst {
                return gradient.transposingFirstTwoDimensions().scalars
            }
            return gradient.scalars
        }
        var finalGradient = hNGradient?.scalars
        if let gradient = hNGradient, case .packed(let sorted?, _) = form {
            finalGradient = try gradient.selecting(sorted, alongDimension: 1).scalars
        }

        var h0Gradient = [Scalar](repeating: 0, count: directions * model.numLayers * stateSize)
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
                let states = (index * stateSize)..<((index + 1) * stateSize)
                var gradients = CellGradients<Scalar>(inputSize: features, hiddenSize: hidden)
                layerInput.withUnsafeBufferPointer { source in
                    layers[layer].output.withUnsafeBufferPointer { output in
                        layerGradient.withUnsafeMutableBufferPointer { inputGradient in
                            h0Gradient.withUnsafeMutableBufferPointer { h0Gradient in
                                withInitialState(h0, states) { initialState in
                                    withInitialState(upstream, 0..<(upstream?.count ?? 0)) { upstream in
                                        withInitialState(finalGradient, states) { finalGradient in
                                            RecurrentKernel.backwardDirection(
                                                model.cells[index], nonlinearity: model.nonlinearity,
                                                input: source, features: features, batchSizes: batchSizes,
                                                initialState: initialState, reverse: direction == 1,
                                                output: output, outputWidth: width, outputOffset: direction * hidden,
                                                outputGradient: upstream, finalStateGradient: finalGradient,
                                                inputGradient: inputGradient,
                                                initialStateGradient: UnsafeMutableBufferPointer(rebasing: h0Gradient[states]),
                                                gradients: &gradients)
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
                let features = layer == 0 ? model.inputSize : width
                for (slot, tensor) in cellGradients[layer * directions + direction].named(
                    inputSize: features, hiddenSize: hidden, bias: model.bias)
                {
                    parameters.append((slot + suffix, tensor))
                }
            }
        }

        switch form {
        case .padded(let layout):
            return RNN.Gradients(
                input: model.shapedInput(inputGradient, layout), h0: model.shapedStates(h0Gradient, layout),
                parameters: ParameterGradients(parameters))
        case .packed(_, let unsorted):
            let sortedOrder = Tensor(unchecked: hNShape, scalars: h0Gradient)
            return RNN.Gradients(
                input: Tensor(unchecked: [totalRows, model.inputSize], scalars: inputGradient),
                h0: try unsorted.map { order throws(TorchError) in try sortedOrder.selecting(order, alongDimension: 1) } ?? sortedOrder,
                parameters: ParameterGradients(parameters))
        }
    }
}
