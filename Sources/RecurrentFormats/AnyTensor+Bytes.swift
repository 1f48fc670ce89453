import Recurrent

extension AnyTensor {
    /// Creates a tensor from its elements as little-endian bytes, the layout of every format this
    /// package reads.
    ///
    /// - Throws: `TorchError` when the byte count does not match the dtype and shape.
    public init(dtype: DType, shape: [Int], littleEndianBytes bytes: [UInt8]) throws(TorchError) {
        let raw = try RawTensor(dtype: dtype, shape: shape, bytes: bytes)
        switch dtype {
        case .float32:
            self = .float32(try Tensor(shape: shape, scalars: Self.decode(bytes, as: UInt32.self).map(Float.init(bitPattern:))))
        case .float64:
            self = .float64(try Tensor(shape: shape, scalars: Self.decode(bytes, as: UInt64.self).map(Double.init(bitPattern:))))
        default:
            self = .raw(raw)
        }
    }

    /// The elements as little-endian bytes.
    public var littleEndianBytes: [UInt8] {
        switch self {
        case .float32(let tensor): Self.encode(tensor.scalars.map(\.bitPattern))
        case .float64(let tensor): Self.encode(tensor.scalars.map(\.bitPattern))
        case .raw(let raw): raw.bytes
        }
    }

    private static func decode<Word: FixedWidthInteger>(_ bytes: [UInt8], as _: Word.Type) -> [Word] {
        let width = MemoryLayout<Word>.size
        return bytes.withUnsafeBytes { buffer in
            (0..<(bytes.count / width)).map { Word(littleEndian: buffer.loadUnaligned(fromByteOffset: $0 * width, as: Word.self)) }
        }
    }

    private static func encode<Word: FixedWidthInteger>(_ words: [Word]) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(words.count * MemoryLayout<Word>.size)
        for word in words { withUnsafeBytes(of: word.littleEndian) { bytes.append(contentsOf: $0) } }
        return bytes
    }
}
