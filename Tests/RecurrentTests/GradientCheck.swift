import Testing
@testable import Recurrent

/// What every gradient check shares: a layer or cell run from scratch, the loss
/// `Σ result · G` over its results (output, `h_n`, `c_n`), and each gradient the backward pass returns
/// compared element by element with float64 central differences at `torch.autograd.gradcheck`'s
/// settings (eps 1e-6, atol 1e-5, rtol 1e-3).
enum GradientCheck {
    static let eps = 1e-6

    /// The input of a checked run: a padded tensor, or the data of a packed batch whose batch sizes and
    /// permutation stay fixed while the data is perturbed.
    struct Input {
        var data: Tensor<Double>
        var packing: PackedSequence<Double>?

        /// `data` as the run takes it: packed like `packing` when there is one.
        func packed(_ data: Tensor<Double>) throws -> PackedSequence<Double>? {
            guard let packing else { return nil }
            return try PackedSequence(data: data, batchSizes: packing.batchSizes, sortedIndices: packing.sortedIndices)
        }
    }

    /// One traced run: its results, the shapes of the states it started from (zeros when none were
    /// given), and its backward pass from one cotangent (or `nil`) per result.
    struct Run {
        var results: [Tensor<Double>]
        var stateShapes: [[Int]]
        var backward: ([Tensor<Double>?]) throws -> Gradients
    }

    /// What a backward pass returns, whatever the module.
    struct Gradients {
        var input: Tensor<Double>
        var states: [Tensor<Double>]
        var parameters: ParameterGradients<Double>
    }

    /// Checks `∂L/∂input`, `∂L/∂` each initial state (at zeros when `states` is `nil`) and `∂L/∂` every
    /// parameter of `module`, for cotangents drawn from `seed + 4`, `seed + 5`, ... for the results
    /// `wanted` marks, and none for the others; dropout masks are drawn from `seed + 3`.
    static func checkEveryGradient<Module: GradientChecked>(
        of module: Module, input: Input, states: [Tensor<Double>]?, wanted: [Bool], seed: UInt64,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let reference = try module.tracedRun(input.data, packed: try input.packed(input.data), states: states, dropoutSeed: seed + 3)
        #expect(reference.results.count == wanted.count, sourceLocation: sourceLocation)
        let cotangents: [Tensor<Double>?] = zip(reference.results, wanted).enumerated().map { index, pair in
            pair.1 ? randomTensor(pair.0.shape, seed: seed + 4 + UInt64(index)) : nil
        }
        func loss(_ module: Module, _ data: Tensor<Double>, _ states: [Tensor<Double>]?) throws -> Double {
            let results = try module.tracedRun(data, packed: try input.packed(data), states: states, dropoutSeed: seed + 3).results
            return zip(results, cotangents).reduce(0) { total, pair in total + (pair.1.map { dot(pair.0, $0) } ?? 0) }
        }
        let gradients = try reference.backward(cotangents)

        try check("input", gradients.input, at: input.data, sourceLocation: sourceLocation) { try loss(module, $0, states) }
        let startingStates = try states ?? reference.stateShapes.map { shape throws in try Tensor<Double>.zeros(shape) }
        #expect(gradients.states.count == startingStates.count, sourceLocation: sourceLocation)
        for (index, (gradient, state)) in zip(gradients.states, startingStates).enumerated() {
            try check(Module.stateNames[index], gradient, at: state, sourceLocation: sourceLocation) { perturbed in
                var changed = startingStates
                changed[index] = perturbed
                return try loss(module, input.data, changed)
            }
        }
        #expect(gradients.parameters.names == module.parameterNames, sourceLocation: sourceLocation)
        for name in module.parameterNames {
            let value = try #require(module.parameter(named: name), sourceLocation: sourceLocation)
            let analytic = try #require(gradients.parameters[name], "no gradient for \(name)", sourceLocation: sourceLocation)
            try check(name, analytic, at: value, sourceLocation: sourceLocation) { perturbed in
                var changed = module
                try changed.setParameter(named: name, to: perturbed)
                return try loss(changed, input.data, states)
            }
        }
    }

    /// Compares each element of `analytic` with the central difference of `loss` around `point`.
    private static func check(
        _ label: String, _ analytic: Tensor<Double>, at point: Tensor<Double>, sourceLocation: SourceLocation,
        loss: (Tensor<Double>) throws -> Double
    ) throws {
        #expect(
            analytic.shape == point.shape, "\(label): gradient shape \(analytic.shape), value shape \(point.shape)",
            sourceLocation: sourceLocation)
        let numeric = try centralDifferences(at: point, eps: eps, loss)
        let mismatches = gradientMismatches(analytic.scalars, numeric)
        #expect(mismatches.isEmpty, "\(label) \(point.shape): \(mismatches.prefix(8))", sourceLocation: sourceLocation)
    }
}

/// A float64 layer or cell whose every gradient ``GradientCheck`` can check.
protocol GradientChecked: RecurrentModule where Scalar == Double {
    /// The names of the initial states, in the order runs take them: `h0`, `c0`, or `hx`, `cx`.
    static var stateNames: [String] { get }

