// The functions of `torch.nn.utils.rnn`, with PyTorch's arguments, defaults, results and messages.

/// Where `padSequence` puts the padding.
public enum PaddingSide: String, Hashable, Sendable, CaseIterable {
    /// After each sequence (PyTorch's default).
    case right
    /// Before each sequence, so that the sequences end together.
    case left

    /// Parses PyTorch's spelling, `"right"` or `"left"`.
    ///
    /// - Throws: `TorchError` with `pad_sequence`'s message for any other string.
    public init(pytorchName name: String) throws(TorchError) {
        guard let side = PaddingSide(rawValue: name) else {
            throw .runtimeError("Expected padding_side to be one of left or right, but got \(name).")
        }
        self = side
    }
}

/// Stacks sequences of different lengths into one padded tensor: `pad_sequence`.
///
/// - Parameters:
///   - sequences: `(L_i, *)` tensors with the same trailing dimensions.
///   - batchFirst: Whether the result is `(B, T, *)` instead of `(T, B, *)`.
///   - paddingValue: The value of the padding elements.
///   - paddingSide: Whether the padding goes after (`.right`) or before (`.left`) each sequence.
/// - Returns: A `(T, B, *)` tensor, `T` being the longest length.
/// - Throws: `TorchError` with PyTorch's message for an empty list, trailing dimensions that do not
///   broadcast to the first sequence's, or a result too large to lay out.
public func padSequence<Scalar>(
    _ sequences: [Tensor<Scalar>], batchFirst: Bool = false, paddingValue: Double = 0, paddingSide: PaddingSide = .right
) throws(TorchError) -> Tensor<Scalar> {
    guard let first = sequences.first else { throw .runtimeError("received an empty list of sequences") }
    guard sequences.allSatisfy({ $0.rank >= 1 }) else { throw .runtimeError("ArrayRef: invalid slice, N = 1; size = 0") }
    let trailing = Array(first.shape.dropFirst())
    let inner = trailing.reduce(1, *)
    let longest = sequences.map { $0.shape[0] }.max() ?? 0
    var result = [Scalar](
        repeating: Scalar(paddingValue), count: try Tensor<Scalar>.elementCount(of: [longest, sequences.count] + trailing))
    // Without elements (a trailing size of 0) there is nothing to place, however long the sequences.
    for (b, sequence) in sequences.enumerated() where !result.isEmpty {
        let length = sequence.shape[0]
        let values = try sequence.broadcast(to: [length] + trailing).scalars
        let start = paddingSide == .right ? 0 : longest - length
        for t in 0..<length {
            let target = ((start + t) * sequences.count + b) * inner
            result.replaceSubrange(target..<(target + inner), with: values[(t * inner)..<((t + 1) * inner)])
        }
    }
    let padded = Tensor(unchecked: [longest, sequences.count] + trailing, scalars: result)
    return batchFirst ? padded.transposingFirstTwoDimensions() : padded
}

/// Packs a padded batch of sequences: `pack_padded_sequence`.
///
/// - Parameters:
///   - input: `(T, B, *)`, or `(B, T, *)` with `batchFirst`.
///   - lengths: The length of each sequence, in batch order.
///   - batchFirst: Whether `input` is batch-first.
///   - enforceSorted: Whether the lengths must already be in decreasing order; when `false` the batch
///     is sorted (with PyTorch's unstable sort, so tied lengths land where PyTorch puts them) and the
///     result records the permutation.
/// - Throws: `TorchError` with PyTorch's messages for an empty input, a lengths count that is not the
///   batch size, a length of 0 or less, and unsorted lengths with `enforceSorted`. A length beyond the
///   padded length `T`, which PyTorch packs into a malformed sequence without complaint, throws here.
public func packPaddedSequence<Scalar>(
    _ input: Tensor<Scalar>, lengths: [Int], batchFirst: Bool = false, enforceSorted: Bool = true
) throws(TorchError) -> PackedSequence<Scalar> {
    var input = input
    var lengths = lengths
    var sortedIndices: [Int]?
    if !enforceSorted {
        let order = descendingSortIndices(lengths)
        lengths = order.map { lengths[$0] }
        input = try input.selecting(order, alongDimension: batchFirst ? 0 : 1)
        sortedIndices = order
    }
    input = batchFirst ? try input.transposedFirstTwo() : input
    guard input.rank >= 2 else {
        throw TorchError(.indexError, "Dimension out of range (expected to be in range of [-1, 0], but got 1)")
    }
    let (steps, batch) = (input.shape[0], input.shape[1])
    guard input.count > 0 else { throw .runtimeError("Cannot pack empty tensors.") }
    guard lengths.count == batch else {
        throw .runtimeError("Expected `len(lengths)` to be equal to batch_size, but got \(lengths.count) (batch_size=\(batch))")
    }
    guard lengths[batch - 1] > 0 else {
        throw .runtimeError("Length of all samples has to be greater than 0, but found an element in 'lengths' that is <= 0")
    }
    guard zip(lengths, lengths.dropFirst()).allSatisfy({ $0 >= $1 }) else {
        throw .runtimeError(
            "`lengths` array must be sorted in decreasing order when `enforce_sorted` is True. You can pass "
                + "`enforce_sorted=False` to pack_padded_sequence and/or pack_sequence to sidestep this requirement "
                + "if you do not need ONNX exportability.")
    }
    guard lengths[0] <= steps else {
        throw .runtimeError("Expected every length to be at most the padded sequence length \(steps), but got \(lengths[0])")
    }
    let batchSizes = (0..<lengths[0]).map { t in lengths.count { $0 > t } }
    let inner = input.shape.dropFirst(2).reduce(1, *)
    var data = [Scalar]()
    data.reserveCapacity(batchSizes.reduce(0, +) * inner)
    for (t, size) in batchSizes.enumerated() {
        data.append(contentsOf: input.scalars[(t * batch * inner)..<((t * batch + size) * inner)])
    }
    let dataTensor = Tensor(unchecked: [batchSizes.reduce(0, +)] + Array(input.shape.dropFirst(2)), scalars: data)
    return try PackedSequence(data: dataTensor, batchSizes: batchSizes, sortedIndices: sortedIndices)
}

