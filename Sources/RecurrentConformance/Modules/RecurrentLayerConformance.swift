import Recurrent
import RecurrentFormats

/// `torch.nn.RNN`: see ``RecurrentLayerCase``.
public struct RNNConformance: ModuleConformance {
    /// `RNN`.
    public static let module = "RNN"
    let base: RecurrentLayerCase

    /// Reads the case's `config` and input kind.
    public init(_ fixture: Fixture) throws(FormatError) { base = try RecurrentLayerCase(fixture, .rnn) }
    /// `RNN(3, 4, num_layers=2) float32 in(5, 2, 3) h0(2, 2, 4)`.
    public var summary: String { base.summary }
    /// Builds the RNN (checking its seeded initialisation), loads the recorded state and runs the input.
    public func run<Scalar: RecurrentScalar>(_ run: inout CaseRun<Scalar>) throws(CaseError) { try base.run(&run) }
    /// Builds the RNN from a checkpoint's state dict and runs the recorded input.
    public static func runCheckpoint<Scalar: RecurrentScalar>(_ stateDict: StateDict, _ run: inout CaseRun<Scalar>) throws(CaseError) {
        try RecurrentLayerCase.runCheckpoint(.rnn, stateDict, &run)
    }
}

/// `torch.nn.LSTM`: see ``RecurrentLayerCase``.
public struct LSTMConformance: ModuleConformance {
    /// `LSTM`.
    public static let module = "LSTM"
    let base: RecurrentLayerCase

    /// Reads the case's `config` and input kind.
    public init(_ fixture: Fixture) throws(FormatError) { base = try RecurrentLayerCase(fixture, .lstm) }
    /// `LSTM(3, 4, proj_size=2) float32 in(5, 2, 3) h0(1, 2, 2) c0(1, 2, 4)`.
    public var summary: String { base.summary }
    /// Builds the LSTM (checking its seeded initialisation), loads the recorded state and runs the input.
    public func run<Scalar: RecurrentScalar>(_ run: inout CaseRun<Scalar>) throws(CaseError) { try base.run(&run) }
    /// Builds the LSTM from a checkpoint's state dict and runs the recorded input.
    public static func runCheckpoint<Scalar: RecurrentScalar>(_ stateDict: StateDict, _ run: inout CaseRun<Scalar>) throws(CaseError) {
        try RecurrentLayerCase.runCheckpoint(.lstm, stateDict, &run)
    }
}

/// `torch.nn.GRU`: see ``RecurrentLayerCase``.
public struct GRUConformance: ModuleConformance {
    /// `GRU`.
    public static let module = "GRU"
    let base: RecurrentLayerCase

    /// Reads the case's `config` and input kind.
    public init(_ fixture: Fixture) throws(FormatError) { base = try RecurrentLayerCase(fixture, .gru) }
    /// `GRU(3, 4) float32 in(5, 2, 3) h0(1, 2, 4)`.
    public var summary: String { base.summary }
    /// Builds the GRU (checking its seeded initialisation), loads the recorded state and runs the input.
    public func run<Scalar: RecurrentScalar>(_ run: inout CaseRun<Scalar>) throws(CaseError) { try base.run(&run) }
    /// Builds the GRU from a checkpoint's state dict and runs the recorded input.
    public static func runCheckpoint<Scalar: RecurrentScalar>(_ stateDict: StateDict, _ run: inout CaseRun<Scalar>) throws(CaseError) {
        try RecurrentLayerCase.runCheckpoint(.gru, stateDict, &run)
    }
}

/// A case of `nn.RNN`, `nn.LSTM` or `nn.GRU`, which share their cases' shape as they share
/// `RNNBase`: a padded or unbatched input (`input`, optionally the states `h0` and an LSTM's `c0`)
/// compared on `output`, `h_n` (and `c_n`); a packed one (`input_kind=packed`: `input` with
/// `lengths`, or `packed.*`) compared on the packing, the packed output, the output padded again and
/// the final states; a gradient case (`gradients=true`) compared on the results and the gradients of
/// the input, the states and every parameter for the recorded cotangents.
struct RecurrentLayerCase: Sendable {
    /// The module's keyword arguments as the generator passed them; an absent one takes PyTorch's
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
        var projSize = 0

        enum CodingKeys: String, CodingKey {
            case inputSize = "input_size", hiddenSize = "hidden_size", numLayers = "num_layers"
            case nonlinearity, bias, batchFirst = "batch_first", dropout, bidirectional, projSize = "proj_size"
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
            projSize = try c.decodeIfPresent(Int.self, forKey: .projSize) ?? projSize
        }