    /// Runs the module, traced, on `data` (or on `packed`, when given, whose data it is) from `states`,
    /// or zeros when `nil`, drawing dropout masks from a generator seeded with `dropoutSeed`, so that
    /// every run of a check has the same masks, as gradcheck's `freeze_rng_state` makes them.
    func tracedRun(
        _ data: Tensor<Double>, packed: PackedSequence<Double>?, states: [Tensor<Double>]?, dropoutSeed: UInt64
    ) throws -> GradientCheck.Run
}

/// One random small layer configuration, drawn from `seed`: a module's options and which of its results
/// the loss depends on.
struct GradientCheckConfiguration: CustomTestStringConvertible, Sendable {
    /// The layers a configuration is drawn for.
    enum Module: String, Sendable { case rnn, lstm, gru }

    var module: Module
    var seed: UInt64
    var layers: Int
    var nonlinearity: Nonlinearity
    var bias: Bool
    var bidirectional: Bool
    var batchFirst: Bool
    var unbatched: Bool
    var withStates: Bool
    var dropout: Double
    var packed: Bool
    var enforceSorted: Bool
    var withOutputGradient: Bool
    var withHNGradient: Bool
    var withCNGradient: Bool
    var projSize: Int

    /// Draws the options; those only LSTM has are drawn after the others, so that an RNN's
    /// configuration of a seed is the one it always was.
    init(_ module: Module, seed: UInt64) {
        var generator = TorchGenerator(seed: seed)
        func pick(_ count: Int) -> Int { Int(generator.nextUnitDouble() * Double(count)) }
        self.module = module
        self.seed = seed
        layers = 1 + pick(3)
        nonlinearity = pick(2) == 0 ? .tanh : .relu
        bias = pick(4) != 0
        bidirectional = pick(2) == 0
        packed = pick(3) == 0
        batchFirst = !packed && pick(3) == 0
        unbatched = !packed && !batchFirst && pick(4) == 0
        withStates = pick(3) != 0
        dropout = layers > 1 && pick(3) == 0 ? 0.4 : 0
        enforceSorted = pick(2) == 0
        withOutputGradient = pick(5) != 0
        withHNGradient = !withOutputGradient || pick(2) == 0
        withCNGradient = false
        projSize = 0
        guard module == .lstm else { return }
        withCNGradient = pick(2) == 0
        if pick(6) == 0 { (withOutputGradient, withHNGradient, withCNGradient) = (false, false, true) }
        projSize = pick(2) == 0 ? 2 : 0
    }

    /// `[steps, batch, 3]` in the configuration's layout, `[steps, 3]` unbatched.
    func inputShape(steps: Int, batch: Int) -> [Int] {
        unbatched ? [steps, 3] : (batchFirst ? [batch, steps, 3] : [steps, batch, 3])
    }

    var testDescription: String {
        "\(module) seed \(seed): layers \(layers)" + (module == .rnn ? " \(nonlinearity)" : "")
            + (projSize > 0 ? " proj \(projSize)" : "")
            + " bias \(bias) bi \(bidirectional) bf \(batchFirst) unbatched \(unbatched) states \(withStates)"
            + " dropout \(dropout) packed \(packed) sorted \(enforceSorted) dOut \(withOutputGradient) dHN \(withHNGradient)"
            + (module == .lstm ? " dCN \(withCNGradient)" : "")
    }
}

extension GradientCheck {
    /// Checks every gradient of a layer built for `c`, on 4 steps of a batch of 3 (lengths 4, 2, 3
    /// when packed), from random states of `stateWidths` (`[P]`, or `[P, H]` for an LSTM) or zeros.
    static func checkLayer<Layer: GradientChecked>(
        _ layer: Layer, _ c: GradientCheckConfiguration, directions: Int, stateWidths: [Int],
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let (steps, batch) = (4, 3)
        let data: Tensor<Double> = randomTensor(c.inputShape(steps: steps, batch: batch), seed: c.seed + 1)
        var input = Input(data: data)
        if c.packed {
            let packing = try packPaddedSequence(data, lengths: c.enforceSorted ? [4, 3, 2] : [4, 2, 3], enforceSorted: c.enforceSorted)
            input = Input(data: packing.data, packing: packing)
        }
        let states: [Tensor<Double>]? = c.withStates
            ? stateWidths.enumerated().map { index, width in
                randomTensor([directions * c.layers] + (c.unbatched ? [] : [batch]) + [width], seed: c.seed + 2 + UInt64(10 * index))
            }
            : nil
        let wanted = [c.withOutputGradient, c.withHNGradient, c.withCNGradient].prefix(1 + stateWidths.count)
        try checkEveryGradient(of: layer, input: input, states: states, wanted: Array(wanted), seed: c.seed, sourceLocation: sourceLocation)
    }
}

extension GradientCheck {
    /// Checks every gradient of a cell of 3 inputs and 4 hidden features on a batch of 2 or an unbatched
    /// input, from random states or zeros.
    static func checkCell<Cell: GradientChecked>(
        _ cell: Cell, seed: UInt64, batched: Bool, withStates: Bool, wanted: [Bool],
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let input: Tensor<Double> = randomTensor(batched ? [2, 3] : [3], seed: seed + 1)
        let states: [Tensor<Double>]? = withStates
            ? Cell.stateNames.indices.map { randomTensor(batched ? [2, 4] : [4], seed: seed + 2 + UInt64(10 * $0)) }
            : nil
        try checkEveryGradient(
            of: cell, input: Input(data: input), states: states, wanted: wanted, seed: seed, sourceLocation: sourceLocation)
    }
}
