import Recurrent
import RecurrentFormats

/// `torch.nn.RNNCell`: one step of `input` (optionally from `hx`), compared on `output`, the new state.
public struct RNNCellConformance: ModuleConformance {
    /// `RNNCell`.
    public static let module = "RNNCell"

    /// `nn.RNNCell`'s keyword arguments as the generator passed them; an absent one takes PyTorch's
    /// default, which this is the runner's one place for.
    struct Arguments: Decodable {
        var inputSize: Int
        var hiddenSize: Int
        var bias = true
        var nonlinearity = "tanh"

        enum CodingKeys: String, CodingKey {
            case inputSize = "input_size", hiddenSize = "hidden_size", bias, nonlinearity
        }

        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            inputSize = try c.decode(Int.self, forKey: .inputSize)
            hiddenSize = try c.decode(Int.self, forKey: .hiddenSize)
            bias = try c.decodeIfPresent(Bool.self, forKey: .bias) ?? bias
            nonlinearity = try c.decodeIfPresent(String.self, forKey: .nonlinearity) ?? nonlinearity
        }
    }

    let fixture: Fixture
    let arguments: Arguments

    /// Reads the case's `config`.
    public init(_ fixture: Fixture) throws(FormatError) {
        let arguments = try fixture.requiredJSON("config", as: Arguments.self)
        self.fixture = fixture
        self.arguments = arguments
        try FixtureLimits.checkWork(
            elementCount(arguments.hiddenSize, arguments.inputSize + arguments.hiddenSize + 2),
            of: "the module's parameters", in: fixture)
    }

    /// `RNNCell(3, 4, bias=False) float64 in(2, 3) h0(2, 4)`.
    public var summary: String {
        var parts = ["\(arguments.inputSize)", "\(arguments.hiddenSize)"]
        if !arguments.bias { parts.append("bias=False") }
        if arguments.nonlinearity != "tanh" { parts.append("nonlinearity=\(arguments.nonlinearity)") }
        var text = "RNNCell(\(parts.joined(separator: ", "))) \(fixture.dtype.rawValue)"
        if let input = fixture.tensors["input"] { text += " in\(formatTuple(input.shape))" }
        if let hx = fixture.tensors["hx"] { text += " h0\(formatTuple(hx.shape))" }
        return text
    }

    /// Builds the cell (checking its seeded initialisation), loads the recorded state and runs one step.
    ///
    /// PyTorch's cell takes any `nonlinearity` string when it is built and refuses an unknown one in
    /// `forward`, after checking the input: so an unknown name builds the cell as `tanh` (its
    /// parameters do not depend on it), checks the input by running that cell, then calls the
    /// library's parse, ``Nonlinearity/init(rnnCellName:)``, for PyTorch's error.
    public func run<Scalar: RecurrentScalar>(_ run: inout CaseRun<Scalar>) throws(CaseError) {
        let arguments = arguments
        let seed = fixture.initSeed
        let known = Nonlinearity(rawValue: arguments.nonlinearity)
        var cell = try run.stage(.construct) { () throws(TorchError) in
            try RNNCell<Scalar>(
                inputSize: arguments.inputSize, hiddenSize: arguments.hiddenSize, bias: arguments.bias,
                nonlinearity: known ?? .tanh, seed: seed ?? 0)
        }
        try run.loadRecordedState(into: &cell)
        if fixture.recordsGradients {
            try runGradients(cell, &run)
            return
        }
        guard let input = fixture.tensors["input"] else { return }
        let hx = fixture.tensors["hx"]
        let output = try run.stage(.forward) { () throws(TorchError) in
            let output = try cell(input, hx: hx)
            _ = try Nonlinearity(rnnCellName: arguments.nonlinearity)
            return output
        }
        if fixture.expectation == .output { run.compare(output, "output") }
    }

    /// A gradient case: the traced step, its output, then the backward pass for `cotangent.output`,
    /// compared with `grad.input`, `grad.hx` and `grad.<parameter>`.
    private func runGradients<Scalar: RecurrentScalar>(_ cell: RNNCell<Scalar>, _ run: inout CaseRun<Scalar>) throws(CaseError) {
        let input = try run.tensor("input")
        let hx = try run.optionalTensor("hx")
        let cotangent = try run.tensor("cotangent.output")
        let (output, trace) = try run.stage(.forward) { () throws(TorchError) in try cell.tracedStep(input, hx: hx) }
        run.compare(output, "output")
        let gradients = try run.stage(.forward) { () throws(TorchError) in try trace.backward(outputGradient: cotangent) }
        run.compareGradients(input: gradients.input, states: hx == nil ? [:] : ["hx": gradients.hx], parameters: gradients.parameters)
    }
}
