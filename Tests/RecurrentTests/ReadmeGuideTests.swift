import Foundation
import RecurrentTestSupport
import Testing
import Recurrent

/// The README's guide, as code that must compile and run; its checkpoint snippets are in
/// `Tests/RecurrentFormatsTests/ReadmeCheckpointTests.swift`.
@Suite("The README's guide")
struct ReadmeGuideTests {
    @Test("make an RNN, read and load a state dict, run forward")
    func guide() throws {
        // torch.manual_seed(0); rnn = nn.RNN(10, 20, num_layers=2)
        var rnn = try RNN<Float>(inputSize: 10, hiddenSize: 20, numLayers: 2, seed: 0)
        rnn.training = false                          // rnn.eval()
        print(rnn)                                    // RNN(10, 20, num_layers=2)
        print(rnn.parameterNames.prefix(4))           // ["weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0"]
        #expect(rnn.description == "RNN(10, 20, num_layers=2)")
        #expect(Array(rnn.parameterNames.prefix(4)) == ["weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0"])

        let stateDict = rnn.stateDict()               // ordered: name -> tensor
        let shape = stateDict["weight_ih_l0"]?.shape  // [20, 10]
        #expect(shape == [20, 10])

        var other = try RNN<Float>(inputSize: 10, hiddenSize: 20, numLayers: 2)
        #expect(other != rnn)
        try other.loadStateDict(stateDict.prefixed("encoder.rnn."), prefix: "encoder.rnn.")   // rnn's parameters, from a prefix
        #expect(other.stateDict() == stateDict)
        let unmatched = try other.loadStateDict(stateDict, strict: false)   // missing and unexpected keys
        #expect(unmatched == IncompatibleKeys())

        let input = try Tensor<Float>(shape: [5, 3, 10], scalars: (0..<150).map { Float($0) / 150 })
        let h0 = try Tensor<Float>.zeros([2, 3, 20])
        let (output, hN) = try rnn(input, h0: h0)     // output (5, 3, 20), hN (2, 3, 20)
        #expect(output.shape == [5, 3, 20])
        #expect(hN.shape == [2, 3, 20])

        do {
            _ = try rnn(try Tensor<Float>.zeros([5, 3, 7]))
            Issue.record("a wrong input size was accepted")
        } catch {
            print(error)   // RuntimeError: input.size(-1) must be equal to input_size. Expected 10, got 7
            #expect("\(error)" == "RuntimeError: input.size(-1) must be equal to input_size. Expected 10, got 7")
            #expect(error.localizedDescription == "\(error)")
        }
    }

    @Test("pack a batch of variable-length sequences")
    func packing() throws {
        var rnn = try RNN<Float>(inputSize: 10, hiddenSize: 20, numLayers: 2, seed: 0)
        rnn.training = false
        let batch = try Tensor<Float>(shape: [4, 3, 10], scalars: (0..<120).map { Float($0) / 120 })   // (T, B, H_in), padded
        let packed = try packPaddedSequence(batch, lengths: [2, 4, 1], enforceSorted: false)
        let (packedOutput, finalStates) = try rnn(packed)             // finalStates (2, 3, 20)
        #expect(finalStates.shape == [2, 3, 20])
        let (padded, lengths) = try padPackedSequence(packedOutput)   // (4, 3, 20), zeros past each length; [2, 4, 1]
        #expect(padded.shape == [4, 3, 20])
        #expect(lengths == [2, 4, 1])

        let sequences = [try Tensor<Float>.zeros([5, 10]), try Tensor<Float>.zeros([3, 10])]
        let (output2, _) = try rnn(try packSequence(sequences))       // pack_sequence
        #expect(output2.batchSizes == [2, 2, 2, 1, 1])
    }
}

extension ReadmeGuideTests {
    @Test("LSTM and GRU: PyTorch's options, states and shapes")
    func gated() throws {
        // torch.manual_seed(0); lstm = nn.LSTM(10, 20, num_layers=2, proj_size=5)
        var lstm = try LSTM<Float>(inputSize: 10, hiddenSize: 20, numLayers: 2, projSize: 5, seed: 0)
        lstm.training = false
        print(lstm)                                   // LSTM(10, 20, proj_size=5, num_layers=2)
        print(lstm.parameterShape(named: "weight_hh_l0") ?? [])   // [80, 5]: the gates i, f, g, o stacked
        #expect(lstm.description == "LSTM(10, 20, proj_size=5, num_layers=2)")
        #expect(lstm.parameterShape(named: "weight_hh_l0") == [80, 5])
        #expect(lstm.parameterNames.prefix(5) == ["weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0", "weight_hr_l0"])
        let x = try Tensor<Float>(shape: [5, 3, 10], scalars: (0..<150).map { Float($0) / 150 })
        let state = (h0: try Tensor<Float>.zeros([2, 3, 5]), c0: try Tensor<Float>.zeros([2, 3, 20]))
        let (y, hN, cN) = try lstm(x, hx: state)      // y (5, 3, 5), hN (2, 3, 5), cN (2, 3, 20)
        #expect(y.shape == [5, 3, 5] && hN.shape == [2, 3, 5] && cN.shape == [2, 3, 20])
        // The last step's output is the last layer's final state.
        #expect(Array(y.scalars.suffix(15)) == Array(hN.scalars.suffix(15)))

        // torch.manual_seed(0); gru = nn.GRU(10, 20)
        let gru = try GRU<Float>(inputSize: 10, hiddenSize: 20, seed: 0)
        let (z, gruHN) = try gru(x)                   // z (5, 3, 20), gruHN (1, 3, 20)
        #expect(z.shape == [5, 3, 20] && gruHN.shape == [1, 3, 20])

        let cell = try LSTMCell<Float>(inputSize: 10, hiddenSize: 20, seed: 0)
        let (h1, c1) = try cell(try Tensor<Float>.zeros([3, 10]))   // each (3, 20)
        #expect(h1.shape == [3, 20] && c1.shape == [3, 20])
    }

