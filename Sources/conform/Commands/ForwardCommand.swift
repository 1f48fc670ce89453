import ArgumentParser
import Foundation
import Recurrent
import RecurrentFormats

/// `conform forward --checkpoint FILE --input x.npy --output out.npy ...`: runs the nn.RNN, nn.LSTM
/// or nn.GRU inside a checkpoint.
struct ForwardCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "forward",
        abstract: "Runs the RNN, LSTM or GRU inside a checkpoint on an array and writes the results as .npy files.",
        discussion: """
            Prints the model and the settings it ran with, each with where it came from: an option, the \
            file's metadata (safetensors written by 'conform convert'), the parameters' shapes (the \
            module: weight_hh_l0 has 1, 3 or 4 gate blocks for an RNN, a GRU or an LSTM), or the \
            default. Arrays of another dtype than the model's are refused with PyTorch's message \
            unless --convert-inputs is given.
            """)

    @Option(help: "A torch.save, safetensors or .npz file holding the module's parameters.")
    var checkpoint: String

    @OptionGroup var selection: CheckpointKeyOptions

    @Option(help: "The module's key prefix inside the state dict, such as 'encoder.rnn.' (with its final dot).")
    var prefix = ""

    @Option(help: "The module: nn.RNN, nn.LSTM or nn.GRU (default: the file's metadata, else what the parameters' shapes say).")
    var module: ModuleChoice?

    @OptionGroup var settings: RNNSettingOptions

    @Option(help: "The input array (.npy): (L, N, H_in), (N, L, H_in) with --batch-first, or unbatched (L, H_in).")
    var input: String

    @Option(help: "The initial state (.npy), (D * num_layers, N, H_out); an LSTM takes it with --c0.")
    var h0: String?

    @Option(help: "An LSTM's initial cell state (.npy), (D * num_layers, N, hidden_size); with --h0.")
    var c0: String?

    @Option(help: "Sequence lengths, comma-separated, one per sequence: run the batch as packed sequences; the output is written padded.")
    var lengths: String?

    @Option(help: "Where to write the output (.npy).")
    var output: String

    @Option(help: "Where to write h_n (.npy).")
    var hn: String?

    @Option(help: "Where to write an LSTM's c_n (.npy).")
    var cn: String?

    @Option(help: "What to compute in (default: the checkpoint's dtype); the parameters are converted to it.")
    var dtype: ComputeDType?

    @Flag(help: "Convert the input, h0 and c0 arrays to the model's dtype (as input.to(dtype)) instead of refusing another dtype.")
    var convertInputs = false

    @Option(help: ArgumentHelp(
        "The gradient of a loss with respect to the output (.npy, the output's shape): also run the backward pass.",
        valueName: "file"))
    var gradOutput: String?

    @Option(help: ArgumentHelp("The gradient of the loss with respect to h_n (.npy, h_n's shape).", valueName: "file"))
    var gradHn: String?

    @Option(help: ArgumentHelp("The gradient of the loss with respect to an LSTM's c_n (.npy, c_n's shape).", valueName: "file"))
    var gradCn: String?

    @Option(help: ArgumentHelp(
        "Where to write the gradients (.npz): 'input', 'h0' (with --h0), 'c0' (with --c0) and each parameter under its name in the checkpoint.",
        valueName: "file"))
    var gradsOut: String?

    func validate() throws {
        if (gradOutput != nil || gradHn != nil || gradCn != nil) != (gradsOut != nil) {
            throw ValidationError("--grads-out names where the gradients go, and needs --grad-output, --grad-hn or --grad-cn (and they need it)")
        }
    }

    func run() throws {
        try reportingErrors {
            for path in [output, hn, cn].compactMap({ $0 }) { try FileError.checkFolder(of: URL(fileURLWithPath: path)) }
            let selection = try CheckpointSelection(path: checkpoint, key: selection.key)
            let stateDict = try selection.stateDict()
            let resolved = try ResolvedSettings(
                given: settings.settings, module: module?.kind, file: selection.file, stateDict: stateDict, prefix: prefix)
            try checkOptions(for: resolved.module)
            switch try computeDType(stateDict) {
            case .float32: try run(Float.self, stateDict, selection, resolved)
            case .float64: try run(Double.self, stateDict, selection, resolved)
            }
        }
    }

    /// Refuses the options the module has no use for, and an LSTM's state without its other half.
    private func checkOptions(for module: ResolvedSettings.Setting<RecognizedModule.Kind>) throws {
        let name = module.value.rawValue
        if module.value != .lstm {
            let cellOptions = [("--c0", c0), ("--cn", cn), ("--grad-cn", gradCn)].filter { $0.1 != nil }.map(\.0)
            if let option = cellOptions.first {
                throw ValidationError(
                    "\(option) is an LSTM's cell state, and the module is an nn.\(name) (\(module.source)), which has none: "
                        + "leave out \(cellOptions.joined(separator: " and ")), or use --module lstm for an LSTM")
            }
        }
        if module.value != .rnn, let nonlinearity = settings.nonlinearity {
            throw ValidationError(
                "--nonlinearity \(nonlinearity.rawValue) is nn.RNN's, and the module is an nn.\(name) (\(module.source)), whose gates "
                    + "have their own nonlinearities: leave out --nonlinearity, or use --module rnn for an RNN")
        }
        if module.value == .lstm, (h0 == nil) != (c0 == nil) {
            throw ValidationError(
                "an LSTM takes its initial state as (h0, c0), both or neither: give --\(h0 == nil ? "h0" : "c0") too, "
                    + "or leave out --\(h0 == nil ? "c0" : "h0") to start from zeros")
        }
    }

    /// `--dtype`, else the parameters' dtype when the module can compute in it.
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
        let model: ForwardModel<Scalar>
        do {
            model = try ForwardModel<Scalar>(
                kind: settings.module.value, stateDict: stateDict, prefix: prefix, nonlinearity: settings.nonlinearity.value,
                batchFirst: settings.batchFirst.value, convertingDType: dtype != nil)
        } catch {
            guard stateDict.scoped(to: prefix)["weight_ih_l0"] == nil else { throw error }
            if let suggested = stateDict.suggestedPrefix(for: prefix, kind: settings.module.value) {
                throw ValidationError("\(error)\nuse --prefix \(suggested)")
            }
            // The module asked for is nowhere in the state dict, and another is.
            guard let other = stateDict.recognizedModules.first(where: { !$0.kind.isCell }) else { throw error }
            let module = "--module \(other.kind.rawValue.lowercased())"
            throw ValidationError("\(error)\nuse " + (other.prefix.isEmpty ? "\(module) without --prefix" : "--prefix \(other.prefix) \(module)"))
        }
        let stored = stateDict.scoped(to: prefix)["weight_ih_l0"]?.dtype ?? Scalar.dtype
        print("model:   \(model) from \(selection.label)\(prefix.isEmpty ? "" : ", --prefix \(prefix)")")
        print("         module \(settings.module.value.rawValue) (\(settings.module.source))")
        if settings.module.value == .rnn {
            print("         nonlinearity \(settings.nonlinearity.value.rawValue) (\(settings.nonlinearity.source))")
        }
        print("         batch_first \(settings.batchFirst.value ? "True" : "False") (\(settings.batchFirst.source))")
        print("         dtype \(Scalar.dtype.rawValue) (\(dtype == nil ? "the checkpoint's" : stored == Scalar.dtype ? "--dtype" : "--dtype; the checkpoint's \(stored.rawValue) converted"))")

        var x = try NumPyArray.read(contentsOf: URL(fileURLWithPath: input))
        var states = try [("h0", h0), ("c0", c0)].compactMap { name, path in
            try path.map { (name: name, path: $0, array: try NumPyArray.read(contentsOf: URL(fileURLWithPath: $0))) }
        }
        func converted(_ array: AnyTensor) -> String {
            guard convertInputs, array.dtype != Scalar.dtype else { return "" }
            return " converted to \(Scalar.dtype.rawValue) (--convert-inputs)"
        }
        print("input:   \(input) \(x.dtype.rawValue) \(x.shape)\(converted(x))"
            + states.map { ", \($0.name) \($0.path) \($0.array.dtype.rawValue) \($0.array.shape)\(converted($0.array))" }.joined())
        if convertInputs {
            x = Scalar.erase(x.converted(to: Scalar.self))
            states = states.map { ($0.name, $0.path, Scalar.erase($0.array.converted(to: Scalar.self))) }
        }
        let initialH = states.first { $0.name == "h0" }
        let initialC = states.first { $0.name == "c0" }
        do {
            try model.checkDTypes(input: x.dtype, h0: initialH?.array.dtype, c0: initialC?.array.dtype)
        } catch {
            let (name, array) = x.dtype != Scalar.dtype ? (input, x) : states.first { $0.array.dtype != Scalar.dtype }.map { ($0.path, $0.array) } ?? (input, x)
            let computable = ComputeDType(rawValue: array.dtype.rawValue).map { ", or --dtype \($0.rawValue) to compute in \($0.rawValue)" }
            throw ValidationError(
                "\(error)\n\(name) holds \(array.dtype.rawValue) values and the model computes in \(Scalar.dtype.rawValue): "
                    + "use --convert-inputs to convert the arrays (as input.to(\(Scalar.dtype.torchName)))\(computable ?? "")")
        }
        let typedInput = x.converted(to: Scalar.self)
        let typedH0 = initialH.map { $0.array.converted(to: Scalar.self) }
        let typedC0 = initialC.map { $0.array.converted(to: Scalar.self) }

        if gradsOut != nil {
            try runBackward(model, typedInput, typedH0, typedC0)
            return
        }
        if let lengths {
            let values = try parseLengths(lengths)
            try checkLengthCount(values, typedInput, batchFirst: model.batchFirst)
            let packed = try packPaddedSequence(typedInput, lengths: values, batchFirst: model.batchFirst, enforceSorted: false)
            print("packed:  lengths \(values) (pack_padded_sequence(..., enforce_sorted=False)); the output is written padded")
            let results = try model(packed, h0: typedH0, c0: typedC0)
            try write(try padPackedSequence(results.output, batchFirst: model.batchFirst).padded, results.hN, results.cN)
        } else {
            let results = try model(typedInput, h0: typedH0, c0: typedC0)
            try write(results.output, results.hN, results.cN)
        }
    }

    /// The forward pass kept for the backward pass, then the backward pass for the given gradients;
    /// writes the results, then the gradients as an `.npz`.
    private func runBackward<Scalar: RecurrentScalar>(
        _ model: ForwardModel<Scalar>, _ input: Tensor<Scalar>, _ h0: Tensor<Scalar>?, _ c0: Tensor<Scalar>?
    ) throws {
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
        let cNGradient = try cotangent(gradCn)
        let gradients: ForwardModel<Scalar>.Gradients
        let inputGradient: Tensor<Scalar>
        if let lengths {
            let values = try parseLengths(lengths)
            try checkLengthCount(values, input, batchFirst: model.batchFirst)
            let packed = try packPaddedSequence(input, lengths: values, batchFirst: model.batchFirst, enforceSorted: false)
            let (results, backward) = try model.tracedForward(packed, h0: h0, c0: c0)
            try write(try padPackedSequence(results.output, batchFirst: model.batchFirst).padded, results.hN, results.cN)
            // The output is written padded: its gradient reaches the packed data through the packing,
            // and the packed data's gradient reaches the padded input (zero past each length).
            let dataGradient = try outputGradient.map { gradient in
                try packPaddedSequence(gradient, lengths: values, batchFirst: model.batchFirst, enforceSorted: false).data
            }
            gradients = try backward(dataGradient, hNGradient, cNGradient)
            let steps = input.shape[model.batchFirst && input.rank == 3 ? 1 : 0]
            let packedGradient = try PackedSequence(data: gradients.input, batchSizes: packed.batchSizes, sortedIndices: packed.sortedIndices)
            inputGradient = try padPackedSequence(packedGradient, batchFirst: model.batchFirst, totalLength: steps).padded
        } else {
            let (results, backward) = try model.tracedForward(input, h0: h0, c0: c0)
            try write(results.output, results.hN, results.cN)
            gradients = try backward(outputGradient, hNGradient, cNGradient)
            inputGradient = gradients.input
        }
        var stateDict = StateDict()
        stateDict["input"] = Scalar.erase(inputGradient)
        if h0 != nil { stateDict["h0"] = Scalar.erase(gradients.h0) }
        if c0 != nil, let c0Gradient = gradients.c0 { stateDict["c0"] = Scalar.erase(c0Gradient) }
        for (name, gradient) in gradients.parameters.prefixed(prefix) { stateDict[name] = Scalar.erase(gradient) }
        guard let gradsOut else { return }
        try NumPyArray.writeArchive(stateDict, to: URL(fileURLWithPath: gradsOut))
        let states = (h0 == nil ? "" : ", h0") + (c0 == nil ? "" : ", c0")
        print("grads:   \(gradsOut): input\(states) and \(gradients.parameters.count) parameters")
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

    private func write<Scalar: RecurrentScalar>(_ result: Tensor<Scalar>, _ hN: Tensor<Scalar>, _ cN: Tensor<Scalar>?) throws {
        try NumPyArray.write(Scalar.erase(result), to: URL(fileURLWithPath: output))
        if let hn { try NumPyArray.write(Scalar.erase(hN), to: URL(fileURLWithPath: hn)) }
        if let cn, let cN { try NumPyArray.write(Scalar.erase(cN), to: URL(fileURLWithPath: cn)) }
        print("output:  \(output) \(result.shape)" + (hn.map { ", h_n \($0) \(hN.shape)" } ?? "")
            + (cn.flatMap { path in cN.map { ", c_n \(path) \($0.shape)" } } ?? ""))
    }
}
