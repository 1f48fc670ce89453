import OrderedCollections

/// An optimizer's state as PyTorch's `optimizer.state_dict()` lays it out: the per-parameter state
/// by parameter index, and the parameter groups with their hyperparameters.
///
/// ```swift
/// // {'state': {0: {'step': tensor(3.), 'exp_avg': ..., 'exp_avg_sq': ...}, 1: {...}},
/// //  'param_groups': [{'lr': 0.001, 'betas': (0.9, 0.999), ..., 'params': [0, 1]}]}
/// let saved = optimizer.stateDict()
/// saved.state[0]?["exp_avg"]?.shape
/// saved.parameterGroups[0]["lr"]        // .double(0.001)
/// ```
///
/// `RecurrentFormats` turns it into the value `torch.save` writes and back
/// (`CheckpointValue(optimizerStateDict)`, `OptimizerStateDict(checkpoint:)`).
public struct OptimizerStateDict: Sendable, Hashable {
    /// Each parameter's state (`step`, `exp_avg`, `momentum_buffer`, ...) by its index in the
    /// parameter list; a parameter that has never had a gradient has none.
    public var state: [Int: StateDict]
    /// The parameter groups, each with its hyperparameters and the indices of its parameters.
    public var parameterGroups: [ParameterGroup]

    /// Creates a state dict.
    public init(state: [Int: StateDict] = [:], parameterGroups: [ParameterGroup] = []) {
        self.state = state
        self.parameterGroups = parameterGroups
    }
}

/// One of an optimizer's parameter groups: PyTorch's `param_groups[i]`, its hyperparameters in
/// order and the indices of its parameters (`params`).
public struct ParameterGroup: Sendable, Hashable {
    private var storage: OrderedDictionary<String, OptimizerOption>
    /// The indices of the group's parameters in the optimizer's parameter list.
    public var params: [Int]

    /// Creates a group from its hyperparameters, in order, and its parameters' indices.
    public init(options: [(String, OptimizerOption)], params: [Int]) {
        storage = [:]
        for (name, value) in options { storage[name] = value }
        self.params = params
    }

    /// The hyperparameter names, in order (`lr`, `betas`, ...; `params` is not among them).
    public var names: [String] { Array(storage.keys) }

    /// The hyperparameter `name`; setting `nil` removes it.
    public subscript(name: String) -> OptimizerOption? {
        get { storage[name] }
        set { storage[name] = newValue }
    }
}

/// A hyperparameter's value as a PyTorch param group holds it: a number, a flag, `None` or a tuple
/// (`betas`).
public enum OptimizerOption: Sendable, Hashable, CustomStringConvertible {
    /// `None` (`foreach`, `fused`).
    case none
    /// A `bool`.
    case bool(Bool)
    /// An `int` (PyTorch keeps a default such as `momentum=0` as one).
    case int(Int)
    /// A `float`.
    case double(Double)
    /// A `tuple` (`betas`).
    case tuple([OptimizerOption])

    /// The value as a number, for an `int` or a `float`.
    public var number: Double? {
        switch self {
        case .int(let value): Double(value)
        case .double(let value): value
        default: nil
        }
    }

    /// Python's `repr` of the value (`0.001`, `True`, `None`, `(0.9, 0.999)`).
    public var description: String {
        switch self {
        case .none: "None"
        case .bool(let value): value ? "True" : "False"
        case .int(let value): "\(value)"
        case .double(let value): "\(value)"
        case .tuple(let items): items.count == 1 ? "(\(items[0]),)" : "(" + items.map(\.description).joined(separator: ", ") + ")"
        }
    }
}

extension ParameterGroup {
    /// The number `name`, which a loaded group must have.
    ///
    /// - Throws: `TorchError` naming the hyperparameter when it is missing or not a number.
    func number(_ name: String) throws(TorchError) -> Double {
        guard let value = self[name]?.number else {
            throw TorchError(
                .keyError,
                "the state dict's parameter group has no number '\(name)' (it has \(names.joined(separator: ", "))); "
                    + "was it saved by another optimizer?")
        }
        return value
    }

    /// The flag `name`, `false` when missing as PyTorch's `__setstate__` defaults it.
    ///
    /// - Throws: `TorchError` when the value is not a `bool`.
    func flag(_ name: String) throws(TorchError) -> Bool {
        switch self[name] {
        case nil: return false
        case .bool(let value)?: return value
        case let other?: throw .valueError("the state dict's parameter group has '\(name)' = \(other), not a bool")
        }
    }
}
