import Testing
@testable import Recurrent

@Suite("RNN construction follows torch.nn.RNN")
struct RNNConstructorTests {
    @Test("defaults are PyTorch's: one layer, tanh, bias, time-major, no dropout, one direction, training")
    func defaults() throws {
        let rnn = try RNN<Float>(inputSize: 3, hiddenSize: 4, seed: 0)
        #expect(rnn.numLayers == 1)
        #expect(rnn.nonlinearity == .tanh)
        #expect(rnn.bias)
        #expect(!rnn.batchFirst)
        #expect(rnn.dropout == 0)
        #expect(!rnn.bidirectional)
        #expect(rnn.training)
        #expect(rnn.description == "RNN(3, 4)")
    }

    @Test(
        "invalid arguments throw PyTorch's ValueError text",
        arguments: [
            ((3, 4, 1, 0.0, "Tanh"), "Unknown nonlinearity 'Tanh'. Select from 'tanh' or 'relu'."),
            ((3, 4, 1, -0.1, "tanh"), "dropout should be a number in range [0, 1] representing the probability of an element being zeroed"),
            ((3, 4, 1, 1.5, "tanh"), "dropout should be a number in range [0, 1] representing the probability of an element being zeroed"),
            ((3, 4, 1, .nan, "tanh"), "dropout should be a number in range [0, 1] representing the probability of an element being zeroed"),
            ((0, 4, 1, 0.0, "tanh"), "input_size must be greater than zero"),
            ((3, -1, 1, 0.0, "tanh"), "hidden_size must be greater than zero"),
            ((3, 4, 0, 0.0, "tanh"), "num_layers must be greater than zero"),
            ((0, 0, 0, 2.0, "x"), "Unknown nonlinearity 'x'. Select from 'tanh' or 'relu'."),
            ((0, 0, 0, 2.0, "relu"), "dropout should be a number in range [0, 1] representing the probability of an element being zeroed"),
            ((0, 0, 0, 0.0, "relu"), "input_size must be greater than zero"),
            ((3, 0, 0, 0.0, "relu"), "hidden_size must be greater than zero"),
        ] as [((Int, Int, Int, Double, String), String)])
    func validation(arguments: (Int, Int, Int, Double, String), message: String) {
        let (inputSize, hiddenSize, numLayers, dropout, nonlinearity) = arguments
        let error = thrownError { () throws(TorchError) in
            try RNN<Double>(
                inputSize: inputSize, hiddenSize: hiddenSize, numLayers: numLayers,
                nonlinearity: try Nonlinearity(pytorchName: nonlinearity), dropout: dropout, seed: 0, onWarning: { _ in })
        }
        #expect(error == TorchError(.valueError, message))
    }

    @Test("dropout with one layer warns with Python's repr of the value, and construction goes on")
    func dropoutWarning() throws {
        var warnings: [TorchWarning] = []
        _ = try RNN<Float>(inputSize: 3, hiddenSize: 4, dropout: 1e-7, seed: 0) { warnings.append($0) }
        #expect(
            warnings == [
                TorchWarning(
                    "dropout option adds dropout after all but last recurrent layer, so non-zero dropout expects "
                        + "num_layers greater than 1, but got dropout=1e-07 and num_layers=1")
            ])
        #expect(warnings.first?.description.hasPrefix("UserWarning: dropout option") == true)
    }

    @Test("the warning comes before the size checks")
    func warningBeforeSizeError() {
        var warnings: [TorchWarning] = []
        let error = thrownError { () throws(TorchError) in
            try RNN<Float>(inputSize: 3, hiddenSize: 0, dropout: 0.5, seed: 0) { warnings.append($0) }
        }
        #expect(error?.message == "hidden_size must be greater than zero")
        #expect(warnings.count == 1)
    }

    @Test("no warning with several layers or no dropout")
    func noWarning() throws {
        var warnings: [TorchWarning] = []
        _ = try RNN<Float>(inputSize: 3, hiddenSize: 4, numLayers: 2, dropout: 0.5, seed: 0) { warnings.append($0) }
        _ = try RNN<Float>(inputSize: 3, hiddenSize: 4, seed: 0) { warnings.append($0) }
        #expect(warnings.isEmpty)
    }

    @Test("repr lists the options that differ from the defaults, never the nonlinearity")
    func repr() throws {
        let rnn = try RNN<Float>(
            inputSize: 3, hiddenSize: 4, numLayers: 2, nonlinearity: .relu, bias: false, batchFirst: true,
            dropout: 0.25, bidirectional: true, seed: 0)
        #expect(rnn.description == "RNN(3, 4, num_layers=2, bias=False, batch_first=True, dropout=0.25, bidirectional=True)")
    }
}

extension RNNConstructorTests {
    @Test("sizes whose parameter count overflows throw instead of trapping")
    func overflowingSizes() {
        let error = thrownError { () throws(TorchError) in try RNN<Float>(inputSize: Int.max / 2, hiddenSize: 4, seed: 0) }
        #expect(error?.kind == .runtimeError)
        #expect(thrownError { () throws(TorchError) in try RNNCell<Float>(inputSize: 3, hiddenSize: Int.max, seed: 0) } != nil)
    }
}
