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
            torch.save writes it). Nested keys are joined with '/'; --key picks one sub-dictionary.
            """)

    @Argument(help: "The input file.")
    var input: String

    @Argument(help: "The output file (.safetensors, .npz, .pt or .pth).")
    var output: String

    @Option(help: "The sub-dictionary to convert, such as 'model' in a training checkpoint.")
    var key: String?

    func run() throws {
        try reportingErrors {
            let value = try readCheckpoint(input, key: key)
            let tensors = StateDict(value.tensors.map { ($0.path, $0.tensor) })
            let url = URL(fileURLWithPath: output)
            switch url.pathExtension {
            case "safetensors": try Safetensors.write(Safetensors.File(tensors: tensors), to: url)
            case "npz": try NumPyArray.writeArchive(tensors, to: url)
            case "pt", "pth": try TorchCheckpoint.write(tensors, to: url)
            default: throw ValidationError("the output must end in .safetensors, .npz, .pt or .pth")
            }
            print("\(output): \(tensors.count) tensors")
        }
    }
}
