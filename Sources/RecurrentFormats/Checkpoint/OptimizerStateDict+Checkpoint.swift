import Recurrent

extension OptimizerStateDict {
    /// Reads an optimizer's state dict as `torch.save(optimizer.state_dict(), path)` saved it,
    /// `{'state': {index: {name: tensor}}, 'param_groups': [{..., 'params': [index, ...]}]}`.
    ///
    /// ```swift
    /// let saved = try TorchCheckpoint.read(contentsOf: url)              // or checkpoint["optimizer"]
    /// try optimizer.loadStateDict(try OptimizerStateDict(checkpoint: saved))
    /// ```
    ///
    /// A `step` saved as a number (by PyTorch before 1.12) becomes a 0-D float32 tensor, as
    /// PyTorch's `Adam.__setstate__` turns it into one.
    ///
    /// - Throws: ``FormatError`` saying what is missing or of the wrong kind, and where.
    public init(checkpoint value: CheckpointValue) throws(FormatError) {
        guard case .dict(let root) = value else { throw FormatError("optimizer state dict: the value is not a dict") }
        guard let stateValue = root.first(where: { $0.key == .string("state") })?.value, case .dict(let states) = stateValue else {
            throw FormatError("optimizer state dict: no dict 'state'")
        }
        guard let groupsValue = root.first(where: { $0.key == .string("param_groups") })?.value,
            case .list(let groups) = groupsValue
        else {
            throw FormatError("optimizer state dict: no list 'param_groups'")
        }
        var state: [Int: StateDict] = [:]
        for entry in states {
            guard case .int(let index) = entry.key, case .dict(let values) = entry.value else {
                throw FormatError("optimizer state dict: state entry \(entry.key.keyDescription) is not an index with a dict")
            }
            var tensors = StateDict()
            for value in values {
                guard case .string(let name) = value.key else {
                    throw FormatError("optimizer state dict: state \(index) has a key that is not a string")
                }
                switch value.value {
                case .tensor(let tensor): tensors[name] = tensor
                case .int(let number): tensors[name] = .float32(Tensor(scalar: Float(number)))
                case .float(let number): tensors[name] = .float32(Tensor(scalar: Float(number)))
                default: throw FormatError("optimizer state dict: state \(index) '\(name)' is neither a tensor nor a number")
                }
            }
            state[index] = tensors
        }
        var parameterGroups: [ParameterGroup] = []
        for (position, group) in groups.enumerated() {
            guard case .dict(let entries) = group else { throw FormatError("optimizer state dict: param_groups[\(position)] is not a dict") }
            var options: [(String, OptimizerOption)] = []
            var params: [Int]?
            for entry in entries {
                guard case .string(let name) = entry.key else {
                    throw FormatError("optimizer state dict: param_groups[\(position)] has a key that is not a string")
                }
                if name == "params" {
                    guard case .list(let items) = entry.value else {
                        throw FormatError("optimizer state dict: param_groups[\(position)]['params'] is not a list")
                    }
                    params = try items.map { item throws(FormatError) in
                        guard case .int(let index) = item else {
                            throw FormatError("optimizer state dict: param_groups[\(position)]['params'] holds a non-integer")
                        }
                        return index
                    }
                } else {
                    options.append((name, try Self.option(entry.value, "param_groups[\(position)]['\(name)']")))
                }
            }
            guard let params else { throw FormatError("optimizer state dict: param_groups[\(position)] has no 'params'") }
            parameterGroups.append(ParameterGroup(options: options, params: params))
        }
        self.init(state: state, parameterGroups: parameterGroups)
    }

    private static func option(_ value: CheckpointValue, _ place: String) throws(FormatError) -> OptimizerOption {
        switch value {
        case .none: return .none
        case .bool(let flag): return .bool(flag)
        case .int(let number): return .int(number)
        case .float(let number): return .double(number)
        case .tuple(let items), .list(let items):
            var options: [OptimizerOption] = []
            for (index, item) in items.enumerated() { options.append(try option(item, "\(place)[\(index)]")) }
            return .tuple(options)
        case .tensor(let tensor) where tensor.count == 1 && tensor.dtype.isFloatingPoint:
            // A hyperparameter given as a one-element tensor (lr=torch.tensor(0.01)) counts as its value.
            return .double(tensor.converted(to: Double.self).scalars[0])
        default:
            throw FormatError("optimizer state dict: \(place) is not a number, a bool, None or a tuple of them")
        }
    }
}

extension CheckpointValue {
    /// An optimizer's state dict as `optimizer.state_dict()` holds it, for ``TorchCheckpoint``'s
    /// writer: `torch.load` reads it back as PyTorch's own, and `optimizer.load_state_dict` takes it.
    /// Per-parameter states are written in index order.
    public init(_ stateDict: OptimizerStateDict) {
        let state = stateDict.state.keys.sorted().map { index in
            Entry(
                key: .int(index),
                value: .dict(stateDict.state[index, default: StateDict()].map { Entry(key: .string($0.key), value: .tensor($0.value)) }))
        }
        let groups = stateDict.parameterGroups.map { group in
            CheckpointValue.dict(
                group.names.map { Entry(key: .string($0), value: CheckpointValue(group[$0] ?? .none)) }
                    + [Entry(key: .string("params"), value: .list(group.params.map { .int($0) }))])
        }
        self = .dict([Entry(key: .string("state"), value: .dict(state)), Entry(key: .string("param_groups"), value: .list(groups))])
    }

    private init(_ option: OptimizerOption) {
        switch option {
        case .none: self = .none
        case .bool(let flag): self = .bool(flag)
        case .int(let number): self = .int(number)
        case .double(let number): self = .float(number)
        case .tuple(let items): self = .tuple(items.map(CheckpointValue.init))
        }
    }
}
