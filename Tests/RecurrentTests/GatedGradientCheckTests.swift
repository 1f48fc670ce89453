import Testing
@testable import Recurrent

/// The gated layers and cells against float64 central differences at gradcheck's settings, as
/// ``GradientCheckTests`` checks RNN: every element of the input, of `h0` and `c0`, and of every
/// parameter (`weight_hr` included), for losses over `output`, `h_n` and `c_n` in every combination
/// the configurations draw.
@Suite("LSTM, GRU and their cells: gradients match central differences")
struct GatedGradientCheckTests {
    static let lstmConfigurations = (0..<40).map { GradientCheckConfiguration(.lstm, seed: UInt64(200 + $0)) }
    static let gruConfigurations = (0..<30).map { GradientCheckConfiguration(.gru, seed: UInt64(300 + $0)) }

    @Test("the configurations cover every option")
    func coverage() {
        let lstm = Self.lstmConfigurations
        let all = lstm + Self.gruConfigurations
        #expect(lstm.contains { $0.projSize > 0 && $0.bidirectional && $0.layers > 1 })
        #expect(lstm.contains { $0.projSize > 0 && $0.packed })
        #expect(lstm.contains { $0.withCNGradient && !$0.withOutputGradient && !$0.withHNGradient })
        for module in [GradientCheckConfiguration.Module.lstm, .gru] {
            let drawn = all.filter { $0.module == module }
            #expect(drawn.contains { $0.packed && $0.enforceSorted } && drawn.contains { $0.packed && !$0.enforceSorted })
            #expect(drawn.contains { $0.dropout > 0 } && drawn.contains { $0.unbatched } && drawn.contains { $0.batchFirst })
            #expect(drawn.contains { !$0.bias } && drawn.contains { !$0.withStates } && drawn.contains { $0.layers == 3 })
        }
    }

    @Test("LSTM: input, h0, c0 and every parameter", arguments: lstmConfigurations)
    func lstm(_ c: GradientCheckConfiguration) throws {
        var lstm = try LSTM<Double>(
            inputSize: 3, hiddenSize: 4, numLayers: c.layers, bias: c.bias, batchFirst: c.batchFirst, dropout: c.dropout,
            bidirectional: c.bidirectional, projSize: c.projSize, seed: c.seed)
        lstm.training = c.dropout > 0
        let projected = c.projSize > 0 ? c.projSize : 4
        try GradientCheck.checkLayer(lstm, c, directions: lstm.numDirections, stateWidths: [projected, 4])
    }

    @Test("GRU: input, h0 and every parameter", arguments: gruConfigurations)
    func gru(_ c: GradientCheckConfiguration) throws {
        var gru = try GRU<Double>(
            inputSize: 3, hiddenSize: 4, numLayers: c.layers, bias: c.bias, batchFirst: c.batchFirst, dropout: c.dropout,
            bidirectional: c.bidirectional, seed: c.seed)
        gru.training = c.dropout > 0
        try GradientCheck.checkLayer(gru, c, directions: gru.numDirections, stateWidths: [4])
    }

    @Test("LSTMCell: input, hx, cx and every parameter", arguments: (0..<8).map { UInt64($0) })
    func lstmCell(_ seed: UInt64) throws {
        let cell = try LSTMCell<Double>(inputSize: 3, hiddenSize: 4, bias: seed % 4 != 0, seed: seed)
        let wanted = [[true, true], [true, false], [false, true]][Int(seed / 2 % 3)]
        try GradientCheck.checkCell(cell, seed: seed, batched: seed % 3 != 0, withStates: seed % 5 != 0, wanted: wanted)
    }

    @Test("GRUCell: input, hx and every parameter", arguments: (0..<8).map { UInt64($0) })
    func gruCell(_ seed: UInt64) throws {
        let cell = try GRUCell<Double>(inputSize: 3, hiddenSize: 4, bias: seed % 4 != 0, seed: seed)
        try GradientCheck.checkCell(cell, seed: seed, batched: seed % 3 != 0, withStates: seed % 5 != 0, wanted: [true])
    }
}
