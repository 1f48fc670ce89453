import Foundation
import Recurrent
import RecurrentFormats
import RecurrentTestSupport
import Testing

/// The README's training example, run on the initial parameters and batches of the generator's
/// `training_char_rnn_float64` case and compared with PyTorch's loss curve, to a relative 1e-9 at every
/// step (the float32 run is the conformance's, `CharRNNTrainingTests`).
@Suite("The README's training example follows PyTorch's loss curve")
struct ReadmeTrainingTests {
    /// The case's initial parameters written as a training checkpoint (`{"model": state_dict}`), its
    /// batches, and PyTorch's losses at every step.
    static func recorded(_ dtype: DType) throws -> (checkpoint: URL, batches: [(IndexTensor, IndexTensor)], losses: [Double]) {
        let file = try Safetensors.read(
            contentsOf: TestEnvironment.shippedFixtures.appendingPathComponent("training_char_rnn_\(dtype.rawValue).safetensors"))
        let state = file.tensors.scoped(to: "state.")
        let model = CheckpointValue.dict(state.map { .init(key: .string($0.key), value: .tensor($0.value)) })
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("char_rnn-\(UUID().uuidString).pt")
        try TorchCheckpoint.write(.dict([.init(key: .string("model"), value: model)]), to: url)
        let inputs = try #require(file.tensors["inputs"]?.integers)
        let targets = try #require(file.tensors["targets"]?.integers)
        let shape = try #require(file.tensors["inputs"]?.shape)
        let window = shape[1] * shape[2]
        let batches = try (0..<shape[0]).map { step in
            (try IndexTensor(shape: [shape[1], shape[2]], indices: Array(inputs[(step * window)..<((step + 1) * window)])),
             IndexTensor(Array(targets[(step * window)..<((step + 1) * window)])))
        }
        let losses = [file.tensors["losses"], file.tensors["later_losses"]].compactMap { $0 }.flatMap { tensor in
            tensor.converted(to: Double.self).scalars
        }
        return (url, batches, losses)
    }

    @Test("float64: every step's loss within a relative 1e-9 of PyTorch's")
    func float64() throws {
        let (url, batches, expected) = try Self.recorded(.float64)
        defer { try? FileManager.default.removeItem(at: url) }
        let losses = try train(url, batches)
        #expect(losses.count == 100 && expected.count == 100)
        let worst = Differences.greatest(zip(losses, expected).map { ($0 - $1).magnitude / $1.magnitude })
        #expect(worst <= 1e-9, "worst relative difference \(worst)")
    }

    /// The README's loop, in float64.
    private func train(_ url: URL, _ batches: [(IndexTensor, IndexTensor)]) throws -> [Double] {
        let checkpoint = try CheckpointFile.read(contentsOf: url).value
        let state = try checkpoint.stateDict(forKey: "model")       // embedding.*, rnn.*, fc.*, as PyTorch named them
        var embedding = try Embedding<Double>(stateDict: state, prefix: "embedding.")
        var rnn = try RNN<Double>(stateDict: state, prefix: "rnn.")
        var fc = try Linear<Double>(stateDict: state, prefix: "fc.")
        let criterion = CrossEntropyLoss<Double>()
        var optimizer = try Adam<Double>(lr: 0.01)                  // over model.parameters(), in this order:
        let names = embedding.parameterNames.map { "embedding." + $0 } + rnn.parameterNames.map { "rnn." + $0 }
            + fc.parameterNames.map { "fc." + $0 }
        var losses: [Double] = []

        for (x, y) in batches {                                     // x: IndexTensor (L, N), y: IndexTensor (L * N)
            let (vectors, embeddingTrace) = try embedding.trainingForward(x)
            let (states, _, rnnTrace) = try rnn.tracedForward(vectors)
            let (logits, fcTrace) = try fc.trainingForward(states)
            let flat = try Tensor(shape: [y.count, logits.shape[2]], scalars: logits.scalars)
            let (loss, lossTrace) = try criterion.trainingForward(flat, y)
            losses.append(loss.scalars[0])

            let flatGradient = try criterion.backward(lossTrace)    // loss.backward()
            let (statesGradient, fcGradients) = try fc.backward(fcTrace, outputGradient: try Tensor(shape: logits.shape, scalars: flatGradient.scalars))
            let rnnGradients = try rnnTrace.backward(outputGradient: statesGradient)
            let embeddingGradients = try embedding.backward(embeddingTrace, outputGradient: rnnGradients.input)
            let gradients = try embeddingGradients.prefixed("embedding.") + rnnGradients.parameters.prefixed("rnn.")
                + fcGradients.prefixed("fc.")

            var clipped = gradients.ordered(by: names)              // clip_grad_norm_(model.parameters(), 1.0)
            try clipGradNorm(&clipped, maxNorm: 1)
            var parameters = embedding.namedParameters.map(\.tensor) + rnn.namedParameters.map(\.tensor) + fc.namedParameters.map(\.tensor)
            try optimizer.step(&parameters, gradients: clipped)     // optimizer.step()
            for (name, value) in zip(names, parameters) {
                if name.hasPrefix("embedding.") { try embedding.setParameter(named: String(name.dropFirst(10)), to: value) }
                else if name.hasPrefix("rnn.") { try rnn.setParameter(named: String(name.dropFirst(4)), to: value) }
                else { try fc.setParameter(named: String(name.dropFirst(3)), to: value) }
            }
        }
        return losses
    }
}
