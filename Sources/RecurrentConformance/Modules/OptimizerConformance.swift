import Recurrent
import RecurrentFormats

/// `torch.optim` (`module=optim`): the `optimizer` built with the keyword arguments of `config`,
/// stepped `steps` times over the parameters `param.N` with the gradients `step.K.grad.N` (a
/// missing one is `None`), compared after each step on `step.K.param.N` (`output.N` after the last)
/// and at the end on its state `optimizer.N.KEY`. A checkpoint case (`optim_resume_*`) first loads
/// the state dict `torch.save` wrote.
public struct OptimizerConformance: ModuleConformance {
    /// `optim`.
    public static let module = "optim"

    /// The keyword arguments of `torch.optim.SGD`, `Adam` and `AdamW`; an absent one takes the
    /// optimizer's default, which this is the runner's one place for.
    struct Arguments: Decodable {
        var lr: Double?
        var momentum = 0.0
        var dampening = 0.0
        var weightDecay: Double?
        var nesterov = false
        var betas = [0.9, 0.999]
        var eps = 1e-8
        var amsgrad = false
        var decoupledWeightDecay = false

        enum CodingKeys: String, CodingKey {
            case lr, momentum, dampening, weightDecay = "weight_decay", nesterov, betas, eps, amsgrad
            case decoupledWeightDecay = "decoupled_weight_decay"
        }

        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            lr = try c.decodeIfPresent(Double.self, forKey: .lr)
            momentum = try c.decodeIfPresent(Double.self, forKey: .momentum) ?? momentum
            dampening = try c.decodeIfPresent(Double.self, forKey: .dampening) ?? dampening
            weightDecay = try c.decodeIfPresent(Double.self, forKey: .weightDecay)
            nesterov = try c.decodeIfPresent(Bool.self, forKey: .nesterov) ?? nesterov
            betas = try c.decodeIfPresent([Double].self, forKey: .betas) ?? betas
            eps = try c.decodeIfPresent(Double.self, forKey: .eps) ?? eps
            amsgrad = try c.decodeIfPresent(Bool.self, forKey: .amsgrad) ?? amsgrad
            decoupledWeightDecay = try c.decodeIfPresent(Bool.self, forKey: .decoupledWeightDecay) ?? decoupledWeightDecay
        }
    }

    let fixture: Fixture
    let optimizer: String
    let arguments: Arguments
    let steps: Int
    let parameterCount: Int

    /// Reads the case's `optimizer`, `config`, `steps` and `parameters_count`.
    public init(_ fixture: Fixture) throws(FormatError) {
        self.fixture = fixture
        optimizer = try fixture.field("optimizer")
        arguments = try fixture.requiredJSON("config", as: Arguments.self)
        guard arguments.betas.count == 2 else { throw FormatError("fixture \(fixture.name): 'betas' is not a pair") }
        steps = try Self.count(fixture, "steps")
        parameterCount = try Self.count(fixture, "parameters_count")
        // Every step records every parameter: a case cannot ask for more steps than it has tensors.
        guard let work = elementCount(steps, parameterCount), work <= fixture.tensors.count else {
            throw FormatError(
                "fixture \(fixture.name): \(steps) steps of \(parameterCount) parameters need more results than its "
                    + "\(fixture.tensors.count) tensors")
        }
    }

    /// A count of the case's metadata (0 when absent), refused above ``FixtureLimits/maxSize``.
    private static func count(_ fixture: Fixture, _ key: String) throws(FormatError) -> Int {
        guard let text = fixture.metadata[key] else { return 0 }
        guard let count = Int(text), (0...FixtureLimits.maxSize).contains(count) else {
            throw FormatError("fixture \(fixture.name): '\(key)' is \(text), not a count up to \(FixtureLimits.maxSize)")
        }
        return count
    }

    /// `Adam {"lr":0.01,"amsgrad":true} float32, 3 parameters, 4 steps`.
    public var summary: String {
        "\(optimizer) \(fixture.metadata["config"] ?? "{}") \(fixture.dtype.rawValue), \(parameterCount) parameters, \(steps) steps"
    }

    /// Builds the optimizer and steps it through the case.
    public func run<Scalar: RecurrentScalar>(_ run: inout CaseRun<Scalar>) throws(CaseError) {
        switch optimizer {
        case "SGD": try drive(try run.stage(.construct) { () throws(TorchError) in try makeSGD(Scalar.self) }, &run)
        case "Adam": try drive(try run.stage(.construct) { () throws(TorchError) in try makeAdam(Scalar.self) }, &run)
        case "AdamW": try drive(try run.stage(.construct) { () throws(TorchError) in try makeAdamW(Scalar.self) }, &run)
        default: throw .harness("unknown optimizer '\(optimizer)' (known: SGD, Adam, AdamW)")
        }
    }

    /// Builds the optimizer, loads the state dict of the checkpoint `torch.save` wrote, and steps it
    /// through the case.
    public static func runCheckpoint<Scalar: RecurrentScalar>(value: CheckpointValue, _ run: inout CaseRun<Scalar>) throws(CaseError) {
        let conformance: OptimizerConformance
        let saved: OptimizerStateDict
        do {
            conformance = try OptimizerConformance(run.fixture)
            saved = try OptimizerStateDict(checkpoint: value)
        } catch {
            throw .harness("\(error)")
        }
        func resume<O: Optimizer>(_ make: () throws(TorchError) -> O) throws(CaseError) where O.Scalar == Scalar {
            let optimizer = try run.stage(.construct) { () throws(TorchError) in
                var optimizer = try make()
                try optimizer.loadStateDict(saved)
                return optimizer
            }
            try conformance.drive(optimizer, &run)
        }
        switch conformance.optimizer {
        case "SGD": try resume { () throws(TorchError) in try conformance.makeSGD(Scalar.self) }
        case "Adam": try resume { () throws(TorchError) in try conformance.makeAdam(Scalar.self) }
        case "AdamW": try resume { () throws(TorchError) in try conformance.makeAdamW(Scalar.self) }
        default: throw .harness("unknown optimizer '\(conformance.optimizer)' (known: SGD, Adam, AdamW)")
        }
    }

    private func makeSGD<Scalar>(_: Scalar.Type) throws(TorchError) -> SGD<Scalar> {
        try SGD(
            lr: arguments.lr ?? 1e-3, momentum: arguments.momentum, dampening: arguments.dampening,
            weightDecay: arguments.weightDecay ?? 0, nesterov: arguments.nesterov)
    }

    private func makeAdam<Scalar>(_: Scalar.Type) throws(TorchError) -> Adam<Scalar> {
        try Adam(
            lr: arguments.lr ?? 1e-3, betas: (arguments.betas[0], arguments.betas[1]), eps: arguments.eps,
            weightDecay: arguments.weightDecay ?? 0, amsgrad: arguments.amsgrad, decoupledWeightDecay: arguments.decoupledWeightDecay)
    }

    private func makeAdamW<Scalar>(_: Scalar.Type) throws(TorchError) -> AdamW<Scalar> {
        try AdamW(
            lr: arguments.lr ?? 1e-3, betas: (arguments.betas[0], arguments.betas[1]), eps: arguments.eps,
            weightDecay: arguments.weightDecay ?? 1e-2, amsgrad: arguments.amsgrad)
    }

    /// Steps `optimizer` through the recorded gradients, comparing the parameters after each step
    /// and the state at the end.
    private func drive<O: Optimizer>(_ optimizer: O, _ run: inout CaseRun<O.Scalar>) throws(CaseError) {
        var optimizer = optimizer
        var parameters: [Tensor<O.Scalar>] = []
        for index in 0..<parameterCount { parameters.append(try run.tensor("param.\(index)")) }
        for step in 0..<steps {
            var gradients: [Tensor<O.Scalar>?] = []
            for index in 0..<parameterCount { gradients.append(try run.optionalTensor("step.\(step).grad.\(index)")) }
            try run.stage(.forward) { () throws(TorchError) in try optimizer.step(&parameters, gradients: gradients) }
            for (index, parameter) in parameters.enumerated() {
                run.compare(parameter, step == steps - 1 ? "output.\(index)" : "step.\(step).param.\(index)")
            }
        }
        let state = optimizer.stateDict().state
        let recorded = Set(fixture.tensors.keys.filter { $0.hasPrefix("optimizer.") })
        var ours = Set<String>()
        for (index, entries) in state {
            for (key, tensor) in entries {
                let name = "optimizer.\(index).\(key)"
                ours.insert(name)
                if recorded.contains(name) { run.compare(tensor, name) }
            }
        }
        run.check(ours == recorded, "optimizer state: PyTorch has \(recorded.sorted()), this package \(ours.sorted())")
    }
}
