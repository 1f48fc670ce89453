import Foundation
import PythonBridge
import Recurrent
import RecurrentConformance
import RecurrentFormats
import RecurrentTestSupport
import Testing

/// `conform forward --grads-out` on shipped checkpoints of nn.RNN, nn.LSTM (with proj_size) and nn.GRU
/// against the gradients torch computes for the same model, input, h0 (and c0) and gradients of the
/// outputs (`tools/torch_gradients.py`).
@Suite("conform forward --grads-out reproduces torch's gradients", TestEnvironment.needsTorch)
struct ForwardGradientsTests {
    @Test("RNN, LSTM and GRU, padded and packed, with a prefix and without", arguments: [
        ("nested_prefix.pt", "encoder.rnn.", nil as String?), ("packed_lengths.pt", "", "6,2,4"),
        ("lstm_proj_size.pt", "", nil), ("lstm_packed_lengths.pt", "", "6,2,4"), ("gru_nested_prefix.pt", "encoder.gru.", nil),
    ])
    func gradients(_ checkpoint: String, _ prefix: String, _ lengths: String?) throws {
        let lstm = checkpoint.hasPrefix("lstm_")
        let directory = try ConformProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = TestEnvironment.checkpointFixtures.appendingPathComponent(checkpoint).path
        let python = Process()
        python.executableURL = URL(fileURLWithPath: PythonEnvironment.default.path + "/bin/python")
        python.arguments = [TestEnvironment.packageRoot.appendingPathComponent("tools/torch_gradients.py").path, file, directory.path,
                            "--prefix", prefix] + (lengths.map { ["--lengths", $0] } ?? [])
        try python.run()
        python.waitUntilExit()
        try #require(python.terminationStatus == 0, "tools/torch_gradients.py failed")

        let outcome = try ConformProcess.run(
            ["forward", "--checkpoint", file, "--prefix", prefix, "--input", "x.npy", "--h0", "h0.npy", "--output", "out.npy",
             "--grad-output", "go.npy", "--grad-hn", "gh.npy", "--grads-out", "grads.npz"] + (lengths.map { ["--lengths", $0] } ?? [])
                + (lstm ? ["--c0", "c0.npy", "--grad-cn", "gc.npy"] : []),
            in: directory)
        #expect(outcome.status == 0, "\(outcome.error)")
        let ours = try #require(try CheckpointFile.read(contentsOf: directory.appendingPathComponent("grads.npz")).value.stateDict)
        let torch = try #require(try CheckpointFile.read(contentsOf: directory.appendingPathComponent("torch_grads.npz")).value.stateDict)
        #expect(Set(ours.keys) == Set(torch.keys))
        #expect(torch.keys.contains("input") && torch.keys.contains("h0") && torch.count > 2)
        #expect(torch.keys.contains("c0") == lstm)
        if checkpoint == "lstm_proj_size.pt" { #expect(torch.keys.contains("weight_hr_l0_reverse")) }
        for (name, expected) in torch {
            let actual = try #require(ours[name], "no '\(name)' in grads.npz")
            let comparison = Closeness.compare(actual, expected)
            #expect(comparison.passed, "\(name): \(comparison.report)")
        }
    }
}
