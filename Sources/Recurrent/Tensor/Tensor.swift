/// A dense, row-major tensor of floating-point scalars: the value type every layer computes on.
///
/// `Tensor` is deliberately small: a shape and a contiguous array of scalars, with value semantics.
/// Shapes follow PyTorch's conventions, so a `(L, N, H_in)` input is `shape == [L, N, H_in]`, and an
/// empty dimension (size 0) is allowed wherever PyTorch allows it.
///
/// ```swift
/// let x = try Tensor<Float>(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
/// x.shape        // [2, 3]
/// x.scalars[4]   // 5.0, the element at (1, 1)
/// ```
public struct Tensor<Scalar: BinaryFloatingPoint & Sendable>: Sendable, Hashable {
    /// The size of each dimension, outermost first.
    public let shape: [Int]
    /// The elements in row-major order; `scalars.count` is the product of `shape`.
    public private(set) var scalars: [Scalar]

    /// Creates a tensor from its shape and its elements in row-major order.
    ///
    /// - Throws: `TorchError` when a dimension is negative or the element count does not match the shape.
    public init(shape: [Int], scalars: [Scalar]) throws(TorchError) {
        let count = try Self.elementCount(of: shape)
        guard count == scalars.count else {
            throw TorchError(
                .runtimeError,
                "shape '\(formatList(shape))' is invalid for input of size \(scalars.count)")
        }
        self.init(unchecked: shape, scalars: scalars)
    }

    /// Creates a tensor of the given shape filled with `value`.
    ///
    /// - Throws: `TorchError` when a dimension is negative.
    public init(repeating value: Scalar, shape: [Int]) throws(TorchError) {
        let count = try Self.elementCount(of: shape)
        self.init(unchecked: shape, scalars: Array(repeating: value, count: count))
    }

    /// Creates a tensor of zeros.
    ///
    /// - Throws: `TorchError` when a dimension is negative.
    public static func zeros(_ shape: [Int]) throws(TorchError) -> Tensor {
        try Tensor(repeating: 0, shape: shape)
    }

    /// Creates a 0-D tensor holding one scalar.
    public init(scalar: Scalar) {
        self.init(unchecked: [], scalars: [scalar])
    }

    init(unchecked shape: [Int], scalars: [Scalar]) {
        self.shape = shape
        self.scalars = scalars
    }

    /// The number of dimensions.
    public var rank: Int { shape.count }

    /// The number of elements.
    public var count: Int { scalars.count }

    /// The same elements under another shape with the same element count.
    ///
    /// - Throws: `TorchError` with PyTorch's `view` message when the counts differ.
    public func reshaped(_ newShape: [Int]) throws(TorchError) -> Tensor {
        try Tensor(shape: newShape, scalars: scalars)
    }

    /// The tensor with every element converted to another floating-point type, rounding to nearest.
    public func converted<Other: BinaryFloatingPoint & Sendable>(to _: Other.Type = Other.self) -> Tensor<Other> {
        Tensor<Other>(unchecked: shape, scalars: scalars.map { Other($0) })
    }

    /// Swaps the first two dimensions, the layout change between batch-first `(N, L, ·)` and
    /// time-major `(L, N, ·)` tensors.
    func transposingFirstTwoDimensions() -> Tensor {
        guard rank >= 2 else { return self }
        var newShape = shape
        newShape.swapAt(0, 1)
        // No element to move: the block loops below would still walk every (row, column) block.
        guard !scalars.isEmpty else { return Tensor(unchecked: newShape, scalars: []) }
        let (a, b) = (shape[0], shape[1])
        let inner = shape.dropFirst(2).reduce(1, *)
        let result = [Scalar](unsafeUninitializedCapacity: scalars.count) { target, initialized in
            scalars.withUnsafeBufferPointer { source in
                guard let from = source.baseAddress, let to = target.baseAddress else { return }
                // Blocks of rows keep both sides' cache lines in use while a block is copied.
                let block = 16
                for i0 in stride(from: 0, to: a, by: block) {
                    for j0 in stride(from: 0, to: b, by: block) {
                        for i in i0..<Swift.min(i0 + block, a) {
                            for j in j0..<Swift.min(j0 + block, b) {
                                (to + (j * a + i) * inner).initialize(from: from + (i * b + j) * inner, count: inner)
                            }
                        }
                    }
                }
            }
            initialized = scalars.count
        }
        return Tensor(unchecked: newShape, scalars: result)
    }

    /// The number of elements a shape holds, or PyTorch's error for a shape no tensor can have (see
    /// ``StridedLayout/elementCount(of:elementSize:)``).
    static func elementCount(of shape: [Int]) throws(TorchError) -> Int {
        try StridedLayout.elementCount(of: shape, elementSize: MemoryLayout<Scalar>.size)
    }
}

extension Tensor: CustomStringConvertible {
    /// A short summary: the shape and the first few elements.
    public var description: String {
        let head = scalars.prefix(6).map { "\($0)" }.joined(separator: ", ")
        let more = scalars.count > 6 ? ", ..." : ""
        return "Tensor<\(Scalar.self)>(shape: \(formatList(shape)), scalars: [\(head)\(more)])"
    }
}

/// `[a, b, c]`, the way PyTorch prints a list of sizes.
package func formatList(_ values: [Int]) -> String {
    "[" + values.map(String.init).joined(separator: ", ") + "]"
}

/// `(a, b, c)`, the way Python prints a tuple of sizes (`(a,)` for one element).
package func formatTuple(_ values: [Int]) -> String {
    values.count == 1 ? "(\(values[0]),)" : "(" + values.map(String.init).joined(separator: ", ") + ")"
}
