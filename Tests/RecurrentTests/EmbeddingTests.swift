import Testing
@testable import Recurrent

@Suite("Embedding follows torch.nn.Embedding")
struct EmbeddingTests {
    @Test("torch.manual_seed(0); nn.Embedding(5, 4, padding_idx=2) and nn.Embedding(3, 2, padding_idx=-1) bit for bit")
    func pytorchInitialisation() throws {
        // Printed by torch 2.15.0 as bit patterns: 20 float32 elements take the blocks-of-16 draw, 6
        // float64 ones the pairwise draw.
        let single = try Embedding<Float>(numEmbeddings: 5, embeddingDim: 4, paddingIdx: 2, seed: 0)
        #expect(
            single.weight.scalars.map(\.bitPattern) == [
                0xBF90_1B85, 0xBF93_808A, 0xBE80_4BD6, 0xBEDE_255D, 0x3F19_4D8B, 0xBFC7_0D5B, 0xBEAE_C6CA, 0x3FED_2F4E,
                0, 0, 0, 0, 0x3FB1_D6C0, 0x3FCB_0D00, 0x3F72_409C, 0xBF57_FB33, 0x3F6E_8C30, 0x3FA1_2737, 0x4000_519A,
                0x3D5C_1B3A,
            ])
        let double = try Embedding<Double>(numEmbeddings: 3, embeddingDim: 2, paddingIdx: -1, seed: 0)
        #expect(double.paddingIdx == 2)
        #expect(
            double.weight.scalars.map(\.bitPattern) == [
                0x3FF8_A7EB_8902_BE3A, 0xBFD2_C78A_087C_6FEA, 0xC001_6E29_20A7_0EE5, 0x3FE2_3096_CA3E_350D, 0, 0,
            ])
    }

    @Test("padding_idx, negative sizes and wrong indices throw PyTorch's errors, in its order")
    func messages() throws {
        let padding = TorchError(.assertionError, "Padding_idx must be within num_embeddings")
        #expect(throws: padding) { try Embedding<Float>(numEmbeddings: 3, embeddingDim: 2, paddingIdx: 3, seed: 0) }
        #expect(throws: padding) { try Embedding<Float>(numEmbeddings: 3, embeddingDim: 2, paddingIdx: -4, seed: 0) }
        #expect(throws: TorchError(.runtimeError, "Trying to create tensor with negative dimension -1: [3, -1]")) {
            try Embedding<Float>(numEmbeddings: 3, embeddingDim: -1, seed: 0)
        }
        #expect(throws: TorchError(.indexError, "index 0 is out of bounds for dimension 0 with size 0")) {
            try Embedding<Float>(numEmbeddings: 0, embeddingDim: 2, paddingIdx: 0, seed: 0)
        }
        let embedding = try Embedding<Float>(numEmbeddings: 4, embeddingDim: 2, seed: 0)
        #expect(throws: TorchError(.indexError, "index out of range in self")) { try embedding(IndexTensor([4])) }
        #expect(throws: TorchError(.indexError, "index out of range in self")) { try embedding(IndexTensor([-1])) }
        #expect(
            throws: TorchError(
                .runtimeError,
                "Expected tensor for argument #1 'indices' to have one of the following scalar types: Long, Int; "
                    + "but got torch.FloatTensor instead (while checking arguments for embedding)")
        ) {
            try embedding(AnyTensor.float32(try Tensor<Float>.zeros([2])))
        }
        #expect(try embedding(AnyTensor.int64([3, 0])) == (try embedding(IndexTensor([3, 0]))))
        let described = try Embedding<Float>(numEmbeddings: 4, embeddingDim: 2, paddingIdx: -1, scaleGradByFreq: true, seed: 0)
        #expect(described.description == "Embedding(4, 2, padding_idx=3, scale_grad_by_freq=True)")
    }

    @Test("forward looks rows up for indices of any shape")
    func lookup() throws {
        let embedding = try Embedding<Double>(numEmbeddings: 6, embeddingDim: 3, seed: 1)
        let indices = try IndexTensor(shape: [2, 2], indices: [5, 0, 0, 2])
        let output = try embedding(indices)
        #expect(output.shape == [2, 2, 3])
        let rows = [5, 0, 0, 2].flatMap { Array(embedding.weight.scalars[($0 * 3)..<($0 * 3 + 3)]) }
        #expect(output.scalars == rows)
        #expect(try embedding(IndexTensor(scalar: 4)).shape == [3])
        #expect(try embedding(IndexTensor([])).shape == [0, 3])
    }

    @Test(
        "backward matches central differences, with no gradient for padding_idx and scale_grad_by_freq dividing by counts",
        arguments: [(nil as Int?, false), (1, false), (nil, true), (-2, true)])
    func gradients(paddingIdx: Int?, scaleGradByFreq: Bool) throws {
        let embedding = try Embedding<Double>(
            numEmbeddings: 5, embeddingDim: 3, paddingIdx: paddingIdx, scaleGradByFreq: scaleGradByFreq, seed: 2)
        let indices = try IndexTensor(shape: [2, 3], indices: [1, 3, 1, 4, 1, 3])
        let (output, trace) = try embedding.trainingForward(indices)
        let cotangent: Tensor<Double> = randomTensor(output.shape, seed: 3)
        let gradients = try embedding.backward(trace, outputGradient: cotangent)
        let analytic = try #require(gradients["weight"])
        let numerical = try centralDifferences(at: embedding.weight) { weight in
            var changed = embedding
            try changed.setParameter(named: "weight", to: weight)
            return dot(try changed(indices), cotangent)
        }
        var expected = numerical
        let counts = Dictionary(indices.indices.map { ($0, 1.0) }, uniquingKeysWith: +)
        for row in 0..<5 {
            for column in 0..<3 {
                if row == embedding.paddingIdx {
                    expected[row * 3 + column] = 0
                } else if scaleGradByFreq, let count = counts[row] {
                    expected[row * 3 + column] /= count
                }
            }
        }
        #expect(gradientMismatches(analytic.scalars, expected) == [])
        if let padding = embedding.paddingIdx {
            #expect(analytic.scalars[(padding * 3)..<(padding * 3 + 3)].allSatisfy { $0 == 0 })
            #expect(numerical[(padding * 3)..<(padding * 3 + 3)].contains { $0 != 0 })
        }
    }

    @Test("a state dict loads by prefix, the padding index is the caller's")
    func stateDict() throws {
        let embedding = try Embedding<Float>(numEmbeddings: 7, embeddingDim: 2, seed: 4)
        let loaded = try Embedding<Float>(stateDict: embedding.stateDict().prefixed("embed."), prefix: "embed.", paddingIdx: -1)
        #expect(loaded.weight == embedding.weight)
        #expect(loaded.paddingIdx == 6)
        #expect(throws: TorchError(.assertionError, "Padding_idx must be within num_embeddings")) {
            try Embedding<Float>(stateDict: embedding.stateDict(), paddingIdx: 7)
        }
    }
}
