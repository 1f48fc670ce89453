import Recurrent

extension FixtureRunner {
    /// A packed RNN case: packs `input` with `lengths` (checking the packing against `packed.*`) or
    /// rebuilds the recorded `packed.*` sequence, runs it, and compares `output.*` (the packed output,
    /// then the output padded again by `pad_packed_sequence`) and `h_n`.
    static func runPacked<Scalar: RecurrentScalar>(
        _ rnn: RNN<Scalar>, _ fixture: Fixture, into result: inout CaseResult
    ) throws(TorchError) {
        let batchFirst = fixture.config?.batchFirst ?? false
        let packed: PackedSequence<Scalar>
        if let input = fixture.tensors["input"], let lengths = fixture.tensors["lengths"]?.integers {
            packed = try packPaddedSequence(
                try typed(input, Scalar.self, "input"), lengths: lengths, batchFirst: batchFirst,
                enforceSorted: fixture.enforceSorted)
            compareFields(of: packed, with: "packed", fixture, into: &result)
        } else {
            packed = try packedSequence(named: "packed", in: fixture, as: Scalar.self)
        }
        var generator = TorchGenerator(seed: fixture.dropoutSeed ?? 0)
        let h0 = try fixture.tensors["h0"].map { tensor throws(TorchError) in try typed(tensor, Scalar.self, "h0") }
        let (output, hN) = try rnn(packed, h0: h0, generator: &generator)
        guard fixture.expectation == .output else { return }
        compareFields(of: output, with: "output", fixture, into: &result)
        if fixture.tensors["output.padded"] != nil {
            let (padded, lengths) = try padPackedSequence(output, batchFirst: batchFirst)
            compare(Scalar.erase(padded), "output.padded", fixture, into: &result)
            compare(.int64(lengths), "output.lengths", fixture, into: &result)
        }
        compare(Scalar.erase(hN), "h_n", fixture, into: &result)
    }

    /// Compares a packed sequence's four fields with the fixture's `prefix.data`, `prefix.batch_sizes`,
    /// `prefix.sorted_indices` and `prefix.unsorted_indices` (the indices absent when they are `nil`).
    static func compareFields<Scalar: RecurrentScalar>(
        of sequence: PackedSequence<Scalar>, with prefix: String, _ fixture: Fixture, into result: inout CaseResult
    ) {
        compare(Scalar.erase(sequence.data), prefix + ".data", fixture, into: &result)
        compare(.int64(sequence.batchSizes), prefix + ".batch_sizes", fixture, into: &result)
        for (name, indices) in [("sorted_indices", sequence.sortedIndices), ("unsorted_indices", sequence.unsortedIndices)] {
            switch (indices, fixture.tensors[prefix + "." + name]) {
            case (let indices?, _): compare(.int64(indices), prefix + "." + name, fixture, into: &result)
            case (nil, nil): break
            case (nil, _?): result.failures.append("\(prefix).\(name): expected indices, got None")
            }
        }
    }

    /// The packed sequence recorded under `prefix.data`, `prefix.batch_sizes` and `prefix.sorted_indices`.
    static func packedSequence<Scalar: RecurrentScalar>(
        named prefix: String, in fixture: Fixture, as _: Scalar.Type
    ) throws(TorchError) -> PackedSequence<Scalar> {
        guard let data = fixture.tensors[prefix + ".data"], let batchSizes = fixture.tensors[prefix + ".batch_sizes"]?.integers else {
            throw TorchError(.keyError, "the fixture has no packed sequence '\(prefix)'")
        }
        return try PackedSequence(
            data: try typed(data, Scalar.self, prefix + ".data"), batchSizes: batchSizes,
            sortedIndices: fixture.tensors[prefix + ".sorted_indices"]?.integers)
    }

    /// The tensor as `Scalar`, which a fixture of that dtype must hold.
    static func typed<Scalar: RecurrentScalar>(_ tensor: AnyTensor, _: Scalar.Type, _ name: String) throws(TorchError) -> Tensor<Scalar> {
        guard let typed = tensor.tensor(of: Scalar.self) else {
            throw TorchError(.typeError, "fixture tensor '\(name)' is \(tensor.dtype.rawValue), expected \(Scalar.dtype.rawValue)")
        }
        return typed
    }
}
