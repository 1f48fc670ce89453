/// A tensor of integer indices (PyTorch's `int64` "LongTensor"): the input of an ``Embedding`` and
/// the class targets of a ``CrossEntropyLoss``.
///
/// ```swift
/// let tokens = try IndexTensor(shape: [2, 3], indices: [4, 1, 0, 2, 2, 7])
/// let vectors = try embedding(tokens)   // (2, 3, embedding_dim)
/// ```
public struct IndexTensor: Sendable, Hashable, CustomStringConvertible {
    /// The size of each dimension, outermost first.
    public let shape: [Int]
    /// The indices in row-major order; `indices.count` is the product of `shape`.
    public let indices: [Int]

    /// Creates an index tensor from its shape and its elements in row-major order.
    ///
    /// - Throws: `TorchError` when a dimension is negative or the element count does not match.
    public init(shape: [Int], indices: [Int]) throws(TorchError) {
        let count = try Tensor<Double>.elementCount(of: shape)
        guard count == indices.count else {
            throw .runtimeError("shape '\(formatList(shape))' is invalid for input of size \(indices.count)")
        }
        self.shape = shape
        self.indices = indices
    }

    init(unchecked shape: [Int], indices: [Int]) {
        self.shape = shape
        self.indices = indices
    }

    /// A one-dimensional index tensor, `torch.tensor(indices)`.
    public init(_ indices: [Int]) {
        shape = [indices.count]
        self.indices = indices
    }

    /// A 0-D index tensor holding one index, `torch.tensor(index)`.
    public init(scalar index: Int) {
        shape = []
        indices = [index]
    }

    /// The number of dimensions.
    public var rank: Int { shape.count }

    /// The number of elements.
    public var count: Int { indices.count }

    /// `IndexTensor(shape: [2], indices: [4, 1])`.
    public var description: String {
        "IndexTensor(shape: \(formatList(shape)), indices: \(formatList(Array(indices.prefix(8))))\(indices.count > 8 ? "..." : ""))"
    }
}

extension AnyTensor {
    /// The elements of an integer tensor as an ``IndexTensor``; `nil` for a floating-point or
    /// boolean tensor.
    public var indexTensor: IndexTensor? {
        integers.map { IndexTensor(unchecked: shape, indices: $0) }
    }

    /// The name PyTorch's argument checks give the tensor's type (`torch.FloatTensor`,
    /// `torch.ShortTensor`, `CPUBoolType`).
    var legacyTypeName: String {
        switch dtype {
        case .float16: "torch.HalfTensor"
        case .bfloat16: "torch.BFloat16Tensor"
        case .float32: "torch.FloatTensor"
        case .float64: "torch.DoubleTensor"
        case .int8: "torch.CharTensor"
        case .int16: "torch.ShortTensor"
        case .int32: "torch.IntTensor"
        case .int64: "torch.LongTensor"
        case .uint8: "torch.ByteTensor"
        case .bool: "CPUBoolType"
        }
    }
}
