import Recurrent

/// What an RNN's state dict cannot say, its nonlinearity and `batch_first`, as a safetensors file
/// records them in its `__metadata__` (`{"nonlinearity": "relu", "batch_first": "True"}`), so that a
/// converted model carries them to whoever runs it.
///
/// ```swift
/// let file = try Safetensors.read(contentsOf: url)
/// let settings = try RNNSettings(metadata: file.metadata)
/// let rnn = try RNN<Float>(stateDict: file.tensors, nonlinearity: settings.nonlinearity ?? .tanh,
///                          batchFirst: settings.batchFirst ?? false)
/// ```
public struct RNNSettings: Hashable, Sendable {
    /// The metadata key of the nonlinearity (`tanh` or `relu`, as `nn.RNN` spells it).
    public static let nonlinearityKey = "nonlinearity"
    /// The metadata key of `batch_first` (`True` or `False`, as Python spells it).
    public static let batchFirstKey = "batch_first"

    /// The nonlinearity, when recorded.
    public var nonlinearity: Nonlinearity?
    /// Whether inputs are batch-first, when recorded.
    public var batchFirst: Bool?

    /// Settings with the given values; `nil` ones are not recorded.
    public init(nonlinearity: Nonlinearity? = nil, batchFirst: Bool? = nil) {
        self.nonlinearity = nonlinearity
        self.batchFirst = batchFirst
    }

    /// The settings a file's metadata records; keys it lacks stay `nil`.
    ///
    /// - Throws: ``FormatError`` for a recorded value that is not one of the allowed spellings.
    public init(metadata: [String: String]) throws(FormatError) {
        if let name = metadata[Self.nonlinearityKey] {
            guard let value = Nonlinearity(rawValue: name) else {
                throw FormatError("safetensors metadata: \(Self.nonlinearityKey) '\(name)' is neither 'tanh' nor 'relu'")
            }
            nonlinearity = value
        }
        if let text = metadata[Self.batchFirstKey] {
            switch text.lowercased() {
            case "true", "1": batchFirst = true
            case "false", "0": batchFirst = false
            default: throw FormatError("safetensors metadata: \(Self.batchFirstKey) '\(text)' is neither 'True' nor 'False'")
            }
        }
    }

    /// The metadata entries of the recorded settings.
    public var metadata: [String: String] {
        var result: [String: String] = [:]
        if let nonlinearity { result[Self.nonlinearityKey] = nonlinearity.rawValue }
        if let batchFirst { result[Self.batchFirstKey] = batchFirst ? "True" : "False" }
        return result
    }
}
