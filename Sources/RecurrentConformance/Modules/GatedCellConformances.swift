import Recurrent
import RecurrentFormats

/// `nn.LSTMCell`'s and `nn.GRUCell`'s keyword arguments as the generator passed them; an absent one
/// takes PyTorch's default.
struct GatedCellArguments: Decodable, Sendable {
    var inputSize: Int
    var hiddenSize: Int
    var bias = true

    enum CodingKeys: String, CodingKey {
        case inputSize = "input_size", hiddenSize = "hidden_size", bias
    }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        inputSize = try c.decode(Int.self, forKey: .inputSize)
        hiddenSize = try c.decode(Int.self, forKey: .hiddenSize)
        bias = try c.decodeIfPresent(Bool.self, forKey: .bias) ?? bias
    }

    /// Reads a case's `config`, refusing sizes beyond ``FixtureLimits``.
    init(_ fixture: Fixture, gates: Int) throws(FormatError) {
        self = try fixture.requiredJSON("config", as: GatedCellArguments.self)
        try FixtureLimits.checkWork(
            elementCount(gates, hiddenSize, inputSize + hiddenSize + 2), of: "the module's parameters", in: fixture)
    }

    /// `LSTMCell(3, 4, bias=False) float64 in(2, 3) hx(2, 4)`.
    func summary(_ className: String, _ fixture: Fixture, states: [String]) -> String {
        var text = "\(className)(\(inputSize), \(hiddenSize)\(bias ? "" : ", bias=False")) \(fixture.dtype.rawValue)"
        if let input = fixture.tensors["input"] { text += " in\(formatTuple(input.shape))" }
        for name in states { if let state = fixture.tensors[name] { text += " \(name)\(formatTuple(state.shape))" } }
        if fixture.recordsGradients { text += " grad" }
        return text
    }
}

/// `torch.nn.LSTMCell`: one step of `input` (optionally from `hx` and `cx`), compared on `h_1` and
/// `c_1`, and for a gradient case on the gradients of the input, the states and the parameters.
public struct LSTMCellConformance: ModuleConformance {
    /// `LSTMCell`.
    public static let module = "LSTMCell"
    let fixture: Fixture
    let arguments: GatedCellArguments

    /// Reads the case's `config`.
    public init(_ fixture: Fixture) throws(FormatError) {
        self.fixture = fixture
        arguments = try GatedCellArguments(fixture, gates: 4)
    }

    /// `LSTMCell(3, 4) float32 in(2, 3) hx(2, 4) cx(2, 4)`.
    public var summary: String { arguments.summary("LSTMCell", fixture, states: ["hx", "cx"]) }

    /// Builds the cell (checking its seeded initialisation), loads the recorded state and runs one step.
    public func run<Scalar: RecurrentScalar>(_ run: inout CaseRun<Scalar>) throws(CaseError) {
        let a = arguments
        let seed = fixture.initSeed ?? 0
        var cell = try run.stage(.construct) { () throws(TorchError) in
            try LSTMCell<Scalar>(inputSize: a.inputSize, hiddenSize: a.hiddenSize, bias: a.bias, seed: seed)
        }
        try run.loadRecordedState(into: &cell)
        guard let input = fixture.tensors["input"] else { return }
        let (hx, cx) = (fixture.tensors["hx"], fixture.tensors["cx"])
        guard (hx == nil) == (cx == nil) else { throw .harness("an LSTMCell takes both states or neither; the case passes one") }
        let states = hx.flatMap { h in cx.map { (h, $0) } }
        if fixture.recordsGradients {
            let typedInput = try run.tensor("input")
            let typedStates = try states.map { _ throws(CaseError) in (try run.tensor("hx"), try run.tensor("cx")) }
            let (h, c, trace) = try run.stage(.forward) { () throws(TorchError) in try cell.tracedStep(typedInput, hx: typedStates) }
            run.compare(h, "h_1")
            run.compare(c, "c_1")
            let (hGradient, cGradient) = (try run.optionalTensor("cotangent.h_1"), try run.optionalTensor("cotangent.c_1"))
            let gradients = try run.stage(.forward) { () throws(TorchError) in
                try trace.backward(hGradient: hGradient, cGradient: cGradient)
            }
            let stateGradients = typedStates == nil ? [:] : ["hx": gradients.hx, "cx": gradients.cx]
            run.compareGradients(input: gradients.input, states: stateGradients, parameters: gradients.parameters)
            return
        }
        let (h, c) = try run.stage(.forward) { () throws(TorchError) in try cell(input, hx: states) }
        guard fixture.expectation == .output else { return }
        run.compare(h, "h_1")
        run.compare(c, "c_1")
    }
}

/// `torch.nn.GRUCell`: one step of `input` (optionally from `hx`), compared on `output`, the new
/// state, and for a gradient case on the gradients of the input, `hx` and the parameters.
public struct GRUCellConformance: ModuleConformance {
    /// `GRUCell`.
    public static let module = "GRUCell"
    let fixture: Fixture
    let arguments: GatedCellArguments

    /// Reads the case's `config`.
    public init(_ fixture: Fixture) throws(FormatError) {
        self.fixture = fixture
        arguments = try GatedCellArguments(fixture, gates: 3)
    }

    /// `GRUCell(3, 4) float32 in(2, 3) hx(2, 4)`.
    public var summary: String { arguments.summary("GRUCell", fixture, states: ["hx"]) }

    /// Builds the cell (checking its seeded initialisation), loads the recorded state and runs one step.
    public func run<Scalar: RecurrentScalar>(_ run: inout CaseRun<Scalar>) throws(CaseError) {
        let a = arguments
        let seed = fixture.initSeed ?? 0
        var cell = try run.stage(.construct) { () throws(TorchError) in
            try GRUCell<Scalar>(inputSize: a.inputSize, hiddenSize: a.hiddenSize, bias: a.bias, seed: seed)
        }
        try run.loadRecordedState(into: &cell)
        guard let input = fixture.tensors["input"] else { return }
        if fixture.recordsGradients {
            let typedInput = try run.tensor("input")
            let hx = try run.optionalTensor("hx")
            let cotangent = try run.tensor("cotangent.output")
            let (output, trace) = try run.stage(.forward) { () throws(TorchError) in try cell.tracedStep(typedInput, hx: hx) }
            run.compare(output, "output")
            let gradients = try run.stage(.forward) { () throws(TorchError) in try trace.backward(outputGradient: cotangent) }
            run.compareGradients(input: gradients.input, states: hx == nil ? [:] : ["hx": gradients.hx], parameters: gradients.parameters)
            return
        }
        let hx = fixture.tensors["hx"]
        let output = try run.stage(.forward) { () throws(TorchError) in try cell(input, hx: hx) }
        if fixture.expectation == .output { run.compare(output, "output") }
    }
}
