import Testing
@testable import Recurrent

/// Empty tensors whose other dimensions are huge (from a 128-byte `.npy` of shape `(10^12, 0, 3)`):
/// work follows the elements, not the dimensions.
@Suite("Empty tensors with huge dimensions: no work per dimension, no allocation")
struct EmptyTensorTests {
    static let huge = 1_000_000_000_000

    @Test("an RNN over an empty batch of any length returns empty results at once, as PyTorch's")
    func emptyBatch() throws {
        let rnn = try RNN<Float>(inputSize: 3, hiddenSize: 4, numLayers: 2, bidirectional: true, seed: 0)
        let (output, hN) = try rnn(try Tensor<Float>(shape: [Self.huge, 0, 3], scalars: []))
        #expect(output.shape == [Self.huge, 0, 8])
        #expect(hN.shape == [4, 0, 4])
        let batchFirst = try RNN<Float>(inputSize: 3, hiddenSize: 4, numLayers: 2, batchFirst: true, bidirectional: true, seed: 0)
        let (first, _) = try batchFirst(try Tensor<Float>(shape: [0, Self.huge, 3], scalars: []))
        #expect(first.shape == [0, Self.huge, 8])
    }

    @Test("an empty batch whose output could not be laid out is refused, as PyTorch's allocation refuses it")
    func emptyBatchTooLong() throws {
        // (2^59, 0, 3) can be laid out; its output (2^59, 0, 4) of float32 cannot.
        let rnn = try RNN<Float>(inputSize: 3, hiddenSize: 4, seed: 0)
        #expect(throws: TorchError(.runtimeError, "Stride calculation overflowed")) {
            try rnn(try Tensor<Float>(shape: [1 << 59, 0, 3], scalars: []))
        }
    }

    @Test("transposing, selecting and packing an empty tensor do no work per index")
    func emptyOperations() throws {
        let empty = try Tensor<Float>(shape: [Self.huge, 2, 0], scalars: [])
        #expect(empty.transposingFirstTwoDimensions().shape == [2, Self.huge, 0])
        #expect(try empty.selecting([1, 0], alongDimension: 1).shape == [Self.huge, 2, 0])
        #expect(throws: TorchError(.runtimeError, "Cannot pack empty tensors.")) {
            try packPaddedSequence(try Tensor<Float>(shape: [Self.huge, 0, 3], scalars: []), lengths: [], enforceSorted: false)
        }
        let padded = try padSequence([try Tensor<Float>(shape: [Self.huge, 0], scalars: []), try Tensor<Float>(shape: [2, 0], scalars: [])])
        #expect(padded.shape == [Self.huge, 2, 0])
    }

    @Test("padding to a length no tensor can hold is refused, with PyTorch's message")
    func paddingTooLong() throws {
        let packed = try packSequence([try Tensor<Float>(shape: [3, 2], scalars: [1, 2, 3, 4, 5, 6])])
        #expect(throws: TorchError(.runtimeError, "Storage size calculation overflowed with sizes=[4611686018427387904, 1, 2]")) {
            try padPackedSequence(packed, totalLength: 1 << 62)
        }
    }
}
