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
        leaves.compactMap { leaf in
            guard case .tensor(let tensor) = leaf.value else { return nil }
            return (leaf.path, tensor)
        }
    }

    /// Every value that is not taken apart further, depth first, each with its path as ``tensors``
    /// writes it: tensors, plain values (numbers, strings, `None`), and lists and tuples of plain
    /// values, which stay whole (a vocabulary, `betas`); empty dictionaries too.
    public var leaves: [(path: String, value: CheckpointValue)] {
        var result: [(String, CheckpointValue)] = []
        walk { path, value in
            switch value {
            case .dict(let entries) where !entries.isEmpty: return true
            case .list(let items), .tuple(let items):
                if items.allSatisfy(\.isPlain) { result.append((path, value)) }
                return !items.allSatisfy(\.isPlain)
            default:
                result.append((path, value))
                return false
            }
        }
        return result
    }

    /// Every dictionary in the value that holds tensors itself (not only deeper down), with its path:
    /// the state dicts of a checkpoint, such as `model` and the optimizer's per-parameter states.
    public var stateDicts: [(path: String, stateDict: StateDict)] {
        var result: [(String, StateDict)] = []
        walk { path, value in
            if let stateDict = value.stateDict { result.append((path, stateDict)) }
            return true
        }
        return result
    }

    /// Visits the value and, depth first, the values inside those for which `visit` returns `true`.
    private func walk(_ visit: (String, CheckpointValue) -> Bool) {
        func step(_ value: CheckpointValue, _ path: String) {
            guard visit(path, value) else { return }
            func child(_ component: String) -> String { path.isEmpty ? component : path + "/" + component }
            switch value {
            case .list(let items), .tuple(let items):
                for (index, item) in items.enumerated() { step(item, child("\(index)")) }
            case .dict(let entries):
                for entry in entries { step(entry.value, child(entry.key.keyDescription)) }
            default: break
            }
        }
        step(self, "")
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
