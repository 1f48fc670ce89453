/// An optimizer that updates a list of parameters from their gradients as a `torch.optim`
/// optimizer updates one parameter group: ``SGD``, ``Adam``, ``AdamW``.
///
/// The parameters are passed to every ``step(_:gradients:)`` in the same order; the optimizer's
/// state (momentum buffers, moment estimates, step counts) is kept by position, as PyTorch's state
/// dict keeps it by index. A `nil` gradient is a parameter without `.grad` (PyTorch's
/// `zero_grad()` sets them to `None` by default): the step leaves that parameter and its state
/// alone.
///
/// ```swift
/// var optimizer = try Adam<Float>(lr: 1e-3)
/// let criterion = MSELoss<Float>()
/// for (input, target) in batches {
///     let (output, trace) = try linear.trainingForward(input)
///     let (_, lossTrace) = try criterion.trainingForward(output, target)
///     let (_, gradients) = try linear.backward(trace, outputGradient: try criterion.backward(lossTrace).input)
///     var parameters = linear.parameterNames.compactMap { linear.parameter(named: $0) }
///     try optimizer.step(&parameters, gradients: gradients.ordered(by: linear.parameterNames))
///     for (name, value) in zip(linear.parameterNames, parameters) { try linear.setParameter(named: name, to: value) }
/// }
/// ```
public protocol Optimizer: Sendable {
    /// The element type of the parameters.
    associatedtype Scalar: RecurrentScalar

    /// The class name PyTorch uses (`SGD`, `Adam`, `AdamW`).
    static var pytorchClassName: String { get }

    /// The learning rate (`lr`), which a learning-rate schedule may change between steps.
    var lr: Double { get set }

    /// Updates `parameters` from `gradients` as one call of PyTorch's `optimizer.step()` does.
    ///
    /// - Parameters:
    ///   - parameters: The parameters, in the same order at every step; updated in place.
    ///   - gradients: One gradient per parameter, in the parameters' shapes; `nil` skips the parameter.
    /// - Throws: `TorchError` when the list is empty, when the counts differ from each other or from
    ///   the optimizer's earlier steps (or its loaded state), when a gradient's shape is not its
    ///   parameter's (PyTorch's message for assigning such a `.grad`), or when loaded state does not
    ///   fit the parameters. Nothing is changed then.
    mutating func step(_ parameters: inout [Tensor<Scalar>], gradients: [Tensor<Scalar>?]) throws(TorchError)

    /// The state, laid out as PyTorch's `optimizer.state_dict()`.
    func stateDict() -> OptimizerStateDict

    /// Replaces the state and the hyperparameters with a saved one, as PyTorch's
    /// `optimizer.load_state_dict(...)` does; tensors of another floating-point dtype are converted.
    ///
    /// - Throws: `TorchError` with PyTorch's messages when the number of groups or of parameters
    ///   differs, and naming what is missing or unsupported otherwise. Nothing is changed then.
    mutating func loadStateDict(_ stateDict: OptimizerStateDict) throws(TorchError)
}

/// The parameter list an optimizer works on: its length, fixed by the first step or a loaded state
/// dict, checked at every step.
struct ParameterList: Sendable, Hashable {
    private(set) var count: Int?

    init(count: Int? = nil) {
        self.count = count
    }

    /// Checks a step's arguments, and fixes the list's length at the first step.
    mutating func check<Scalar>(_ parameters: [Tensor<Scalar>], _ gradients: [Tensor<Scalar>?]) throws(TorchError) {
        guard !parameters.isEmpty else { throw .valueError("optimizer got an empty parameter list") }
        if let count, count != parameters.count {
            throw .valueError(
                "the optimizer's parameter group has \(count) parameters (from its first step or its loaded state dict) "
                    + "but step got \(parameters.count); pass the same parameters, in the same order, at every step")
        }
        guard gradients.count == parameters.count else {
            throw .valueError(
                "step got \(gradients.count) gradients for \(parameters.count) parameters; "
                    + "pass one gradient, or nil, per parameter, in the parameters' order")
        }
        for (parameter, gradient) in zip(parameters, gradients) {
            if let gradient, gradient.shape != parameter.shape {
                throw .runtimeError(
                    "attempting to assign a gradient of size '\(formatList(gradient.shape))' to a tensor of size "
                        + "'\(formatList(parameter.shape))'. Please ensure that the gradient and the tensor are the same size")
            }
        }
        count = parameters.count
    }

    /// The one parameter group of a state dict, checked against this list as PyTorch's
    /// `load_state_dict` checks it, and each saved state's position in the list.
    ///
    /// - Throws: `TorchError` with PyTorch's messages for another number of groups or parameters,
    ///   and naming the index of a state that belongs to no parameter of the group.
    func loadedGroup(_ stateDict: OptimizerStateDict) throws(TorchError) -> (group: ParameterGroup, states: [Int: StateDict], count: Int) {
        guard stateDict.parameterGroups.count == 1, let group = stateDict.parameterGroups.first else {
            throw .valueError("loaded state dict has a different number of parameter groups")
        }
        if let count, count != group.params.count {
            throw .valueError("loaded state dict contains a parameter group that doesn't match the size of optimizer's group")
        }
        var positions: [Int: Int] = [:]
        for (position, index) in group.params.enumerated() where positions[index] == nil { positions[index] = position }
        var states: [Int: StateDict] = [:]
        for (index, state) in stateDict.state {
            guard let position = positions[index] else {
                throw .valueError(
                    "the state dict holds state for parameter \(index), which its parameter group "
                        + "\(formatList(group.params)) does not list")
            }
            states[position] = state
        }
        return (group, states, group.params.count)
    }

    /// A parameter group of these parameters with the given hyperparameters.
    func group(_ options: [(String, OptimizerOption)]) -> ParameterGroup {
        ParameterGroup(options: options, params: Array(0..<(count ?? 0)))
    }
}

extension StateDict {
    /// The saved state tensor `key` of the parameter at `position`, converted to `Scalar`.
    ///
    /// - Throws: `TorchError` naming the key and the parameter when it is missing.
    func optimizerState<Scalar: RecurrentScalar>(
        _ key: String, position: Int, of optimizer: String, as _: Scalar.Type
    ) throws(TorchError) -> Tensor<Scalar> {
        guard let tensor = self[key], tensor.dtype.isFloatingPoint else {
            throw TorchError(
                .keyError,
                "the state of parameter \(position) has no floating-point '\(key)' (it has \(keys.joined(separator: ", "))); "
                    + "was it saved by another optimizer than \(optimizer)?")
        }
        return tensor.converted(to: Scalar.self)
    }
}

extension Tensor {
    /// Checks that a saved state tensor fits its parameter before a step uses it.
    func checkState(_ key: String, position: Int, fits parameter: Tensor) throws(TorchError) {
        guard shape == parameter.shape else {
            throw .runtimeError(
                "the optimizer's '\(key)' for parameter \(position) has shape \(formatList(shape)) but the parameter has "
                    + "shape \(formatList(parameter.shape)); the loaded state dict was saved for other parameters")
        }
    }
}

/// PyTorch's message for a hyperparameter out of range (`Invalid learning rate: -0.1`), a `ValueError`.
func invalidOption(_ description: String, _ value: Double) -> TorchError {
    .valueError("Invalid \(description): \(value)")
}
