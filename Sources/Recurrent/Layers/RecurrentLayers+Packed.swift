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
        return (
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
        let data = input.data
        guard data.rank == 2 else { throw .runtimeError("input must have 2 dimensions, got \(data.rank)") }
        guard data.shape[1] == inputSize else {
            throw .runtimeError("input.size(-1) must be equal to input_size. Expected \(inputSize), got \(data.shape[1])")
        }
        // An LSTM's packed forward checks nothing of its states: a disagreement of their batches
        // surfaces in the cell's first element-wise product.
        if let h0, let c0, h0.rank == 3, c0.rank == 3, h0.shape[1] != c0.shape[1] {
            throw .runtimeError(
                "The size of tensor a (\(h0.shape[1])) must match the size of tensor b (\(c0.shape[1])) at non-singleton dimension 0")
        }
        try checkStateShapes(h0: h0?.shape, c0: c0?.shape, batch: input.batchSizes.first ?? 0)
        return (h0, c0)
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
