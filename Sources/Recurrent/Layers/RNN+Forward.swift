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
        let results = try layers.forward(input, h0: h0, c0: nil, generator: &generator)
        return (results.output, results.hN)
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
        let results = try TorchGenerator.lending(&generator) { generator throws(TorchError) in
            try layers.forward(input, h0: h0, c0: nil, generator: &generator)
        }
        return (results.output, results.hN)
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
        let results = try layers.forward(input, h0: h0, c0: nil, generator: &generator)
        return (results.output, results.hN)
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
        let results = try TorchGenerator.lending(&generator) { generator throws(TorchError) in
            try layers.forward(input, h0: h0, c0: nil, generator: &generator)
        }
        return (results.output, results.hN)
    }

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
        let results = try layers.forward(input, h0: h0, c0: nil, generator: &generator)
        return (results.output, results.hN)
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
        let results = try TorchGenerator.lending(&generator) { generator throws(TorchError) in
            try layers.forward(input, h0: h0, c0: nil, generator: &generator)
        }
        return (results.output, results.hN)
    }

    /// PyTorch's dtype checks of a forward call, without running it, for a caller that holds its
    /// arrays in another type first (a packed batch is checked the same way): the input's dtype
    /// against the weights' (`RNN input dtype (torch.float64) does not match weight dtype
    /// (torch.float32). ...`), then `h0`'s (`mat1 and mat2 must have the same dtype, ...`).
    ///
    /// - Throws: `TorchError` with PyTorch's message for the first dtype that is not the weights'.
    public func checkDTypes(input: DType, h0: DType? = nil) throws(TorchError) {
        try layers.checkInputDType(input)
        try layers.checkStateDTypes(h0: h0, c0: nil)
    }
}
