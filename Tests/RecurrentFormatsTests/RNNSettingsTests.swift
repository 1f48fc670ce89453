import Foundation
import Recurrent
import Testing
@testable import RecurrentFormats

/// The nonlinearity and batch_first a state dict cannot hold, recorded in safetensors metadata.
@Suite("RNN settings in safetensors metadata")
struct RNNSettingsTests {
    @Test("recorded settings survive a safetensors file and CheckpointFile, and build the model they describe")
    func roundTrip() throws {
        let rnn = try RNN<Float>(inputSize: 2, hiddenSize: 3, nonlinearity: .relu, batchFirst: true, seed: 0)
        let settings = RNNSettings(nonlinearity: .relu, batchFirst: true)
        #expect(settings.metadata == ["nonlinearity": "relu", "batch_first": "True"])
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("recurrent-\(UUID()).safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        try Safetensors.write(Safetensors.File(tensors: rnn.stateDict(), metadata: settings.metadata), to: url)

        let file = try CheckpointFile.read(contentsOf: url)
        let read = try RNNSettings(metadata: file.metadata)
        #expect(read == settings)
        let rebuilt = try RNN<Float>(
            stateDict: try file.value.asStateDict(), nonlinearity: read.nonlinearity ?? .tanh, batchFirst: read.batchFirst ?? false)
        #expect(rebuilt == rnn)
    }

    @Test("absent settings stay nil, other spellings of a boolean are read, the module is recorded, unknown values are refused")
    func parsing() throws {
        #expect(try RNNSettings(metadata: ["format": "pt"]) == RNNSettings())
        #expect(try RNNSettings(metadata: ["batch_first": "false"]).batchFirst == false)
        #expect(throws: FormatError("safetensors metadata: nonlinearity 'sigmoid' is neither 'tanh' nor 'relu'")) {
            try RNNSettings(metadata: ["nonlinearity": "sigmoid"])
        }
        #expect(throws: FormatError("safetensors metadata: batch_first 'yes' is neither 'True' nor 'False'")) {
            try RNNSettings(metadata: ["batch_first": "yes"])
        }
        #expect(try RNNSettings(metadata: ["module": "LSTM"]).module == .lstm)
        #expect(RNNSettings(batchFirst: true, module: .gru).metadata == ["batch_first": "True", "module": "GRU"])
        #expect(throws: FormatError("safetensors metadata: module 'LSTMCell' is none of 'RNN', 'LSTM' and 'GRU'")) {
            try RNNSettings(metadata: ["module": "LSTMCell"])
        }
        #expect(try CheckpointFile.read(contentsOf: checkpointDirectory.appendingPathComponent("zip_state_dict.pt")).metadata.isEmpty)
    }
}
