import ArgumentParser
import Foundation
import Recurrent
import RecurrentFormats

/// `conform convert IN OUT`: between torch.save, safetensors and .npz.
struct ConvertCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "convert",
        abstract: "Converts the tensors of a file: .pt to .safetensors (or .npz), and .safetensors back to a .pt state dict.",
        discussion: """
            The output's format follows its extension: .safetensors, .npz, or .pt/.pth (a state dict as \
            torch.save writes it). Nested keys are joined with '/'; --key picks one entry and --prefix \
            one module's tensors. A .safetensors output can record what a state dict cannot say \
            (--nonlinearity, --batch-first) in its metadata, which 'conform forward' reads, and, for \
            one RNN, LSTM or GRU at its top level, the module ('module': 'LSTM'); a .safetensors \
            input's metadata is kept.
            """)

    @Argument(help: "The input file.")
    var input: String

    @Argument(help: "The output file (.safetensors, .npz, .pt or .pth).")
    var output: String

    @OptionGroup var selection: CheckpointKeyOptions

    @Option(help: "Keep only the tensors whose keys start with this prefix (such as 'encoder.rnn.'), without it.")
    var prefix: String?

    @OptionGroup var settings: RNNSettingOptions

    func run() throws {
        try reportingErrors {
            try FileError.checkFolder(of: URL(fileURLWithPath: output))
            let selection = try CheckpointSelection(path: input, key: selection.key)
            var tensors = StateDict(selection.value.tensors.map { ($0.path, $0.tensor) })
            if let prefix { tensors = try scoped(tensors, to: prefix, label: selection.label) }
            let url = URL(fileURLWithPath: output)
            let given = settings.settings
            let modules = tensors.recognizedModules
            // A file of one module at its top level records which module it is, which 'conform
            // forward' reads rather than guessing from the shapes.
            let single = modules.count == 1 && modules[0].prefix.isEmpty && !modules[0].kind.isCell ? modules.first : nil
            if let nonlinearity = given.nonlinearity, let module = modules.first(where: { $0.kind != .rnn && $0.kind != .rnnCell }),
                !modules.contains(where: { $0.kind == .rnn || $0.kind == .rnnCell })
            {
                throw ValidationError(
                    "--nonlinearity \(nonlinearity.rawValue) is nn.RNN's, and the tensors hold \(module), whose gates have their own "
                        + "nonlinearities: leave out --nonlinearity")
            }
            switch url.pathExtension {
            case "safetensors":
                let recorded = RNNSettings(nonlinearity: given.nonlinearity, batchFirst: given.batchFirst, module: single?.kind).metadata
                let metadata = selection.file.metadata.merging(recorded) { _, given in given }
                try Safetensors.write(Safetensors.File(tensors: tensors, metadata: metadata), to: url)
                print("\(output): \(tensors.count) tensors" + (metadata.isEmpty ? "" : ", metadata " + Self.render(metadata)))
            case "npz", "pt", "pth":
                guard given.metadata.isEmpty else {
                    throw ValidationError(
                        "--nonlinearity and --batch-first are recorded in a .safetensors file's metadata; a .\(url.pathExtension) file has no place for them")
                }
                if url.pathExtension == "npz" { try NumPyArray.writeArchive(tensors, to: url) } else { try TorchCheckpoint.write(tensors, to: url) }
                print("\(output): \(tensors.count) tensors")
            default:
                throw ValidationError("the output must end in .safetensors, .npz, .pt or .pth, not '\(url.lastPathComponent)'")
            }
            for module in tensors.recognizedModules {
                print("  \(module)" + (module.prefix.isEmpty ? "" : " under '\(module.prefix)'"))
            }
        }
    }

    /// The tensors under `prefix`, without it; none, or keys left starting with a dot (the prefix
    /// lacks its final dot), is refused with the prefixes there are.
    private func scoped(_ tensors: StateDict, to prefix: String, label: String) throws -> StateDict {
        let scoped = tensors.scoped(to: prefix)
        if !scoped.isEmpty && !scoped.keys.contains(where: { $0.hasPrefix(".") }) { return scoped }
        if scoped.keys.contains(where: { $0.hasPrefix(".") }) {
            throw ValidationError("the prefix '\(prefix)' lacks its final dot: the keys would start with '.'\nuse --prefix \(prefix).")
        }
        var modules: [String] = []
        for key in tensors.keys {
            guard let dot = key.lastIndex(of: ".") else { continue }
            let module = String(key[...dot])
            if !modules.contains(module) { modules.append(module) }
        }
        let known = modules.isEmpty ? "no key has a prefix" : "the prefixes are " + modules.map { "'\($0)'" }.joined(separator: ", ")
        throw ValidationError("no tensors under the prefix '\(prefix)' in \(label); \(known)")
    }

    private static func render(_ metadata: [String: String]) -> String {
        metadata.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ", ")
    }
}
