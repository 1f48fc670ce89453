import Foundation

/// Adam, with optional AMSGrad and coupled or decoupled weight decay: the Swift counterpart of
/// `torch.optim.Adam`, number for number.
///
/// Each step follows PyTorch's single-tensor code path (the one it takes on CPU) in its order of
/// operations: the step count `t += 1`; weight decay (`g += λ·p`, or `p *= 1 - lr·λ` when
/// decoupled); `m = lerp(m, g, 1 - β1)`; `v = β2·v + (1 - β2)·g²`; the bias corrections
/// `1 - β1^t` and `1 - β2^t` in `Double`, as Python computes them; then
/// `p += -(lr / (1 - β1^t)) · m / (√v / √(1 - β2^t) + eps)`, with `v` replaced by its running
/// maximum for AMSGrad.
///
/// ```swift
/// var optimizer = try Adam<Double>(lr: 1e-3, betas: (0.9, 0.999), amsgrad: true)
/// try optimizer.step(&parameters, gradients: gradients)
/// let saved = optimizer.stateDict()   // {'state': {0: {'step': tensor(1.), 'exp_avg': ..., ...}}, ...}
/// ```
///
/// PyTorch's `maximize` is not offered.
public struct Adam<Scalar: RecurrentScalar>: Optimizer, Hashable {
    /// The learning rate (`lr`).
    public var lr: Double
    /// The decay rate of the first moment estimate, `betas[0]`.
    public private(set) var beta1: Double
    /// The decay rate of the second moment estimate, `betas[1]`.
    public private(set) var beta2: Double
    /// The term added to the denominator (`eps`).
    public private(set) var eps: Double
    /// The weight decay λ (`weight_decay`).
    public private(set) var weightDecay: Double
    /// Whether the running maximum of the second moment is used (`amsgrad`).
    public private(set) var amsgrad: Bool
    /// Whether the weight decay shrinks the parameters directly instead of adding to the gradient
    /// (`decoupled_weight_decay`, what ``AdamW`` does).
    public private(set) var decoupledWeightDecay: Bool

    private var parameters = ParameterList()
    private var moments: [Int: Moments] = [:]

    /// One parameter's state.
    struct Moments: Sendable, Hashable {
        /// PyTorch keeps the step count as a float32 tensor.
        var step: Float
        var expAvg: Tensor<Scalar>
        var expAvgSq: Tensor<Scalar>
        var maxExpAvgSq: Tensor<Scalar>?
    }

    /// `Adam`.
    public static var pytorchClassName: String { "Adam" }

    /// `betas`.
    public var betas: (Double, Double) { (beta1, beta2) }

    /// Creates the optimizer, `torch.optim.Adam(params, lr=..., betas=..., eps=..., weight_decay=...,
    /// amsgrad=..., decoupled_weight_decay=...)`, with PyTorch's defaults and checks.
    ///
    /// - Throws: `TorchError` (`ValueError`) with PyTorch's messages, in its order, for a learning
    ///   rate, epsilon or weight decay below 0 (or NaN) and betas outside [0, 1).
    public init(
        lr: Double = 1e-3, betas: (Double, Double) = (0.9, 0.999), eps: Double = 1e-8, weightDecay: Double = 0,
        amsgrad: Bool = false, decoupledWeightDecay: Bool = false
    ) throws(TorchError) {
        guard 0 <= lr else { throw invalidOption("learning rate", lr) }
        guard 0 <= eps else { throw invalidOption("epsilon value", eps) }
        guard 0 <= betas.0 && betas.0 < 1 else { throw invalidOption("beta parameter at index 0", betas.0) }
        guard 0 <= betas.1 && betas.1 < 1 else { throw invalidOption("beta parameter at index 1", betas.1) }
        guard 0 <= weightDecay else { throw invalidOption("weight_decay value", weightDecay) }
        self.lr = lr
        beta1 = betas.0
        beta2 = betas.1
        self.eps = eps
        self.weightDecay = weightDecay
        self.amsgrad = amsgrad
        self.decoupledWeightDecay = decoupledWeightDecay
    }

