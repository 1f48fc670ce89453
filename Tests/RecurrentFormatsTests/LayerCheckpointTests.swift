import Foundation
import Recurrent
import Testing
@testable import RecurrentFormats

@Suite("Linear layers read from a model torch.save wrote, by prefix")
struct LayerCheckpointTests {
    @Test("the shipped nested model's embedding and head (nn.Linear) load by prefix beside its RNN")
    func nestedModel() throws {
        let file = try TorchCheckpoint.read(contentsOf: checkpointDirectory.appendingPathComponent("nested_prefix.pt"))
        let stateDict = try #require(file.stateDict)
        let embedding = try Linear<Float>(stateDict: stateDict, prefix: "embedding.")
        let head = try Linear<Float>(stateDict: stateDict, prefix: "head.")
        #expect(embedding.description == "Linear(in_features=2, out_features=3, bias=True)")
        #expect(head.inFeatures == 8 && head.outFeatures == 2)
        #expect(AnyTensor.float32(head.weight) == stateDict["head.weight"])
        #expect(head.bias.map(AnyTensor.float32) == stateDict["head.bias"])
        let rnn = try RNN<Float>(stateDict: stateDict, prefix: "encoder.rnn.")
        let output = try head(try rnn(try Tensor<Float>.zeros([3, 1, 3])).output)
        #expect(output.shape == [3, 1, 2])
    }
}
