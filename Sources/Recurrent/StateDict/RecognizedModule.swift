/// A recurrent module found in a state dict by its parameters' names and shapes: where it is (its key
/// prefix), what it probably is, and its sizes.
///
/// The type is a guess from the shapes: `weight_hh_l0` is `(G * hidden_size, hidden_size)` with one
/// gate block (`G = 1`) for `nn.RNN`, three for `nn.GRU` and four for `nn.LSTM`; the cells'
/// parameters have no `_l0`. What the shapes cannot say (an RNN's nonlinearity, `batch_first`) is not
/// here.
///
/// ```swift
/// for module in stateDict.recognizedModules {
///     print(module.prefix, module)   // encoder.rnn. RNN(3, 4, num_layers=2)
/// }
/// ```
public struct RecognizedModule: Hashable, Sendable, CustomStringConvertible {
    /// The kind of module the shapes point to.
    public enum Kind: String, Hashable, Sendable, CaseIterable {
        /// `torch.nn.RNN`: one gate block.
        case rnn = "RNN"
        /// `torch.nn.GRU`: three gate blocks.
        case gru = "GRU"
        /// `torch.nn.LSTM`: four gate blocks.
        case lstm = "LSTM"
        /// `torch.nn.RNNCell`.
        case rnnCell = "RNNCell"
        /// `torch.nn.GRUCell`.
        case gruCell = "GRUCell"
        /// `torch.nn.LSTMCell`.
        case lstmCell = "LSTMCell"

        /// Whether the kind is a single-step cell.
        public var isCell: Bool { self == .rnnCell || self == .gruCell || self == .lstmCell }

        /// The number of gate blocks in `weight_ih` and `weight_hh`.
        public var gateCount: Int {
            switch self {
            case .rnn, .rnnCell: 1
            case .gru, .gruCell: 3
            case .lstm, .lstmCell: 4
            }
        }

        static func of(gates: Int, cell: Bool) -> Kind? {
            Kind.allCases.first { $0.gateCount == gates && $0.isCell == cell }
        }
    }

    /// The kind the shapes point to.
    public var kind: Kind
    /// The key prefix of the module's parameters (`encoder.rnn.`; empty for a module's own state dict).
    public var prefix: String
    /// `input_size`.
    public var inputSize: Int
    /// `hidden_size`.
    public var hiddenSize: Int
    /// `num_layers` (1 for a cell).
    public var numLayers: Int
    /// Whether there are `_reverse` parameters.
    public var bidirectional: Bool
    /// Whether there are bias parameters.
    public var bias: Bool
    /// An LSTM's `proj_size`, read from `weight_hr`; 0 without a projection.
    public var projSize: Int = 0
    /// The dtype of the parameters.
    public var dtype: DType

    /// PyTorch's `repr` as far as the shapes tell it: `RNN(3, 4, num_layers=2, bidirectional=True)`.
    public var description: String {
        var parts = ["\(inputSize)", "\(hiddenSize)"]
        if projSize != 0 { parts.append("proj_size=\(projSize)") }
        if numLayers != 1 { parts.append("num_layers=\(numLayers)") }
        if !bias { parts.append("bias=False") }
        if bidirectional { parts.append("bidirectional=True") }
        return "\(kind.rawValue)(" + parts.joined(separator: ", ") + ")"
    }
}

extension StateDict {
    /// The recurrent modules whose parameters the state dict holds, in the order of their first key.
    public var recognizedModules: [RecognizedModule] {
        keys.compactMap { key in
            if key.hasSuffix("weight_ih_l0") { return recognize(prefix: String(key.dropLast("weight_ih_l0".count)), cell: false) }
            if key.hasSuffix("weight_ih") { return recognize(prefix: String(key.dropLast("weight_ih".count)), cell: true) }
            return nil
        }
    }

    /// The prefix under which a module of `kind` has its parameters, for a caller whose `prefix` finds
    /// none: `prefix + "."` when that is one (the final dot forgotten), else such a module whose prefix
    /// ends with `prefix`, else the first; `nil` when the state dict holds none but at `prefix` itself.
    public func suggestedPrefix(for prefix: String, kind: RecognizedModule.Kind = .rnn) -> String? {
        let prefixes = recognizedModules.filter { $0.kind == kind }.map(\.prefix).filter { $0 != prefix }
        return prefixes.first { $0 == prefix + "." } ?? prefixes.first { !prefix.isEmpty && $0.hasSuffix(prefix) } ?? prefixes.first
    }

    private func recognize(prefix: String, cell: Bool) -> RecognizedModule? {
        let suffix = cell ? "" : "_l0"
        guard let inputWeight = self[prefix + "weight_ih" + suffix], let stateWeight = self[prefix + "weight_hh" + suffix],
            inputWeight.rank == 2, stateWeight.rank == 2, inputWeight.shape[0] == stateWeight.shape[0]
        else { return nil }
        // An LSTM with proj_size multiplies a projected state: its weight_hh is (4 * hidden, proj).
        let projected = self[prefix + "weight_hr" + suffix] != nil
        let rows = stateWeight.shape[0]
        let hiddenSize = projected ? rows / 4 : stateWeight.shape[1]
        guard hiddenSize > 0, rows % hiddenSize == 0, let kind = RecognizedModule.Kind.of(gates: rows / hiddenSize, cell: cell) else {
            return nil
        }
        var numLayers = 1
        while !cell && self[prefix + "weight_ih_l\(numLayers)"] != nil { numLayers += 1 }
        return RecognizedModule(
            kind: kind, prefix: prefix, inputSize: inputWeight.shape[1], hiddenSize: hiddenSize, numLayers: numLayers,
            bidirectional: self[prefix + "weight_ih" + suffix + "_reverse"] != nil, bias: self[prefix + "bias_ih" + suffix] != nil,
            projSize: projected ? stateWeight.shape[1] : 0, dtype: inputWeight.dtype)
    }
}