/// Unpacks a packed sequence into a padded tensor: `pad_packed_sequence`.
///
/// - Parameters:
///   - sequence: The packed batch.
///   - batchFirst: Whether the result is `(B, T, *)` instead of `(T, B, *)`.
///   - paddingValue: The value of the padding elements.
///   - totalLength: Pads to exactly this many steps (at least the longest length) when given.
/// - Returns: The padded tensor and each sequence's length, both in the caller's original batch order.
/// - Throws: PyTorch's `ValueError` when `totalLength` is below the longest length, and its
///   `RuntimeError` when the padded result is too large to lay out.
public func padPackedSequence<Scalar>(
    _ sequence: PackedSequence<Scalar>, batchFirst: Bool = false, paddingValue: Double = 0, totalLength: Int? = nil
) throws(TorchError) -> (padded: Tensor<Scalar>, lengths: [Int]) {
    let longest = sequence.batchSizes.count
    if let totalLength, totalLength < longest {
        throw .valueError(
            "Expected total_length to be at least the length of the longest sequence in input, but got "
                + "total_length=\(totalLength) and max sequence length being \(longest)")
    }
    let steps = totalLength ?? longest
    let batch = sequence.batchSizes.first ?? 0
    let trailing = Array(sequence.data.shape.dropFirst())
    let inner = trailing.reduce(1, *)
    var result = [Scalar](repeating: Scalar(paddingValue), count: try Tensor<Scalar>.elementCount(of: [steps, batch] + trailing))
    var row = 0
    for (t, size) in sequence.batchSizes.enumerated() {
        let source = sequence.data.scalars[(row * inner)..<((row + size) * inner)]
        result.replaceSubrange((t * batch * inner)..<((t * batch + size) * inner), with: source)
        row += size
    }
    var padded = Tensor(unchecked: [steps, batch] + trailing, scalars: result)
    var lengths = (0..<batch).map { b in sequence.batchSizes.count { $0 > b } }
    if let unsorted = sequence.unsortedIndices {
        padded = try padded.selecting(unsorted, alongDimension: 1)
        lengths = unsorted.map { lengths[$0] }
    }
    return (batchFirst ? padded.transposingFirstTwoDimensions() : padded, lengths)
}

/// Packs a list of sequences: `pack_sequence`, which is `pack_padded_sequence(pad_sequence(...))`.
///
/// - Throws: `TorchError` with PyTorch's messages, as ``padSequence(_:batchFirst:paddingValue:paddingSide:)``
///   and ``packPaddedSequence(_:lengths:batchFirst:enforceSorted:)`` throw them.
public func packSequence<Scalar>(_ sequences: [Tensor<Scalar>], enforceSorted: Bool = true) throws(TorchError) -> PackedSequence<Scalar> {
    guard sequences.allSatisfy({ $0.rank >= 1 }) else {
        throw TorchError(.indexError, "Dimension specified as 0 but tensor has no dimensions")
    }
    let lengths = sequences.map { $0.shape[0] }
    return try packPaddedSequence(padSequence(sequences), lengths: lengths, enforceSorted: enforceSorted)
}

/// Splits a padded batch into its sequences: `unpad_sequence`.
///
/// - Parameters:
///   - padded: `(T, B, *)`, or `(B, T, *)` with `batchFirst`.
///   - lengths: One length per sequence; a length beyond `T` is clipped, as Python slicing clips it.
///   - batchFirst: Whether `padded` is batch-first.
/// - Returns: The sequences `(L_i, *)`, in batch order.
/// - Throws: Python's `zip(strict=True)` `ValueError` when there are more or fewer lengths than sequences.
public func unpadSequence<Scalar>(_ padded: Tensor<Scalar>, lengths: [Int], batchFirst: Bool = false) throws(TorchError) -> [Tensor<Scalar>] {
    let batchMajor = batchFirst ? padded : try padded.transposedFirstTwo()
    let batch = batchMajor.shape.first ?? 0
    if lengths.count != batch {
        throw .valueError("zip() argument 2 is \(lengths.count > batch ? "longer" : "shorter") than argument 1")
    }
    return (0..<batch).map { b in
        let sequence = batchMajor.rows(b..<(b + 1))
        let steps = sequence.shape.count > 1 ? sequence.shape[1] : 0
        let inner = sequence.shape.dropFirst(2).reduce(1, *)
        // Python's slice end: clipped to the length, counted from the end when negative.
        let end = lengths[b] < 0 ? max(steps + lengths[b], 0) : min(lengths[b], steps)
        return Tensor(unchecked: [end] + Array(sequence.shape.dropFirst(2)), scalars: Array(sequence.scalars[0..<(end * inner)]))
    }
}

/// Unpacks a packed sequence into its sequences, in the caller's original order: `unpack_sequence`.
///
/// - Throws: `TorchError` as ``padPackedSequence(_:batchFirst:paddingValue:totalLength:)`` does.
public func unpackSequence<Scalar>(_ sequence: PackedSequence<Scalar>) throws(TorchError) -> [Tensor<Scalar>] {
    let (padded, lengths) = try padPackedSequence(sequence, batchFirst: true)
    return try unpadSequence(padded, lengths: lengths, batchFirst: true)
}
