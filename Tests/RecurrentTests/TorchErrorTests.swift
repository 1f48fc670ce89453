import Foundation
import Testing
import Recurrent

@Suite("TorchError")
struct TorchErrorTests {
    @Test("localizedDescription is Python's last traceback line, not Foundation's generic text")
    func localizedDescription() {
        do {
            _ = try RNN<Float>(inputSize: 0, hiddenSize: 4)
            Issue.record("built an RNN with input_size 0")
        } catch {
            #expect((error as any Error).localizedDescription == "ValueError: input_size must be greater than zero")
            #expect("\(error)" == "ValueError: input_size must be greater than zero")
        }
    }
}
