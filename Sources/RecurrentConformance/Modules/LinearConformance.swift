import Recurrent
import RecurrentFormats

/// `torch.nn.Linear`: `input` compared on `output`, and for a gradient case (`gradients=true`) the
/// backward pass from `cotangent.output` compared on `grad.input`, `grad.weight` and `grad.bias`.
public struct LinearConformance: ModuleConformance {
    /// `Linear`.
    public static let module = "Linear"

    /// `nn.Linear`'s keyword arguments as the generator passed them; an absent one takes PyTorch's
    /// default, which this is the runner's one place for.
    struct Arguments: Decodable {
        var inFeatures: Int
        var outFeatures: Int
        var bias = true

        enum CodingKeys: String, CodingKey {
            case inFeatures = "in_features", outFeatures = "out_features", bias
        }

        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            inFeatures = try c.decode(Int.self, forKey: .inFeatures)
            outFeatures = try c.decode(Int.self, forKey: .outFeatures)
            bias = try c.decodeIfPresent(Bool.self, forKey: .bias) ?? bias
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
            elementCount(arguments.outFeatures, arguments.inFeatures + 1), of: "the module's parameters", in: fixture)
        let rows = (fixture.tensors["input"]?.shape.dropLast().reduce(1, *)) ?? 0
        try FixtureLimits.checkWork(elementCount(rows, arguments.outFeatures), of: "the output", in: fixture)
    }

    /// `Linear(in_features=3, out_features=4, bias=True) float32 in(5, 3) grad`.
    public var summary: String {
        var text = "Linear(in_features=\(arguments.inFeatures), out_features=\(arguments.outFeatures), "
            + "bias=\(arguments.bias ? "True" : "False")) \(fixture.dtype.rawValue)"
        if let input = fixture.tensors["input"] { text += " in\(formatTuple(input.shape))" }
        return fixture.recordsGradients ? text + " grad" : text
    }

    /// Builds the layer (checking its seeded initialisation), loads the recorded state, runs the
    /// input, and for a gradient case runs backward.
    public func run<Scalar: RecurrentScalar>(_ run: inout CaseRun<Scalar>) throws(CaseError) {
        let arguments = arguments
        let seed = fixture.initSeed
        let onWarning = run.onWarning
        var linear = try run.stage(.construct) { () throws(TorchError) in
            try Linear<Scalar>(
                inFeatures: arguments.inFeatures, outFeatures: arguments.outFeatures, bias: arguments.bias, seed: seed ?? 0,
                onWarning: onWarning)
        }
        try run.loadRecordedState(into: &linear)
        guard let input = fixture.tensors["input"] else { return }
        guard fixture.recordsGradients else {
            let output = try run.stage(.forward) { () throws(TorchError) in try linear(input) }
            if fixture.expectation == .output { run.compare(output, "output") }
            return
        }
        let typed = try run.tensor("input")
        let (output, trace) = try run.stage(.forward) { () throws(TorchError) in try linear.trainingForward(typed) }
        run.compare(output, "output")
        let cotangent = try run.cotangent("output", shape: output.shape)
        let (inputGradient, parameters) = try run.stage(.forward) { () throws(TorchError) in
            try linear.backward(trace, outputGradient: cotangent)
        }
        run.compareGradients(input: inputGradient, parameters: parameters)
    }
}
