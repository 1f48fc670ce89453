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
}
