extension RecurrentLayers {
    /// The forward pass over a packed batch: each sequence is computed for its own valid steps only.
    ///
    /// The forward direction's final state of a sequence is its state after its last valid step; the
    /// reverse direction starts there, from the sequence's own initial state, and ends after step 0.
    /// Initial states are taken, and final states returned, in the caller's batch order.
    func forward(
        _ input: PackedSequence<Scalar>, h0: Tensor<Scalar>?, c0: Tensor<Scalar>?, generator: inout TorchGenerator?
    ) throws(TorchError) -> (output: PackedSequence<Scalar>, hN: Tensor<Scalar>, cN: Tensor<Scalar>?) {
        let (h0, c0) = try validatePacked(input, h0: h0, c0: c0)
        let run = runLayers(input.data.scalars, batchSizes: input.batchSizes, h0: h0?.scalars, c0: c0?.scalars, generator: &generator)
        return try packedResults(run, like: input)
    }

    /// A run's output as a packed sequence like `input`, and its final states in the caller's batch
    /// order.
    func packedResults(
        _ run: LayerRun, like input: PackedSequence<Scalar>
    ) throws(TorchError) -> (output: PackedSequence<Scalar>, hN: Tensor<Scalar>, cN: Tensor<Scalar>?) {
        (
            packedOutput(run.output, like: input), try callerOrder(run.hN, width: stateSize, input),
            try run.cN.map { cN throws(TorchError) in try callerOrder(cN, width: hiddenSize, input) }
        )
    }

    /// PyTorch's checks of a packed forward, in PyTorch's order; returns the initial states permuted
    /// into the packed batch's order.
    func validatePacked(
        _ input: PackedSequence<Scalar>, h0: Tensor<Scalar>?, c0: Tensor<Scalar>?
    ) throws(TorchError) -> (h0: Tensor<Scalar>?, c0: Tensor<Scalar>?) {
        // PyTorch permutes the states before it checks anything, so a wider h0 passes for an unsorted
        // batch.
        var (h0, c0) = (h0, c0)
        if let order = input.sortedIndices {
            h0 = try h0.map { given throws(TorchError) in try given.selecting(order, alongDimension: 1) }
            c0 = try c0.map { given throws(TorchError) in try given.selecting(order, alongDimension: 1) }
        }
        if hasCellState { try checkPackedLSTM(input.data, h0: h0, c0: c0, batch: input.batchSizes.first ?? 0) }
        let data = input.data
        guard data.rank == 2 else { throw .runtimeError("input must have 2 dimensions, got \(data.rank)") }
        guard data.shape[1] == inputSize else {
            throw .runtimeError("input.size(-1) must be equal to input_size. Expected \(inputSize), got \(data.shape[1])")
        }
        try checkStateShapes(h0: h0?.shape, c0: c0?.shape, batch: input.batchSizes.first ?? 0)
        return (h0, c0)
    }

    /// `nn.LSTM`'s packed forward, unlike every other, checks neither its data nor its states in
    /// Python: what is wrong surfaces in PyTorch's kernel, whose words these are, in its order.
    private func checkPackedLSTM(_ data: Tensor<Scalar>, h0: Tensor<Scalar>?, c0: Tensor<Scalar>?, batch: Int) throws(TorchError) {
        let gateRows = 4 * hiddenSize
        let product = bias ? "addmm" : "mm"
        if let h0, let c0, h0.rank < 3 || c0.rank < 3 {
            let rank = min(h0.rank, c0.rank)
            throw TorchError(
                .indexError, "Dimension out of range (expected to be in range of [\(-rank), \(rank - 1)], but got 2)")
        }
        if let features = data.shape.last, features != inputSize {
            let rows = features > 0 ? data.count / features : 0
            throw .runtimeError(
                "\(product): mat1 and mat2 shapes cannot be multiplied (\(rows)x\(features) and \(inputSize)x\(gateRows))")
        }
        guard let h0, let c0 else { return }
        if h0.shape[0] != numDirections * numLayers || c0.shape[0] != numDirections * numLayers {
            throw .runtimeError("Expected more hidden states in stacked_rnn")
        }
        // The kernel counts the weights it expects from whether h is narrower than c: a projection's
        // h as wide as c reads as one without a projection, and the reverse.
        if projSize == 0 && (h0.shape[2] != hiddenSize || c0.shape[2] != hiddenSize) || projSize > 0 && h0.shape[2] == hiddenSize {
            throw .runtimeError("got an incorrect number of RNN parameters")
        }
        if h0.shape[2] != stateSize {
            throw .runtimeError(
                "\(product): mat1 and mat2 shapes cannot be multiplied (\(h0.shape[1])x\(h0.shape[2]) and \(stateSize)x\(gateRows))")
        }
        if c0.shape[2] != hiddenSize {
            throw .runtimeError(
                "The size of tensor a (\(hiddenSize)) must match the size of tensor b (\(c0.shape[2])) at non-singleton dimension 1")
        }
        if h0.shape[1] != c0.shape[1] || h0.shape[1] > batch {
            let other = h0.shape[1] != c0.shape[1] ? c0.shape[1] : batch
            throw .runtimeError(
                "The size of tensor a (\(h0.shape[1])) must match the size of tensor b (\(other)) at non-singleton dimension 0")
        }
        if h0.shape[1] < batch {
            throw .runtimeError("output with shape [\(h0.shape[1]), \(gateRows)] doesn't match the broadcast shape [\(batch), \(gateRows)]")
        }
    }

    /// The last layer's rows as a packed sequence with the input's batch sizes and indices.
    func packedOutput(_ rows: [Scalar], like input: PackedSequence<Scalar>) -> PackedSequence<Scalar> {
        input.replacingData(Tensor(unchecked: [input.data.shape[0], numDirections * stateSize], scalars: rows))
    }

    /// Final states `width` wide, `(D * numLayers, B, width)` in the packed order, in the caller's batch
    /// order.
    func callerOrder(_ states: [Scalar], width: Int, _ input: PackedSequence<Scalar>) throws(TorchError) -> Tensor<Scalar> {
        let hN = Tensor(unchecked: [numDirections * numLayers, input.batchSizes.first ?? 0, width], scalars: states)
        guard let order = input.unsortedIndices else { return hN }
        return try hN.selecting(order, alongDimension: 1)
    }
}
