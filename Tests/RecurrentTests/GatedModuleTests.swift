import RecurrentTestSupport
import Testing
@testable import Recurrent

/// LSTM, GRU, LSTMCell and GRUCell against numbers torch 2.15.0 printed: seeded initialisation bit for
/// bit, `repr`, parameter names and shapes in order, and a forward pass.
@Suite("LSTM, GRU and their cells match PyTorch's construction")
struct GatedModuleTests {
    /// `torch.manual_seed(0); nn.LSTM(3, 4, proj_size=2, num_layers=2, bias=False, batch_first=True,
    /// dropout=0.5, bidirectional=True)`.
    static func projectedLSTM() throws -> LSTM<Float> {
        try LSTM<Float>(
            inputSize: 3, hiddenSize: 4, numLayers: 2, bias: false, batchFirst: true, dropout: 0.5, bidirectional: true,
            projSize: 2, seed: 0)
    }

    @Test("repr is torch's")
    func descriptions() throws {
        #expect(try Self.projectedLSTM().description
            == "LSTM(3, 4, proj_size=2, num_layers=2, bias=False, batch_first=True, dropout=0.5, bidirectional=True)")
        #expect(try GRU<Float>(inputSize: 3, hiddenSize: 4, seed: 0).description == "GRU(3, 4)")
        #expect(try LSTMCell<Float>(inputSize: 3, hiddenSize: 4, bias: false, seed: 0).description == "LSTMCell(3, 4, bias=False)")
        #expect(try GRUCell<Float>(inputSize: 3, hiddenSize: 4, seed: 0).description == "GRUCell(3, 4)")
    }

    @Test("parameter names and shapes, in torch's order")
    func parameters() throws {
        // [(n, tuple(p.shape)) for n, p in module.named_parameters()]
        let lstm = try Self.projectedLSTM()
        let lstmExpected: [(String, [Int])] = [
            ("weight_ih_l0", [16, 3]), ("weight_hh_l0", [16, 2]), ("weight_hr_l0", [2, 4]),
            ("weight_ih_l0_reverse", [16, 3]), ("weight_hh_l0_reverse", [16, 2]), ("weight_hr_l0_reverse", [2, 4]),
            ("weight_ih_l1", [16, 4]), ("weight_hh_l1", [16, 2]), ("weight_hr_l1", [2, 4]),
            ("weight_ih_l1_reverse", [16, 4]), ("weight_hh_l1_reverse", [16, 2]), ("weight_hr_l1_reverse", [2, 4]),
        ]
        #expect(lstm.parameterNames == lstmExpected.map(\.0))
        #expect(lstm.namedParameters.map(\.tensor.shape) == lstmExpected.map(\.1))
        #expect(lstmExpected.allSatisfy { lstm.parameterShape(named: $0.0) == $0.1 })

        let gru = try GRU<Float>(inputSize: 3, hiddenSize: 4, seed: 0)
        #expect(gru.parameterNames == ["weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0"])
        #expect(gru.namedParameters.map(\.tensor.shape) == [[12, 3], [12, 4], [12], [12]])
        let lstmCell = try LSTMCell<Float>(inputSize: 3, hiddenSize: 4, seed: 0)
        #expect(lstmCell.parameterNames == ["weight_ih", "weight_hh", "bias_ih", "bias_hh"])
        #expect(lstmCell.namedParameters.map(\.tensor.shape) == [[16, 3], [16, 4], [16], [16]])
        let gruCell = try GRUCell<Float>(inputSize: 3, hiddenSize: 4, bias: false, seed: 0)
        #expect(gruCell.parameterNames == ["weight_ih", "weight_hh"])
        #expect(gruCell.namedParameters.map(\.tensor.shape) == [[12, 3], [12, 4]])
    }

    @Test("torch.manual_seed(0) initialisation, bit for bit")
    func seededInitialisation() throws {
        let lstm = try Self.projectedLSTM()
        // m.weight_ih_l0[0].tolist(), m.weight_hr_l1_reverse[-1].tolist(): the first and the last draw.
        #expect(Array(try #require(lstm.parameter(named: "weight_ih_l0")).scalars.prefix(3))
            == [-0.003743410110473633, 0.26822179555892944, -0.4115225672721863])
        #expect(Array(try #require(lstm.parameter(named: "weight_hr_l1_reverse")).scalars.suffix(4))
            == [0.44459325075149536, -0.12803149223327637, 0.22000104188919067, 0.44546520709991455])
        // nn.GRU(3, 4).bias_hh_l0[-3:].tolist()
        let gru = try GRU<Float>(inputSize: 3, hiddenSize: 4, seed: 0)
        #expect(Array(try #require(gru.parameter(named: "bias_hh_l0")).scalars.suffix(3))
            == [-0.008987069129943848, -0.3765294551849365, -0.38567835092544556])
        // nn.LSTMCell(3, 4).weight_hh[-1].tolist()
        let lstmCell = try LSTMCell<Float>(inputSize: 3, hiddenSize: 4, seed: 0)
        #expect(Array(try #require(lstmCell.parameter(named: "weight_hh")).scalars.suffix(4))
            == [-0.027549803256988525, 0.0750725269317627, -0.20476514101028442, 0.2966887950897217])
        // nn.GRUCell(3, 4).bias_ih.tolist()
        let gruCell = try GRUCell<Float>(inputSize: 3, hiddenSize: 4, seed: 0)
        #expect(try #require(gruCell.parameter(named: "bias_ih")).scalars == [
            0.0935860276222229, -0.08423000574111938, -0.08228057622909546, -0.2288784384727478, 0.19227808713912964,
            -0.2961517572402954, 0.18329566717147827, 0.25285404920578003, 0.3579357862472534, 0.18695557117462158,
            -0.49486762285232544, -0.32434844970703125,
        ])
    }

    @Test("a GRUCell's step and a GRU's output, with biases, are torch's")
    func gruForward() throws {
        // torch.manual_seed(0); c = nn.GRUCell(3, 4)
        // c(torch.tensor([[0.5, -1.0, 0.25]]), torch.tensor([[0.125, -0.5, 0.75, 1.0]])).tolist()
        let cell = try GRUCell<Float>(inputSize: 3, hiddenSize: 4, seed: 0)
        let step = try cell(try Tensor(shape: [1, 3], scalars: [0.5, -1, 0.25]), hx: try Tensor(shape: [1, 4], scalars: [0.125, -0.5, 0.75, 1]))
        let expectedStep: [Float] = [0.0034582167863845825, 0.07078865170478821, -0.08838790655136108, 0.47063344717025757]
        #expect(try #require(Differences.greatestAbsolute(step.scalars, expectedStep)) <= 1e-6, "\(step.scalars)")
        // torch.manual_seed(0); g = nn.GRU(3, 4); g(torch.tensor([[0.5, -1.0, 0.25], [1.0, 0.0, -0.5]]))[0].tolist()
        let gru = try GRU<Float>(inputSize: 3, hiddenSize: 4, seed: 0)
        let (output, _) = try gru(try Tensor(shape: [2, 3], scalars: [0.5, -1, 0.25, 1, 0, -0.5]))
        let expectedOutput: [Float] = [
            0.04712027311325073, 0.11885035037994385, -0.40679270029067993, -0.13076302409172058,
            -0.012596115469932556, -0.07610911130905151, -0.5077997446060181, -0.2633345127105713,
        ]
        #expect(try #require(Differences.greatestAbsolute(output.scalars, expectedOutput)) <= 1e-6, "\(output.scalars)")
    }

    @Test("an LSTMCell takes a float32 c in a float64 cell, converted exactly, and refuses a wider c, saying so")
    func cellStateDType() throws {
        let cell = try LSTMCell<Double>(inputSize: 3, hiddenSize: 4, seed: 0)
        let x = try Tensor<Double>(repeating: 0.5, shape: [2, 3])
        let h = try Tensor<Double>.zeros([2, 4])
        let c = try Tensor<Double>(repeating: 0.25, shape: [2, 4])
        let typed = try cell(x, hx: (h, c))
        let narrowC = Float.erase(Double.erase(c).converted(to: Float.self))
        let erased = try cell(Double.erase(x), hx: (Double.erase(h), narrowC))
        #expect(erased.h == Double.erase(typed.h) && erased.c == Double.erase(typed.c))

        let floatCell = try LSTMCell<Float>(inputSize: 3, hiddenSize: 4, seed: 0)
        let wide = thrownError { () throws(TorchError) in
            try floatCell(Float.erase(try Tensor<Float>.zeros([2, 3])), hx: (Float.erase(try Tensor<Float>.zeros([2, 4])), Double.erase(c)))
        }
        #expect(wide?.message.contains("c is torch.float64 but the cell computes in torch.float32") == true, "\(String(describing: wide))")
    }

    @Test("tracedForward without a generator, as RNN's: the same results as the untraced call in eval mode")
    func tracedWithoutGenerator() throws {
        var lstm = try LSTM<Double>(inputSize: 3, hiddenSize: 4, projSize: 2, seed: 0)
        var gru = try GRU<Double>(inputSize: 3, hiddenSize: 4, seed: 0)
        lstm.training = false
        gru.training = false
        let x = try Tensor<Double>(repeating: 0.5, shape: [5, 2, 3])
        let traced = try lstm.tracedForward(x)
        #expect(try lstm(x).cN == traced.cN && traced.trace.byteCount > 0)
        #expect(try gru(x).hN == gru.tracedForward(x).hN)
    }
}
