import Testing
@testable import Recurrent
import RecurrentTestSupport

/// Two parameters and their gradients at two steps, for the optimizer tests.
private struct Problem {
    var parameters: [Tensor<Double>] = [randomTensor([2, 3], seed: 1), randomTensor([3], seed: 2)]
    let first: [Tensor<Double>?] = [randomTensor([2, 3], seed: 3), randomTensor([3], seed: 4)]
    let second: [Tensor<Double>?] = [randomTensor([2, 3], seed: 5), randomTensor([3], seed: 6)]
}

@Suite("SGD follows torch.optim.SGD")
struct SGDTests {
    @Test("p -= lr · g without momentum; the momentum buffer starts as the gradient")
    func steps() throws {
        var problem = Problem()
        let start = problem.parameters
        var plain = try SGD<Double>(lr: 0.1)
        var parameters = start
        try plain.step(&parameters, gradients: problem.first)
        #expect(parameters[0].scalars == zip(start[0].scalars, problem.first[0]!.scalars).map { $0 - 0.1 * $1 })
        #expect(plain.stateDict().state.isEmpty)

        var momentum = try SGD<Double>(lr: 0.1, momentum: 0.9, dampening: 0.5, weightDecay: 0.01)
        try momentum.step(&problem.parameters, gradients: problem.first)
        let afterFirst = problem.parameters
        try momentum.step(&problem.parameters, gradients: problem.second)
        for index in 0..<6 {
            let g1 = problem.first[0]!.scalars[index] + 0.01 * start[0].scalars[index]
            let g2 = problem.second[0]!.scalars[index] + 0.01 * afterFirst[0].scalars[index]
            let buffer = 0.9 * g1 + 0.5 * g2
            #expect((problem.parameters[0].scalars[index] - (afterFirst[0].scalars[index] - 0.1 * buffer)).magnitude < 1e-15)
        }
    }

    @Test("a nil gradient skips the parameter and keeps its buffer, as after zero_grad(set_to_none=True)")
    func nilGradientsAreSkipped() throws {
        var problem = Problem()
        var optimizer = try SGD<Double>(lr: 0.1, momentum: 0.9)
        try optimizer.step(&problem.parameters, gradients: problem.first)
        let before = (problem.parameters, optimizer.stateDict())
        try optimizer.step(&problem.parameters, gradients: [nil, problem.second[1]])
        #expect(problem.parameters[0] == before.0[0])
        #expect(problem.parameters[1] != before.0[1])
        #expect(optimizer.stateDict().state[0] == before.1.state[0])
        #expect(optimizer.stateDict().state[1] != before.1.state[1])
    }

