import Foundation
import Recurrent
import RecurrentConformance
import RecurrentFormats
import RecurrentTestSupport
import Testing

/// The shipped checkpoints of nn.RNN, nn.LSTM and nn.GRU (`fixtures/checkpoints/*.expected.safetensors`
/// with a module's results; not the optimizers').
private let moduleCheckpoints: [String] = ((try? FileManager.default.contentsOfDirectory(atPath: TestEnvironment.checkpointFixtures.path)) ?? [])
    .filter { $0.hasSuffix(".expected.safetensors") && !$0.hasPrefix("optim_") }
    .map { String($0.dropLast(".expected.safetensors".count)) }
    .sorted()

/// `conform forward` on every shipped module checkpoint, as a user runs it: the arrays torch ran
/// (input, h0, c0) written as `.npy`, the command given the checkpoint's prefix, key, batch_first and
/// lengths, and its `.npy` results compared with torch's `(output, h_n, c_n)` by assert_close's rules.
@Suite("conform forward reproduces torch's results on the shipped checkpoints")
struct CheckpointForwardTests {
    @Test("the LSTM and GRU checkpoints are all there")
    func coverage() {
        #expect(moduleCheckpoints.filter { $0.hasPrefix("lstm_") }.count >= 8)
        #expect(moduleCheckpoints.filter { $0.hasPrefix("gru_") }.count >= 6)
        #expect(moduleCheckpoints.contains("lstm_safetensors_state_dict") && moduleCheckpoints.contains("gru_safetensors_state_dict"))
    }

    @Test("with --module and with the module inferred from the shapes", arguments: moduleCheckpoints)
    func forward(_ name: String) throws {
        let expected = try Self.expected(name)
        let metadata = expected.metadata
        let module = metadata["module"] ?? "RNN"
        let directory = try ConformProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }

