import ArgumentParser
import Foundation
import Recurrent
import RecurrentFormats

/// `conform inspect FILE`: every tensor in a checkpoint.
struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Lists every tensor in a torch.save, safetensors, .npz or .npy file.",
        discussion: "Each row gives the tensor's path (nested keys joined by '/'), dtype, shape and bytes.")

    @Argument(help: "The file.")
    var file: String

    func run() throws {
        try reportingErrors {
            let checkpoint = try CheckpointFile.read(contentsOf: URL(fileURLWithPath: file))
            let tensors = checkpoint.value.tensors
            let width = max(4, tensors.map(\.path.count).max() ?? 0)
            print("\(file): \(checkpoint.format), \(tensors.count) tensors")
            print("name".padding(toLength: width, withPad: " ", startingAt: 0) + "  dtype     shape                 bytes")
            var total = 0
            for (path, tensor) in tensors {
                let bytes = tensor.count * tensor.dtype.byteCount
                total += bytes
                let shape = "[" + tensor.shape.map(String.init).joined(separator: ", ") + "]"
                print(
                    (path.isEmpty ? "(root)" : path).padding(toLength: width, withPad: " ", startingAt: 0) + "  "
                        + tensor.dtype.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0) + "  "
                        + shape.padding(toLength: 20, withPad: " ", startingAt: 0) + "  \(bytes)")
            }
            print("total: \(total) bytes")
        }
    }
}
