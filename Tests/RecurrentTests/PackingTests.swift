import Testing
@testable import Recurrent

@Suite("torch.nn.utils.rnn: packing and padding")
struct PackingTests {
    /// `arange(1, 13).reshape(4, 3)`: four steps of three sequences (the columns).
    let padded = try! Tensor<Float>(shape: [4, 3], scalars: (1...12).map(Float.init))

    @Test("a sorted batch packs step by step, without indices")
    func sorted() throws {
        let packed = try packPaddedSequence(padded, lengths: [4, 2, 1])
        #expect(packed.data.scalars == [1, 2, 3, 4, 5, 7, 10])
        #expect(packed.batchSizes == [3, 2, 1, 1])
        #expect(packed.sortedIndices == nil && packed.unsortedIndices == nil)
    }

    @Test("an unsorted batch is sorted, and both permutations are recorded")
    func unsorted() throws {
        let packed = try packPaddedSequence(padded, lengths: [2, 4, 1], enforceSorted: false)
        #expect(packed.data.scalars == [2, 1, 3, 5, 4, 8, 11])
        #expect(packed.sortedIndices == [1, 0, 2])
        #expect(packed.unsortedIndices == [1, 0, 2])
        let identity = try packPaddedSequence(padded, lengths: [4, 2, 1], enforceSorted: false)
        #expect(identity.sortedIndices == [0, 1, 2], "the identity is still recorded")
    }

    @Test("ties among 17 or more sequences come out in libstdc++ introsort's order, as in torch.sort")
    func unstableTies() {
        #expect(descendingSortIndices(Array(repeating: 3, count: 17)) == [8, 16, 15, 14, 13, 12, 11, 10, 9, 0, 7, 6, 5, 4, 3, 2, 1])
        #expect(descendingSortIndices(Array(repeating: 3, count: 16)) == Array(0..<16), "insertion sort is stable")
    }

    @Test("the descending sort sorts, at every size")
    func sortSorts() {
        var generator = TorchGenerator(seed: 5)
        for count in [0, 1, 2, 16, 17, 100, 1000] {
            let keys = (0..<count).map { _ in Int(generator.next32() % 7) }
            let order = descendingSortIndices(keys)
            #expect(order.sorted() == Array(0..<count))
            #expect(zip(order, order.dropFirst()).allSatisfy { keys[$0] >= keys[$1] })
        }
        // An organ-pipe pattern, a hard case for median-of-three pivots.
        let adversarial = (0..<4096).map { $0 < 2048 ? $0 : 4095 - $0 }
        let order = descendingSortIndices(adversarial)
        #expect(zip(order, order.dropFirst()).allSatisfy { adversarial[$0] >= adversarial[$1] })
    }

    @Test("pad_packed_sequence restores the caller's order, pads and reports lengths")
    func padPacked() throws {
        let packed = try packPaddedSequence(padded, lengths: [2, 4, 1], enforceSorted: false)
        let (result, lengths) = try padPackedSequence(packed, paddingValue: -1, totalLength: 5)
        #expect(lengths == [2, 4, 1])
        #expect(result.shape == [5, 3])
        #expect(result.scalars == [1, 2, 3, 4, 5, -1, -1, 8, -1, -1, 11, -1, -1, -1, -1])
        let error = thrownError { () throws(TorchError) in try padPackedSequence(packed, totalLength: 3) }
        #expect(
            error?.description
                == "ValueError: Expected total_length to be at least the length of the longest sequence in input, "
                + "but got total_length=3 and max sequence length being 4")
    }

    @Test("pack_sequence, pad_sequence, unpack_sequence and unpad_sequence round-trip")
    func roundTrips() throws {
        let a = try Tensor<Double>(shape: [3, 2], scalars: [1, 2, 3, 4, 5, 6])
        let b = try Tensor<Double>(shape: [1, 2], scalars: [7, 8])
        let c = try Tensor<Double>(shape: [2, 2], scalars: [9, 10, 11, 12])
        let packed = try packSequence([a, b, c], enforceSorted: false)
        #expect(packed.batchSizes == [3, 2, 1])
        #expect(try unpackSequence(packed) == [a, b, c])
        let paddedBatch = try padSequence([a, b, c], batchFirst: true, paddingValue: 0)
        #expect(paddedBatch.shape == [3, 3, 2])
        #expect(try unpadSequence(paddedBatch, lengths: [3, 1, 2], batchFirst: true) == [a, b, c])
        let left = try padSequence([a, b], paddingSide: .left)
        #expect(left.scalars == [1, 2, 0, 0, 3, 4, 0, 0, 5, 6, 7, 8])
    }

    @Test(
        "what PyTorch refuses throws PyTorch's message",
        arguments: [
            ([2, 4, 1], true, "RuntimeError: `lengths` array must be sorted in decreasing order when `enforce_sorted` is True. You can pass `enforce_sorted=False` to pack_padded_sequence and/or pack_sequence to sidestep this requirement if you do not need ONNX exportability."),
            ([4, 2, 0], true, "RuntimeError: Length of all samples has to be greater than 0, but found an element in 'lengths' that is <= 0"),
            ([0, 4, 1], false, "RuntimeError: Length of all samples has to be greater than 0, but found an element in 'lengths' that is <= 0"),
            ([4, 2], true, "RuntimeError: Expected `len(lengths)` to be equal to batch_size, but got 2 (batch_size=3)"),
            ([5, 2, 1], true, "RuntimeError: Expected every length to be at most the padded sequence length 4, but got 5"),
        ] as [([Int], Bool, String)])
    func packingErrors(lengths: [Int], enforceSorted: Bool, message: String) {
        let error = thrownError { () throws(TorchError) in try packPaddedSequence(padded, lengths: lengths, enforceSorted: enforceSorted) }
        #expect(error?.description == message)
    }

    @Test("a hand-made packed sequence is checked at once")
    func constructorChecks() throws {
        let data = try Tensor<Float>(shape: [7, 1], scalars: Array(repeating: 0, count: 7))
        #expect(thrownError { () throws(TorchError) in try PackedSequence(data: data, batchSizes: [3, 2, 1, 1, 1]) } != nil)
        #expect(thrownError { () throws(TorchError) in try PackedSequence(data: data, batchSizes: [2, 3, 1, 1]) } != nil)
        #expect(thrownError { () throws(TorchError) in try PackedSequence(data: data, batchSizes: [3, 2, 1, 1], sortedIndices: [0, 0, 1]) } != nil)
        let packed = try PackedSequence(data: data, batchSizes: [3, 2, 1, 1], sortedIndices: [2, 0, 1])
        #expect(packed.unsortedIndices == [1, 2, 0])
    }
}

