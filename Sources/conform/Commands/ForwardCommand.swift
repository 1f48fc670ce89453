import ArgumentParser
import Foundation
import Recurrent
import RecurrentFormats

/// `conform forward --checkpoint FILE --input x.npy --output out.npy ...`: runs the RNN inside a checkpoint.
struct ForwardCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "forward",
        abstract: "Runs the RNN inside a checkpoint on an array and writes the results as .npy files.",
        discussion: """
            Prints the model and the settings it ran with, each with where it came from: an option, the \
            file's metadata (safetensors written by 'conform convert --nonlinearity ... --batch-first'), \
            or the default. Arrays of another dtype than the model's are refused with PyTorch's message \
            unless --convert-inputs is given.
            """)

    @Option(help: "A torch.save, safetensors or .npz file holding the RNN's parameters.")
    var checkpoint: String

    @OptionGroup var selection: CheckpointKeyOptions

    @Option(help: "The RNN's key prefix inside the state dict, such as 'encoder.rnn.' (with its final dot).")
    var prefix = ""

    @OptionGroup var settings: RNNSettingOptions

    @Option(help: "The input array (.npy): (L, N, H_in), (N, L, H_in) with --batch-first, or unbatched (L, H_in).")
    var input: String

    @Option(help: "The initial state (.npy), (D * num_layers, N, H).")
    var h0: String?

    @Option(help: "Sequence lengths, comma-separated, one per sequence: run the batch as packed sequences; the output is written padded.")
    var lengths: String?

    @Option(help: "Where to write the output (.npy).")
    var output: String

    @Option(help: "Where to write h_n (.npy).")
    var hn: String?

    @Option(help: "What to compute in (default: the checkpoint's dtype); the parameters are converted to it.")
    var dtype: ComputeDType?

    @Flag(help: "Convert the input and h0 arrays to the model's dtype (as input.to(dtype)) instead of refusing another dtype.")
    var convertInputs = false

    @Option(help: ArgumentHelp(
        "The gradient of a loss with respect to the output (.npy, the output's shape): also run the backward pass.",
        valueName: "file"))
    var gradOutput: String?

    @Option(help: ArgumentHelp("The gradient of the loss with respect to h_n (.npy, h_n's shape).", valueName: "file"))
    var gradHn: String?

    @Option(help: ArgumentHelp(
        "Where to write the gradients (.npz): 'input', 'h0' (with --h0) and each parameter under its name in the checkpoint.",
        valueName: "file"))
    var gradsOut: String?

    func validate() throws {
        if (gradOutput != nil || gradHn != nil) != (gradsOut != nil) {
            throw ValidationError("--grads-out names where the gradients go, and needs --grad-output or --grad-hn (and they need it)")
        }
    }

    func run() throws {
        try reportingErrors {
            for path in [output] + (hn.map { [$0] } ?? []) { try FileError.checkFolder(of: URL(fileURLWithPath: path)) }
            let selection = try CheckpointSelection(path: checkpoint, key: selection.key)
            let stateDict = try selection.stateDict()
            let resolved = try ResolvedSettings(given: settings.settings, file: selection.file)
            switch try computeDType(stateDict) {
            case .float32: try run(Float.self, stateDict, selection, resolved)
            case .float64: try run(Double.self, stateDict, selection, resolved)
            }
        }
    }

    /// `--dtype`, else the parameters' dtype when the RNN can compute in it.
    private func computeDType(_ stateDict: StateDict) throws -> ComputeDType {
        if let dtype { return dtype }
        // Without parameters under the prefix, the model's constructor names the prefix that has them.
        guard let stored = stateDict.scoped(to: prefix)["weight_ih_l0"]?.dtype else { return .float32 }
        if let dtype = ComputeDType(rawValue: stored.rawValue) { return dtype }
        throw ValidationError(
            "\(checkpoint) holds \(stored.rawValue) parameters; Recurrent computes in float32 and float64 only "
                + "(no float16, bfloat16 or integer arithmetic)\nuse --dtype float32 (or --dtype float64) to convert them"
                + (stored.isFloatingPoint ? ", which widens every \(stored.rawValue) value exactly" : ""))
    }

    private func run<Scalar: RecurrentScalar>(
        _: Scalar.Type, _ stateDict: StateDict, _ selection: CheckpointSelection, _ settings: ResolvedSettings
    ) throws {
        var rnn: RNN<Scalar>
        do {
            rnn = try RNN<Scalar>(
                stateDict: stateDict, prefix: prefix, nonlinearity: settings.nonlinearity.value,
                batchFirst: settings.batchFirst.value, convertingDType: dtype != nil)
        } catch {
            guard stateDict.scoped(to: prefix)["weight_ih_l0"] == nil, let suggested = stateDict.suggestedPrefix(for: prefix) else {
                throw error
            }
            throw ValidationError("\(error)\nuse --prefix \(suggested)")
        }
        rnn.training = false
        let stored = stateDict.scoped(to: prefix)["weight_ih_l0"]?.dtype ?? Scalar.dtype
        print("model:   \(rnn) from \(selection.label)\(prefix.isEmpty ? "" : ", --prefix \(prefix)")")
        print("         nonlinearity \(settings.nonlinearity.value.rawValue) (\(settings.nonlinearity.source))")
        print("         batch_first \(settings.batchFirst.value ? "True" : "False") (\(settings.batchFirst.source))")
        print("         dtype \(Scalar.dtype.rawValue) (\(dtype == nil ? "the checkpoint's" : stored == Scalar.dtype ? "--dtype" : "--dtype; the checkpoint's \(stored.rawValue) converted"))")

        var x = try NumPyArray.read(contentsOf: URL(fileURLWithPath: input))
        var initial = try h0.map { try NumPyArray.read(contentsOf: URL(fileURLWithPath: $0)) }
        func converted(_ array: AnyTensor?) -> String {
            guard let array, convertInputs, array.dtype != Scalar.dtype else { return "" }
            return " converted to \(Scalar.dtype.rawValue) (--convert-inputs)"
        }
        print("input:   \(input) \(x.dtype.rawValue) \(x.shape)\(converted(x))"
            + (h0.map { ", h0 \($0) \(initial?.dtype.rawValue ?? "") \(initial?.shape ?? [])\(converted(initial))" } ?? ""))
        if convertInputs {
            x = Scalar.erase(x.converted(to: Scalar.self))
            initial = initial.map { Scalar.erase($0.converted(to: Scalar.self)) }
        }
        do {
            try rnn.checkDTypes(input: x.dtype, h0: initial?.dtype)
        } catch {
            let (name, array) = x.dtype != Scalar.dtype ? (input, x) : (h0 ?? "h0", initial ?? x)
            let computable = ComputeDType(rawValue: array.dtype.rawValue).map { ", or --dtype \($0.rawValue) to compute in \($0.rawValue)" }
            throw ValidationError(
                "\(error)\n\(name) holds \(array.dtype.rawValue) values and the model computes in \(Scalar.dtype.rawValue): "
                    + "use --convert-inputs to convert the arrays (as input.to(\(Scalar.dtype.torchName)))\(computable ?? "")")
        }
        let typedInput = x.converted(to: Scalar.self)
        let typedH0 = initial.map { $0.converted(to: Scalar.self) }

        if gradsOut != nil {
            try runBackward(rnn, typedInput, typedH0)
            return
        }
        if let lengths {
            let values = try parseLengths(lengths)
            try checkLengthCount(values, typedInput, batchFirst: rnn.batchFirst)
            let packed = try packPaddedSequence(typedInput, lengths: values, batchFirst: rnn.batchFirst, enforceSorted: false)
            print("packed:  lengths \(values) (pack_padded_sequence(..., enforce_sorted=False)); the output is written padded")
            let (result, hN) = try rnn(packed, h0: typedH0)
            try write(try padPackedSequence(result, batchFirst: rnn.batchFirst).padded, hN)
        } else {
            let (result, hN) = try rnn(typedInput, h0: typedH0)
            try write(result, hN)
        }
    }

    /// The forward pass kept for the backward pass, then the backward pass for the given gradients;
    /// writes the results, then the gradients as an `.npz`.
    private func runBackward<Scalar: RecurrentScalar>(_ rnn: RNN<Scalar>, _ input: Tensor<Scalar>, _ h0: Tensor<Scalar>?) throws {
        func cotangent(_ path: String?) throws -> Tensor<Scalar>? {
            try path.map { path in
                let array = try NumPyArray.read(contentsOf: URL(fileURLWithPath: path))
                guard let typed = array.tensor(of: Scalar.self) else {
                    throw ValidationError("\(path) holds \(array.dtype.rawValue) values; the model computes in \(Scalar.dtype.rawValue)")
                }
                return typed
            }
        }
        let outputGradient = try cotangent(gradOutput)
        let hNGradient = try cotangent(gradHn)
        let gradients: RNN<Scalar>.Gradients
        let inputGradient: Tensor<Scalar>
        if let lengths {
            let values = try parseLengths(lengths)
            try checkLengthCount(values, input, batchFirst: rnn.batchFirst)
            let packed = try packPaddedSequence(input, lengths: values, batchFirst: rnn.batchFirst, enforceSorted: false)
            var generator = TorchGenerator(seed: 0)  // eval mode: no dropout draws from it
            let (result, hN, trace) = try rnn.tracedForward(packed, h0: h0, generator: &generator)
            try write(try padPackedSequence(result, batchFirst: rnn.batchFirst).padded, hN)
            // The output is written padded: its gradient reaches the packed data through the packing,
            // and the packed data's gradient reaches the padded input (zero past each length).
            let dataGradient = try outputGradient.map { gradient in
                try packPaddedSequence(gradient, lengths: values, batchFirst: rnn.batchFirst, enforceSorted: false).data
            }
            gradients = try trace.backward(outputGradient: dataGradient, hNGradient: hNGradient)
            let steps = input.shape[rnn.batchFirst && input.rank == 3 ? 1 : 0]
            let packedGradient = try PackedSequence(data: gradients.input, batchSizes: packed.batchSizes, sortedIndices: packed.sortedIndices)
            inputGradient = try padPackedSequence(packedGradient, batchFirst: rnn.batchFirst, totalLength: steps).padded
        } else {
            let (result, hN, trace) = try rnn.tracedForward(input, h0: h0)
            try write(result, hN)
            gradients = try trace.backward(outputGradient: outputGradient, hNGradient: hNGradient)
            inputGradient = gradients.input
        }
        var stateDict = StateDict()
        stateDict["input"] = Scalar.erase(inputGradient)
        if h0 != nil { stateDict["h0"] = Scalar.erase(gradients.h0) }
        for (name, gradient) in gradients.parameters.prefixed(prefix) { stateDict[name] = Scalar.erase(gradient) }
        guard let gradsOut else { return }
        try NumPyArray.writeArchive(stateDict, to: URL(fileURLWithPath: gradsOut))
        print("grads:   \(gradsOut): input\(h0 == nil ? "" : ", h0") and \(gradients.parameters.count) parameters")
    }

    /// pack_padded_sequence(..., enforce_sorted=False) packs only the sequences the lengths name and
    /// drops the rest without a word; here a count that is not the batch size is refused.
    private func checkLengthCount<Scalar>(_ values: [Int], _ typedInput: Tensor<Scalar>, batchFirst: Bool) throws {
        let batchDimension = batchFirst ? 0 : 1
        let batch = typedInput.rank == 3 ? typedInput.shape[batchDimension] : values.count
        if values.count != batch {
            throw ValidationError(
                "--lengths gives \(values.count) lengths for a batch of \(batch) sequences (\(input) is \(typedInput.shape), "
                    + "batch dimension \(batchDimension)): give one length per sequence"
                    + (values.count < batch ? "; PyTorch would pack only the sequences the lengths name and drop the rest" : ""))
        }
    }

    private func parseLengths(_ text: String) throws -> [Int] {
        try text.split(separator: ",").map { part in
            guard let value = Int(part.trimmingCharacters(in: .whitespaces)) else {
                throw ValidationError("--lengths must be comma-separated integers, got '\(text)'")
            }
            return value
        }
    }

    private func write<Scalar: RecurrentScalar>(_ result: Tensor<Scalar>, _ hN: Tensor<Scalar>) throws {
        try NumPyArray.write(Scalar.erase(result), to: URL(fileURLWithPath: output))
        if let hn { try NumPyArray.write(Scalar.erase(hN), to: URL(fileURLWithPath: hn)) }
        print("output:  \(output) \(result.shape)" + (hn.map { ", h_n \($0) \(hN.shape)" } ?? ""))
    }
}

