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
        let core: RecurrentLayers<Scalar>.Trace

        /// The bytes the forward pass allocated for the trace: the layers' states and dropout
        /// multipliers, and a time-major copy of a batch-first input (any other input, and `h0`, are the
        /// caller's tensors, shared).
        public var byteCount: Int { core.byteCount }

        /// The bytes the backward pass cannot do without: the states of every layer and step, and the
        /// dropout masks.
        public var essentialByteCount: Int { core.essentialByteCount }
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
        let (results, trace) = try TorchGenerator.lending(&generator) { generator throws(TorchError) in
            try layers.traced(input, h0: h0, c0: nil, generator: &generator)
        }
        return (results.output, results.hN, Trace(model: self, core: trace))
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
        let (results, trace) = try layers.traced(input, h0: h0, c0: nil, generator: &generator)
        return (results.output, results.hN, Trace(model: self, core: trace))
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
        let run = try TorchGenerator.lending(&generator) { generator throws(TorchError) in
            try layers.traced(input, h0: h0, c0: nil, generator: &generator)
        }
        return (run.output, run.hN, Trace(model: self, core: run.trace))
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
        let gradients = try core.backward(outputGradient: outputGradient, hNGradient: hNGradient, cNGradient: nil)
        return RNN.Gradients(input: gradients.input, h0: gradients.h0, parameters: gradients.parameters)
    }
}
