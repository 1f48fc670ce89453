extension RNNCell {
    /// What a step keeps for its backward pass: the cell as it ran, the input, the state and the output.
    ///
    /// ```swift
    /// let (next, trace) = try cell.tracedStep(input, hx: hx)
    /// let gradients = try trace.backward(outputGradient: dLoss_dNext)
    /// gradients.hx                                  // ∂L/∂hx
    /// ```
    public struct Trace: Sendable {
        /// The cell as it ran.
        public let cell: RNNCell
        let input: Tensor<Scalar>
        let hx: Tensor<Scalar>?
        let output: Tensor<Scalar>
    }

    /// The gradients of a loss with respect to what a traced step took.
    public struct Gradients: Sendable, Hashable {
        /// `∂L/∂input`, in the input's shape.
        public var input: Tensor<Scalar>
        /// `∂L/∂hx`, in the state's shape; what it would be for zeros when no `hx` was given.
        public var hx: Tensor<Scalar>
        /// `∂L/∂` every parameter, under PyTorch's names (`weight_ih`, ...) and in PyTorch's order.
        public var parameters: ParameterGradients<Scalar>
    }

    /// Advances the state one step as ``callAsFunction(_:hx:)-(Tensor<Scalar>,_)`` does and keeps what
    /// the backward pass needs.
    ///
    /// - Throws: `TorchError` as the step does.
    @_specialize(exported: true, where Scalar == Float)
    @_specialize(exported: true, where Scalar == Double)
    public func tracedStep(_ input: Tensor<Scalar>, hx: Tensor<Scalar>? = nil) throws(TorchError) -> (output: Tensor<Scalar>, trace: Trace) {
        let output = try self(input, hx: hx)
        return (output, Trace(cell: self, input: input, hx: hx, output: output))
    }
}

extension RNNCell.Trace {
    /// Backpropagates through the traced step, as `torch.autograd.grad` does for its output.
    ///
    /// - Parameter outputGradient: `∂L/∂output`, in the output's shape.
    /// - Throws: `TorchError` with autograd's message when the gradient's shape is not the output's.
    @_specialize(exported: true, where Scalar == Float)
    @_specialize(exported: true, where Scalar == Double)
    public func backward(outputGradient: Tensor<Scalar>) throws(TorchError) -> RNNCell.Gradients {
        try checkGradientShape(outputGradient.shape, output: output.shape)
        let (inputSize, hiddenSize) = (cell.inputSize, cell.hiddenSize)
        // A step is the recurrence over one step of a batch: the same backward as an RNN layer's.
        let batch = input.rank == 2 ? input.shape[0] : 1
        var inputGradient = [Scalar](repeating: 0, count: batch * inputSize)
        var hxGradient = [Scalar](repeating: 0, count: batch * hiddenSize)
        var gradients = CellGradients<Scalar>(cell.weights, inputSize: inputSize)
        input.scalars.withUnsafeBufferPointer { source in
            output.scalars.withUnsafeBufferPointer { output in
                outputGradient.scalars.withUnsafeBufferPointer { upstream in
                    inputGradient.withUnsafeMutableBufferPointer { inputGradient in
                        hxGradient.withUnsafeMutableBufferPointer { hxGradient in
                            withInitialState(hx?.scalars, 0..<(batch * hiddenSize)) { initialState in
                                RecurrentKernel.backwardDirection(
                                    cell.weights,
                                    input: source, features: inputSize, batchSizes: [batch],
                                    initialState: initialState, reverse: false,
                                    output: output, outputWidth: hiddenSize, outputOffset: 0,
                                    outputGradient: upstream, finalStateGradient: nil,
                                    inputGradient: inputGradient, initialStateGradient: hxGradient, gradients: &gradients)
                            }
                        }
                    }
                }
            }
        }
        return RNNCell.Gradients(
            input: Tensor(unchecked: input.shape, scalars: inputGradient),
            hx: Tensor(unchecked: output.shape, scalars: hxGradient),
            parameters: ParameterGradients(
                gradients.named(like: cell.weights).map { ($0.slot, $0.tensor) }))
    }
}
