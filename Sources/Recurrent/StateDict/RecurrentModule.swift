/// A layer whose parameters carry PyTorch's names: ``RNN`` and ``RNNCell``.
///
/// Conforming types expose their parameters by name; the state-dict reading and loading built on
/// that is shared.
public protocol RecurrentModule: Sendable {
    /// The element type the layer computes in.
    associatedtype Scalar: RecurrentScalar

    /// The class name PyTorch uses in messages (`RNN`, `RNNCell`).
    static var pytorchClassName: String { get }

    /// The parameter names in PyTorch's order.
    var parameterNames: [String] { get }

    /// The parameter with the given PyTorch name, or `nil` when there is none.
    func parameter(named name: String) -> Tensor<Scalar>?

    /// The shape the parameter with the given PyTorch name has, or `nil` when there is none.
    func parameterShape(named name: String) -> [Int]?

    /// Replaces the parameter with the given name.
    ///
    /// - Throws: `TorchError` when there is no such parameter or the shape differs from the current one.
    mutating func setParameter(named name: String, to value: Tensor<Scalar>) throws(TorchError)
}

extension RecurrentModule {
    /// The parameters in PyTorch's order, each with its name.
    public var namedParameters: [(name: String, tensor: Tensor<Scalar>)] {
        parameterNames.compactMap { name in parameter(named: name).map { (name, $0) } }
    }

    /// The layer's state dict: every parameter under its PyTorch name, in PyTorch's order.
    public func stateDict() -> StateDict {
        StateDict(namedParameters.map { ($0.name, Scalar.erase($0.tensor)) })
    }

    /// Loads parameters from a state dict, with the semantics of PyTorch's `load_state_dict`.
    ///
    /// Only keys that start with `prefix` are considered, with the prefix removed, so a checkpoint of
    /// a bigger model loads with `prefix: "encoder.rnn."`; keys are reported in messages as they
    /// appear in `stateDict`, prefix included. Values are converted to the layer's dtype.
    ///
    /// Unlike PyTorch, a load that throws leaves the layer unchanged.
    ///
    /// - Parameters:
    ///   - stateDict: The tensors to load.
    ///   - strict: Whether missing and unexpected keys are errors (size mismatches always are).
    ///   - prefix: The key prefix of this layer inside `stateDict`.
    /// - Returns: The missing and unexpected keys (both empty after a strict load).
    /// - Throws: `TorchError` (`RuntimeError`) with PyTorch's `Error(s) in loading state_dict for ...`
    ///   message.
    @discardableResult
    public mutating func loadStateDict(
        _ stateDict: StateDict, strict: Bool = true, prefix: String = ""
    ) throws(TorchError) -> IncompatibleKeys {
        let scoped = stateDict.scoped(to: prefix)
        var updated = self
        var missing: [String] = []
        var sizeMismatches: [String] = []
        for name in parameterNames {
            guard let shape = parameterShape(named: name) else { continue }
            guard let source = scoped[name] else {
                missing.append(prefix + name)
                continue
            }
            guard source.shape == shape else {
                sizeMismatches.append(
                    "size mismatch for \(prefix + name): copying a param with shape \(torchSize(source.shape)) "
                        + "from checkpoint, the shape in current model is \(torchSize(shape)).")
                continue
            }
            try updated.setParameter(named: name, to: source.converted(to: Scalar.self))
        }
        let names = Set(parameterNames)
        let unexpected = scoped.keys.filter { !names.contains($0) }.map { prefix + $0 }

        var messages: [String] = []
        if strict {
            func quoted(_ keys: [String]) -> String { keys.map { "\"\($0)\"" }.joined(separator: ", ") }
            if !missing.isEmpty { messages.append("Missing key(s) in state_dict: \(quoted(missing)). ") }
            if !unexpected.isEmpty { messages.append("Unexpected key(s) in state_dict: \(quoted(unexpected)). ") }
        }
        messages += sizeMismatches
        guard messages.isEmpty else {
            throw .runtimeError(
                "Error(s) in loading state_dict for \(Self.pytorchClassName):\n\t" + messages.joined(separator: "\n\t"))
        }
        self = updated
        return IncompatibleKeys(missingKeys: missing, unexpectedKeys: unexpected)
    }
}

/// `torch.Size([a, b])`, the way PyTorch prints a shape in state-dict messages.
func torchSize(_ shape: [Int]) -> String {
    "torch.Size(\(formatList(shape)))"
}
