import Testing
@testable import Recurrent

@Suite("RNN parameters carry PyTorch's names, shapes, order and initialisation")
struct RNNParameterTests {
    @Test("two bidirectional layers: layer-major, then direction, then w_ih, w_hh, b_ih, b_hh")
    func namesAndShapes() throws {
        let rnn = try RNN<Float>(inputSize: 3, hiddenSize: 5, numLayers: 2, bidirectional: true, seed: 0)
        let named = rnn.namedParameters.map { "\($0.name) \($0.tensor.shape)" }
        #expect(
            named == [
                "weight_ih_l0 [5, 3]", "weight_hh_l0 [5, 5]", "bias_ih_l0 [5]", "bias_hh_l0 [5]",
                "weight_ih_l0_reverse [5, 3]", "weight_hh_l0_reverse [5, 5]", "bias_ih_l0_reverse [5]", "bias_hh_l0_reverse [5]",
                "weight_ih_l1 [5, 10]", "weight_hh_l1 [5, 5]", "bias_ih_l1 [5]", "bias_hh_l1 [5]",
                "weight_ih_l1_reverse [5, 10]", "weight_hh_l1_reverse [5, 5]", "bias_ih_l1_reverse [5]", "bias_hh_l1_reverse [5]",
            ])
        #expect(rnn.stateDict().keys == rnn.parameterNames)
    }

    @Test("without bias the bias names are absent")
    func noBias() throws {
        let rnn = try RNN<Double>(inputSize: 3, hiddenSize: 5, bias: false, seed: 0)
        #expect(rnn.parameterNames == ["weight_ih_l0", "weight_hh_l0"])
        #expect(rnn.parameter(named: "bias_ih_l0") == nil)
    }

    @Test("every parameter lies in [-1/sqrt(H), 1/sqrt(H)]", arguments: [1, 4, 100])
    func initialisationBounds(hiddenSize: Int) throws {
        let rnn = try RNN<Float>(inputSize: 7, hiddenSize: hiddenSize, numLayers: 2, seed: 3)
        let bound = Float(1 / Double(hiddenSize).squareRoot())
        for (_, tensor) in rnn.namedParameters {
            #expect(tensor.scalars.allSatisfy { abs($0) <= bound })
        }
    }

    @Test("the same seed gives the same parameters; another seed other ones")
    func seeded() throws {
        let a = try RNN<Float>(inputSize: 3, hiddenSize: 4, seed: 1)
        let b = try RNN<Float>(inputSize: 3, hiddenSize: 4, seed: 1)
        let c = try RNN<Float>(inputSize: 3, hiddenSize: 4, seed: 2)
        #expect(a.stateDict() == b.stateDict())
        #expect(a.stateDict() != c.stateDict())
    }

    @Test("torch.manual_seed(0); nn.RNN(3, 4).weight_ih_l0[0] bit for bit")
    func pytorchInitialisation() throws {
        // Printed by torch 2.15.0: torch.manual_seed(0); nn.RNN(3, 4).weight_ih_l0[0].tolist()
        let rnn = try RNN<Float>(inputSize: 3, hiddenSize: 4, seed: 0)
        let row = Array(try #require(rnn.parameter(named: "weight_ih_l0")).scalars.prefix(3))
        #expect(row == [-0.003743410110473633, 0.26822179555892944, -0.4115225672721863])
    }

    @Test("RNNCell and a one-layer RNN built after the same seed have the same weights")
    func cellMatchesRNN() throws {
        let rnn = try RNN<Double>(inputSize: 3, hiddenSize: 4, seed: 9)
        let cell = try RNNCell<Double>(inputSize: 3, hiddenSize: 4, seed: 9)
        #expect(rnn.parameter(named: "weight_hh_l0") == cell.parameter(named: "weight_hh"))
        #expect(rnn.parameter(named: "bias_hh_l0") == cell.parameter(named: "bias_hh"))
    }

    @Test("setting a parameter of the wrong shape or name throws, and the model is unchanged")
    func setParameter() throws {
        var rnn = try RNN<Float>(inputSize: 3, hiddenSize: 4, seed: 0)
        let before = rnn
        let wrongShape = try Tensor<Float>.zeros([4, 5])
        #expect(thrownError { () throws(TorchError) in try rnn.setParameter(named: "weight_ih_l0", to: wrongShape) } != nil)
        #expect(thrownError { () throws(TorchError) in try rnn.setParameter(named: "weight_ih_l9", to: wrongShape) } != nil)
        #expect(rnn == before)
        try rnn.setParameter(named: "weight_ih_l0", to: try .zeros([4, 3]))
        #expect(rnn.parameter(named: "weight_ih_l0")?.scalars.allSatisfy { $0 == 0 } == true)
    }
}
