import Recurrent
import RecurrentFormats

/// The functions of `torch.nn.utils.rnn` (`module=utils`): calls `function` on the recorded inputs
/// with the recorded keyword arguments and compares `result` (a tensor, `result.*` packed fields,
/// `result.lengths`, or a list `result.0`, `result.1`, ...).
public struct PackingConformance: ModuleConformance {
    /// `utils`.
    public static let module = "utils"

    /// The keyword arguments of a call; an absent one takes PyTorch's default, which this is the
    /// runner's one place for.
    struct Arguments: Decodable {
        var batchFirst = false
        var enforceSorted = true
        var paddingValue = 0.0
        var totalLength: Int?
        var paddingSide = "right"

        enum CodingKeys: String, CodingKey {
            case batchFirst = "batch_first", enforceSorted = "enforce_sorted", paddingValue = "padding_value"
            case totalLength = "total_length", paddingSide = "padding_side"
        }

        init() {}

        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            batchFirst = try c.decodeIfPresent(Bool.self, forKey: .batchFirst) ?? batchFirst
            enforceSorted = try c.decodeIfPresent(Bool.self, forKey: .enforceSorted) ?? enforceSorted
            paddingValue = try c.decodeIfPresent(Double.self, forKey: .paddingValue) ?? paddingValue
            totalLength = try c.decodeIfPresent(Int.self, forKey: .totalLength)
            paddingSide = try c.decodeIfPresent(String.self, forKey: .paddingSide) ?? paddingSide
        }
    }

    let fixture: Fixture
    let function: String
    let arguments: Arguments
    /// The positional inputs, in order: a tensor name, a `name.N` list, or a `name.data`... packed sequence.
    let inputNames: [String]

    /// Reads the case's `function`, `arguments` and `inputs`.
    public init(_ fixture: Fixture) throws(FormatError) {
        self.fixture = fixture
        function = try fixture.field("function")
        arguments = try fixture.json("arguments", as: Arguments.self) ?? Arguments()
        inputNames = try fixture.json("inputs", as: [String].self) ?? []
        try checkResultSize()
    }

    /// `pad_sequence` broadcasts every sequence into `(longest, count, *first's trailing shape)`, and
    /// `pad_packed_sequence` fills `(total_length, batch, *features)`: bound those before allocating.
    private func checkResultSize() throws(FormatError) {
        if function == "pad_packed_sequence", let data = fixture.tensors["sequence.data"],
            let batchSizes = fixture.tensors["sequence.batch_sizes"]?.integers
        {
            try FixtureLimits.checkWork(
                elementCount(
                    max(arguments.totalLength ?? 0, batchSizes.count), batchSizes.first ?? 0,
                    data.shape.dropFirst().reduce(1) { elementCount($0, $1) ?? .max }),
                of: "the padded result", in: fixture)
        }
        guard function == "pad_sequence" else { return }
        let sequences = (0..<listCount("sequences")).compactMap { fixture.tensors["sequences.\($0)"] }
        guard let first = sequences.first else { return }
        let longest = sequences.map { $0.shape.first ?? 1 }.max() ?? 0
        try FixtureLimits.checkWork(
            elementCount(longest, sequences.count, first.shape.dropFirst().reduce(1) { elementCount($0, $1) ?? .max }),
            of: "the padded result", in: fixture)
    }

    private func listCount(_ name: String) -> Int {
        min(Int(fixture.metadata[name + "_count"] ?? "0") ?? 0, FixtureLimits.maxSize)
    }

    /// `pad_sequence(sequences) float32`.
    public var summary: String {
        "\(function)(\(inputNames.joined(separator: ", "))) \(fixture.dtype.rawValue)"
    }

    /// Calls the function and compares its result.
    public func run<Scalar: RecurrentScalar>(_ run: inout CaseRun<Scalar>) throws(CaseError) {
        let arguments = arguments
        let batchFirst = arguments.batchFirst
        let expectsOutput = fixture.expectation == .output
        func list(_ name: String) throws(CaseError) -> [Tensor<Scalar>] {
            var tensors: [Tensor<Scalar>] = []
            for index in 0..<listCount(name) { tensors.append(try run.tensor("\(name).\(index)")) }
            return tensors
        }
        switch function {
        case "pack_padded_sequence":
            let input = try run.tensor("input")
            let lengths = try run.integers("lengths")
            let packed = try run.stage(.call) { () throws(TorchError) in
                try packPaddedSequence(input, lengths: lengths, batchFirst: batchFirst, enforceSorted: arguments.enforceSorted)
            }
            if expectsOutput { run.compareFields(of: packed, with: "result") }
        case "pack_sequence":
            let sequences = try list("sequences")
            let packed = try run.stage(.call) { () throws(TorchError) in
                try packSequence(sequences, enforceSorted: arguments.enforceSorted)
            }
            if expectsOutput { run.compareFields(of: packed, with: "result") }
        case "pad_sequence":
            let sequences = try list("sequences")
            let padded = try run.stage(.call) { () throws(TorchError) in
                try padSequence(
                    sequences, batchFirst: batchFirst, paddingValue: arguments.paddingValue,
                    paddingSide: try PaddingSide(pytorchName: arguments.paddingSide))
            }
            if expectsOutput { run.compare(padded, "result") }
        case "pad_packed_sequence":
            let sequence = try run.packedSequence(named: "sequence", at: .call)
            let (padded, lengths) = try run.stage(.call) { () throws(TorchError) in
                try padPackedSequence(
                    sequence, batchFirst: batchFirst, paddingValue: arguments.paddingValue,
                    totalLength: arguments.totalLength)
            }
            if expectsOutput {
                run.compare(padded, "result")
                run.compare(lengths, "result.lengths")
            }
        case "unpack_sequence":
            let sequence = try run.packedSequence(named: "packed_sequences", at: .call)
            let sequences = try run.stage(.call) { () throws(TorchError) in try unpackSequence(sequence) }
            if expectsOutput { compareList(sequences, &run) }
        case "unpad_sequence":
            let padded = try run.tensor("padded_sequences")
            let lengths = try run.integers("lengths")
            let sequences = try run.stage(.call) { () throws(TorchError) in
                try unpadSequence(padded, lengths: lengths, batchFirst: batchFirst)
            }
            if expectsOutput { compareList(sequences, &run) }
        default:
            throw .harness("unknown torch.nn.utils.rnn function '\(function)'")
        }
    }

    private func compareList<Scalar: RecurrentScalar>(_ tensors: [Tensor<Scalar>], _ run: inout CaseRun<Scalar>) {
        let expectedCount = Int(fixture.metadata["result_count"] ?? "") ?? -1
        run.check(tensors.count == expectedCount, "result: expected \(expectedCount) tensors, got \(tensors.count)")
        guard tensors.count == expectedCount else { return }
        for (index, tensor) in tensors.enumerated() { run.compare(tensor, "result.\(index)") }
    }
}
