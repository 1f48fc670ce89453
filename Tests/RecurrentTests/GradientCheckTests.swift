import RecurrentTestSupport
import Testing
@testable import Recurrent

/// An oracle that is not PyTorch: every gradient the backward pass returns, checked against float64
/// central differences of the loss `Σ output · G + Σ h_n · G_h`, with `torch.autograd.gradcheck`'s
/// settings (eps 1e-6, atol 1e-5, rtol 1e-3). Dropout masks are the same in every evaluation, as
/// gradcheck's `freeze_rng_state` makes them.
@Suite("Gradients match central differences (gradcheck's settings)")
struct GradientCheckTests {
    static let configurations = (0..<60).map { GradientCheckConfiguration(.rnn, seed: UInt64(100 + $0)) }

    @Test("RNN: input, h0 and every parameter", arguments: configurations)
    func rnn(_ c: GradientCheckConfiguration) throws {
        var rnn = try RNN<Double>(
            inputSize: 3, hiddenSize: 4, numLayers: c.layers, nonlinearity: c.nonlinearity, bias: c.bias,
            batchFirst: c.batchFirst, dropout: c.dropout, bidirectional: c.bidirectional, seed: c.seed)
        rnn.training = c.dropout > 0
        try GradientCheck.checkLayer(rnn, c, directions: rnn.numDirections, stateWidths: [4])
    }

    @Test("RNNCell: input, hx and every parameter", arguments: (0..<8).map { UInt64($0) })
    func cell(_ seed: UInt64) throws {
        let cell = try RNNCell<Double>(
            inputSize: 3, hiddenSize: 4, bias: seed % 4 != 0, nonlinearity: seed % 2 == 0 ? .tanh : .relu, seed: seed)
        try GradientCheck.checkCell(cell, seed: seed, batched: seed % 3 != 0, withStates: seed % 5 != 0, wanted: [true])
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
}
