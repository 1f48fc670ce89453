import RecurrentTestSupport
import Testing
@testable import Recurrent

/// An oracle that is not PyTorch: every gradient the backward pass returns, checked against float64
/// central differences of the loss `Σ output · G + Σ h_n · G_h`, with `torch.autograd.gradcheck`'s
/// settings (eps 1e-6, atol 1e-5, rtol 1e-3). Dropout masks are the same in every evaluation, as
/// gradcheck's `freeze_rng_state` makes them.
@Suite("Gradients match central differences (gradcheck's settings)")
struct GradientCheckTests {
    static let (eps, atol, rtol) = (1e-6, 1e-5, 1e-3)

    /// One random small configuration, drawn from `seed`.
    struct Configuration: CustomTestStringConvertible, Sendable {
        var seed: UInt64
        var layers: Int
        var nonlinearity: Nonlinearity
        var bias: Bool
        var bidirectional: Bool
        var batchFirst: Bool
        var unbatched: Bool
        var withH0: Bool
        var dropout: Double
        var packed: Bool
        var enforceSorted: Bool
        var withOutputGradient: Bool
        var withHNGradient: Bool

        init(seed: UInt64) {
            var generator = TorchGenerator(seed: seed)
            func pick(_ count: Int) -> Int { Int(generator.nextUnitDouble() * Double(count)) }
            self.seed = seed
            layers = 1 + pick(3)
            nonlinearity = pick(2) == 0 ? .tanh : .relu
            bias = pick(4) != 0
            bidirectional = pick(2) == 0
            packed = pick(3) == 0
            batchFirst = !packed && pick(3) == 0
            unbatched = !packed && !batchFirst && pick(4) == 0
            withH0 = pick(3) != 0
            dropout = layers > 1 && pick(3) == 0 ? 0.4 : 0
            enforceSorted = pick(2) == 0
            withOutputGradient = pick(5) != 0
            withHNGradient = !withOutputGradient || pick(2) == 0
        }

        var testDescription: String {
            "seed \(seed): layers \(layers) \(nonlinearity) bias \(bias) bi \(bidirectional) bf \(batchFirst) "
                + "unbatched \(unbatched) h0 \(withH0) dropout \(dropout) packed \(packed) sorted \(enforceSorted) "
                + "dOut \(withOutputGradient) dHN \(withHNGradient)"
        }
    }

    static let configurations = (0..<60).map { Configuration(seed: UInt64(100 + $0)) }

    @Test("RNN: input, h0 and every parameter", arguments: configurations)
    func rnn(_ c: Configuration) throws {
        var rnn = try RNN<Double>(
            inputSize: 3, hiddenSize: 4, numLayers: c.layers, nonlinearity: c.nonlinearity, bias: c.bias,
            batchFirst: c.batchFirst, dropout: c.dropout, bidirectional: c.bidirectional, seed: c.seed)
        rnn.training = c.dropout > 0
        let (steps, batch) = (4, 3)
        let lengths = [4, 2, 3]
        let directions = rnn.numDirections
        let inputShape = c.unbatched ? [steps, 3] : (c.batchFirst ? [batch, steps, 3] : [steps, batch, 3])
        var input: Tensor<Double> = randomTensor(inputShape, seed: c.seed + 1)
        let h0Shape = [directions * c.layers] + (c.unbatched ? [] : [batch]) + [4]
        let h0: Tensor<Double>? = c.withH0 ? randomTensor(h0Shape, seed: c.seed + 2) : nil
        let packing = c.packed ? try packPaddedSequence(input, lengths: c.enforceSorted ? [4, 3, 2] : lengths, enforceSorted: c.enforceSorted) : nil
        if let packing { input = packing.data }

        // The loss and its cotangents, and a function that evaluates it from scratch.
        func run(_ rnn: RNN<Double>, _ input: Tensor<Double>, _ h0: Tensor<Double>?) throws -> (output: Tensor<Double>, hN: Tensor<Double>, trace: RNN<Double>.Trace) {
            var generator = TorchGenerator(seed: c.seed + 3)
            if let packing {
                let sequence = try PackedSequence(data: input, batchSizes: packing.batchSizes, sortedIndices: packing.sortedIndices)
                let (output, hN, trace) = try rnn.tracedForward(sequence, h0: h0, generator: &generator)
                return (output.data, hN, trace)
            }
            return try rnn.tracedForward(input, h0: h0, generator: &generator)
        }
        let reference = try run(rnn, input, h0)
        let outputCotangent: Tensor<Double>? = c.withOutputGradient ? randomTensor(reference.output.shape, seed: c.seed + 4) : nil
        let hNCotangent: Tensor<Double>? = c.withHNGradient ? randomTensor(reference.hN.shape, seed: c.seed + 5) : nil
        func loss(_ rnn: RNN<Double>, _ input: Tensor<Double>, _ h0: Tensor<Double>?) throws -> Double {
            let (output, hN, _) = try run(rnn, input, h0)
            var total = 0.0
            if let outputCotangent { total += zip(output.scalars, outputCotangent.scalars).reduce(0) { $0 + $1.0 * $1.1 } }
            if let hNCotangent { total += zip(hN.scalars, hNCotangent.scalars).reduce(0) { $0 + $1.0 * $1.1 } }
            return total
        }
        let gradients = try reference.trace.backward(outputGradient: outputCotangent, hNGradient: hNCotangent)

        #expect(gradients.input.shape == input.shape)
        try check("input", gradients.input, at: input) { perturbed in try loss(rnn, perturbed, h0) }
        let zeros = try Tensor<Double>.zeros(h0Shape)
        #expect(gradients.h0.shape == h0Shape)
        try check("h0", gradients.h0, at: h0 ?? zeros) { perturbed in try loss(rnn, input, perturbed) }
        #expect(gradients.parameters.names == rnn.parameterNames)
        for name in rnn.parameterNames {
            let value = try #require(rnn.parameter(named: name))
            let analytic = try #require(gradients.parameters[name], "no gradient for \(name)")
            try check(name, analytic, at: value) { perturbed in
                var changed = rnn
                try changed.setParameter(named: name, to: perturbed)
                return try loss(changed, input, h0)
            }
        }
    }

