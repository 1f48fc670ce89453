import Recurrent
import RecurrentFormats

/// `torch.nn.MSELoss`: `input` and `target` compared on `output` (the warning for shapes that
/// broadcast included), and for a gradient case the backward pass from `cotangent.output` compared
/// on `grad.input` and `grad.target`.
public struct MSELossConformance: ModuleConformance {
    /// `MSELoss`.
    public static let module = "MSELoss"

    let fixture: Fixture
    let arguments: LossArguments

    /// Reads the case's `config` (`reduction`).
    public init(_ fixture: Fixture) throws(FormatError) {
        self.fixture = fixture
        arguments = try fixture.json("config", as: LossArguments.self) ?? LossArguments()
        try checkBroadcastWork(fixture)
    }

    /// `MSELoss(reduction=sum) float32 in(3, 4) target(4) grad`.
    public var summary: String { lossSummary("MSELoss(reduction=\(arguments.reduction))", fixture) }

    /// Computes the loss (PyTorch parses `reduction` in forward, so the parse is there) and, for a
    /// gradient case, its backward pass.
    public func run<Scalar: RecurrentScalar>(_ run: inout CaseRun<Scalar>) throws(CaseError) {
        let name = arguments.reduction
        let onWarning = run.onWarning
        let input = try run.tensor("input")
        let target = try run.tensor("target")
        let (loss, trace) = try run.stage(.forward) { () throws(TorchError) in
            try MSELoss<Scalar>(reduction: try Reduction(pytorchName: name)).trainingForward(input, target, onWarning: onWarning)
        }
        guard fixture.expectation == .output else { return }
        run.compare(loss, "output")
        guard fixture.recordsGradients else { return }
        let cotangent = try run.cotangent("output", shape: loss.shape)
        let gradients = try run.stage(.forward) { () throws(TorchError) in
            try MSELoss<Scalar>(reduction: try Reduction(pytorchName: name)).backward(trace, lossGradient: cotangent)
        }
        run.compareGradients(input: gradients.input, states: ["target": gradients.target], parameters: ParameterGradients())
    }
}

/// `torch.nn.CrossEntropyLoss` with class-index targets: `input`, `target` (and the class `weight`
/// when the case has one) compared on `output`, and for a gradient case the backward pass from
/// `cotangent.output` compared on `grad.input`.
public struct CrossEntropyLossConformance: ModuleConformance {
    /// `CrossEntropyLoss`.
    public static let module = "CrossEntropyLoss"

    let fixture: Fixture
    let arguments: LossArguments

    /// Reads the case's `config` (`reduction`, `ignore_index`, `label_smoothing`; `weight` is a tensor
    /// of the case).
    public init(_ fixture: Fixture) throws(FormatError) {
        self.fixture = fixture
        arguments = try fixture.json("config", as: LossArguments.self) ?? LossArguments()
    }

    /// `CrossEntropyLoss(reduction=mean, ignore_index=-100, label_smoothing=0.1) float32 in(6, 5) target(6) grad`.
    public var summary: String {
        lossSummary(
            "CrossEntropyLoss(reduction=\(arguments.reduction), ignore_index=\(arguments.ignoreIndex), "
                + "label_smoothing=\(arguments.labelSmoothing)\(fixture.tensors["weight"] == nil ? "" : ", weight"))", fixture)
    }

    /// Computes the loss (PyTorch checks the options in forward, so the checks are there) and, for a
    /// gradient case, its backward pass.
    public func run<Scalar: RecurrentScalar>(_ run: inout CaseRun<Scalar>) throws(CaseError) {
        let arguments = arguments
        let input = try run.tensor("input")
        let weight = try run.optionalTensor("weight")
        guard let target = fixture.tensors["target"] else { throw .harness("the fixture has no tensor 'target'") }
        let criterion = try run.stage(.forward) { () throws(TorchError) in
            CrossEntropyLoss<Scalar>(
                weight: weight, ignoreIndex: arguments.ignoreIndex, reduction: try Reduction(pytorchName: arguments.reduction),
                labelSmoothing: arguments.labelSmoothing)
        }
        guard fixture.recordsGradients else {
            let loss = try run.stage(.forward) { () throws(TorchError) in try criterion(input, target) }
            if fixture.expectation == .output { run.compare(loss, "output") }
            return
        }
        guard let indices = target.indexTensor else { throw .harness("the target of a gradient case is not integer") }
        let (loss, trace) = try run.stage(.forward) { () throws(TorchError) in try criterion.trainingForward(input, indices) }
        run.compare(loss, "output")
        let cotangent = try run.cotangent("output", shape: loss.shape)
        let gradient = try run.stage(.forward) { () throws(TorchError) in try criterion.backward(trace, lossGradient: cotangent) }
        run.compareGradients(input: gradient, parameters: ParameterGradients())
    }
}

/// The keyword arguments of the losses but `weight`; an absent one takes PyTorch's default, which
/// this is the runner's one place for.
struct LossArguments: Decodable {
    var reduction = "mean"
    var ignoreIndex = -100
    var labelSmoothing = 0.0

    enum CodingKeys: String, CodingKey {
        case reduction, ignoreIndex = "ignore_index", labelSmoothing = "label_smoothing"
    }

    init() {}

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        reduction = try c.decodeIfPresent(String.self, forKey: .reduction) ?? reduction
        ignoreIndex = try c.decodeIfPresent(Int.self, forKey: .ignoreIndex) ?? ignoreIndex
        labelSmoothing = try c.decodeIfPresent(Double.self, forKey: .labelSmoothing) ?? labelSmoothing
    }
}

/// `NAME dtype in(shape) target(shape)`, and ` grad` for a gradient case.
private func lossSummary(_ name: String, _ fixture: Fixture) -> String {
    var text = "\(name) \(fixture.dtype.rawValue)"
    if let input = fixture.tensors["input"] { text += " in\(formatTuple(input.shape))" }
    if let target = fixture.tensors["target"] { text += " target\(formatTuple(target.shape))" }
    return fixture.recordsGradients ? text + " grad" : text
}

/// A loss broadcasts its input and target: bound the broadcast shape before anything is allocated.
private func checkBroadcastWork(_ fixture: Fixture) throws(FormatError) {
    guard let input = fixture.tensors["input"]?.shape, let target = fixture.tensors["target"]?.shape else { return }
    let rank = max(input.count, target.count)
    let padded = { (shape: [Int]) in Array(repeating: 1, count: rank - shape.count) + shape }
    let sizes = zip(padded(input), padded(target)).map { max($0, $1) }
    let elements = sizes.reduce(1 as Int?) { product, size in product.flatMap { elementCount($0, size) } }
    try FixtureLimits.checkWork(elements, of: "the broadcast loss", in: fixture)
}
