import ArgumentParser
import Foundation
import Recurrent
import RecurrentFormats

/// `conform forward --checkpoint FILE --input x.npy --output out.npy ...`: runs the RNN inside a checkpoint.
struct ForwardCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "forward",
        abstract: "Runs the RNN inside a checkpoint on an array and writes the results as .npy files.")

    @Option(help: "A torch.save or safetensors file holding the RNN's parameters.")
    var checkpoint: String

    @Option(help: "The sub-dictionary that holds the state dict, such as 'model'.")
    var key: String?

    @Option(help: "The RNN's key prefix inside the state dict, such as 'encoder.rnn.'.")
    var prefix = ""

    @Option(help: "What the model was trained with.")
    var nonlinearity: Nonlinearity = .tanh

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

    @Option(help: "What to compute in (default: the checkpoint's dtype).")
    var dtype: ComputeDType?

    func run() throws {
        try reportingErrors {
            let value = try readCheckpoint(checkpoint, key: key)
            guard let stateDict = value.stateDict else {
                throw FormatError("\(checkpoint)\(key.map { " ['\($0)']" } ?? ""): no state dict (a dictionary of tensors); use --key")
            }
            let stored = stateDict.scoped(to: prefix)["weight_ih_l0"]?.dtype
            switch dtype?.rawValue ?? stored?.rawValue ?? "float32" {
            case "float32": try run(Float.self, stateDict)
            case "float64": try run(Double.self, stateDict)
            case let other: throw ValidationError("--dtype must be float32 or float64, not \(other)")
            }
        }
    }

    private func run<Scalar: RecurrentScalar>(_: Scalar.Type, _ stateDict: StateDict) throws {
        var rnn = try RNN<Scalar>(
            stateDict: stateDict, prefix: prefix, nonlinearity: nonlinearity,
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
