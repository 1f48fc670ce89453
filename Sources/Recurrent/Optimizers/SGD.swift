/// Stochastic gradient descent with optional momentum, Nesterov momentum and weight decay: the
/// Swift counterpart of `torch.optim.SGD`, step for step.
///
/// Each step computes, for every parameter `p` with a gradient `g` (PyTorch's single-tensor code
/// path, in its order of operations): `g += weight_decay · p`; with momentum, the buffer
/// `b = g` at the first step and `b = momentum · b + (1 - dampening) · g` after, and `g = b` (or
/// `g += momentum · b` with Nesterov); then `p -= lr · g`.
///
/// ```swift
/// var optimizer = try SGD<Float>(lr: 0.1, momentum: 0.9)
/// try optimizer.step(&parameters, gradients: gradients)
/// let saved = optimizer.stateDict()     // {'state': {0: {'momentum_buffer': ...}}, ...}
/// ```
///
/// PyTorch's `maximize` is not offered.
public struct SGD<Scalar: RecurrentScalar>: Optimizer, Hashable {
    /// The learning rate (`lr`).
    public var lr: Double
    /// The momentum factor (`momentum`); 0 keeps no buffers.
    public private(set) var momentum: Double
    /// The dampening of the momentum (`dampening`).
    public private(set) var dampening: Double
    /// The L2 penalty added to each gradient (`weight_decay`).
    public private(set) var weightDecay: Double
    /// Whether the momentum is Nesterov's (`nesterov`).
    public private(set) var nesterov: Bool

    private var parameters = ParameterList()
    private var momentumBuffers: [Int: Tensor<Scalar>] = [:]

    /// `SGD`.
    public static var pytorchClassName: String { "SGD" }

    /// Creates the optimizer, `torch.optim.SGD(params, lr=..., momentum=..., ...)`, with PyTorch's
    /// defaults and checks.
    ///
    /// - Throws: `TorchError` (`ValueError`) with PyTorch's messages for a negative learning rate,
    ///   momentum or weight decay, and for Nesterov momentum without momentum or with dampening.
    public init(lr: Double = 1e-3, momentum: Double = 0, dampening: Double = 0, weightDecay: Double = 0, nesterov: Bool = false)
        throws(TorchError)
    {
        if lr < 0 { throw invalidOption("learning rate", lr) }
        if momentum < 0 { throw invalidOption("momentum value", momentum) }
        if weightDecay < 0 { throw invalidOption("weight_decay value", weightDecay) }
        if nesterov && (momentum <= 0 || dampening != 0) {
            throw .valueError("Nesterov momentum requires a momentum and zero dampening")
        }
        self.lr = lr
        self.momentum = momentum
        self.dampening = dampening
        self.weightDecay = weightDecay
        self.nesterov = nesterov
    }

    /// One step of `torch.optim.SGD`, as described above; parameters without a gradient are left
    /// alone, and so are their momentum buffers.
    ///
    /// - Throws: `TorchError` as ``Optimizer/step(_:gradients:)`` describes.
    @_specialize(exported: true, where Scalar == Float)
    @_specialize(exported: true, where Scalar == Double)
    public mutating func step(_ parameters: inout [Tensor<Scalar>], gradients: [Tensor<Scalar>?]) throws(TorchError) {
        try self.parameters.check(parameters, gradients)
        for (position, buffer) in momentumBuffers where gradients[position] != nil {
            try buffer.checkState("momentum_buffer", position: position, fits: parameters[position])
        }
        let (decays, hasMomentum) = (self.weightDecay != 0, self.momentum != 0)
        let weightDecay = Scalar(self.weightDecay)
        let momentum = Scalar(self.momentum)
        let keep = Scalar(1 - dampening)
        let step = Scalar(-lr)
        for (position, gradient) in gradients.enumerated() {
            guard let gradient else { continue }
            let parameter = parameters[position].scalars
            // PyTorch's `add(other, alpha)` is a fused multiply-add, `other · alpha + self`.
            var direction = gradient.scalars
            if decays {
                direction = zip(direction, parameter).map { $0.addingProduct($1, weightDecay) }
            }
            if hasMomentum {
                let buffer: [Scalar]
                if let previous = momentumBuffers[position] {
                    buffer = zip(previous.scalars, direction).map { ($0 * momentum).addingProduct($1, keep) }
                } else {
                    buffer = direction
                }
                momentumBuffers[position] = Tensor(unchecked: gradient.shape, scalars: buffer)
                direction = nesterov ? zip(direction, buffer).map { $0.addingProduct($1, momentum) } : buffer
            }
            parameters[position] = Tensor(
                unchecked: gradient.shape, scalars: zip(parameter, direction).map { $0.addingProduct($1, step) })
        }
    }

    /// `{'state': {i: {'momentum_buffer': ...}}, 'param_groups': [{'lr': ..., 'momentum': ...,
    /// 'dampening': ..., 'weight_decay': ..., 'nesterov': ..., 'maximize': False, 'foreach': None,
    /// 'differentiable': False, 'fused': None, 'params': [0, 1, ...]}]}`, as PyTorch writes it.
    public func stateDict() -> OptimizerStateDict {
        OptimizerStateDict(
            state: momentumBuffers.mapValues { ["momentum_buffer": Scalar.erase($0)] },
            parameterGroups: [
                parameters.group([
                    ("lr", .double(lr)), ("momentum", .double(momentum)), ("dampening", .double(dampening)),
                    ("weight_decay", .double(weightDecay)), ("nesterov", .bool(nesterov)), ("maximize", .bool(false)),
                    ("foreach", .none), ("differentiable", .bool(false)), ("fused", .none),
                ])
            ])
    }

    /// Loads a state dict PyTorch's `SGD.state_dict()` (or ``stateDict()``) wrote: its
    /// hyperparameters and momentum buffers.
    ///
    /// - Throws: `TorchError` as ``Optimizer/loadStateDict(_:)`` describes, and for `maximize=True`,
    ///   which is not offered.
    public mutating func loadStateDict(_ stateDict: OptimizerStateDict) throws(TorchError) {
        let (group, states, count) = try parameters.loadedGroup(stateDict)
        if try group.flag("maximize") { throw .valueError("SGD with maximize=True is not supported") }
        var loaded = try SGD(
            lr: try group.number("lr"), momentum: try group.number("momentum"), dampening: try group.number("dampening"),
            weightDecay: try group.number("weight_decay"), nesterov: try group.flag("nesterov"))
        for (position, state) in states {
            loaded.momentumBuffers[position] = try state.optimizerState(
                "momentum_buffer", position: position, of: Self.pytorchClassName, as: Scalar.self)
        }
        loaded.parameters = ParameterList(count: count)
        self = loaded
    }
}
