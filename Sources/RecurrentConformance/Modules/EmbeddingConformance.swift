import Recurrent
import RecurrentFormats

/// `torch.nn.Embedding`: integer `input` compared on `output`, and for a gradient case
/// (`gradients=true`) the backward pass from `cotangent.output` compared on `grad.weight`.
public struct EmbeddingConformance: ModuleConformance {
    /// `Embedding`.
    public static let module = "Embedding"

    /// `nn.Embedding`'s keyword arguments as the generator passed them; an absent one takes PyTorch's
    /// default, which this is the runner's one place for.
    struct Arguments: Decodable {
        var numEmbeddings: Int
        var embeddingDim: Int
        var paddingIdx: Int?
        var scaleGradByFreq = false

        enum CodingKeys: String, CodingKey {
            case numEmbeddings = "num_embeddings", embeddingDim = "embedding_dim", paddingIdx = "padding_idx"
            case scaleGradByFreq = "scale_grad_by_freq"
        }

        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            numEmbeddings = try c.decode(Int.self, forKey: .numEmbeddings)
            embeddingDim = try c.decode(Int.self, forKey: .embeddingDim)
            paddingIdx = try c.decodeIfPresent(Int.self, forKey: .paddingIdx)
            scaleGradByFreq = try c.decodeIfPresent(Bool.self, forKey: .scaleGradByFreq) ?? scaleGradByFreq
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
            elementCount(arguments.numEmbeddings, arguments.embeddingDim), of: "the module's parameters", in: fixture)
        try FixtureLimits.checkWork(
            elementCount(fixture.tensors["input"]?.count ?? 0, arguments.embeddingDim), of: "the output", in: fixture)
    }

    /// `Embedding(10, 3, padding_idx=0) float32 in(4, 3) grad`.
    public var summary: String {
        var parts = ["\(arguments.numEmbeddings)", "\(arguments.embeddingDim)"]
        if let padding = arguments.paddingIdx { parts.append("padding_idx=\(padding)") }
        if arguments.scaleGradByFreq { parts.append("scale_grad_by_freq=True") }
        var text = "Embedding(\(parts.joined(separator: ", "))) \(fixture.dtype.rawValue)"
        if let input = fixture.tensors["input"] { text += " in\(formatTuple(input.shape))" }
        return fixture.recordsGradients ? text + " grad" : text
    }

    /// Builds the table (checking its seeded initialisation), loads the recorded state, looks the
    /// input up, and for a gradient case runs backward.
    public func run<Scalar: RecurrentScalar>(_ run: inout CaseRun<Scalar>) throws(CaseError) {
        let arguments = arguments
        let seed = fixture.initSeed
        var embedding = try run.stage(.construct) { () throws(TorchError) in
            try Embedding<Scalar>(
                numEmbeddings: arguments.numEmbeddings, embeddingDim: arguments.embeddingDim, paddingIdx: arguments.paddingIdx,
                scaleGradByFreq: arguments.scaleGradByFreq, seed: seed ?? 0)
        }
        try run.loadRecordedState(into: &embedding)
        guard let input = fixture.tensors["input"] else { return }
        guard fixture.recordsGradients else {
            let output = try run.stage(.forward) { () throws(TorchError) in try embedding(input) }
            if fixture.expectation == .output { run.compare(output, "output") }
            return
        }
        guard let indices = input.indexTensor else { throw .harness("the input of a gradient case is not integer") }
        let (output, trace) = try run.stage(.forward) { () throws(TorchError) in try embedding.trainingForward(indices) }
        run.compare(output, "output")
        let cotangent = try run.cotangent("output", shape: output.shape)
        let parameters = try run.stage(.forward) { () throws(TorchError) in
            try embedding.backward(trace, outputGradient: cotangent)
        }
        run.compareGradients(input: nil, parameters: parameters)
    }
}
