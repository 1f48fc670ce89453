import Testing
@testable import Recurrent

@Suite("Training-mode dropout: only between layers, survivors scaled, kept fraction near 1 - p")
struct DropoutTests {
    @Test("the kept fraction is near 1 - p and survivors are scaled by exactly 1 / (1 - p)", arguments: [0.1, 0.5, 0.8])
    func statistics(p: Double) {
        var values = [Float](repeating: 1, count: 100_000)
        var generator = TorchGenerator(seed: 42)
        Dropout.apply(Dropout.mask(probability: p, count: values.count, generator: &generator), to: &values)
        let scale = Float(1) / Float(1 - p)
        let kept = values.filter { $0 != 0 }
        #expect(kept.allSatisfy { $0 == scale })
        #expect(abs(Double(kept.count) / 100_000 - (1 - p)) < 0.01)
    }

    @Test("p = 1 zeroes everything without drawing; a dropped infinity becomes NaN")
    func certainDropout() {
        var values: [Double] = [.infinity, .nan, 2]
        var generator = TorchGenerator(seed: 1)
        let untouched = generator
        Dropout.apply(Dropout.mask(probability: 1, count: values.count, generator: &generator), to: &values)
        #expect(values[0].isNaN && values[1].isNaN && values[2] == 0)
        #expect(generator == untouched)
    }

    @Test("with p = 1 the last layer sees only zeros: its output is the last layer run on a zero input")
    func onlyBetweenLayers() throws {
        let rnn = try RNN<Double>(inputSize: 3, hiddenSize: 4, numLayers: 2, dropout: 1, seed: 5)
        var lastLayer = try RNN<Double>(inputSize: 4, hiddenSize: 4, seed: 0)
        for name in ["weight_ih", "weight_hh", "bias_ih", "bias_hh"] {
            try lastLayer.setParameter(named: name + "_l0", to: rnn.parameter(named: name + "_l1")!)
        }
        let x: Tensor<Double> = randomTensor([5, 2, 3], seed: 3)
        let (output, hN) = try rnn(x)
        let expected = try lastLayer(try .zeros([5, 2, 4]))
        #expect(output == expected.output)
        #expect(hN.scalars.suffix(8) == expected.hN.scalars[...])
        #expect(hN.scalars.prefix(8).contains { $0 != 0 }, "the first layer's h_n is not dropped")
    }

    @Test("eval mode and a single layer apply no dropout")
    func noDropout() throws {
        var rnn = try RNN<Float>(inputSize: 3, hiddenSize: 4, numLayers: 3, dropout: 0.5, seed: 1)
        let x: Tensor<Float> = randomTensor([4, 2, 3], seed: 2)
        var noDropout = try RNN<Float>(inputSize: 3, hiddenSize: 4, numLayers: 3, seed: 1)
        noDropout.training = false
        rnn.training = false
        #expect(try rnn(x) == (try noDropout(x)))
        let single = try RNN<Float>(inputSize: 3, hiddenSize: 4, dropout: 0.9, seed: 1, onWarning: { _ in })
        var singleEval = single
        singleEval.training = false
        #expect(try single(x) == (try singleEval(x)))
    }

    @Test("training mode with a seeded generator is reproducible and differs from eval")
    func seededMasks() throws {
        let rnn = try RNN<Float>(inputSize: 3, hiddenSize: 4, numLayers: 2, dropout: 0.5, seed: 1)
        let x: Tensor<Float> = randomTensor([4, 2, 3], seed: 2)
        var a = TorchGenerator(seed: 8)
        var b = TorchGenerator(seed: 8)
        let first = try rnn(x, generator: &a)
        #expect(first == (try rnn(x, generator: &b)))
        var eval = rnn
        eval.training = false
        #expect(first != (try eval(x)))
    }
}
