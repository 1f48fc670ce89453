/// The activation an Elman RNN applies at every step: PyTorch's `nonlinearity` argument.
public enum Nonlinearity: String, Hashable, Sendable, CaseIterable, Codable {
    /// `h' = tanh(...)`, PyTorch's default.
    case tanh
    /// `h' = relu(...)`.
    case relu

    /// Parses PyTorch's spelling, which is exactly `"tanh"` or `"relu"` (case-sensitive).
    ///
    /// - Throws: `TorchError` with `torch.nn.RNN`'s message for any other string.
    public init(pytorchName name: String) throws(TorchError) {
        guard let value = Nonlinearity(rawValue: name) else {
            throw .valueError("Unknown nonlinearity '\(name)'. Select from 'tanh' or 'relu'.")
        }
        self = value
    }

    /// Parses the nonlinearity of a `torch.nn.RNNCell`, which, unlike `torch.nn.RNN`, accepts any
    /// string when it is built and refuses an unknown one only in `forward`, after checking the
    /// input's shape: a caller that mirrors PyTorch builds the cell, checks the input, then calls this.
    ///
    /// - Throws: `TorchError` with `RNNCell.forward`'s message for any string but `"tanh"` and `"relu"`.
    public init(rnnCellName name: String) throws(TorchError) {
        guard let value = Nonlinearity(rawValue: name) else { throw .runtimeError("Unknown nonlinearity: \(name)") }
        self = value
    }
}
