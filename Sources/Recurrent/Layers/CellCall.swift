/// The checks of a cell's forward call that `RNNCell`, `LSTMCell` and `GRUCell` share, in PyTorch's
/// order: ranks in Python (`<class>: Expected input to be 1D or 2D, ...`), then the kernel's
/// `check_rnn_cell_forward_input` and `check_rnn_cell_forward_hidden` for each state, then the
/// dtypes in the first product.
struct CellCall {
    /// The cell's class name in messages.
    var className: String
    var inputSize: Int
    var hiddenSize: Int
    var bias: Bool
    /// The cell's dtype.
    var weightsDType: DType

    /// Validates a call and returns its batch size (1 for an unbatched input).
    ///
    /// - Parameters:
    ///   - states: The given states' shapes and dtypes, in PyTorch's order (`hx`, then an LSTM's `cx`).
    ///   - rankMessage: The message for a state of rank outside 1...2, given its index and rank.
    ///   - checkedDTypes: How many of the states' dtypes the first product sees (an LSTM's `cx` enters
    ///     only element-wise).
    func validate(
        inputShape: [Int], inputDType: DType, states: [(shape: [Int], dtype: DType)], checkedDTypes: Int,
        rankMessage: (Int, Int) -> String
    ) throws(TorchError) -> Int {
        guard inputShape.count == 1 || inputShape.count == 2 else {
            throw .valueError("\(className): Expected input to be 1D or 2D, got \(inputShape.count)D instead")
        }
        for (index, state) in states.enumerated() where state.shape.count != 1 && state.shape.count != 2 {
            throw .valueError(rankMessage(index, state.shape.count))
        }
        // Unbatched input is computed as a batch of one, and the states are unsqueezed with it.
        let isBatched = inputShape.count == 2
        let input = isBatched ? inputShape : [1] + inputShape
        guard input[1] == inputSize else {
            throw .runtimeError("input has inconsistent input_size: got \(input[1]) expected \(inputSize)")
        }
        for (index, state) in states.enumerated() {
            let shape = isBatched ? state.shape : [1] + state.shape
            guard shape.count == 2 else {
                throw .runtimeError("Expected 2D hidden\(index) (batch x hidden_size), but got \(shape.count)D tensor")
            }
            guard shape[0] == input[0] else {
                throw .runtimeError("Input batch size \(input[0]) doesn't match hidden\(index) batch size \(shape[0])")
            }
            guard shape[1] == hiddenSize else {
                throw .runtimeError("hidden\(index) has inconsistent hidden_size: got \(shape[1]), expected \(hiddenSize)")
            }
        }
        let dtypes = [inputDType] + states.prefix(checkedDTypes).map(\.dtype)
        for dtype in dtypes where dtype != weightsDType {
            throw .matmulDTypeMismatch(dtype, weights: weightsDType, bias: bias)
        }
        return input[0]
    }
}
