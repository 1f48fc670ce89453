import Testing
@testable import Recurrent

/// Recurrent modules found in a state dict by their shapes, and the errors of `RNN(stateDict:)` that
/// say where the RNN is when the prefix finds none.
@Suite("Recurrent modules recognised in a state dict")
struct RecognizedModuleTests {
    /// The parameters of an LSTM (4 gate blocks) or GRU (3) with 3 inputs and 4 units, under `prefix`.
    static func gated(_ gates: Int, prefix: String) throws -> StateDict {
        StateDict([
            (prefix + "weight_ih_l0", .float32(try .zeros([gates * 4, 3]))),
            (prefix + "weight_hh_l0", .float32(try .zeros([gates * 4, 4]))),
            (prefix + "bias_ih_l0", .float32(try .zeros([gates * 4]))),
            (prefix + "bias_hh_l0", .float32(try .zeros([gates * 4]))),
        ])
    }

    /// A model: an embedding, a 2-layer bidirectional RNN under `encoder.rnn.`, an RNNCell, an LSTM.
    static func model() throws -> StateDict {
        var stateDict = StateDict([("embedding.weight", .float32(try .zeros([10, 3])))])
        let rnn = try RNN<Float>(inputSize: 3, hiddenSize: 4, numLayers: 2, bidirectional: true, seed: 0)
        let cell = try RNNCell<Float>(inputSize: 8, hiddenSize: 5, bias: false)
        for (key, value) in rnn.stateDict().prefixed("encoder.rnn.") { stateDict[key] = value }
        for (key, value) in cell.stateDict().prefixed("decoder.cell.") { stateDict[key] = value }
        for (key, value) in try gated(4, prefix: "lstm.") { stateDict[key] = value }
        return stateDict
    }

    @Test("each module's kind, prefix and sizes, in key order")
    func recognised() throws {
        let modules = try Self.model().recognizedModules
        #expect(modules.map(\.description) == ["RNN(3, 4, num_layers=2, bidirectional=True)", "RNNCell(8, 5, bias=False)", "LSTM(3, 4)"])
        #expect(modules.map(\.prefix) == ["encoder.rnn.", "decoder.cell.", "lstm."])
        #expect(modules[0].dtype == .float32)
        #expect(try Self.gated(3, prefix: "").recognizedModules.map(\.kind) == [.gru])
        #expect(try RNN<Double>(inputSize: 2, hiddenSize: 3).stateDict().recognizedModules.map(\.prefix) == [""])
    }

    @Test(
        "a prefix that finds no RNN: the message names the one that does",
        arguments: [
            ("encoder.rnn", "; the prefix lacks its final dot: RNN(3, 4, num_layers=2, bidirectional=True) is under 'encoder.rnn.'"),
            ("", "; the state dict has RNN(3, 4, num_layers=2, bidirectional=True) under the prefix 'encoder.rnn.'"),
            ("rnn.", "; the state dict has RNN(3, 4, num_layers=2, bidirectional=True) under the prefix 'encoder.rnn.'"),
        ])
    func suggestedPrefix(_ prefix: String, _ advice: String) throws {
        let stateDict = try Self.model()
        #expect(stateDict.suggestedPrefix(for: prefix) == "encoder.rnn.")
        let error = thrownError { () throws(TorchError) in try RNN<Float>(stateDict: stateDict, prefix: prefix) }
        #expect(error == TorchError(.keyError, "no RNN parameters under the prefix '\(prefix)': \"\(prefix)weight_ih_l0\" is missing or not 2-D" + advice))
        #expect(try RNN<Float>(stateDict: stateDict, prefix: "encoder.rnn.").description == "RNN(3, 4, num_layers=2, bidirectional=True)")
    }

    @Test("an LSTM's or GRU's parameters are named as such, not loaded into an RNN")
    func otherKinds() throws {
        let lstm = try Self.gated(4, prefix: "lstm.")
        #expect(
            thrownError { () throws(TorchError) in try RNN<Float>(stateDict: lstm, prefix: "lstm.") }
                == TorchError(.valueError, "the parameters under the prefix 'lstm.' are those of LSTM(3, 4) (weight_hh_l0 has 4 gate blocks of 4 rows), not an RNN's: load them with LSTM(stateDict:)"))
        let gru = try Self.gated(3, prefix: "gru.")
        #expect(
            thrownError { () throws(TorchError) in try RNN<Float>(stateDict: gru, prefix: "") }
                == TorchError(.keyError, "no RNN parameters under the prefix '': \"weight_ih_l0\" is missing or not 2-D; the state dict has GRU(3, 4) under the prefix 'gru.': load it with GRU(stateDict:)"))
    }

    @Test("a float16 state dict is refused with what is supported, and widened when asked")
    func halfPrecision() throws {
        let half = StateDict(try RNN<Float>(inputSize: 2, hiddenSize: 3, seed: 0).stateDict().map { key, value in
            let shape = value.shape
            // 1.0 in float16 is 0x3C00.
            return (key, AnyTensor.raw(try RawTensor(dtype: .float16, shape: shape, bytes: Array(repeating: [0x00, 0x3C], count: shape.reduce(1, *)).flatMap { $0 })))
        })
        #expect(half.recognizedModules.first?.dtype == .float16)
        #expect(
            thrownError { () throws(TorchError) in try RNN<Float>(stateDict: half) }
                == TorchError(.valueError, "the state dict holds torch.float16 tensors but the model computes in torch.float32; Recurrent computes in float32 and float64 only; ask for the conversion (convertingDType: true), which widens every float16 value exactly"))
        let widened = try RNN<Float>(stateDict: half, convertingDType: true)
        #expect(widened.stateDict()["weight_ih_l0"] == .float32(try Tensor(shape: [3, 2], scalars: Array(repeating: 1, count: 6))))
    }
}