    @Test("PyTorch's checks and messages; a step checks its arguments before changing anything")
    func messages() throws {
        #expect(throws: TorchError(.valueError, "Invalid learning rate: -0.1")) { try SGD<Float>(lr: -0.1) }
        #expect(throws: TorchError(.valueError, "Invalid momentum value: -1.0")) { try SGD<Float>(momentum: -1) }
        #expect(throws: TorchError(.valueError, "Invalid weight_decay value: -0.5")) { try SGD<Float>(weightDecay: -0.5) }
        #expect(throws: TorchError(.valueError, "Nesterov momentum requires a momentum and zero dampening")) {
            try SGD<Float>(momentum: 0.9, dampening: 0.1, nesterov: true)
        }
        var problem = Problem()
        var optimizer = try SGD<Double>(lr: 0.1)
        let start = problem.parameters
        #expect(
            throws: TorchError(
                .runtimeError,
                "attempting to assign a gradient of size '[3]' to a tensor of size '[2, 3]'. Please ensure that the gradient and "
                    + "the tensor are the same size")
        ) {
            try optimizer.step(&problem.parameters, gradients: [problem.first[1], problem.first[1]])
        }
        #expect(throws: TorchError.self) { try optimizer.step(&problem.parameters, gradients: [problem.first[0]]) }
        #expect(throws: TorchError(.valueError, "optimizer got an empty parameter list")) {
            var none: [Tensor<Double>] = []
            try optimizer.step(&none, gradients: [])
        }
        #expect(problem.parameters == start)
        try optimizer.step(&problem.parameters, gradients: problem.first)
        var three = problem.parameters + [problem.parameters[1]]
        #expect(throws: TorchError.self) { try optimizer.step(&three, gradients: [nil, nil, nil]) }
    }

    @Test("the state dict has PyTorch's layout and a loaded one continues exactly")
    func stateDictRoundTrip() throws {
        var problem = Problem()
        var optimizer = try SGD<Double>(lr: 0.05, momentum: 0.8, nesterov: true)
        try optimizer.step(&problem.parameters, gradients: problem.first)
        let saved = optimizer.stateDict()
        #expect(saved.state[0]?.keys == ["momentum_buffer"] && saved.state[1]?["momentum_buffer"]?.shape == [3])
        #expect(
            saved.parameterGroups[0].names
                == ["lr", "momentum", "dampening", "weight_decay", "nesterov", "maximize", "foreach", "differentiable", "fused"])
        #expect(saved.parameterGroups[0].params == [0, 1])
        var restored = try SGD<Double>()
        try restored.loadStateDict(saved)
        #expect(restored == optimizer)
        var other = problem.parameters
        try optimizer.step(&problem.parameters, gradients: problem.second)
        try restored.step(&other, gradients: problem.second)
        #expect(other == problem.parameters)
        var maximizing = saved
        maximizing.parameterGroups[0]["maximize"] = .bool(true)
        #expect(throws: TorchError(.valueError, "SGD with maximize=True is not supported")) { try restored.loadStateDict(maximizing) }
    }
}

@Suite("Adam and AdamW follow torch.optim.Adam and AdamW")
struct AdamTests {
    @Test("the first step moves each element by lr · g / (|g| + eps) against its gradient")
    func firstStep() throws {
        var problem = Problem()
        let start = problem.parameters
        var optimizer = try Adam<Double>(lr: 0.01)
        try optimizer.step(&problem.parameters, gradients: problem.first)
        for (index, g) in problem.first[0]!.scalars.enumerated() {
            let expected = start[0].scalars[index] - 0.01 * g / (g.magnitude + 1e-8)
            #expect((problem.parameters[0].scalars[index] - expected).magnitude < 1e-15)
        }
    }

    @Test("AdamW shrinks the parameters by 1 - lr · weight_decay before Adam's step; Adam adds the decay to the gradient")
    func weightDecay() throws {
        let problem = Problem()
        var coupled = try Adam<Double>(lr: 0.01, weightDecay: 0.1)
        var decoupled = try AdamW<Double>(lr: 0.01, weightDecay: 0.1)
        var plain = try Adam<Double>(lr: 0.01)
        var (a, b, c) = (problem.parameters, problem.parameters, problem.parameters)
        try coupled.step(&a, gradients: problem.first)
        try decoupled.step(&b, gradients: problem.first)
        try plain.step(&c, gradients: problem.first)
        let shrunk = problem.parameters[0].scalars.map { $0 * (1 - 0.01 * 0.1) }
        let plainMove = zip(c[0].scalars, problem.parameters[0].scalars).map { $0 - $1 }
        #expect(Differences.greatestAbsolute(zip(b[0].scalars, shrunk).map { $0 - $1 }, plainMove).map { $0 < 1e-15 } == true)
        #expect(a != c)
        #expect(decoupled.stateDict().parameterGroups[0]["decoupled_weight_decay"] == .bool(true))
        #expect(decoupled.stateDict().parameterGroups[0]["weight_decay"] == .double(0.1))
        #expect(try AdamW<Float>().adam.weightDecay == 0.01)
    }