/// The nonlinearity and `batch_first` a run uses, each with where it came from: the command line,
/// the file's metadata, or the default.
struct ResolvedSettings {
    struct Setting<Value> {
        var value: Value
        var source: String
    }

    var nonlinearity: Setting<Nonlinearity>
    var batchFirst: Setting<Bool>

    init(given: RNNSettings, file: CheckpointFile) throws {
        let recorded = try RNNSettings(metadata: file.metadata)
        nonlinearity = Self.resolve(
            given.nonlinearity, recorded.nonlinearity, default: .tanh, option: "--nonlinearity",
            hint: "a state dict does not record it; --nonlinearity relu for a model trained with relu")
        batchFirst = Self.resolve(
            given.batchFirst, recorded.batchFirst, default: false, option: "--batch-first",
            hint: "a state dict does not record it; --batch-first for (N, L, H_in) arrays")
    }

    private static func resolve<Value: Equatable>(
        _ given: Value?, _ recorded: Value?, default defaultValue: Value, option: String, hint: String
    ) -> Setting<Value> {
        if let given {
            let overridden = recorded.map { $0 == given ? "" : "; the file's metadata says \($0)" } ?? ""
            return Setting(value: given, source: option + overridden)
        }
        if let recorded { return Setting(value: recorded, source: "the file's metadata") }
        return Setting(value: defaultValue, source: "the default: \(hint)")
    }
}
