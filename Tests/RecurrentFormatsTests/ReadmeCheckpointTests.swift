import Foundation
import Recurrent
import RecurrentTestSupport
import Testing
import RecurrentFormats

/// The README's checkpoint snippets and its complete program, run on the shipped training checkpoint
/// (`{'epoch': 7, 'model': ..., 'optimizer': ...}`, its RNN under `encoder.rnn.`).
@Suite("The README's checkpoint snippets")
struct ReadmeCheckpointTests {
    static let checkpointURL = TestEnvironment.checkpointFixtures.appendingPathComponent("training_checkpoint.pt")
    static let expected = TestEnvironment.checkpointFixtures.appendingPathComponent("training_checkpoint.expected.safetensors")

    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("recurrent-readme-\(UUID())")

    init() throws {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    @Test("read a training checkpoint, build its RNN, write it back; a wrong key lists the keys")
    func checkpointSnippet() throws {
        defer { try? FileManager.default.removeItem(at: folder) }
        let checkpoint = try TorchCheckpoint.read(contentsOf: Self.checkpointURL)
        let epoch = checkpoint["epoch"]                            // .int(7): a training checkpoint is read whole
        #expect(epoch == .int(7))
        let stateDict = try checkpoint.stateDict(forKey: "model")  // the tensors of the 'model' sub-dictionary
        var model = try RNN<Float>(stateDict: stateDict, prefix: "encoder.rnn.", nonlinearity: .tanh)
        model.training = false
        try TorchCheckpoint.write(model.stateDict(), to: folder.appendingPathComponent("rnn.pt"))   // torch.load reads it
        #expect(try TorchCheckpoint.read(contentsOf: folder.appendingPathComponent("rnn.pt")).asStateDict() == model.stateDict())

        do {
            _ = try checkpoint.stateDict(forKey: "state_dict")
            Issue.record("found a 'state_dict' key")
        } catch {
            print(error)   // no key 'state_dict'; the keys are 'epoch' (7), 'model' (dict of 12 tensors), ...
            #expect("\(error)".hasPrefix("no key 'state_dict'; the keys are 'epoch' (7), 'model' (dict of 12 tensors), "))
        }

        let expected = try Safetensors.read(contentsOf: Self.expected).tensors
        try NumPyArray.write(try #require(expected["input"]), to: folder.appendingPathComponent("x.npy"))
        let x = try NumPyArray.read(contentsOf: folder.appendingPathComponent("x.npy"))
        let (y, _) = try model(x)                                                // AnyTensor in, AnyTensor out
        try NumPyArray.write(y, to: folder.appendingPathComponent("y.npy"))               // np.load reads it
        try expectClose(try NumPyArray.read(contentsOf: folder.appendingPathComponent("y.npy")), try #require(expected["output"]))
    }

    @Test("the complete program: its output is torch's; a missing file is one line naming it")
    func program() throws {
        defer { try? FileManager.default.removeItem(at: folder) }
        let expected = try Safetensors.read(contentsOf: Self.expected).tensors
        let input = folder.appendingPathComponent("x.npy")
        let output = folder.appendingPathComponent("y.npy")
        try NumPyArray.write(try #require(expected["input"]), to: input)

        #expect(readmeProgram(["RunCheckpoint", Self.checkpointURL.path, input.path, output.path]) == 0)
        try expectClose(try NumPyArray.read(contentsOf: output), try #require(expected["output"]))
        #expect(readmeProgram(["RunCheckpoint"]) == 2)

        let missing = folder.appendingPathComponent("missing.pt")
        #expect(readmeProgram(["RunCheckpoint", missing.path, input.path, output.path]) == 1)
        do {
            try runCheckpoint(missing, input: input, output: output)
        } catch {
            #expect(error.localizedDescription == "cannot read \(missing.path): No such file or directory")
        }
    }

    /// assert_close's float32 tolerances, which the fixture records.
    func expectClose(_ actual: AnyTensor, _ expected: AnyTensor) throws {
        let a = try #require(actual.tensor(of: Float.self))
        let e = try #require(expected.tensor(of: Float.self))
        #expect(a.shape == e.shape)
        #expect(zip(a.scalars, e.scalars).allSatisfy { abs($0 - $1) <= 1e-5 + 1.3e-6 * abs($1) })
    }
}

// The README's program: its main.swift, with `arguments` passed in and `exit` as `return`.

/// Runs the RNN under 'encoder.rnn.' in the checkpoint's 'model' on the array in `input`.
func runCheckpoint(_ checkpoint: URL, input: URL, output: URL) throws {
    let file = try TorchCheckpoint.read(contentsOf: checkpoint)
    var rnn = try RNN<Float>(stateDict: try file.stateDict(forKey: "model"), prefix: "encoder.rnn.", nonlinearity: .tanh)
    rnn.training = false                                  // rnn.eval()
    let x = try NumPyArray.read(contentsOf: input)
    let (y, hN) = try rnn(x)
    try NumPyArray.write(y, to: output)
    print("\(rnn): output \(y.shape), h_n \(hN.shape)")
}

private func readmeProgram(_ arguments: [String]) -> Int32 {
    guard arguments.count == 4 else {
        print("usage: RunCheckpoint CHECKPOINT INPUT.npy OUTPUT.npy")
        return 2
    }
    do {
        try runCheckpoint(URL(fileURLWithPath: arguments[1]), input: URL(fileURLWithPath: arguments[2]), output: URL(fileURLWithPath: arguments[3]))
    } catch {
        print("error: \(error.localizedDescription)")         // one line: what is wrong, and where
        return 1
    }
    return 0
}
