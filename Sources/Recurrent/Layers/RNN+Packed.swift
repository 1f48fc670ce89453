extension RNN {
    /// Runs the RNN over a packed batch, as `torch.nn.RNN.forward(packed, hx)` does: each sequence is
    /// computed for its own valid steps only.
    ///
    /// The forward direction's final state of a sequence is its state after its last valid step; the
    /// reverse direction starts there, from the sequence's own `h0`, and ends after step 0.
    ///
    /// ```swift
    /// let packed = try packPaddedSequence(padded, lengths: [5, 2, 3], enforceSorted: false)
    /// let (output, hN) = try rnn(packed)
    /// let (unpacked, lengths) = try padPackedSequence(output)   // (5, 3, D * H), [5, 2, 3]
    /// ```
    ///
    /// - Parameters:
    ///   - input: A packed batch whose data is `(Σ lengths, inputSize)`.
    ///   - h0: `(D * numLayers, B, hiddenSize)` in the caller's batch order (it is permuted into the
    ///     packed order); zeros when `nil`.
    /// - Returns: The last layer's states as a packed sequence with the input's batch sizes and indices,
    ///   and `hN`, `(D * numLayers, B, hiddenSize)` in the caller's batch order.
    /// - Throws: `TorchError` with PyTorch's messages, checked in PyTorch's order: the permutation of
    ///   `h0`, the rank and size of the data, then the shape of `h0`.
    @_specialize(exported: true, where Scalar == Float)
    @_specialize(exported: true, where Scalar == Double)
    public func callAsFunction(
        _ input: PackedSequence<Scalar>, h0: Tensor<Scalar>? = nil
    ) throws(TorchError) -> (output: PackedSequence<Scalar>, hN: Tensor<Scalar>) {
        var generator: TorchGenerator? = nil
        return try forward(input, h0: h0, generator: &generator)
    }

    /// Runs the RNN over a packed batch, drawing training-mode dropout masks from `generator` as
    /// PyTorch draws them.
    ///
    /// - Throws: `TorchError` as ``callAsFunction(_:h0:)-(PackedSequence<Scalar>,_)`` does.
    @_specialize(exported: true, where Scalar == Float)
    @_specialize(exported: true, where Scalar == Double)
    public func callAsFunction(
        _ input: PackedSequence<Scalar>, h0: Tensor<Scalar>? = nil, generator: inout TorchGenerator
    ) throws(TorchError) -> (output: PackedSequence<Scalar>, hN: Tensor<Scalar>) {
        try TorchGenerator.lending(&generator) { generator throws(TorchError) in try forward(input, h0: h0, generator: &generator) }
    }

    private func forward(
        _ input: PackedSequence<Scalar>, h0: Tensor<Scalar>?, generator: inout TorchGenerator?
    ) throws(TorchError) -> (output: PackedSequence<Scalar>, hN: Tensor<Scalar>) {
        let h0 = try validatePacked(input, h0: h0)
        let (rows, states, _) = runLayers(input.data.scalars, batchSizes: input.batchSizes, h0: h0?.scalars, generator: &generator)
        return (packedOutput(rows, like: input), try callerOrder(states, input))
    }

    /// PyTorch's checks of a packed forward, in PyTorch's order; returns `h0` permuted into the packed
    /// batch's order.
    func validatePacked(_ input: PackedSequence<Scalar>, h0: Tensor<Scalar>?) throws(TorchError) -> Tensor<Scalar>? {
        // PyTorch permutes h0 before it checks anything, so a wider h0 passes for an unsorted batch.
        var h0 = h0
        if let given = h0, let order = input.sortedIndices {
            h0 = try given.selecting(order, alongDimension: 1)
        }
        let data = input.data
        guard data.rank == 2 else { throw .runtimeError("input must have 2 dimensions, got \(data.rank)") }
        guard data.shape[1] == inputSize else {
            throw .runtimeError("input.size(-1) must be equal to input_size. Expected \(inputSize), got \(data.shape[1])")
        }
        let expected = [numDirections * numLayers, input.batchSizes.first ?? 0, hiddenSize]
        if let h0, h0.shape != expected {
            throw .runtimeError("Expected hidden size \(formatTuple(expected)), got \(formatList(h0.shape))")
        }
        return h0
    }

    /// The last layer's rows as a packed sequence with the input's batch sizes and indices.
    func packedOutput(_ rows: [Scalar], like input: PackedSequence<Scalar>) -> PackedSequence<Scalar> {
        input.replacingData(Tensor(unchecked: [input.data.shape[0], numDirections * hiddenSize], scalars: rows))
    }

    /// The final states, `(D * numLayers, B, H)` in the packed order, in the caller's batch order.
    func callerOrder(_ states: [Scalar], _ input: PackedSequence<Scalar>) throws(TorchError) -> Tensor<Scalar> {
        let hN = Tensor(unchecked: [numDirections * numLayers, input.batchSizes.first ?? 0, hiddenSize], scalars: states)
        guard let order = input.unsortedIndices else { return hN }
        return try hN.selecting(order, alongDimension: 1)
    }
}