        var arguments = ["forward", "--checkpoint", TestEnvironment.checkpointFixtures.appendingPathComponent(try #require(metadata["checkpoint"])).path,
                         "--output", "output.npy", "--hn", "h_n.npy"]
        if let prefix = metadata["prefix"], !prefix.isEmpty { arguments += ["--prefix", prefix] }
        if let key = metadata["key"] { arguments += ["--key", key] }
        if metadata["batch_first"] == "true" { arguments.append("--batch-first") }
        if let nonlinearity = metadata["nonlinearity"] { arguments += ["--nonlinearity", nonlinearity] }
        if module == "LSTM" { arguments += ["--cn", "c_n.npy"] }
        for (array, option) in [("input", "--input"), ("h0", "--h0"), ("c0", "--c0")] {
            guard let tensor = expected.tensors[array] else { continue }
            try NumPyArray.write(tensor, to: directory.appendingPathComponent("\(array).npy"))
            arguments += [option, "\(array).npy"]
        }
        if let lengths = expected.tensors["lengths"] {
            arguments += ["--lengths", try #require(lengths.integers).map(String.init).joined(separator: ",")]
        }
        let results = ["output", "h_n"] + (module == "LSTM" ? ["c_n"] : [])
        #expect(Set(results).isSubset(of: expected.tensors.keys), "\(name) lacks a result to compare with")

        for given in [true, false] {
            for result in results { try? FileManager.default.removeItem(at: directory.appendingPathComponent("\(result).npy")) }
            let outcome = try ConformProcess.run(arguments + (given ? ["--module", module.lowercased()] : []), in: directory)
            try #require(outcome.status == 0, "\(name): \(outcome.error)")
            let source = given ? "(--module)" : "(the shapes: weight_hh_l0 has"
            #expect(outcome.output.contains("module \(module) \(source)"), "\(name): \(outcome.output)")
            try Self.compare(results, in: directory, with: expected, label: name + (given ? " with --module" : ""))
        }
    }

    /// The `.expected.safetensors` of the checkpoint case `name`: torch's arrays and results.
    private static func expected(_ name: String) throws -> Safetensors.File {
        try Safetensors.read(contentsOf: TestEnvironment.checkpointFixtures.appendingPathComponent("\(name).expected.safetensors"))
    }

    /// Compares each `results` file `RESULT.npy` in `directory` with torch's `RESULT` by assert_close's rules.
    private static func compare(_ results: [String], in directory: URL, with expected: Safetensors.File, label: String) throws {
        for result in results {
            let actual = try NumPyArray.read(contentsOf: directory.appendingPathComponent("\(result).npy"))
            let comparison = Closeness.compare(actual, try #require(expected.tensors[result]))
            #expect(comparison.passed, "\(label) \(result): \(comparison.report)")
        }
    }

    @Test("the comparison can fail: another checkpoint's h0 gives another h_n")
    func detectsADifference() throws {
        let expected = try Self.expected("lstm_nested_prefix")
        let directory = try ConformProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try NumPyArray.write(try #require(expected.tensors["input"]), to: directory.appendingPathComponent("input.npy"))
        // c0 for h0: the same shape, other values.
        try NumPyArray.write(try #require(expected.tensors["c0"]), to: directory.appendingPathComponent("h0.npy"))
        try NumPyArray.write(try #require(expected.tensors["c0"]), to: directory.appendingPathComponent("c0.npy"))
        let outcome = try ConformProcess.run(
            ["forward", "--checkpoint", TestEnvironment.checkpointFixtures.appendingPathComponent("lstm_nested_prefix.pt").path,
             "--prefix", "encoder.lstm.", "--input", "input.npy", "--h0", "h0.npy", "--c0", "c0.npy", "--output", "output.npy",
             "--hn", "h_n.npy"],
            in: directory)
        try #require(outcome.status == 0, "\(outcome.error)")
        let actual = try NumPyArray.read(contentsOf: directory.appendingPathComponent("h_n.npy"))
        #expect(!Closeness.compare(actual, try #require(expected.tensors["h_n"])).passed)
    }

    @Test("options an RNN or a GRU has no use for, an LSTM's half state and a module the shapes deny are refused in one line with what to do",
          arguments: [
              (["--checkpoint", "gru_nested_prefix.pt", "--prefix", "encoder.gru.", "--c0", "x.npy"],
               "error: --c0 is an LSTM's cell state, and the module is an nn.GRU (the shapes: weight_hh_l0 has 3 gate blocks of 4 rows), which has none: leave out --c0, or use --module lstm for an LSTM"),
              (["--checkpoint", "nested_prefix.pt", "--prefix", "encoder.rnn.", "--cn", "cn.npy", "--grad-cn", "g.npy", "--grads-out", "g.npz"],
               "error: --cn is an LSTM's cell state, and the module is an nn.RNN (the shapes: weight_hh_l0 has 1 gate block of 4 rows), which has none: leave out --cn and --grad-cn, or use --module lstm for an LSTM"),
              (["--checkpoint", "lstm_proj_size.pt", "--nonlinearity", "relu"],
               "error: --nonlinearity relu is nn.RNN's, and the module is an nn.LSTM (the shapes: weight_hh_l0 has 4 gate blocks of 4 rows, weight_hr_l0 projects to 2), whose gates have their own nonlinearities: leave out --nonlinearity, or use --module rnn for an RNN"),
              (["--checkpoint", "lstm_proj_size.pt", "--h0", "h0.npy"],
               "error: an LSTM takes its initial state as (h0, c0), both or neither: give --c0 too, or leave out --h0 to start from zeros"),
              (["--checkpoint", "gru_bidirectional_l3.pt", "--module", "lstm"],
               "error: --module lstm does not fit the parameters under the prefix '', which are those of GRU(3, 4, num_layers=3, bidirectional=True) (weight_hh_l0 has 3 gate blocks of 4 rows)\nuse --module gru, or leave --module out"),
              (["--checkpoint", "lstm_nested_prefix.pt", "--prefix", "encoder."],
               "error: KeyError: no LSTM parameters under the prefix 'encoder.': \"encoder.weight_ih_l0\" is missing or not 2-D; the state dict has LSTM(3, 4, num_layers=2, bidirectional=True) under the prefix 'encoder.lstm.'\nuse --prefix encoder.lstm."),
          ])
    func refusals(_ options: [String], _ message: String) throws {
        let directory = try ConformProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        var arguments = ["forward", "--input", "x.npy", "--output", "out.npy"] + options
        let index = try #require(arguments.firstIndex(of: "--checkpoint")) + 1
        arguments[index] = TestEnvironment.checkpointFixtures.appendingPathComponent(arguments[index]).path
        let outcome = try ConformProcess.run(arguments, in: directory)
        #expect(outcome.status == 1)
        #expect(outcome.error == message + "\n")
    }

    @Test("convert records an LSTM's module and batch_first, and forward reads them")
    func convertedLSTM() throws {
        let expected = try Self.expected("lstm_float64_batch_first")
        let directory = try ConformProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let checkpoint = TestEnvironment.checkpointFixtures.appendingPathComponent("lstm_float64_batch_first.pt").path
        let refused = try ConformProcess.run(["convert", checkpoint, "lstm.safetensors", "--nonlinearity", "relu"], in: directory)
        #expect(refused.status == 1 && refused.error.contains("--nonlinearity relu is nn.RNN's"), "\(refused.error)")
        let converted = try ConformProcess.run(["convert", checkpoint, "lstm.safetensors", "--batch-first"], in: directory)
        try #require(converted.status == 0, "\(converted.error)")
        let file = try Safetensors.read(contentsOf: directory.appendingPathComponent("lstm.safetensors"))
        #expect(file.metadata == ["module": "LSTM", "batch_first": "True"])

        for array in ["input", "h0", "c0"] {
            try NumPyArray.write(try #require(expected.tensors[array]), to: directory.appendingPathComponent("\(array).npy"))
        }
        let outcome = try ConformProcess.run(
            ["forward", "--checkpoint", "lstm.safetensors", "--input", "input.npy", "--h0", "h0.npy", "--c0", "c0.npy",
             "--output", "output.npy", "--hn", "h_n.npy", "--cn", "c_n.npy"],
            in: directory)
        try #require(outcome.status == 0, "\(outcome.error)")
        #expect(outcome.output.contains("module LSTM (the file's metadata; the shapes agree)"))
        #expect(outcome.output.contains("batch_first True (the file's metadata)"))
        try Self.compare(["output", "h_n", "c_n"], in: directory, with: expected, label: "converted lstm_float64_batch_first")
    }

    @Test("inspect shows an LSTM and a GRU with the forward command that runs them", arguments: [
        ("lstm_proj_size.pt", "  run it: conform forward --checkpoint CHECKPOINT --module lstm --input x.npy [--h0 h0.npy --c0 c0.npy] --output out.npy [--hn hn.npy] [--cn cn.npy] [--batch-first]"),
        ("gru_nested_prefix.pt", "  run it: conform forward --checkpoint CHECKPOINT --prefix encoder.gru. --module gru --input x.npy [--h0 h0.npy] --output out.npy [--hn hn.npy] [--batch-first]"),
    ])
    func inspect(_ checkpoint: String, _ line: String) throws {
        let directory = try ConformProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = TestEnvironment.checkpointFixtures.appendingPathComponent(checkpoint).path
        let outcome = try ConformProcess.run(["inspect", path], in: directory)
        try #require(outcome.status == 0, "\(outcome.error)")
        let lines = outcome.output.split(separator: "\n").map(String.init)
        #expect(lines.contains(line.replacingOccurrences(of: "CHECKPOINT", with: path)), "\(outcome.output)")
        #expect(!outcome.output.contains("not runnable"))
        if checkpoint.hasPrefix("lstm") { #expect(outcome.output.contains("proj_size 2")) }
    }
}