    /// One step of `torch.optim.Adam`, as described above; a parameter without a gradient keeps its
    /// value, its moments and its step count.
    ///
    /// - Throws: `TorchError` as ``Optimizer/step(_:gradients:)`` describes.
    @_specialize(exported: true, where Scalar == Float)
    @_specialize(exported: true, where Scalar == Double)
    public mutating func step(_ parameters: inout [Tensor<Scalar>], gradients: [Tensor<Scalar>?]) throws(TorchError) {
        try self.parameters.check(parameters, gradients)
        for (position, state) in moments where gradients[position] != nil {
            try state.expAvg.checkState("exp_avg", position: position, fits: parameters[position])
            try state.expAvgSq.checkState("exp_avg_sq", position: position, fits: parameters[position])
            if amsgrad {
                guard let maximum = state.maxExpAvgSq else {
                    throw TorchError(.keyError, "the loaded state of parameter \(position) has no 'max_exp_avg_sq', which amsgrad needs")
                }
                try maximum.checkState("max_exp_avg_sq", position: position, fits: parameters[position])
            }
        }
        for (position, gradient) in gradients.enumerated() {
            guard let gradient else { continue }
            let zeros = Tensor<Scalar>(unchecked: gradient.shape, scalars: Array(repeating: 0, count: gradient.count))
            var state = moments[position] ?? Moments(step: 0, expAvg: zeros, expAvgSq: zeros, maxExpAvgSq: amsgrad ? zeros : nil)
            let updated = update(parameters[position].scalars, gradient.scalars, &state)
            parameters[position] = Tensor(unchecked: gradient.shape, scalars: updated)
            moments[position] = state
        }
    }

    /// PyTorch's `_single_tensor_adam` for one parameter: the new parameter; `state` is advanced.
    private func update(_ parameter: [Scalar], _ gradient: [Scalar], _ state: inout Moments) -> [Scalar] {
        var parameter = parameter
        var gradient = gradient
        state.step += 1
        if weightDecay != 0 {
            if decoupledWeightDecay {
                let shrink = Scalar(1 - lr * weightDecay)
                parameter = parameter.map { $0 * shrink }
            } else {
                // `grad.add(param, alpha=weight_decay)`: a fused multiply-add in PyTorch's kernel.
                let decay = Scalar(weightDecay)
                gradient = zip(gradient, parameter).map { $0.addingProduct($1, decay) }
            }
        }
        // `exp_avg.lerp_(grad, 1 - beta1)`, as PyTorch's vectorised lerp computes it.
        let weight = Scalar(1 - beta1)
        let small = weight.magnitude < 0.5
        let expAvg = zip(state.expAvg.scalars, gradient).map { start, end in
            small ? start.addingProduct(weight, end - start) : end.addingProduct(weight - 1, end - start)
        }
        // `exp_avg_sq.mul_(beta2).addcmul_(grad, grad, value=1 - beta2)`.
        let (decay, value) = (Scalar(beta2), Scalar(1 - beta2))
        let expAvgSq = zip(state.expAvgSq.scalars, gradient).map { ($0 * decay).addingProduct(value * $1, $1) }
        let step = Double(state.step)
        let biasCorrection1 = 1 - Foundation.pow(beta1, step)
        let biasCorrection2 = 1 - Foundation.pow(beta2, step)
        let stepSize = lr / biasCorrection1
        let biasCorrection2Root = Scalar(Foundation.pow(biasCorrection2, 0.5))
        var second = expAvgSq
        if amsgrad, let previous = state.maxExpAvgSq {
            second = zip(previous.scalars, expAvgSq).map { $0.isNaN || $1.isNaN ? .nan : Swift.max($0, $1) }
            state.maxExpAvgSq = Tensor(unchecked: previous.shape, scalars: second)
        }
        let (epsilon, scale) = (Scalar(eps), Scalar(-stepSize))
        for index in parameter.indices {
            let denominator = second[index].squareRoot() / biasCorrection2Root + epsilon
            parameter[index] += scale * expAvg[index] / denominator
        }
        state.expAvg = Tensor(unchecked: state.expAvg.shape, scalars: expAvg)
        state.expAvgSq = Tensor(unchecked: state.expAvgSq.shape, scalars: expAvgSq)
        return parameter
    }

