import RecurrentTestSupport
import Testing
@testable import Recurrent

/// A deliberately plain forward pass written from the definition, independent of the kernel's layout
/// tricks: `h_t = act(W_ih x_t + b_ih + W_hh h_{t-1} + b_hh)` per layer, direction, batch row and step.
func referenceForward<Scalar: RecurrentScalar>(_ rnn: RNN<Scalar>, _ input: [[[Scalar]]], _ h0: [[[Scalar]]]?) -> (
    output: [[[Scalar]]], hN: [[[Scalar]]]
) {
    let (steps, batch, hidden) = (input.count, input[0].count, rnn.hiddenSize)
    var layerInput = input
    var hN: [[[Scalar]]] = []
    for layer in 0..<rnn.numLayers {
        var layerOutput = [[[Scalar]]](repeating: [[Scalar]](repeating: [], count: batch), count: steps)
        for direction in 0..<rnn.numDirections {
            let suffix = "_l\(layer)" + (direction == 1 ? "_reverse" : "")
            let wih = rnn.parameter(named: "weight_ih" + suffix)!
            let whh = rnn.parameter(named: "weight_hh" + suffix)!
            let bih = rnn.parameter(named: "bias_ih" + suffix)
            let bhh = rnn.parameter(named: "bias_hh" + suffix)
            let features = wih.shape[1]
            var finals: [[Scalar]] = []
            for n in 0..<batch {
                var h = h0?[layer * rnn.numDirections + direction][n] ?? [Scalar](repeating: 0, count: hidden)
                let order = direction == 0 ? Array(0..<steps) : Array((0..<steps).reversed())
                for t in order {
                    h = (0..<hidden).map { i in
                        var sum: Scalar = 0
                        for f in 0..<features { sum += wih.scalars[i * features + f] * layerInput[t][n][f] }
                        for j in 0..<hidden { sum += whh.scalars[i * hidden + j] * h[j] }
                        sum += (bih?.scalars[i] ?? 0) + (bhh?.scalars[i] ?? 0)
                        return rnn.nonlinearity == .tanh ? Scalar.tanh(sum) : max(0, sum)
                    }
                    layerOutput[t][n] += h
                }
                finals.append(h)
            }
            hN.append(finals)
        }
        layerInput = layerOutput
    }
    return (layerInput, hN)
}

func nested<Scalar>(_ tensor: Tensor<Scalar>) -> [[[Scalar]]] {
    let (a, b, c) = (tensor.shape[0], tensor.shape[1], tensor.shape[2])
    return (0..<a).map { i in (0..<b).map { j in Array(tensor.scalars[((i * b + j) * c)..<((i * b + j + 1) * c)]) } }
}

@Suite("RNN forward: shapes, layouts, and the maths against a reference loop")
struct RNNForwardTests {
    struct Configuration: Sendable, CustomTestStringConvertible {
        var layers: Int, nonlinearity: Nonlinearity, bias: Bool, bidirectional: Bool, withH0: Bool
        var testDescription: String { "l\(layers) \(nonlinearity) bias=\(bias) bi=\(bidirectional) h0=\(withH0)" }
    }

    static let configurations: [Configuration] = [1, 2, 3].flatMap { layers in
        [Nonlinearity.tanh, .relu].flatMap { act in
            [true, false].flatMap { bias in
                [false, true].flatMap { bi in [false, true].map { Configuration(layers: layers, nonlinearity: act, bias: bias, bidirectional: bi, withH0: $0) } }
            }
        }
    }

    @Test("matches a plain reference loop in float64", arguments: configurations)
    func matchesReference(configuration c: Configuration) throws {
        let rnn = try RNN<Double>(
            inputSize: 3, hiddenSize: 4, numLayers: c.layers, nonlinearity: c.nonlinearity, bias: c.bias,
            bidirectional: c.bidirectional, seed: 11)
        let x: Tensor<Double> = randomTensor([5, 2, 3], seed: 1)
        let h0: Tensor<Double>? = c.withH0 ? randomTensor([rnn.numDirections * c.layers, 2, 4], seed: 2) : nil
        let (output, hN) = try rnn(x, h0: h0)
        let reference = referenceForward(rnn, nested(x), h0.map(nested))
        #expect(output.shape == [5, 2, rnn.numDirections * 4])
        #expect(hN.shape == [rnn.numDirections * c.layers, 2, 4])
        let outputDifference = try #require(Differences.greatestAbsolute(output.scalars, reference.output.flatMap { $0.flatMap { $0 } }))
        let hNDifference = try #require(Differences.greatestAbsolute(hN.scalars, reference.hN.flatMap { $0.flatMap { $0 } }))
        #expect(outputDifference <= 1e-12)
        #expect(hNDifference <= 1e-12)
    }

