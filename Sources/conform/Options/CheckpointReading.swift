import ArgumentParser
import Foundation
import Recurrent
import RecurrentFormats

/// Runs `body`, turning the library's errors into a message and exit status 1, without a stack trace.
func reportingErrors(_ body: () throws -> Void) throws {
    do {
        try body()
    } catch let error as ExitCode {
        throw error
    } catch {
        // What went to standard output before the error comes before it in a shared log too.
        fflush(nil)
        printError("error: \(error)")
        throw ExitCode(1)
    }
}

/// `--key PATH`: which entry of a checkpoint to use.
struct CheckpointKeyOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "The entry to use, such as 'model' in a training checkpoint; nested entries joined by '/', as inspect prints them.",
            valueName: "key"))
    var key: String?
}

/// `--nonlinearity` and `--batch-first`: what an RNN's state dict cannot say.
struct RNNSettingOptions: ParsableArguments {
    @Option(help: "The nonlinearity the RNN was trained with (a state dict does not record it).")
    var nonlinearity: Nonlinearity?

    @Flag(
        inversion: .prefixedNo,
        help: "Whether the arrays are (N, L, H_in) (batch_first=True), not (L, N, H_in); a state dict does not record it.")
    var batchFirst: Bool?

    /// The settings given on the command line.
    var settings: RNNSettings { RNNSettings(nonlinearity: nonlinearity, batchFirst: batchFirst) }
}

/// A checkpoint file as a command reads it: its contents, or the entry `--key` names.
struct CheckpointSelection {
    /// The file as given on the command line.
    let path: String
    /// The entry, when `--key` named one.
    let key: String?
    /// The whole file.
    let file: CheckpointFile
    /// The selected value: the entry under `key`, else the whole file.
    let value: CheckpointValue

    /// Reads `path` and looks up `key`; a key that is not there gives the keys there are, and which
    /// of them are state dicts.
    init(path: String, key: String?) throws {
        self.path = path
        self.key = key
        file = try CheckpointFile.read(contentsOf: URL(fileURLWithPath: path))
        guard let key else {
            value = file.value
            return
        }
        do {
            value = try file.value.value(atPath: key)
        } catch {
            throw ValidationError("\(path): \(error.message)" + Self.keyAdvice(file.value))
        }
    }

    /// `training_checkpoint.pt, --key model`.
    var label: String { path + (key.map { ", --key \($0)" } ?? "") }

    /// The selected value's tensors as a state dict.
    ///
    /// - Throws: when the value holds no tensors at its top level: its keys, and the `--key` that
    ///   selects a state dict when there is one.
    func stateDict() throws -> StateDict {
        if let stateDict = value.stateDict { return stateDict }
        let keys = value.keyListing()
        throw ValidationError(
            "\(label) holds no state dict (a dictionary of tensors) at its top level"
                + (keys.isEmpty ? " (it is a \(value.typeName): \(value.summary))" : "; its keys are \(keys)")
                + Self.keyAdvice(value, under: key))
    }

    /// `\nuse --key model (a state dict)` for the keys of `value` that hold state dicts.
    private static func keyAdvice(_ value: CheckpointValue, under parent: String? = nil) -> String {
        if parent == nil, value.isStateDict { return "\nthe file is a state dict itself: leave out --key" }
        let keys = value.stateDictKeys.map { key in parent.map { "\($0)/\(key)" } ?? key }
        guard !keys.isEmpty else { return "" }
        return "\nuse " + keys.map { "--key \($0)" }.joined(separator: " or ") + " (\(keys.count == 1 ? "a state dict" : "state dicts"))"
    }
}