    @Test("a nil gradient leaves the parameter, its moments and its step count")
    func nilGradientsAreSkipped() throws {
        var problem = Problem()
        var optimizer = try Adam<Double>(amsgrad: true)
        try optimizer.step(&problem.parameters, gradients: [nil, problem.first[1]])
        #expect(optimizer.stateDict().state[0] == nil)
        try optimizer.step(&problem.parameters, gradients: problem.second)
        let state = optimizer.stateDict().state
        #expect(state[0]?["step"] == .float32(Tensor(scalar: 1)))
        #expect(state[1]?["step"] == .float32(Tensor(scalar: 2)))
        #expect(state[0]?.keys == ["step", "exp_avg", "exp_avg_sq", "max_exp_avg_sq"])
    }

    @Test("PyTorch's checks and messages, in its order")
    func messages() throws {
        #expect(throws: TorchError(.valueError, "Invalid learning rate: -1.0")) { try Adam<Float>(lr: -1, eps: -1) }
        #expect(throws: TorchError(.valueError, "Invalid learning rate: nan")) { try Adam<Float>(lr: .nan) }
        #expect(throws: TorchError(.valueError, "Invalid epsilon value: -1e-08")) { try Adam<Float>(eps: -1e-8) }
        #expect(throws: TorchError(.valueError, "Invalid beta parameter at index 0: 1.0")) { try Adam<Float>(betas: (1, 0.5)) }
        #expect(throws: TorchError(.valueError, "Invalid beta parameter at index 1: -0.1")) { try AdamW<Float>(betas: (0.5, -0.1)) }
        #expect(throws: TorchError(.valueError, "Invalid weight_decay value: -0.01")) { try AdamW<Float>(weightDecay: -0.01) }
    }

    @Test("the state dict has PyTorch's layout, loads with PyTorch's checks and continues exactly")
    func stateDictRoundTrip() throws {
        let problem = Problem()
        var optimizer = try AdamW<Float>(lr: 0.01, betas: (0.8, 0.99), amsgrad: true)
        var parameters = problem.parameters.map { $0.converted(to: Float.self) }
        try optimizer.step(&parameters, gradients: problem.first.map { $0?.converted(to: Float.self) })
        let saved = optimizer.stateDict()
        #expect(
            saved.parameterGroups[0].names == [
                "lr", "betas", "eps", "weight_decay", "amsgrad", "maximize", "foreach", "capturable", "differentiable", "fused",
                "decoupled_weight_decay",
            ])
        #expect(saved.parameterGroups[0]["betas"] == .tuple([.double(0.8), .double(0.99)]))
        var restored = try AdamW<Float>()
        try restored.loadStateDict(saved)
        #expect(restored == optimizer)
        var coupled = saved
        coupled.parameterGroups[0]["decoupled_weight_decay"] = .bool(false)
        var forced = try AdamW<Float>()
        try forced.loadStateDict(coupled)
        #expect(forced.adam.decoupledWeightDecay)

        var twoGroups = saved
        twoGroups.parameterGroups.append(saved.parameterGroups[0])
        #expect(throws: TorchError(.valueError, "loaded state dict has a different number of parameter groups")) {
            try restored.loadStateDict(twoGroups)
        }
        var bigger = saved
        bigger.parameterGroups[0].params = [0, 1, 2]
        #expect(
            throws: TorchError(.valueError, "loaded state dict contains a parameter group that doesn't match the size of optimizer's group")
        ) {
            try restored.loadStateDict(bigger)
        }
        var wrongShape = saved
        wrongShape.state[0]?["exp_avg"] = .float32(try Tensor<Float>.zeros([3]))
        var fresh = try AdamW<Float>()
        try fresh.loadStateDict(wrongShape)
        let before = parameters
        #expect(throws: TorchError.self) {
            try fresh.step(&parameters, gradients: problem.second.map { $0?.converted(to: Float.self) })
        }
        #expect(parameters == before)
    }
}
