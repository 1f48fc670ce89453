import Foundation
import Recurrent

/// A key, index or state dict that a checkpoint does not have where it was looked for.
///
/// The message lists what is there instead, each key with its value in brief, so that the right key
/// can be read off it:
///
/// ```
/// no key 'state_dict'; the keys are 'epoch' (7), 'model' (dict of 12 tensors), ...
/// ```
public struct CheckpointLookupError: Error, Hashable, Sendable, CustomStringConvertible, LocalizedError {
    /// What was missing, and what is there instead.
    public var message: String
    /// The keys at the level where the look-up failed (empty when that level is not a dictionary).
    public var availableKeys: [String]

    /// Creates an error with the given message and keys.
    public init(_ message: String, availableKeys: [String] = []) {
        self.message = message
        self.availableKeys = availableKeys
    }

    /// The message.
    public var description: String { message }

    /// The message, so that `error.localizedDescription` reads the same.
    public var errorDescription: String? { message }
}

extension CheckpointValue {
    /// The value under a string key of a dictionary, as `checkpoint["model"]` in Python.
    ///
    /// ```swift
    /// let model = try checkpoint.value(forKey: "model")
    /// ```
    ///
    /// - Throws: ``CheckpointLookupError`` listing the keys there are (each with its value in brief)
    ///   when there is no such key, or naming what the value is when it is not a dictionary.
    public func value(forKey key: String) throws(CheckpointLookupError) -> CheckpointValue {
        try value(forKey: key, at: "")
    }

    /// The value at a path of dictionary keys and list indices joined by `/`, as ``tensors`` and
    /// `conform inspect` write them (`optimizer/param_groups/0/lr`). A key that itself holds `/` is
    /// found too.
    ///
    /// - Throws: ``CheckpointLookupError`` naming the level where the path leaves the value, and what
    ///   is there.
    public func value(atPath path: String) throws(CheckpointLookupError) -> CheckpointValue {
        var components = path.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        var current = self
        var location = ""
        while !components.isEmpty {
            var taken = 1
            // A key with slashes in it: the longest run of components that joins into a key.
            if case .dict = current {
                taken = (1...components.count).reversed().first { current[components.prefix($0).joined(separator: "/")] != nil } ?? 1
            }
            let component = components.prefix(taken).joined(separator: "/")
            components.removeFirst(taken)
            current = try current.child(component, at: location)
            location = location.isEmpty ? component : location + "/" + component
        }
        return current
    }

    /// The tensors of the dictionary under `key`, as a state dict: `checkpoint["model"]` for a
    /// training checkpoint that keeps the model's `state_dict()` under `'model'`.
    ///
    /// ```swift
    /// let stateDict = try checkpoint.stateDict(forKey: "model")
    /// ```
    ///
    /// - Throws: ``CheckpointLookupError`` listing the keys there are when there is no such key, and
    ///   saying what the value is when it holds no tensors.
    public func stateDict(forKey key: String) throws(CheckpointLookupError) -> StateDict {
        try value(forKey: key).stateDict(at: key)
    }

    /// The tensors of this dictionary as a state dict: the whole file, for a file that `torch.save`
    /// wrote from `model.state_dict()`.
    ///
    /// - Throws: ``CheckpointLookupError`` when the value holds no tensors at its top level, naming the
    ///   keys under which state dicts are (`'model'` in a training checkpoint).
    public func asStateDict() throws(CheckpointLookupError) -> StateDict {
        try stateDict(at: "")
    }

    /// The keys of a dictionary, each with its value in brief: `'epoch' (7), 'model' (dict of 12
    /// tensors)`; at most `limit` of them, then how many more there are.
    public func keyListing(limit: Int = 16) -> String {
        guard case .dict(let entries) = self else { return "" }
        let shown = entries.prefix(limit).map { "'\($0.key.keyDescription)' (\($0.value.summary))" }
        let rest = entries.count > limit ? ", and \(entries.count - limit) more" : ""
        return shown.joined(separator: ", ") + rest
    }

    /// Whether the value is a dictionary of tensors under string keys and nothing else, as
    /// `model.state_dict()` is.
    public var isStateDict: Bool {
        guard case .dict(let entries) = self, !entries.isEmpty else { return false }
        return entries.allSatisfy { entry in
            guard case .string = entry.key, case .tensor = entry.value else { return false }
            return true
        }
    }

    /// The string keys of a dictionary whose values are state dicts (dictionaries holding tensors).
    public var stateDictKeys: [String] {
        guard case .dict(let entries) = self else { return [] }
        return entries.compactMap { entry in
            guard case .string(let key) = entry.key, entry.value.stateDict != nil else { return nil }
            return key
        }
    }

    private var keys: [String] {
        guard case .dict(let entries) = self else { return [] }
        return entries.map { $0.key.keyDescription }
    }

    /// `the keys are ...` (`the keys there are ...` below the top), that the value is a state dict
    /// with the keys ..., or that there are none.
    private func contents(at location: String) -> String {
        guard !keys.isEmpty else { return "the dictionary is empty" }
        if isStateDict { return "\(Self.name(of: location)) is a state dict itself, with the keys \(keyListing())" }
        return "the keys\(location.isEmpty ? "" : " there") are \(keyListing())"
    }

    /// `the value` at the top (of the value looked into, which may itself be part of a bigger one),
    /// else `'path'`.
    private static func name(of location: String) -> String {
        location.isEmpty ? "the value" : "'\(location)'"
    }

    private func value(forKey key: String, at location: String) throws(CheckpointLookupError) -> CheckpointValue {
        guard case .dict = self else {
            throw CheckpointLookupError("\(Self.name(of: location)) is a \(typeName) (\(summary)), not a dictionary; it has no key '\(key)'")
        }
        guard let value = self[key] else {
            let place = location.isEmpty ? "" : " in '\(location)'"
            throw CheckpointLookupError("no key '\(key)'\(place); \(contents(at: location))", availableKeys: keys)
        }
        return value
    }

    /// One step of a path: a dictionary's key or a list's index.
    private func child(_ component: String, at location: String) throws(CheckpointLookupError) -> CheckpointValue {
        switch self {
        case .list(let items), .tuple(let items):
            guard let index = Int(component), items.indices.contains(index) else {
                throw CheckpointLookupError(
                    "\(Self.name(of: location)) is a \(typeName) of \(counted(items.count, "item")); '\(component)' is not one of its indices")
            }
            return items[index]
        default:
            return try value(forKey: component, at: location)
        }
    }

    private func stateDict(at location: String) throws(CheckpointLookupError) -> StateDict {
        if let stateDict { return stateDict }
        let name = Self.name(of: location)
        guard case .dict = self else {
            throw CheckpointLookupError("\(name) is a \(typeName) (\(summary)), not a dictionary of tensors")
        }
        let holders = stateDictKeys.map { "'\($0)'" }
        let hint = holders.isEmpty ? "" : "; state dicts are under \(holders.joined(separator: ", "))"
        throw CheckpointLookupError(
            "\(name) holds no tensors at its top level\(hint); \(contents(at: location))", availableKeys: keys)
    }
}