    /// `{'state': {i: {'step': tensor(t), 'exp_avg': ..., 'exp_avg_sq': ..., 'max_exp_avg_sq': ...}},
    /// 'param_groups': [{'lr': ..., 'betas': (..., ...), 'eps': ..., 'weight_decay': ..., 'amsgrad': ...,
    /// 'maximize': False, 'foreach': None, 'capturable': False, 'differentiable': False, 'fused': None,
    /// 'decoupled_weight_decay': ..., 'params': [0, 1, ...]}]}`, as PyTorch writes it (`step` a 0-D
    /// float32 tensor).
    public func stateDict() -> OptimizerStateDict {
        let state = moments.mapValues { moments in
            var entries: StateDict = [
                "step": .float32(Tensor(scalar: moments.step)), "exp_avg": Scalar.erase(moments.expAvg),
                "exp_avg_sq": Scalar.erase(moments.expAvgSq),
            ]
            if let maximum = moments.maxExpAvgSq { entries["max_exp_avg_sq"] = Scalar.erase(maximum) }
            return entries
        }
        return OptimizerStateDict(
            state: state,
            parameterGroups: [
                parameters.group([
                    ("lr", .double(lr)), ("betas", .tuple([.double(beta1), .double(beta2)])), ("eps", .double(eps)),
                    ("weight_decay", .double(weightDecay)), ("amsgrad", .bool(amsgrad)), ("maximize", .bool(false)),
                    ("foreach", .none), ("capturable", .bool(false)), ("differentiable", .bool(false)), ("fused", .none),
                    ("decoupled_weight_decay", .bool(decoupledWeightDecay)),
                ])
            ])
    }

    /// Loads a state dict PyTorch's `Adam.state_dict()` or `AdamW.state_dict()` (or
    /// ``stateDict()``) wrote: its hyperparameters, step counts and moment estimates.
    ///
    /// - Throws: `TorchError` as ``Optimizer/loadStateDict(_:)`` describes, and for `maximize=True`,
    ///   which is not offered.
    public mutating func loadStateDict(_ stateDict: OptimizerStateDict) throws(TorchError) {
        let (group, states, count) = try parameters.loadedGroup(stateDict)
        if try group.flag("maximize") { throw .valueError("Adam with maximize=True is not supported") }
        guard case .tuple(let betas)? = group["betas"], betas.count == 2, let beta1 = betas[0].number,
            let beta2 = betas[1].number
        else {
            throw TorchError(.keyError, "the state dict's parameter group has no pair of numbers 'betas'")
        }
        var loaded = try Adam(
            lr: try group.number("lr"), betas: (beta1, beta2), eps: try group.number("eps"),
            weightDecay: try group.number("weight_decay"), amsgrad: try group.flag("amsgrad"),
            decoupledWeightDecay: try group.flag("decoupled_weight_decay"))
        let name = Self.pytorchClassName
        for (position, state) in states {
            let step: Tensor<Float> = try state.optimizerState("step", position: position, of: name, as: Float.self)
            guard step.count == 1 else {
                throw .valueError("the 'step' of parameter \(position) has \(step.count) elements; PyTorch saves one")
            }
            loaded.moments[position] = Moments(
                step: step.scalars[0],
                expAvg: try state.optimizerState("exp_avg", position: position, of: name, as: Scalar.self),
                expAvgSq: try state.optimizerState("exp_avg_sq", position: position, of: name, as: Scalar.self),
                maxExpAvgSq: state["max_exp_avg_sq"] == nil
                    ? nil : try state.optimizerState("max_exp_avg_sq", position: position, of: name, as: Scalar.self))
        }
        loaded.parameters = ParameterList(count: count)
        self = loaded
    }

    /// Makes the weight decay decoupled, as PyTorch's `AdamW` forces it on a loaded state.
    mutating func decoupleWeightDecay() {
        decoupledWeightDecay = true
    }
}
