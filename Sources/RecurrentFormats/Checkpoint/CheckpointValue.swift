import Recurrent

/// A value read from a checkpoint: what `torch.load(weights_only=True)` would return, with tensors as
/// ``AnyTensor``.
///
/// ```swift
/// let checkpoint = try TorchCheckpoint.read(contentsOf: url)     // {'epoch': 3, 'model': {...}}
/// let model = try checkpoint.stateDict(forKey: "model")           // the state dict inside
/// for (path, tensor) in checkpoint.tensors { print(path, tensor.shape) }
/// ```
public indirect enum CheckpointValue: Sendable, Hashable {
    /// `None`.
    case none
    /// A `bool`.
    case bool(Bool)
    /// An `int` that fits in 64 bits.
    case int(Int)
    /// An `int` too large for 64 bits, as its little-endian two's-complement bytes.
    case bigInt([UInt8])
    /// A `float`.
    case float(Double)
    /// A `str`.
    case string(String)
    /// A `bytes` object.
    case bytes([UInt8])
    /// A `list` (or a `set`, in its pickled order).
    case list([CheckpointValue])
    /// A `tuple`.
    case tuple([CheckpointValue])
    /// A `dict` or `OrderedDict`, in its order.
    case dict([Entry])
    /// A tensor (or `nn.Parameter`).
    case tensor(AnyTensor)

    /// One key-value pair of a dictionary.
    public struct Entry: Sendable, Hashable {
        /// The key.
        public var key: CheckpointValue
        /// The value.
        public var value: CheckpointValue

        /// Creates an entry.
        public init(key: CheckpointValue, value: CheckpointValue) {
            self.key = key
            self.value = value
        }
    }

    /// The value under a string key of a dictionary; `nil` when there is none. ``value(forKey:)``
    /// throws instead, listing the keys there are.
    public subscript(key: String) -> CheckpointValue? {
        guard case .dict(let entries) = self else { return nil }
        return entries.first { $0.key == .string(key) }?.value
    }

    /// The tensors of a dictionary with string keys, in order, as a state dict; `nil` when the value is
    /// not a dictionary or holds no tensors. Non-tensor entries are left out. ``asStateDict()`` throws
    /// instead, saying where the state dicts are.
    public var stateDict: StateDict? {
        guard case .dict(let entries) = self else { return nil }
        let tensors: [(String, AnyTensor)] = entries.compactMap { entry in
            guard case .string(let key) = entry.key, case .tensor(let tensor) = entry.value else { return nil }
            return (key, tensor)
        }
        return tensors.isEmpty ? nil : StateDict(tensors)
    }

    /// Every tensor in the value, depth first, each with its path: dictionary keys and list indices
    /// joined by `/` (`model/encoder.rnn.weight_ih_l0`).
    public var tensors: [(path: String, tensor: AnyTensor)] {
        var result: [(String, AnyTensor)] = []
        func visit(_ value: CheckpointValue, _ path: String) {
            func child(_ component: String) -> String { path.isEmpty ? component : path + "/" + component }
            switch value {
            case .tensor(let tensor): result.append((path, tensor))
            case .list(let items), .tuple(let items):
                for (index, item) in items.enumerated() { visit(item, child("\(index)")) }
            case .dict(let entries):
                for entry in entries { visit(entry.value, child(entry.key.keyDescription)) }
            default: break
            }
        }
        visit(self, "")
        return result
    }

    /// A short rendering of a dictionary key.
    var keyDescription: String {
        switch self {
        case .string(let string): string
        case .int(let int): "\(int)"
        case .bool(let bool): bool ? "True" : "False"
        case .none: "None"
        case .float(let double): "\(double)"
        default: "<key>"
        }
    }
}