    @Test("RNNCell: input, hx and every parameter", arguments: (0..<8).map { UInt64($0) })
    func cell(_ seed: UInt64) throws {
        let cell = try RNNCell<Double>(
            inputSize: 3, hiddenSize: 4, bias: seed % 4 != 0, nonlinearity: seed % 2 == 0 ? .tanh : .relu, seed: seed)
        let batched = seed % 3 != 0
        let input: Tensor<Double> = randomTensor(batched ? [2, 3] : [3], seed: seed + 1)
        let hx: Tensor<Double>? = seed % 5 == 0 ? nil : randomTensor(batched ? [2, 4] : [4], seed: seed + 2)
        let (output, trace) = try cell.tracedStep(input, hx: hx)
        let cotangent: Tensor<Double> = randomTensor(output.shape, seed: seed + 3)
        func loss(_ cell: RNNCell<Double>, _ input: Tensor<Double>, _ hx: Tensor<Double>?) throws -> Double {
            zip(try cell(input, hx: hx).scalars, cotangent.scalars).reduce(0) { $0 + $1.0 * $1.1 }
        }
        let gradients = try trace.backward(outputGradient: cotangent)
        try check("input", gradients.input, at: input) { try loss(cell, $0, hx) }
        try check("hx", gradients.hx, at: hx ?? (try .zeros(output.shape))) { try loss(cell, input, $0) }
        #expect(gradients.parameters.names == cell.parameterNames)
        for name in cell.parameterNames {
            let analytic = try #require(gradients.parameters[name])
            try check(name, analytic, at: try #require(cell.parameter(named: name))) { perturbed in
                var changed = cell
                try changed.setParameter(named: name, to: perturbed)
                return try loss(changed, input, hx)
            }
        }
    }

    @Test("a cotangent of the wrong shape gets autograd's message")
    func wrongShape() throws {
        let rnn = try RNN<Double>(inputSize: 3, hiddenSize: 4, seed: 0)
        let (_, _, trace) = try rnn.tracedForward(randomTensor([5, 2, 3], seed: 1))
        #expect(throws: TorchError(
            .runtimeError,
            "Mismatch in shape: grad_output[0] has a shape of torch.Size([5, 2, 3]) and output[0] has a shape of torch.Size([5, 2, 4]).")
        ) { try trace.backward(outputGradient: try .zeros([5, 2, 3])) }
    }

    /// Compares each element of `analytic` with the central difference of `loss` around `point`.
    private func check(
        _ label: String, _ analytic: Tensor<Double>, at point: Tensor<Double>, loss: (Tensor<Double>) throws -> Double
    ) throws {
        #expect(analytic.shape == point.shape, "\(label): gradient shape \(analytic.shape), value shape \(point.shape)")
        var numeric: [Double] = []
        for i in point.scalars.indices {
            var plus = point.scalars
            var minus = point.scalars
            plus[i] += Self.eps
            minus[i] -= Self.eps
            let up = try loss(try Tensor(shape: point.shape, scalars: plus))
            let down = try loss(try Tensor(shape: point.shape, scalars: minus))
            numeric.append((up - down) / (2 * Self.eps))
        }
        // How far each element lies beyond gradcheck's bound: none may.
        let worst = Differences.greatest(zip(analytic.scalars, numeric).map { a, n in
            (a - n).magnitude - (Self.atol + Self.rtol * n.magnitude)
        })
        #expect(analytic.scalars.count == numeric.count)
        #expect(worst <= 0, "\(label): analytic \(analytic.scalars) vs numeric \(numeric)")
    }
}
