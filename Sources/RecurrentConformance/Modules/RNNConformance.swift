import Recurrent
import RecurrentFormats

/// `torch.nn.RNN`: a padded or unbatched input (`input`, optionally `h0`) compared on `output` and
/// `h_n`, or a packed one (`input_kind=packed`: `input` with `lengths`, or `packed.*`) compared on
/// the packing, the packed output, the output padded again and `h_n`.
public struct RNNConformance: ModuleConformance {
    /// `RNN`.
    public static let module = "RNN"

    /// `nn.RNN`'s keyword arguments as the generator passed them; an absent one takes PyTorch's
    /// default, which this is the runner's one place for.
    struct Arguments: Decodable {
        var inputSize: Int
        var hiddenSize: Int
        var numLayers = 1
        var nonlinearity = "tanh"
        var bias = true
        var batchFirst = false
        var dropout = 0.0
        var bidirectional = false

        enum CodingKeys: String, CodingKey {
            case inputSize = "input_size", hiddenSize = "hidden_size", numLayers = "num_layers"
            case nonlinearity, bias, batchFirst = "batch_first", dropout, bidirectional
        }

        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            inputSize = try c.decode(Int.self, forKey: .inputSize)
            hiddenSize = try c.decode(Int.self, forKey: .hiddenSize)
            numLayers = try c.decodeIfPresent(Int.self, forKey: .numLayers) ?? numLayers
            nonlinearity = try c.decodeIfPresent(String.self, forKey: .nonlinearity) ?? nonlinearity
            bias = try c.decodeIfPresent(Bool.self, forKey: .bias) ?? bias
            batchFirst = try c.decodeIfPresent(Bool.self, forKey: .batchFirst) ?? batchFirst
            dropout = try c.decodeIfPresent(Double.self, forKey: .dropout) ?? dropout
            bidirectional = try c.decodeIfPresent(Bool.self, forKey: .bidirectional) ?? bidirectional
        }

