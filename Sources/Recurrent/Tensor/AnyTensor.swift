/// A tensor whose dtype is known only at run time, as it is in a checkpoint, a fixture or an array
/// file.
///
/// Float32 and float64 tensors are held as typed ``Tensor`` values; every other dtype is kept as its
/// raw little-endian bytes (``RawTensor``), which is enough to name it in messages, to store it and to
/// convert it.
///
/// ```swift
/// let any = AnyTensor.float64(try Tensor(shape: [2], scalars: [1, 2]))
/// any.dtype                      // .float64
/// any.converted(to: Float.self)  // Tensor<Float>, rounded to nearest
/// ```
public enum AnyTensor: Sendable, Hashable {
    /// A `torch.float32` tensor.
    case float32(Tensor<Float>)
    /// A `torch.float64` tensor.
    case float64(Tensor<Double>)
    /// A tensor of any other dtype, as raw bytes.
    case raw(RawTensor)

    /// The tensor's dtype.
    public var dtype: DType {
        switch self {
        case .float32: .float32
        case .float64: .float64
        case .raw(let raw): raw.dtype
        }
    }

    /// The size of each dimension.
    public var shape: [Int] {
        switch self {
        case .float32(let tensor): tensor.shape
        case .float64(let tensor): tensor.shape
        case .raw(let raw): raw.shape
        }
    }

    /// The number of dimensions.
    public var rank: Int { shape.count }

    /// The number of elements.
    public var count: Int { shape.reduce(1, *) }

    /// The elements as integers, for a tensor of an integer dtype (PyTorch's `batch_sizes`, `lengths`
    /// and indices are int64); `nil` for floating-point and boolean tensors.
    public var integers: [Int]? {
        guard case .raw(let raw) = self, raw.dtype != .bool, !raw.dtype.isFloatingPoint else { return nil }
        return raw.decodedIntegers()
    }

    /// An int64 tensor of the given integers, shaped `(count)`.
    public static func int64(_ values: [Int]) -> AnyTensor {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(values.count * 8)
        for value in values { withUnsafeBytes(of: Int64(value).littleEndian) { bytes.append(contentsOf: $0) } }
        return .raw(RawTensor(unchecked: .int64, shape: [values.count], bytes: bytes))
    }

    /// The tensor when its dtype is `Scalar`'s, else `nil`.
    public func tensor<Scalar: RecurrentScalar>(of _: Scalar.Type = Scalar.self) -> Tensor<Scalar>? {
        Scalar.unwrap(self)
    }

    /// The elements converted to `Scalar`, as PyTorch's `Tensor.to(dtype)` converts them
    /// (integers and booleans become their value, half-precision values widen exactly).
    public func converted<Scalar: RecurrentScalar>(to _: Scalar.Type = Scalar.self) -> Tensor<Scalar> {
        // Same dtype: share the elements (copy on write) instead of copying them.
        if let same = Scalar.unwrap(self) { return same }
        switch self {
        case .float32(let tensor): return tensor.converted()
        case .float64(let tensor): return tensor.converted()
        case .raw(let raw): return Tensor(unchecked: raw.shape, scalars: raw.decodedScalars())
        }
    }
}

/// A tensor of a dtype other than float32 and float64, held as raw little-endian bytes.
public struct RawTensor: Sendable, Hashable {
    /// The element type.
    public let dtype: DType
    /// The size of each dimension.
    public let shape: [Int]
    /// The elements in row-major order, `dtype.byteCount` little-endian bytes each.
    public let bytes: [UInt8]

    /// Creates a raw tensor after checking that `bytes` holds exactly the elements `shape` needs.
    ///
    /// - Throws: `TorchError` when a dimension is negative or the byte count does not match.
    public init(dtype: DType, shape: [Int], bytes: [UInt8]) throws(TorchError) {
        let count = try StridedLayout.elementCount(of: shape, elementSize: dtype.byteCount)
        guard count * dtype.byteCount == bytes.count else {
            throw TorchError(
                .runtimeError,
                "a \(dtype.rawValue) tensor of shape \(formatList(shape)) needs \(count) x \(dtype.byteCount) bytes, got \(bytes.count)")
        }
        self.dtype = dtype
        self.shape = shape
        self.bytes = bytes
    }

    init(unchecked dtype: DType, shape: [Int], bytes: [UInt8]) {
        self.dtype = dtype
        self.shape = shape
        self.bytes = bytes
    }

    /// Each element's little-endian bytes as one integer.
    private var elementBits: [UInt64] {
        let width = dtype.byteCount
        return (0..<(bytes.count / max(width, 1))).map { index in
            var bits: UInt64 = 0
            for byte in (0..<width).reversed() { bits = bits << 8 | UInt64(bytes[index * width + byte]) }
            return bits
        }
    }

    /// The elements as floating-point values.
    func decodedScalars<Scalar: BinaryFloatingPoint>() -> [Scalar] {
        elementBits.map { Self.decode($0, dtype: dtype) }
    }

    /// The elements of an integer tensor, exactly (through `Int`, not a floating-point type, so that
    /// int64 values above 2^53 keep every digit).
    func decodedIntegers() -> [Int] {
        elementBits.map { bits in
            switch dtype {
            case .int8: Int(Int8(truncatingIfNeeded: bits))
            case .int16: Int(Int16(truncatingIfNeeded: bits))
            case .int32: Int(Int32(truncatingIfNeeded: bits))
            case .int64: Int(Int64(bitPattern: bits))
            default: Int(truncatingIfNeeded: bits)
            }
        }
    }

    private static func decode<Scalar: BinaryFloatingPoint>(_ bits: UInt64, dtype: DType) -> Scalar {
        switch dtype {
        case .bool, .uint8: Scalar(bits)
        case .int8: Scalar(Int8(truncatingIfNeeded: bits))
        case .int16: Scalar(Int16(truncatingIfNeeded: bits))
        case .int32: Scalar(Int32(truncatingIfNeeded: bits))
        case .int64: Scalar(Int64(bitPattern: bits))
        case .float16: Scalar(halfBits: UInt16(truncatingIfNeeded: bits))
        case .bfloat16: Scalar(Float(bitPattern: UInt32(truncatingIfNeeded: bits) << 16))
        case .float32: Scalar(Float(bitPattern: UInt32(truncatingIfNeeded: bits)))
        case .float64: Scalar(Double(bitPattern: bits))
        }
    }
}

extension BinaryFloatingPoint {
    /// The value of an IEEE 754 binary16 bit pattern, decoded without relying on a `Float16` type
    /// (which not every platform Swift runs on provides).
    init(halfBits bits: UInt16) {
        let sign: Float = bits & 0x8000 != 0 ? -1 : 1
        let exponent = Int((bits >> 10) & 0x1F)
        let fraction = Float(bits & 0x3FF)
        let magnitude: Float =
            switch exponent {
            case 0: fraction * 0x1p-24
            case 0x1F: fraction == 0 ? .infinity : .nan
            default: (1 + fraction * 0x1p-10) * Float(sign: .plus, exponent: exponent - 15, significand: 1)
            }
        self.init(sign * magnitude)
    }
}
