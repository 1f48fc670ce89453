import Recurrent

extension FixtureRunner {
    /// A `torch.nn.utils.rnn` case: calls the function on the recorded inputs with the recorded keyword
    /// arguments and compares `result` (a tensor, `result.*` packed fields, `result.lengths`, or a list
    /// `result.0`, `result.1`, ...).
    static func runUtility<Scalar: RecurrentScalar>(
        _: Scalar.Type, _ fixture: Fixture, into result: inout CaseResult
    ) throws(TorchError) {
        let arguments = fixture.arguments
        let batchFirst = arguments.batchFirst ?? false
        func tensor(_ name: String) throws(TorchError) -> Tensor<Scalar> {
            guard let value = fixture.tensors[name] else { throw TorchError(.keyError, "the fixture has no input '\(name)'") }
            return try typed(value, Scalar.self, name)
        }
        func list(_ name: String) throws(TorchError) -> [Tensor<Scalar>] {
            let count = Int(fixture.metadata[name + "_count"] ?? "0") ?? 0
            var tensors: [Tensor<Scalar>] = []
            for index in 0..<count { tensors.append(try tensor("\(name).\(index)")) }
            return tensors
        }
        func lengths() throws(TorchError) -> [Int] {
            guard let lengths = fixture.tensors["lengths"]?.integers else { throw TorchError(.keyError, "the fixture has no lengths") }
            return lengths
        }
        let expectsOutput = fixture.expectation == .output
        switch fixture.function {
        case "pack_padded_sequence":
            let packed = try packPaddedSequence(
                try tensor("input"), lengths: try lengths(), batchFirst: batchFirst,
                enforceSorted: arguments.enforceSorted ?? true)
            if expectsOutput { compareFields(of: packed, with: "result", fixture, into: &result) }
        case "pack_sequence":
            let packed = try packSequence(try list("sequences"), enforceSorted: arguments.enforceSorted ?? true)
            if expectsOutput { compareFields(of: packed, with: "result", fixture, into: &result) }
        case "pad_sequence":
            let padded = try padSequence(
                try list("sequences"), batchFirst: batchFirst, paddingValue: arguments.paddingValue ?? 0,
                paddingSide: try PaddingSide(pytorchName: arguments.paddingSide ?? "right"))
            if expectsOutput { compare(Scalar.erase(padded), "result", fixture, into: &result) }
        case "pad_packed_sequence":
            let (padded, lengths) = try padPackedSequence(
                try packedSequence(named: "sequence", in: fixture, as: Scalar.self), batchFirst: batchFirst,
                paddingValue: arguments.paddingValue ?? 0, totalLength: arguments.totalLength)
            if expectsOutput {
                compare(Scalar.erase(padded), "result", fixture, into: &result)
                compare(.int64(lengths), "result.lengths", fixture, into: &result)
            }
        case "unpack_sequence":
            let sequences = try unpackSequence(try packedSequence(named: "packed_sequences", in: fixture, as: Scalar.self))
            if expectsOutput { compareList(sequences, fixture, into: &result) }
        case "unpad_sequence":
            let sequences = try unpadSequence(try tensor("padded_sequences"), lengths: try lengths(), batchFirst: batchFirst)
            if expectsOutput { compareList(sequences, fixture, into: &result) }
        case let other:
            result.failures.append("unknown torch.nn.utils.rnn function '\(other ?? "")'")
        }
    }

    private static func compareList<Scalar: RecurrentScalar>(
        _ tensors: [Tensor<Scalar>], _ fixture: Fixture, into result: inout CaseResult
    ) {
        let expectedCount = Int(fixture.metadata["result_count"] ?? "") ?? -1
        guard tensors.count == expectedCount else {
            result.failures.append("result: expected \(expectedCount) tensors, got \(tensors.count)")
            return
        }
        for (index, tensor) in tensors.enumerated() { compare(Scalar.erase(tensor), "result.\(index)", fixture, into: &result) }
    }
}