        /// `nn.RNN`'s `repr` of these arguments.
        var repr: String {
            var parts = ["\(inputSize)", "\(hiddenSize)"]
            if numLayers != 1 { parts.append("num_layers=\(numLayers)") }
            if nonlinearity != "tanh" { parts.append("nonlinearity=\(nonlinearity)") }
            if !bias { parts.append("bias=False") }
            if batchFirst { parts.append("batch_first=True") }
            if dropout != 0 || dropout.isNaN { parts.append("dropout=\(dropout)") }
            if bidirectional { parts.append("bidirectional=True") }
            return "RNN(\(parts.joined(separator: ", ")))"
        }
    }

    let fixture: Fixture
    let arguments: Arguments
    /// Whether the input is a packed sequence (`input_kind=packed`).
    let isPacked: Bool
    /// Whether the case records gradients (`gradients=true`).
    let hasGradients: Bool

    /// Reads the case's `config` and input kind.
    public init(_ fixture: Fixture) throws(FormatError) {
        let arguments = try fixture.requiredJSON("config", as: Arguments.self)
        self.fixture = fixture
        self.arguments = arguments
        isPacked = fixture.metadata["input_kind"] == "packed"
        hasGradients = fixture.recordsGradients
        let directions = arguments.bidirectional ? 2 : 1
        let widest = max(arguments.inputSize, directions * arguments.hiddenSize)
        let steps = fixture.tensors["input"]?.count ?? fixture.tensors["packed.data"]?.count ?? 0
        try FixtureLimits.checkWork(
            elementCount(arguments.numLayers, directions, arguments.hiddenSize, widest + arguments.hiddenSize + 2),
            of: "the module's parameters", in: fixture)
        try FixtureLimits.checkWork(
            elementCount(max(steps, 1), directions, arguments.hiddenSize, arguments.numLayers),
            of: "the output", in: fixture)
    }

    /// `RNN(3, 4, num_layers=2) float32 in(5, 2, 3) h0(2, 2, 4)`.
    public var summary: String {
        var text = "\(arguments.repr) \(fixture.dtype.rawValue)"
        if let input = fixture.tensors["input"] { text += " in\(formatTuple(input.shape))" }
        if isPacked, let lengths = fixture.tensors["lengths"]?.integers {
            text += " lengths\(formatList(lengths))"
        } else if isPacked, let batchSizes = fixture.tensors["packed.batch_sizes"]?.integers {
            text += " batch_sizes\(formatList(batchSizes))"
        }
        if let h0 = fixture.tensors["h0"] { text += " h0\(formatTuple(h0.shape))" }
        if fixture.training && arguments.dropout > 0 { text += " train" }
        if hasGradients { text += " grad" }
        return text
    }

    /// Builds the RNN (checking its seeded initialisation), loads the recorded state and runs the input.
    public func run<Scalar: RecurrentScalar>(_ run: inout CaseRun<Scalar>) throws(CaseError) {
        let arguments = arguments
        let seed = fixture.initSeed
        let onWarning = run.onWarning
        var rnn = try run.stage(.construct) { () throws(TorchError) in
            try RNN<Scalar>(
                inputSize: arguments.inputSize, hiddenSize: arguments.hiddenSize, numLayers: arguments.numLayers,
                nonlinearity: try Nonlinearity(pytorchName: arguments.nonlinearity), bias: arguments.bias,
                batchFirst: arguments.batchFirst, dropout: arguments.dropout, bidirectional: arguments.bidirectional,
                seed: seed ?? 0, onWarning: onWarning)
        }
        try run.loadRecordedState(into: &rnn)
        rnn.training = fixture.training
        if hasGradients {
            try runGradients(rnn, &run)
        } else if isPacked {
            try runPacked(rnn, &run)
        } else if let input = fixture.tensors["input"] {
            var generator = run.dropoutGenerator
            let h0 = fixture.tensors["h0"]
            let (output, hN) = try run.stage(.forward) { () throws(TorchError) in try rnn(input, h0: h0, generator: &generator) }
            guard fixture.expectation == .output else { return }
            run.compare(output, "output")
            run.compare(hN, "h_n")
        }
    }

    /// A gradient case: the traced forward on `input` (packed with `lengths` for a packed case), its
    /// results, then the backward pass for the recorded cotangents, compared with `grad.input` (or
    /// `grad.packed.data`), `grad.h0` and `grad.<parameter>`.
    private func runGradients<Scalar: RecurrentScalar>(_ rnn: RNN<Scalar>, _ run: inout CaseRun<Scalar>) throws(CaseError) {
        let input = try run.tensor("input")
        let h0 = try run.optionalTensor("h0")
        var generator = run.dropoutGenerator
        let trace: RNN<Scalar>.Trace
        let inputKey: String
        if isPacked {
            let lengths = try run.integers("lengths")
            let (batchFirst, enforceSorted) = (arguments.batchFirst, fixture.metadata["enforce_sorted"] != "false")
            let (output, hN, traced) = try run.stage(.forward) { () throws(TorchError) in
                let packed = try packPaddedSequence(input, lengths: lengths, batchFirst: batchFirst, enforceSorted: enforceSorted)
                return try rnn.tracedForward(packed, h0: h0, generator: &generator)
            }
            run.compare(output.data, "output.data")
            run.compare(hN, "h_n")
            (trace, inputKey) = (traced, "packed.data")
        } else {
            let (output, hN, traced) = try run.stage(.forward) { () throws(TorchError) in
                try rnn.tracedForward(input, h0: h0, generator: &generator)
            }
            run.compare(output, "output")
            run.compare(hN, "h_n")
            (trace, inputKey) = (traced, "input")
        }
        let outputCotangent = try run.optionalTensor(isPacked ? "cotangent.output.data" : "cotangent.output")
        let hNCotangent = try run.optionalTensor("cotangent.h_n")
        let gradients = try run.stage(.forward) { () throws(TorchError) in
            try trace.backward(outputGradient: outputCotangent, hNGradient: hNCotangent)
        }
        var inputs = [inputKey: gradients.input]
        if h0 != nil { inputs["h0"] = gradients.h0 }
        run.compareGradients(input: nil, states: inputs, parameters: gradients.parameters)
    }

    /// A packed case: packs `input` with `lengths` (checking the packing against `packed.*`) or
    /// rebuilds the recorded `packed.*` sequence, runs it, and compares `output.*` (the packed
    /// output, then the output padded again by `pad_packed_sequence`) and `h_n`.
    private func runPacked<Scalar: RecurrentScalar>(_ rnn: RNN<Scalar>, _ run: inout CaseRun<Scalar>) throws(CaseError) {
        let batchFirst = arguments.batchFirst
        let enforceSorted = fixture.metadata["enforce_sorted"] != "false"
        let packed: PackedSequence<Scalar>
        if fixture.tensors["lengths"] != nil {
            let input = try run.tensor("input")
            let lengths = try run.integers("lengths")
            packed = try run.stage(.forward) { () throws(TorchError) in
                try packPaddedSequence(input, lengths: lengths, batchFirst: batchFirst, enforceSorted: enforceSorted)
            }
            run.compareFields(of: packed, with: "packed")
        } else {
            packed = try run.packedSequence(named: "packed", at: .forward)
        }
        var generator = run.dropoutGenerator
        let h0 = try run.optionalTensor("h0")
        let (output, hN) = try run.stage(.forward) { () throws(TorchError) in try rnn(packed, h0: h0, generator: &generator) }
        guard fixture.expectation == .output else { return }
        run.compareFields(of: output, with: "output")
        if fixture.tensors["output.padded"] != nil {
            let (padded, lengths) = try run.stage(.forward) { () throws(TorchError) in
                try padPackedSequence(output, batchFirst: batchFirst)
            }
            run.compare(padded, "output.padded")
            run.compare(lengths, "output.lengths")
        }
        run.compare(hN, "h_n")
    }

    /// Builds the RNN from a checkpoint's state dict under the case's `prefix`, with its
    /// `nonlinearity` and `batch_first`, and runs the recorded `input` in eval mode (packed with
    /// `enforce_sorted=False` and padded again when the case has `lengths`).
    public static func runCheckpoint<Scalar: RecurrentScalar>(
        _ stateDict: StateDict, _ run: inout CaseRun<Scalar>
    ) throws(CaseError) {
        let metadata = run.fixture.metadata
        let batchFirst = metadata["batch_first"] == "true"
        let prefix = metadata["prefix"] ?? ""
        let nonlinearityName = metadata["nonlinearity"] ?? "tanh"
        var rnn = try run.stage(.construct) { () throws(TorchError) in
            try RNN<Scalar>(
                stateDict: stateDict, prefix: prefix, nonlinearity: try Nonlinearity(pytorchName: nonlinearityName),
                batchFirst: batchFirst)
        }
        rnn.training = false
        let input = try run.tensor("input")
        let h0 = try run.optionalTensor("h0")
        let output: Tensor<Scalar>
        let hN: Tensor<Scalar>
        if run.fixture.tensors["lengths"] != nil {
            let lengths = try run.integers("lengths")
            (output, hN) = try run.stage(.forward) { () throws(TorchError) in
                let packed = try packPaddedSequence(input, lengths: lengths, batchFirst: batchFirst, enforceSorted: false)
                let result = try rnn(packed, h0: h0)
                return (try padPackedSequence(result.output, batchFirst: batchFirst).padded, result.hN)
            }
        } else {
            (output, hN) = try run.stage(.forward) { () throws(TorchError) in try rnn(input, h0: h0) }
        }
        run.compare(output, "output")
        run.compare(hN, "h_n")
    }
}