    @Test("batch_first output is the time-major output transposed; h_n is the same")
    func batchFirst() throws {
        let timeMajor = try RNN<Float>(inputSize: 3, hiddenSize: 4, numLayers: 2, bidirectional: true, seed: 1)
        var batchFirst = try RNN<Float>(inputSize: 3, hiddenSize: 4, numLayers: 2, batchFirst: true, bidirectional: true, seed: 1)
        try batchFirst.loadStateDict(timeMajor.stateDict())
        let x: Tensor<Float> = randomTensor([5, 2, 3], seed: 4)
        let a = try timeMajor(x)
        let b = try batchFirst(x.transposingFirstTwoDimensions())
        #expect(b.output.shape == [2, 5, 8])
        #expect(b.output.transposingFirstTwoDimensions() == a.output)
        #expect(b.hN == a.hN)
    }

    @Test("unbatched input equals a batch of one, squeezed, with or without batch_first")
    func unbatched() throws {
        for batchFirst in [false, true] {
            let rnn = try RNN<Float>(inputSize: 3, hiddenSize: 4, numLayers: 3, batchFirst: batchFirst, bidirectional: true, seed: 2)
            let x: Tensor<Float> = randomTensor([5, 3], seed: 5)
            let h0: Tensor<Float> = randomTensor([6, 4], seed: 6)
            let single = try rnn(x, h0: h0)
            let batched = try rnn(x.reshaped(batchFirst ? [1, 5, 3] : [5, 1, 3]), h0: h0.reshaped([6, 1, 4]))
            #expect(single.output.shape == [5, 8])
            #expect(single.hN.shape == [6, 4])
            #expect(single.output.scalars == batched.output.scalars)
            #expect(single.hN.scalars == batched.hN.scalars)
        }
    }

    @Test("h_n holds the forward state after the last step and the reverse state after the first")
    func finalStates() throws {
        let rnn = try RNN<Double>(inputSize: 3, hiddenSize: 4, numLayers: 2, bidirectional: true, seed: 3)
        let (output, hN) = try rnn(randomTensor([6, 2, 3], seed: 7))
        let out = nested(output)
        let states = nested(hN)
        for n in 0..<2 {
            #expect(states[2][n] == Array(out[5][n][0..<4]))
            #expect(states[3][n] == Array(out[0][n][4..<8]))
        }
    }

    @Test("an empty batch gives empty results; an empty sequence is PyTorch's error")
    func emptySizes() throws {
        let rnn = try RNN<Float>(inputSize: 3, hiddenSize: 4, numLayers: 2, seed: 0)
        let (output, hN) = try rnn(try .zeros([5, 0, 3]))
        #expect(output.shape == [5, 0, 4])
        #expect(hN.shape == [2, 0, 4])
        let error = thrownError { () throws(TorchError) in try rnn(try .zeros([0, 2, 3])) }
        #expect(error == TorchError(.runtimeError, "Expected sequence length to be larger than 0 in RNN"))
    }

    @Test("a dtype mismatch through AnyTensor is PyTorch's ValueError")
    func dtypeMismatch() throws {
        let rnn = try RNN<Float>(inputSize: 3, hiddenSize: 4, seed: 0)
        let error = thrownError { () throws(TorchError) in try rnn(.float64(try .zeros([5, 2, 3]))) }
        #expect(
            error?.description
                == "ValueError: RNN input dtype (torch.float64) does not match weight dtype (torch.float32). "
                + "Convert input: input.to(torch.float32), or convert model: model.to(torch.float64)")
    }

    @Test("checkDTypes gives forward's dtype messages without running it: the input's first, then h0's")
    func checkDTypes() throws {
        let rnn = try RNN<Float>(inputSize: 3, hiddenSize: 4, seed: 0)
        #expect(thrownError { () throws(TorchError) in try rnn.checkDTypes(input: .float32, h0: .float32) } == nil)
        #expect(
            thrownError { () throws(TorchError) in try rnn.checkDTypes(input: .int64, h0: .float64) }?.description
                == "ValueError: RNN input dtype (torch.int64) does not match weight dtype (torch.float32). "
                + "Convert input: input.to(torch.float32), or convert model: model.to(torch.int64)")
        let h0Error = thrownError { () throws(TorchError) in try rnn(.float32(try .zeros([5, 2, 3])), h0: .float64(try .zeros([1, 2, 4]))) }
        #expect(h0Error != nil)
        #expect(thrownError { () throws(TorchError) in try rnn.checkDTypes(input: .float32, h0: .float64) } == h0Error)
    }

    @Test("relu keeps NaN and the sign of zero; tanh saturates infinities")
    func specialValues() throws {
        var values: [Double] = [.nan, -0.0, -1, 2, .infinity]
        values.withUnsafeMutableBufferPointer { Activation.apply(.relu, to: $0) }
        #expect(values[0].isNaN)
        #expect(values[1] == 0 && values[1].sign == .minus)
        #expect(Array(values[2...]) == [0, 2, .infinity])
        var saturated: [Float] = [.infinity, -.infinity, 1e30]
        saturated.withUnsafeMutableBufferPointer { Activation.apply(.tanh, to: $0) }
        #expect(saturated == [1, -1, 1])
    }
}

