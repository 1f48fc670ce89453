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
        FileHandle.standardError.write(Data("error: \(error)\n".utf8))
        throw ExitCode(1)
    }
}

/// The contents of a checkpoint file, or of its sub-dictionary `key` when one is given.
func readCheckpoint(_ path: String, key: String?) throws -> CheckpointValue {
    let value = try CheckpointFile.read(contentsOf: URL(fileURLWithPath: path)).value
    guard let key else { return value }
    guard let inner = value[key] else { throw FormatError("\(path) has no key '\(key)'") }
    return inner
}

/// `conform inspect FILE`: every tensor in a checkpoint.
struct Inspect: ParsableCommand {
    static let configuration = CommandConfiguration(
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

/// `conform convert IN OUT`: between torch.save, safetensors and .npz.
struct Convert: ParsableCommand {
    static let configuration = CommandConfiguration(
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

/// `conform forward --checkpoint FILE --input x.npy --output out.npy ...`: runs the RNN inside a checkpoint.
struct Forward: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Runs the RNN inside a checkpoint on an array and writes the results as .npy files.")

    @Option(help: "A torch.save or safetensors file holding the RNN's parameters.")
    var checkpoint: String

    @Option(help: "The sub-dictionary that holds the state dict, such as 'model'.")
    var key: String?

    @Option(help: "The RNN's key prefix inside the state dict, such as 'encoder.rnn.'.")
    var prefix = ""

    @Option(help: "tanh or relu: what the model was trained with.")
    var nonlinearity = "tanh"

    @Flag(help: "The input (and output) is (N, L, H_in), not (L, N, H_in).")
    var batchFirst = false

    @Option(help: "The input array (.npy): (L, N, H_in), (N, L, H_in) with --batch-first, or unbatched (L, H_in).")
    var input: String

    @Option(help: "The initial state (.npy), (D * num_layers, N, H).")
    var h0: String?

    @Option(help: "Sequence lengths, comma-separated: run the batch as packed sequences; the output is written padded.")
    var lengths: String?

    @Option(help: "Where to write the output (.npy).")
    var output: String

    @Option(help: "Where to write h_n (.npy).")
    var hn: String?

    @Option(help: "float32 or float64: what to compute in (default: the checkpoint's dtype).")
    var dtype: String?

    func run() throws {
        try reportingErrors {
            let value = try readCheckpoint(checkpoint, key: key)
            guard let stateDict = value.stateDict else {
                throw FormatError("\(checkpoint)\(key.map { " ['\($0)']" } ?? ""): no state dict (a dictionary of tensors); use --key")
            }
            let stored = stateDict.scoped(to: prefix)["weight_ih_l0"]?.dtype
            switch dtype ?? stored?.rawValue ?? "float32" {
            case "float32": try run(Float.self, stateDict)
            case "float64": try run(Double.self, stateDict)
            case let other: throw ValidationError("--dtype must be float32 or float64, not \(other)")
            }
        }
    }

    private func run<Scalar: RecurrentScalar>(_: Scalar.Type, _ stateDict: StateDict) throws {
        var rnn = try RNN<Scalar>(
            stateDict: stateDict, prefix: prefix, nonlinearity: try Nonlinearity(pytorchName: nonlinearity),
            batchFirst: batchFirst, convertingDType: dtype != nil)
        rnn.training = false
        let x: Tensor<Scalar> = try array(input)
        let initial: Tensor<Scalar>? = try h0.map { try array($0) }
        if let lengths {
            let values = try lengths.split(separator: ",").map { part in
                guard let value = Int(part.trimmingCharacters(in: .whitespaces)) else {
                    throw ValidationError("--lengths must be comma-separated integers, got '\(lengths)'")
                }
                return value
            }
            let packed = try packPaddedSequence(x, lengths: values, batchFirst: batchFirst, enforceSorted: false)
            let (result, hN) = try rnn(packed, h0: initial)
            try write(try padPackedSequence(result, batchFirst: batchFirst).padded, hN)
        } else {
            let (result, hN) = try rnn(x, h0: initial)
            try write(result, hN)
        }
    }

    /// A floating-point array converted to the compute dtype (as `input.to(dtype)` would be).
    private func array<Scalar: RecurrentScalar>(_ path: String) throws -> Tensor<Scalar> {
        let tensor = try NumPyArray.read(contentsOf: URL(fileURLWithPath: path))
        guard tensor.dtype.isFloatingPoint else {
            throw FormatError("\(path) holds \(tensor.dtype.rawValue) values; the RNN takes float32 or float64")
        }
        return tensor.converted(to: Scalar.self)
    }

    private func write<Scalar: RecurrentScalar>(_ result: Tensor<Scalar>, _ hN: Tensor<Scalar>) throws {
        try NumPyArray.write(Scalar.erase(result), to: URL(fileURLWithPath: output))
        if let hn { try NumPyArray.write(Scalar.erase(hN), to: URL(fileURLWithPath: hn)) }
        print("\(output): \(result.shape)" + (hn.map { ", \($0): \(hN.shape)" } ?? ""))
    }
}