        /// The module's `repr` of these arguments (with an RNN's nonlinearity, which PyTorch omits).
        func repr(_ family: LayerFamily) -> String {
            var parts = ["\(inputSize)", "\(hiddenSize)"]
            if projSize != 0 { parts.append("proj_size=\(projSize)") }
            if numLayers != 1 { parts.append("num_layers=\(numLayers)") }
            if nonlinearity != "tanh" { parts.append("nonlinearity=\(nonlinearity)") }
            if !bias { parts.append("bias=False") }
            if batchFirst { parts.append("batch_first=True") }
            if dropout != 0 || dropout.isNaN { parts.append("dropout=\(dropout)") }
            if bidirectional { parts.append("bidirectional=True") }
            return "\(family.rawValue)(\(parts.joined(separator: ", ")))"
        }
    }

    let family: LayerFamily
    let fixture: Fixture
    let arguments: Arguments
    /// Whether the input is a packed sequence (`input_kind=packed`).
    let isPacked: Bool

    /// Reads the case's `config` and input kind, refusing sizes beyond ``FixtureLimits``.
    init(_ fixture: Fixture, _ family: LayerFamily) throws(FormatError) {
        let arguments = try fixture.requiredJSON("config", as: Arguments.self)
        self.family = family
        self.fixture = fixture
        self.arguments = arguments
        isPacked = fixture.metadata["input_kind"] == "packed"
        let directions = arguments.bidirectional ? 2 : 1
        let gates = family.gateCount
        let widest = max(arguments.inputSize, directions * arguments.hiddenSize)
        let steps = fixture.tensors["input"]?.count ?? fixture.tensors["packed.data"]?.count ?? 0
        try FixtureLimits.checkWork(
            elementCount(arguments.numLayers, directions, gates, arguments.hiddenSize, widest + arguments.hiddenSize + 2),
            of: "the module's parameters", in: fixture)
        try FixtureLimits.checkWork(
            elementCount(max(steps, 1), directions, gates, arguments.hiddenSize, arguments.numLayers),
            of: "the output", in: fixture)
    }

    /// `LSTM(3, 4, num_layers=2) float32 in(5, 2, 3) h0(2, 2, 4) c0(2, 2, 4)`.
    var summary: String {
        var text = "\(arguments.repr(family)) \(fixture.dtype.rawValue)"
        if let input = fixture.tensors["input"] { text += " in\(formatTuple(input.shape))" }
        if isPacked, let lengths = fixture.tensors["lengths"]?.integers {
            text += " lengths\(formatList(lengths))"
        } else if isPacked, let batchSizes = fixture.tensors["packed.batch_sizes"]?.integers {
            text += " batch_sizes\(formatList(batchSizes))"
        }
        for name in family.stateNames { if let state = fixture.tensors[name] { text += " \(name)\(formatTuple(state.shape))" } }
        if fixture.training && arguments.dropout > 0 { text += " train" }
        if fixture.recordsGradients { text += " grad" }
        return text
    }

    /// Builds the module (checking its seeded initialisation), loads the recorded state and runs the
    /// input.
    func run<Scalar: RecurrentScalar>(_ run: inout CaseRun<Scalar>) throws(CaseError) {
        let layer = try LayerDriver<Scalar>.build(family, arguments, seed: fixture.initSeed ?? 0, &run)
        let states = try recordedStates(&run)
        if fixture.recordsGradients {
            try runGradients(layer, states, &run)
        } else if isPacked {
            try runPacked(layer, states, &run)
        } else if let input = fixture.tensors["input"] {
            var generator = run.dropoutGenerator
            let results = try run.stage(.forward) { () throws(TorchError) in try layer.forward(input, states, &generator) }
            guard fixture.expectation == .output else { return }
            compareResults(results, &run)
        }
    }

    /// The initial states the case passes (`h0`; `h0` and `c0`), or `nil` when it passes none. An
    /// LSTM takes both or neither, as a tuple in PyTorch.
    private func recordedStates<Scalar: RecurrentScalar>(_ run: inout CaseRun<Scalar>) throws(CaseError) -> [AnyTensor]? {
        let given = family.stateNames.compactMap { fixture.tensors[$0] }
        guard !given.isEmpty else { return nil }
        guard given.count == family.stateNames.count else {
            throw .harness("the case passes \(given.count) of the states \(family.stateNames.joined(separator: ", "))")
        }
        return given
    }

    /// The tensors `names` in the case's dtype.
    private func typed<Scalar: RecurrentScalar>(_ names: [String], _ run: CaseRun<Scalar>) throws(CaseError) -> [Tensor<Scalar>] {
        var tensors: [Tensor<Scalar>] = []
        for name in names { tensors.append(try run.tensor(name)) }
        return tensors
    }

    /// `output`, `h_n` and `c_n`, as many as the module returns.
    private func compareResults<Scalar: RecurrentScalar>(_ results: [AnyTensor], _ run: inout CaseRun<Scalar>) {
        for (result, name) in zip(results, ["output"] + family.finalStateNames) { run.compare(result, name) }
    }

    /// A gradient case: the traced forward on `input` (packed with `lengths` for a packed case), its
    /// results, then the backward pass for the recorded cotangents, compared with `grad.input` (or
    /// `grad.packed.data`), `grad.h0` (`grad.c0`) and `grad.<parameter>`.
    private func runGradients<Scalar: RecurrentScalar>(
        _ layer: LayerDriver<Scalar>, _ states: [AnyTensor]?, _ run: inout CaseRun<Scalar>
    ) throws(CaseError) {
        let input = try run.tensor("input")
        let typedStates = states == nil ? nil : try typed(family.stateNames, run)
        var generator = run.dropoutGenerator
        let traced: LayerDriver<Scalar>.Traced
        let inputKey: String
        if isPacked {
            let lengths = try run.integers("lengths")
            let (batchFirst, enforceSorted) = (arguments.batchFirst, fixture.metadata["enforce_sorted"] != "false")
            traced = try run.stage(.forward) { () throws(TorchError) in
                let packed = try packPaddedSequence(input, lengths: lengths, batchFirst: batchFirst, enforceSorted: enforceSorted)
                return try layer.tracedPacked(packed, typedStates, &generator)
            }
            inputKey = "packed.data"
            run.compare(traced.results[0], "output.data")
        } else {
            traced = try run.stage(.forward) { () throws(TorchError) in try layer.traced(input, typedStates, &generator) }
            inputKey = "input"
            run.compare(traced.results[0], "output")
        }
        for (result, name) in zip(traced.results.dropFirst(), family.finalStateNames) { run.compare(result, name) }
        var cotangents: [Tensor<Scalar>?] = []
        for name in ["output" + (isPacked ? ".data" : "")] + family.finalStateNames {
            cotangents.append(try run.optionalTensor("cotangent." + name))
        }
        let gradients = try run.stage(.forward) { () throws(TorchError) in try traced.backward(cotangents) }
        var inputs = [inputKey: gradients.input]
        if states != nil {
            for (name, gradient) in zip(family.stateNames, gradients.states) { inputs[name] = gradient }
        }
        run.compareGradients(input: nil, states: inputs, parameters: gradients.parameters)
    }

    /// A packed case: packs `input` with `lengths` (checking the packing against `packed.*`) or
    /// rebuilds the recorded `packed.*` sequence, runs it, and compares `output.*` (the packed
    /// output, then the output padded again by `pad_packed_sequence`) and the final states.
    private func runPacked<Scalar: RecurrentScalar>(
        _ layer: LayerDriver<Scalar>, _ states: [AnyTensor]?, _ run: inout CaseRun<Scalar>
    ) throws(CaseError) {
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
        let typedStates = states == nil ? nil : try typed(family.stateNames, run)
        let (output, finalStates) = try run.stage(.forward) { () throws(TorchError) in
            try layer.forwardPacked(packed, typedStates, &generator)
        }
        guard fixture.expectation == .output else { return }
        run.compareFields(of: output, with: "output")
        if fixture.tensors["output.padded"] != nil {
            let (padded, lengths) = try run.stage(.forward) { () throws(TorchError) in
                try padPackedSequence(output, batchFirst: batchFirst)
            }
            run.compare(padded, "output.padded")
            run.compare(lengths, "output.lengths")
        }
        for (state, name) in zip(finalStates, family.finalStateNames) { run.compare(state, name) }
    }

    /// Builds the module from a checkpoint's state dict under the case's `prefix`, with its
    /// `batch_first` (and an RNN's `nonlinearity`), and runs the recorded `input` in eval mode (packed
    /// with `enforce_sorted=False` and padded again when the case has `lengths`).
    static func runCheckpoint<Scalar: RecurrentScalar>(
        _ family: LayerFamily, _ stateDict: StateDict, _ run: inout CaseRun<Scalar>
    ) throws(CaseError) {
        let metadata = run.fixture.metadata
        let batchFirst = metadata["batch_first"] == "true"
        let layer = try LayerDriver<Scalar>.load(
            family, stateDict, prefix: metadata["prefix"] ?? "", nonlinearity: metadata["nonlinearity"] ?? "tanh",
            batchFirst: batchFirst, &run)
        let input = try run.tensor("input")
        var given: [Tensor<Scalar>] = []
        for name in family.stateNames { if let state = try run.optionalTensor(name) { given.append(state) } }
        let states = given.isEmpty ? nil : given
        let results: [AnyTensor]
        if run.fixture.tensors["lengths"] != nil {
            let lengths = try run.integers("lengths")
            results = try run.stage(.forward) { () throws(TorchError) in
                let packed = try packPaddedSequence(input, lengths: lengths, batchFirst: batchFirst, enforceSorted: false)
                var generator = TorchGenerator(seed: 0)
                let (output, finalStates) = try layer.forwardPacked(packed, states, &generator)
                return ([try padPackedSequence(output, batchFirst: batchFirst).padded] + finalStates).map(Scalar.erase)
            }
        } else {
            results = try run.stage(.forward) { () throws(TorchError) in
                var generator = TorchGenerator(seed: 0)
                return try layer.forward(Scalar.erase(input), states?.map(Scalar.erase), &generator)
            }
        }
        for (result, name) in zip(results, ["output"] + family.finalStateNames) { run.compare(result, name) }
    }
}
