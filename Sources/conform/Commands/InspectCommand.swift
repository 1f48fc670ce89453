import ArgumentParser
import Foundation
import Recurrent
import RecurrentFormats

/// `conform inspect FILE [--key PATH]`: everything in a checkpoint.
struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Shows what a torch.save, safetensors, .npz or .npy file holds, and the recurrent modules in it.",
        discussion: """
            Lists every tensor (path, dtype, shape, bytes; nested keys joined by '/'), every other value \
            in brief (numbers, strings, lists such as a vocabulary, the optimizer's settings), and the \
            recurrent modules recognised from the parameters' names and shapes, with the 'conform \
            forward' options that run them. --key shows one entry, a list item by item.
            """)

    @Argument(help: "The file.")
    var file: String

    @OptionGroup var selection: CheckpointKeyOptions

    func run() throws {
        try reportingErrors {
            let selection = try CheckpointSelection(path: file, key: selection.key)
            let value = selection.value
            let leaves = Self.expanded(value, at: selection.key)
            let tensors = leaves.compactMap { leaf -> (String, AnyTensor)? in
                guard case .tensor(let tensor) = leaf.value else { return nil }
                return (leaf.path, tensor)
            }
            let others = leaves.filter { leaf in
                if case .tensor = leaf.value { false } else { true }
            }
            let total = tensors.reduce(0) { $0 + $1.1.count * $1.1.dtype.byteCount }
            print("\(selection.label): \(selection.file.format), \(tensors.count) tensor\(tensors.count == 1 ? "" : "s") (\(total) bytes), "
                + "\(others.count) other value\(others.count == 1 ? "" : "s")")
            if !selection.file.metadata.isEmpty {
                print("metadata: " + selection.file.metadata.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ", "))
            }
            if !tensors.isEmpty {
                print("\ntensors")
                let rows = tensors.map { path, tensor in
                    [Self.name(path), tensor.dtype.rawValue, "\(tensor.shape)", "\(tensor.count * tensor.dtype.byteCount)"]
                }
                TextTable.lines([["name", "dtype", "shape", "bytes"]] + rows, rightAligned: [3]).forEach { print($0) }
            }
            if !others.isEmpty {
                print("\nother values")
                let rows = others.map { leaf in [Self.name(leaf.path), leaf.value.typeName, Self.shown(leaf.value, whole: selection.key != nil)] }
                TextTable.lines([["name", "type", "value"]] + rows).forEach { print($0) }
            }
            printModules(in: value, selection: selection)
        }
    }

    /// The leaves of `value`, with `key` in front of their paths; a selected list of plain values is
    /// shown item by item.
    private static func expanded(_ value: CheckpointValue, at key: String?) -> [(path: String, value: CheckpointValue)] {
        var leaves = value.leaves
        if key != nil, case .list(let items) = value, items.allSatisfy(\.isPlain) {
            leaves = items.enumerated().map { ("\($0.offset)", $0.element) }
        } else if key != nil, case .tuple(let items) = value, items.allSatisfy(\.isPlain) {
            leaves = items.enumerated().map { ("\($0.offset)", $0.element) }
        }
        guard let key else { return leaves }
        return leaves.map { (path: $0.path.isEmpty ? key : key + "/" + $0.path, value: $0.value) }
    }

    private static func name(_ path: String) -> String { path.isEmpty ? "(root)" : path }

    /// A value in brief, or a string whole when one entry was asked for.
    private static func shown(_ value: CheckpointValue, whole: Bool) -> String {
        if whole, case .string(let string) = value { return "'\(string)'" }
        return value.summary
    }

    /// One line per recurrent module in the value's state dicts, and the command that runs it.
    private func printModules(in value: CheckpointValue, selection: CheckpointSelection) {
        let found = value.stateDicts.flatMap { path, stateDict in
            stateDict.recognizedModules.map { (key: [selection.key, path.isEmpty ? nil : path].compactMap { $0 }.joined(separator: "/"), module: $0) }
        }
        guard !found.isEmpty else { return }
        let recorded = (try? RNNSettings(metadata: selection.file.metadata)) ?? RNNSettings()
        print("\nrecurrent modules (the type read from the shapes; an RNN's nonlinearity and batch_first are not in a state dict)")
        for (key, module) in found {
            let options = (key.isEmpty ? [] : ["--key \(key)"]) + (module.prefix.isEmpty ? [] : ["--prefix \(module.prefix)"])
            let location = options.isEmpty ? "at the file's top level" : "at " + options.joined(separator: " ")
            let projection = module.projSize > 0 ? ", weight_hr\(module.kind.isCell ? "" : "_l0") projects to \(module.projSize)" : ""
            print(
                "\(module): \(module.kind.rawValue) (weight_hh\(module.kind.isCell ? "" : "_l0") has \(module.kind.gateCount) "
                    + "gate block\(module.kind.gateCount == 1 ? "" : "s") of \(module.hiddenSize) rows\(projection)), \(module.numLayers) "
                    + "layer\(module.numLayers == 1 ? "" : "s"), \(module.bidirectional ? "bidirectional" : "unidirectional"), "
                    + "input_size \(module.inputSize), hidden_size \(module.hiddenSize), "
                    + (module.projSize > 0 ? "proj_size \(module.projSize), " : "")
                    + "\(module.bias ? "bias" : "no bias"), \(module.dtype.rawValue), \(location)")
            guard !module.kind.isCell else {
                print("  not runnable by conform forward, which runs nn.RNN, nn.LSTM and nn.GRU over sequences, not cells")
                continue
            }
            print("  run it: " + Self.forwardCommand(for: module, key: key, selection: selection, recorded: recorded))
        }
    }

    /// The `conform forward` command line that runs `module`, its optional parts in brackets.
    private static func forwardCommand(
        for module: RecognizedModule, key: String, selection: CheckpointSelection, recorded: RNNSettings
    ) -> String {
        var command = ["conform forward --checkpoint", quoted(selection.path)]
        command += (key.isEmpty ? [] : ["--key", quoted(key)]) + (module.prefix.isEmpty ? [] : ["--prefix", quoted(module.prefix)])
        command += ["--module", module.kind.rawValue.lowercased(), "--input x.npy"]
        command.append(module.kind == .lstm ? "[--h0 h0.npy --c0 c0.npy]" : "[--h0 h0.npy]")
        command.append("--output out.npy")
        command.append(module.kind == .lstm ? "[--hn hn.npy] [--cn cn.npy]" : "[--hn hn.npy]")
        if module.kind == .rnn && recorded.nonlinearity == nil { command.append("[--nonlinearity relu]") }
        if recorded.batchFirst == nil { command.append("[--batch-first]") }
        if ![DType.float32, .float64].contains(module.dtype) { command.append("--dtype float32") }
        let fromMetadata = recorded.metadata.filter { $0.key != RNNSettings.moduleKey && (module.kind == .rnn || $0.key != RNNSettings.nonlinearityKey) }
            .sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }
        return command.joined(separator: " ") + (fromMetadata.isEmpty ? "" : " (\(fromMetadata.joined(separator: " and ")) from the file's metadata)")
    }

    /// `text`, in single quotes when a shell would split or expand it.
    private static func quoted(_ text: String) -> String {
        let safe = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._/-=+:,")
        return !text.isEmpty && text.allSatisfy(safe.contains) ? text : "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