extension RNNForwardTests {
    /// The BLAS path against the plain reference loop, on random configurations in both dtypes.
    @Test("the BLAS-backed forward matches the plain reference loop on random configurations", arguments: 0..<24)
    func blasMatchesReference(seed: Int) throws {
        var draw = TorchGenerator(seed: UInt64(1000 + seed))
        func pick(_ range: ClosedRange<Int>) -> Int { range.lowerBound + Int(draw.next32() % UInt32(range.count)) }
        let (inputSize, hiddenSize, layers, steps, batch) = (pick(1...24), pick(1...24), pick(1...3), pick(1...9), pick(1...5))
        let nonlinearity: Nonlinearity = pick(0...1) == 0 ? .tanh : .relu
        let (bias, bidirectional) = (pick(0...1) == 0, pick(0...1) == 0)
        func check<Scalar: RecurrentScalar>(_: Scalar.Type, tolerance: Scalar) throws {
            let rnn = try RNN<Scalar>(
                inputSize: inputSize, hiddenSize: hiddenSize, numLayers: layers, nonlinearity: nonlinearity, bias: bias,
                bidirectional: bidirectional, seed: UInt64(seed))
            let x: Tensor<Scalar> = randomTensor([steps, batch, inputSize], seed: UInt64(seed) + 1)
            let h0: Tensor<Scalar> = randomTensor([rnn.numDirections * layers, batch, hiddenSize], seed: UInt64(seed) + 2)
            let (output, hN) = try rnn(x, h0: h0)
            let reference = referenceForward(rnn, nested(x), nested(h0))
            let expected = reference.output.flatMap { $0.flatMap { $0 } } + reference.hN.flatMap { $0.flatMap { $0 } }
            let worst = try #require(Differences.greatestAbsolute(output.scalars + hN.scalars, expected), "element counts differ")
            #expect(worst <= tolerance, "\(Scalar.self): worst difference \(worst)")
        }
        try check(Double.self, tolerance: 1e-12)
        try check(Float.self, tolerance: 1e-5)
    }
}

extension RNNForwardTests {
    /// Large enough steps go to a team of threads, each owning whole 16-column blocks (here 8 and 9 of
    /// the 17 that 264 units make), meeting at a barrier after every step.
    @Test("split over two threads, the forward matches one thread and the reference loop, padded and packed")
    func threadsMatch() throws {
        let previous = BLASThreads.count
        defer { BLASThreads.count = previous }
        BLASThreads.count = 2
        #expect(RecurrentKernel.parallelWorkers(rows: 3, steps: 5, hidden: 20) == 1, "the documentation's example")
        #expect(RecurrentKernel.parallelWorkers(rows: 16, steps: 1, hidden: 264) == 1, "one step: not worth starting a thread")
        #expect(RecurrentKernel.parallelWorkers(rows: .max / 2, steps: .max, hidden: 1 << 40) == 2, "saturates, never traps")
        let (batch, hidden) = (16, 264)
        let steps = 16
        let x: Tensor<Double> = randomTensor([steps, batch, 5], seed: 21)
        let lengths = (0..<batch).map { 1 + $0 * 5 % steps }
        for bidirectional in [false, true] {
            let rnn = try RNN<Double>(inputSize: 5, hiddenSize: hidden, bidirectional: bidirectional, seed: 9)
            let h0: Tensor<Double> = randomTensor([rnn.numDirections, batch, hidden], seed: 22)
            let packed = try packPaddedSequence(x, lengths: lengths, enforceSorted: false)
            BLASThreads.count = 2
            #expect(RecurrentKernel.parallelWorkers(rows: batch, steps: steps, hidden: hidden) == 2)
            let split = try rnn(x, h0: h0)
            let splitPacked = try rnn(packed, h0: h0)
            BLASThreads.count = 1
            let single = try rnn(x, h0: h0)
            let singlePacked = try rnn(packed, h0: h0)
            let reference = referenceForward(rnn, nested(x), nested(h0))
            let expected = reference.output.flatMap { $0.flatMap { $0 } } + reference.hN.flatMap { $0.flatMap { $0 } }
            let worst = try #require(Differences.greatestAbsolute(split.output.scalars + split.hN.scalars, expected), "element counts differ")
            #expect(worst <= 1e-12, "bidirectional \(bidirectional): worst difference from the reference \(worst)")
            let splitValues: [Double] = split.output.scalars + split.hN.scalars + splitPacked.output.data.scalars + splitPacked.hN.scalars
            let singleValues: [Double] = single.output.scalars + single.hN.scalars + singlePacked.output.data.scalars + singlePacked.hN.scalars
            let apart = try #require(Differences.greatestAbsolute(splitValues, singleValues), "element counts differ")
            #expect(apart <= 1e-12, "bidirectional \(bidirectional): split and single threads differ by \(apart)")
        }
    }
}
