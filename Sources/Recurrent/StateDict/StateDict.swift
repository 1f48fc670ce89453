import OrderedCollections

/// An ordered map from parameter names to tensors: PyTorch's `state_dict()`.
///
/// The order is the insertion order, which for a model's own state dict is PyTorch's parameter order
/// (`weight_ih_l0, weight_hh_l0, bias_ih_l0, bias_hh_l0, weight_ih_l0_reverse, ...`). Values keep
/// their dtype, so a checkpoint's float64 tensors can be loaded into a float32 model, converted on
/// the way in, as PyTorch does.
///
/// ```swift
/// var stateDict = rnn.stateDict()
/// stateDict["weight_hh_l0"]?.shape   // [20, 20]
/// let nested = stateDict.prefixed("encoder.rnn.")
/// try rnn.loadStateDict(nested, prefix: "encoder.rnn.")
/// ```
public struct StateDict: Sendable, Hashable, Sequence, ExpressibleByDictionaryLiteral {
    private var storage: OrderedDictionary<String, AnyTensor>

    /// Creates an empty state dict.
    public init() { storage = [:] }

    /// Creates a state dict from name-tensor pairs in order.
    ///
    /// Later pairs replace earlier ones with the same name, keeping the first position.
    public init<S: Sequence>(_ entries: S) where S.Element == (String, AnyTensor) {
        storage = [:]
        for (key, value) in entries { storage[key] = value }
    }

    /// Creates a state dict from a dictionary literal, in the literal's order.
    public init(dictionaryLiteral elements: (String, AnyTensor)...) {
        self.init(elements)
    }

    /// The names, in order.
    public var keys: [String] { Array(storage.keys) }

    /// The number of entries.
    public var count: Int { storage.count }

    /// Whether the state dict has no entries.
    public var isEmpty: Bool { storage.isEmpty }

    /// The tensor stored under `key`; setting `nil` removes it, setting a new key appends it.
    public subscript(key: String) -> AnyTensor? {
        get { storage[key] }
        set { storage[key] = newValue }
    }

    /// The entries in order.
    public func makeIterator() -> some IteratorProtocol<(key: String, value: AnyTensor)> {
        storage.elements.makeIterator()
    }

    /// The same entries with `prefix` put in front of every key, as they appear when the module is
    /// nested inside a bigger model (`encoder.rnn.weight_ih_l0`).
    public func prefixed(_ prefix: String) -> StateDict {
        StateDict(storage.elements.map { (prefix + $0.key, $0.value) })
    }

    /// The entries whose keys start with `prefix`, with the prefix removed: the part of a bigger
    /// model's state dict that belongs to one submodule.
    public func scoped(to prefix: String) -> StateDict {
        StateDict(storage.elements.compactMap { entry in
            entry.key.hasPrefix(prefix) ? (String(entry.key.dropFirst(prefix.count)), entry.value) : nil
        })
    }
}

/// The keys a non-strict `loadStateDict` could not match: PyTorch's `_IncompatibleKeys`.
public struct IncompatibleKeys: Hashable, Sendable, CustomStringConvertible {
    /// Model parameters the state dict has no entry for, in model order.
    public var missingKeys: [String]
    /// State-dict entries that match no parameter, in state-dict order.
    public var unexpectedKeys: [String]

    /// Creates a record of unmatched keys.
    public init(missingKeys: [String] = [], unexpectedKeys: [String] = []) {
        self.missingKeys = missingKeys
        self.unexpectedKeys = unexpectedKeys
    }

    /// PyTorch's rendering: `<All keys matched successfully>` or the two lists.
    public var description: String {
        if missingKeys.isEmpty && unexpectedKeys.isEmpty { return "<All keys matched successfully>" }
        func list(_ keys: [String]) -> String { "[" + keys.map { "'\($0)'" }.joined(separator: ", ") + "]" }
        return "_IncompatibleKeys(missing_keys=\(list(missingKeys)), unexpected_keys=\(list(unexpectedKeys)))"
    }
}
