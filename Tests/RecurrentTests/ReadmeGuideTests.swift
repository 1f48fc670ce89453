import Testing
import Recurrent

/// The README's guide, as code that must compile and run.
@Suite("The README's guide")
struct ReadmeGuideTests {
    @Test("make an RNN, read and load a state dict, run forward")
    func guide() throws {
        var rnn = try RNN<Float>(inputSize: 10, hiddenSize: 20, numLayers: 2, seed: 0)
        rnn.training = false
        #expect(rnn.description == "RNN(10, 20, num_layers=2)")
        #expect(Array(rnn.parameterNames.prefix(4)) == ["weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0"])

        let stateDict = rnn.stateDict()
        #expect(stateDict["weight_ih_l0"]?.shape == [20, 10])
        var other = try RNN<Float>(inputSize: 10, hiddenSize: 20, numLayers: 2)
        try other.loadStateDict(stateDict.prefixed("encoder.rnn."), prefix: "encoder.rnn.")
        let unmatched = try other.loadStateDict(stateDict, strict: false)
        #expect(unmatched == IncompatibleKeys())

        let input = try Tensor<Float>(shape: [5, 3, 10], scalars: (0..<150).map { Float($0) / 150 })
        let h0 = try Tensor<Float>.zeros([2, 3, 20])
        let (output, hN) = try rnn(input, h0: h0)
        #expect(output.shape == [5, 3, 20])
        #expect(hN.shape == [2, 3, 20])

        #expect(throws: TorchError(.runtimeError, "input.size(-1) must be equal to input_size. Expected 10, got 7")) {
            try rnn(try Tensor<Float>.zeros([5, 3, 7]))
        }
    }
}

extension ReadmeGuideTests {
    @Test("pack a batch of variable-length sequences")
    func packing() throws {
        var rnn = try RNN<Float>(inputSize: 10, hiddenSize: 20, numLayers: 2, seed: 0)
        rnn.training = false
        let batch = try Tensor<Float>(shape: [4, 3, 10], scalars: (0..<120).map { Float($0) / 120 })
        let packed = try packPaddedSequence(batch, lengths: [2, 4, 1], enforceSorted: false)
        let (packedOutput, finalStates) = try rnn(packed)
        #expect(finalStates.shape == [2, 3, 20])
        let (padded, lengths) = try padPackedSequence(packedOutput)
        #expect(padded.shape == [4, 3, 20])
        #expect(lengths == [2, 4, 1])

        let sequences = [try Tensor<Float>.zeros([5, 10]), try Tensor<Float>.zeros([3, 10])]
        let (output2, _) = try rnn(try packSequence(sequences))
        #expect(output2.batchSizes == [2, 2, 2, 1, 1])
    }
}
