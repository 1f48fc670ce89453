import Testing
import Recurrent

/// The training pieces as a user puts them together, as code that must compile and run: the
/// snippet the README's guide can show.
@Suite("Training a small model")
struct TrainingGuideTests {
    @Test("an Embedding and a Linear head trained with Adam on a cross entropy: the loss falls")
    func guide() throws {
        // torch.manual_seed(0); embedding = nn.Embedding(10, 8); head = nn.Linear(8, 10)
        var generator = TorchGenerator(seed: 0)
        var embedding = try Embedding<Float>(numEmbeddings: 10, embeddingDim: 8, generator: &generator)
        var head = try Linear<Float>(inFeatures: 8, outFeatures: 10, generator: &generator)
        let criterion = CrossEntropyLoss<Float>()
        var optimizer = try Adam<Float>(lr: 0.05)

        // Learn to predict the next token: token i is followed by token (i + 1) % 10.
        let tokens = IndexTensor(Array(0..<10))
        let targets = IndexTensor((0..<10).map { ($0 + 1) % 10 })
        let names = embedding.parameterNames.map { "embedding." + $0 } + head.parameterNames.map { "head." + $0 }
        var losses: [Float] = []
        for _ in 0..<60 {
            let (vectors, embeddingTrace) = try embedding.trainingForward(tokens)
            let (logits, headTrace) = try head.trainingForward(vectors)
            let (loss, lossTrace) = try criterion.trainingForward(logits, targets)
            losses.append(loss.scalars[0])

            // loss.backward()
            let logitsGradient = try criterion.backward(lossTrace)
            let (vectorsGradient, headGradients) = try head.backward(headTrace, outputGradient: logitsGradient)
            let embeddingGradients = try embedding.backward(embeddingTrace, outputGradient: vectorsGradient)
            let gradients = try embeddingGradients.prefixed("embedding.") + headGradients.prefixed("head.")

            // clip_grad_norm_ and optimizer.step(), over the parameters in one fixed order.
            var clipped = gradients.ordered(by: names)
            try clipGradNorm(&clipped, maxNorm: 5)
            var parameters = [embedding.weight, head.weight, try #require(head.bias)]
            try optimizer.step(&parameters, gradients: clipped)
            try embedding.setParameter(named: "weight", to: parameters[0])
            try head.setParameter(named: "weight", to: parameters[1])
            try head.setParameter(named: "bias", to: parameters[2])
        }
        #expect(losses.count == 60)
        #expect(try #require(losses.first) > 2)
        #expect(try #require(losses.last) < 0.1)
        #expect(optimizer.stateDict().state[0]?["step"] == .float32(Tensor(scalar: 60)))
    }
}