@Suite("RNN over packed sequences")
struct PackedRNNTests {
    @Test("each sequence's h_n and outputs equal running it alone; padding stays out", arguments: [false, true])
    func perSequence(bidirectional: Bool) throws {
        let rnn = try RNN<Double>(inputSize: 3, hiddenSize: 4, numLayers: 2, nonlinearity: .relu, bidirectional: bidirectional, seed: 1)
        let lengths = [3, 5, 1, 4]
        let x: Tensor<Double> = randomTensor([5, 4, 3], seed: 2)
        let directions = rnn.numDirections
        let h0: Tensor<Double> = randomTensor([2 * directions, 4, 4], seed: 3)
        let packed = try packPaddedSequence(x, lengths: lengths, enforceSorted: false)
        let (output, hN) = try rnn(packed, h0: h0)
        #expect(output.batchSizes == packed.batchSizes && output.sortedIndices == packed.sortedIndices)
        let (padded, _) = try padPackedSequence(output)
        let width = directions * 4
        for (i, length) in lengths.enumerated() {
            let sequence = try x.selecting([i], alongDimension: 1).rows(0..<length)
            let alone = try rnn(sequence, h0: try h0.selecting([i], alongDimension: 1))
            let column = try padded.selecting([i], alongDimension: 1)
            for (a, b) in zip(column.scalars.prefix(length * width), alone.output.scalars) { #expect(abs(a - b) < 1e-12) }
            #expect(column.scalars.dropFirst(length * width).allSatisfy { $0 == 0 })
            for (a, b) in zip(try hN.selecting([i], alongDimension: 1).scalars, alone.hN.scalars) { #expect(abs(a - b) < 1e-12) }
        }
    }

    @Test("with equal lengths, packed and padded runs agree exactly")
    func equalLengths() throws {
        let rnn = try RNN<Float>(inputSize: 3, hiddenSize: 4, numLayers: 2, bidirectional: true, seed: 4)
        let x: Tensor<Float> = randomTensor([6, 3, 3], seed: 5)
        let (packedOutput, packedHN) = try rnn(try packPaddedSequence(x, lengths: [6, 6, 6]))
        let (output, hN) = try rnn(x)
        #expect(try padPackedSequence(packedOutput).padded == output)
        #expect(packedHN == hN)
    }

    @Test("PyTorch's order of checks: h0 permuted first, then data rank, input size, hidden size")
    func errors() throws {
        let rnn = try RNN<Float>(inputSize: 3, hiddenSize: 4, numLayers: 2, seed: 0)
        let unsorted = try packPaddedSequence(try Tensor<Float>.zeros([4, 3, 3]), lengths: [2, 4, 3], enforceSorted: false)
        let narrow = thrownError { () throws(TorchError) in try rnn(unsorted, h0: try .zeros([2, 1, 4])) }
        #expect(narrow?.description == "RuntimeError: INDICES element is out of DATA bounds, id=1 axis_dim=1")
        let sorted = try packPaddedSequence(try Tensor<Float>.zeros([4, 2, 3]), lengths: [4, 2])
        let wrong = thrownError { () throws(TorchError) in try rnn(sorted, h0: try .zeros([2, 3, 4])) }
        #expect(wrong?.description == "RuntimeError: Expected hidden size (2, 2, 4), got [2, 3, 4]")
        let wide = try PackedSequence(data: try Tensor<Float>.zeros([6, 2, 3]), batchSizes: [2, 2, 1, 1])
        #expect(thrownError { () throws(TorchError) in try rnn(wide) }?.description == "RuntimeError: input must have 2 dimensions, got 3")
    }
}
