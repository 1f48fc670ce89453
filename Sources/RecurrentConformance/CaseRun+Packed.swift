import Recurrent

extension CaseRun {
    /// Compares a packed sequence's four fields with the fixture's `prefix.data`, `prefix.batch_sizes`,
    /// `prefix.sorted_indices` and `prefix.unsorted_indices` (the indices absent when they are `nil`).
    public mutating func compareFields(of sequence: PackedSequence<Scalar>, with prefix: String) {
        compare(sequence.data, prefix + ".data")
        compare(sequence.batchSizes, prefix + ".batch_sizes")
        for (name, indices) in [("sorted_indices", sequence.sortedIndices), ("unsorted_indices", sequence.unsortedIndices)] {
            switch (indices, fixture.tensors[prefix + "." + name]) {
            case (let indices?, _): compare(indices, prefix + "." + name)
            case (nil, nil): break
            case (nil, _?): check(false, "\(prefix).\(name): expected indices, got None")
            }
        }
    }

    /// The packed sequence recorded under `prefix.data`, `prefix.batch_sizes` and
    /// `prefix.sorted_indices`, built at `stage` (where PyTorch would refuse a malformed one).
    public func packedSequence(named prefix: String, at stage: Fixture.Stage) throws(CaseError) -> PackedSequence<Scalar> {
        let data = try tensor(prefix + ".data")
        let batchSizes = try integers(prefix + ".batch_sizes")
        let sortedIndices = fixture.tensors[prefix + ".sorted_indices"]?.integers
        return try self.stage(stage) { () throws(TorchError) in
            try PackedSequence(data: data, batchSizes: batchSizes, sortedIndices: sortedIndices)
        }
    }
}