    @Test("the training example: a traced forward and its backward pass")
    func training() throws {
        var rnn = try RNN<Double>(inputSize: 10, hiddenSize: 20, numLayers: 2, dropout: 0.25, seed: 0)
        let x = try Tensor<Double>(shape: [5, 3, 10], scalars: (0..<150).map { Double($0) / 150 })
        var generator = TorchGenerator(seed: 1)                           // torch.manual_seed(1) before forward
        let (output, hN, trace) = try rnn.tracedForward(x, generator: &generator)
        let gradients = try trace.backward(outputGradient: try Tensor<Double>(repeating: 1, shape: output.shape))
        let inputGradient = gradients.input                               // x.grad, (5, 3, 10)
        let recurrentGradient = gradients.parameters["weight_hh_l1"]      // rnn.weight_hh_l1.grad, (20, 20)
        rnn.training = false                                              // rnn.eval()
        #expect(inputGradient.shape == [5, 3, 10])
        #expect(recurrentGradient?.shape == [20, 20])
        #expect(hN.shape == [2, 3, 20])
        #expect(!rnn.training)
    }
}

/// The README's Swift snippets against the copies the tests run: every line of a snippet must be in
/// the tests, in the snippet's order, so that an edit to either shows here. Exempt are the lines the
/// tests cannot keep as they are: literal file paths (the tests use the shipped fixtures), reading
/// `CommandLine` and calling `exit` (the program runs as a function), and the manifest (built by
/// hand against a fresh package, not here).
@Suite("The README's snippets are the ones the tests run")
struct ReadmeSnippetTests {
    static let readme = TestEnvironment.packageRoot.appendingPathComponent("README.md")
    static let copies = [
        "Tests/RecurrentTests/ReadmeGuideTests.swift", "Tests/RecurrentFormatsTests/ReadmeCheckpointTests.swift",
        "Tests/RecurrentFormatsTests/ReadmeTrainingTests.swift",
    ].map { TestEnvironment.packageRoot.appendingPathComponent($0) }
    static let exempt = ["fileURLWithPath: \"", "CommandLine", "exit("]

    /// A line without its trailing comment (the tests' copies may annotate differently).
    static func code(_ line: String) -> String {
        guard let comment = line.range(of: "//") else { return line }
        return line[..<comment.lowerBound].trimmingCharacters(in: .whitespaces)
    }

    /// The ```swift blocks of the README, each as its trimmed, non-empty lines.
    static func snippets() throws -> [[String]] {
        var blocks: [[String]] = []
        var current: [String]?
        for line in try String(contentsOf: readme, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false) {
            if current == nil, line.hasPrefix("```swift") {
                current = []
            } else if current != nil, line.hasPrefix("```") {
                blocks.append(current ?? [])
                current = nil
            } else if current != nil {
                let trimmed = line.trimmingCharacters(in: .whitespaces)
                if !trimmed.isEmpty { current?.append(trimmed) }
            }
        }
        return blocks
    }

    @Test("every snippet's lines are in the tests, in order")
    func snippetsAreTested() throws {
        let blocks = try Self.snippets().filter { $0.first?.hasPrefix("// swift-tools-version") == false }
        #expect(blocks.count >= 7)
        let tested = try Self.copies.flatMap { url in
            try String(contentsOf: url, encoding: .utf8).split(separator: "\n").map { Self.code($0.trimmingCharacters(in: .whitespaces)) }
        }
        for block in blocks {
            var position = tested.startIndex
            let lines = block.map(Self.code).filter { !$0.isEmpty && !$0.hasPrefix("import ") }
            for line in lines where !Self.exempt.contains(where: line.contains) {
                guard let found = tested[position...].firstIndex(of: line) else {
                    Issue.record("README line not in the tests (in this order): \(line)")
                    break
                }
                position = found + 1
            }
        }
    }

    @Test("no snippet force-unwraps")
    func noForceUnwrap() throws {
        for line in try Self.snippets().joined() {
            #expect(!line.contains("!.") && !line.contains("]!") && !line.contains(")!"), "\(line)")
        }
    }
}
