import Recurrent

/// What a recurrent module's state dict cannot say, an RNN's nonlinearity and `batch_first`, and which
/// module it is (which the shapes only suggest), as a safetensors file records them in its
/// `__metadata__` (`{"module": "LSTM", "batch_first": "True"}`), so that a converted model carries
/// them to whoever runs it.
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
    /// The metadata key of the module's class (`RNN`, `LSTM` or `GRU`, as `torch.nn` spells it).
    public static let moduleKey = "module"

    /// The nonlinearity, when recorded.
    public var nonlinearity: Nonlinearity?
    /// Whether inputs are batch-first, when recorded.
    public var batchFirst: Bool?
    /// The module's class (`.rnn`, `.lstm` or `.gru`), when recorded.
    public var module: RecognizedModule.Kind?

    /// Settings with the given values; `nil` ones are not recorded.
    public init(nonlinearity: Nonlinearity? = nil, batchFirst: Bool? = nil, module: RecognizedModule.Kind? = nil) {
        self.nonlinearity = nonlinearity
        self.batchFirst = batchFirst
        self.module = module
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
        if let name = metadata[Self.moduleKey] {
            guard let kind = RecognizedModule.Kind(rawValue: name), !kind.isCell else {
                throw FormatError("safetensors metadata: \(Self.moduleKey) '\(name)' is none of 'RNN', 'LSTM' and 'GRU'")
            }
            module = kind
        }
    }

    /// The metadata entries of the recorded settings.
    public var metadata: [String: String] {
        var result: [String: String] = [:]
        if let nonlinearity { result[Self.nonlinearityKey] = nonlinearity.rawValue }
        if let batchFirst { result[Self.batchFirstKey] = batchFirst ? "True" : "False" }
        if let module { result[Self.moduleKey] = module.rawValue }
        return result
    }
}
