/// The arithmetic of one recurrent step: PyTorch's `mode` of an `RNNBase` (`RNN_TANH`, `RNN_RELU`,
/// `LSTM`, `GRU`), which the kernels switch on inside a step while everything around the step (the
/// projection of the inputs, the recurrent product, packed batch sizes, directions, layers and the
/// backward walk) is shared.
///
/// A cell's weights stack `gateCount` blocks of `H` rows, in PyTorch's order: `i, f, g, o` for an
/// LSTM, `r, z, n` for a GRU.
enum CellKind: Hashable, Sendable {
    /// `h' = act(x · W_ihᵀ + b_ih + h · W_hhᵀ + b_hh)`.
    case elman(Nonlinearity)
    /// `c' = f * c + i * g`, `h' = o * tanh(c')`, then `h' · W_hrᵀ` with a projection.
    case lstm
    /// `n = tanh(x · W_inᵀ + b_in + r * (h · W_hnᵀ + b_hn))`, `h' = (1 - z) * n + z * h`.
    case gru

    /// The number of gate blocks in `weight_ih`, `weight_hh` and the biases.
    var gateCount: Int {
        switch self {
        case .elman: 1
        case .lstm: 4
        case .gru: 3
        }
    }

    /// Whether the gates live in a buffer of their own: an Elman cell's single pre-activation is
    /// computed in the output, which then holds the state.
    var hasGateBuffer: Bool {
        if case .elman = self { return false }
        return true
    }
}
