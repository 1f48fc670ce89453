/// A batch of sequences of different lengths, packed time step by time step: PyTorch's
/// `torch.nn.utils.rnn.PackedSequence`.
///
/// Step `t` holds one row for each of the first `batchSizes[t]` sequences of the batch, ordered by
/// decreasing length, so padding is never stored and an ``RNN`` never computes it. When the batch was
/// reordered to sort it, `sortedIndices` maps sorted positions to the caller's (`sorted[i] =
/// original[sortedIndices[i]]`) and `unsortedIndices` is its inverse; both are `nil` for a batch that
/// was already sorted.
///
/// ```swift
/// let a = try Tensor<Float>(shape: [3, 1], scalars: [1, 2, 3])
/// let b = try Tensor<Float>(shape: [2, 1], scalars: [4, 5])
/// let packed = try packSequence([a, b])
/// packed.data.scalars   // [1, 4, 2, 5, 3]
/// packed.batchSizes     // [2, 2, 1]
/// ```
public struct PackedSequence<Scalar: BinaryFloatingPoint & Sendable>: Sendable, Hashable {
    /// The rows of every step, concatenated: `(Σ lengths, *)`.
    public let data: Tensor<Scalar>
    /// The number of sequences still running at each step; non-increasing, one entry per step of the
    /// longest sequence.
    public let batchSizes: [Int]
    /// The caller's index of each sorted sequence, or `nil` when the batch was packed as given.
    public let sortedIndices: [Int]?
    /// The sorted position of each of the caller's sequences (the inverse of ``sortedIndices``).
    public let unsortedIndices: [Int]?

    /// Creates a packed sequence from its data and batch sizes; `unsortedIndices` is computed from
    /// `sortedIndices`, as PyTorch's constructor does.
    ///
    /// PyTorch accepts inconsistent fields here and fails later, inside the RNN; this initialiser
    /// checks them at once.
    ///
    /// - Throws: `TorchError` when the batch sizes are not positive and non-increasing, do not add up to
    ///   the rows of `data`, or `sortedIndices` is not a permutation of the batch.
    public init(data: Tensor<Scalar>, batchSizes: [Int], sortedIndices: [Int]? = nil) throws(TorchError) {
        guard data.rank >= 1 else {
            throw .runtimeError("PackedSequence: data must have at least 1 dimension, got 0")
        }
        guard batchSizes.allSatisfy({ $0 > 0 }), zip(batchSizes, batchSizes.dropFirst()).allSatisfy({ $0 >= $1 }) else {
            throw .runtimeError("PackedSequence: batch_sizes must be positive and non-increasing, got \(formatList(batchSizes))")
        }
        let rows = batchSizes.reduce(0, +)
        guard rows == data.shape[0] else {
            throw .runtimeError("PackedSequence: batch_sizes add up to \(rows) rows, but data has \(data.shape[0])")
        }
        var unsortedIndices: [Int]?
        if let sortedIndices {
            let batch = batchSizes.first ?? 0
            var inverse = [Int](repeating: -1, count: batch)
            for (position, index) in sortedIndices.enumerated() where (0..<batch).contains(index) { inverse[index] = position }
            guard sortedIndices.count == batch, !inverse.contains(-1) else {
                throw .runtimeError(
                    "PackedSequence: sorted_indices must be a permutation of 0..<\(batch), got \(formatList(sortedIndices))")
            }
            unsortedIndices = inverse
        }
        self.init(unchecked: data, batchSizes: batchSizes, sortedIndices: sortedIndices, unsortedIndices: unsortedIndices)
    }

    init(unchecked data: Tensor<Scalar>, batchSizes: [Int], sortedIndices: [Int]?, unsortedIndices: [Int]?) {
        self.data = data
        self.batchSizes = batchSizes
        self.sortedIndices = sortedIndices
        self.unsortedIndices = unsortedIndices
    }

    /// The same packing with other data (of as many rows), as an RNN's output is.
    func replacingData(_ data: Tensor<Scalar>) -> PackedSequence {
        PackedSequence(unchecked: data, batchSizes: batchSizes, sortedIndices: sortedIndices, unsortedIndices: unsortedIndices)
    }
}
