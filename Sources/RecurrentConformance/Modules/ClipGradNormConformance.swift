import Recurrent
import RecurrentFormats

/// `torch.nn.utils.clip_grad_norm_` (`module=clip_grad_norm_`): called on the gradients
/// `gradients.N` (`gradients_count` of them, a missing one `None`) with the keyword `arguments`,
/// compared on the total norm (`result`) and the gradients it leaves (`clipped.N`).
public struct ClipGradNormConformance: ModuleConformance {
    /// `clip_grad_norm_`.
    public static let module = "clip_grad_norm_"

    /// The keyword arguments; an absent one takes PyTorch's default, which this is the runner's one
    /// place for.
    struct Arguments: Decodable {
        var maxNorm: Double
        var normType = 2.0
        var errorIfNonfinite = false

        enum CodingKeys: String, CodingKey {
            case maxNorm = "max_norm", normType = "norm_type", errorIfNonfinite = "error_if_nonfinite"
        }

        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            maxNorm = try c.decode(Double.self, forKey: .maxNorm)
            normType = try c.decodeIfPresent(Double.self, forKey: .normType) ?? normType
            errorIfNonfinite = try c.decodeIfPresent(Bool.self, forKey: .errorIfNonfinite) ?? errorIfNonfinite
        }
    }

    let fixture: Fixture
    let arguments: Arguments
    let count: Int

    /// Reads the case's `arguments` and `gradients_count`.
    public init(_ fixture: Fixture) throws(FormatError) {
        self.fixture = fixture
        arguments = try fixture.requiredJSON("arguments", as: Arguments.self)
        let text = fixture.metadata["gradients_count"] ?? "0"
        guard let count = Int(text), (0...FixtureLimits.maxSize).contains(count) else {
            throw FormatError("fixture \(fixture.name): 'gradients_count' is \(text), not a count up to \(FixtureLimits.maxSize)")
        }
        self.count = count
    }

    /// `clip_grad_norm_(max_norm=1.0, norm_type=inf) float32, 4 gradients`.
    public var summary: String {
        "clip_grad_norm_(max_norm=\(arguments.maxNorm), norm_type=\(arguments.normType)"
            + "\(arguments.errorIfNonfinite ? ", error_if_nonfinite=True" : "")) \(fixture.dtype.rawValue), \(count) gradients"
    }

    /// Clips the recorded gradients and compares the norm and the clipped gradients.
    public func run<Scalar: RecurrentScalar>(_ run: inout CaseRun<Scalar>) throws(CaseError) {
        let arguments = arguments
        var gradients: [Tensor<Scalar>?] = []
        for index in 0..<count { gradients.append(try run.optionalTensor("gradients.\(index)")) }
        let total = try run.stage(.call) { () throws(TorchError) in
            try clipGradNorm(
                &gradients, maxNorm: arguments.maxNorm, normType: arguments.normType, errorIfNonfinite: arguments.errorIfNonfinite)
        }
        guard fixture.expectation == .output else { return }
        run.compare(Tensor(scalar: total), "result")
        for (index, gradient) in gradients.enumerated() {
            if let gradient { run.compare(gradient, "clipped.\(index)") }
        }
    }
}
