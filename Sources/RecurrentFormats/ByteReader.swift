import Foundation

/// Bounds-checked little-endian reads from bytes that may be damaged or hostile: every read checks
/// its range first and throws instead of trapping.
struct ByteReader {
    let data: Data
    let context: String
    var position: Int

    init(_ data: Data, context: String, position: Int = 0) {
        self.data = data
        self.context = context
        self.position = position
    }

    var remaining: Int { data.count - position }
    var isAtEnd: Bool { position >= data.count }

    /// The range `offset ..< offset + count` of the data, or an error when it is not inside it.
    func range(_ offset: Int, _ count: Int) throws(FormatError) -> Range<Int> {
        guard offset >= 0, count >= 0, offset <= data.count, count <= data.count - offset else {
            throw FormatError("\(context): \(count) bytes at offset \(offset) lie outside the \(data.count) bytes there are")
        }
        return (data.startIndex + offset)..<(data.startIndex + offset + count)
    }

    mutating func bytes(_ count: Int) throws(FormatError) -> Data {
        let range = try range(position, count)
        position += count
        return data[range]
    }

    mutating func byte() throws(FormatError) -> UInt8 {
        let range = try range(position, 1)
        position += 1
        return data[range.lowerBound]
    }

    /// An unsigned little-endian integer of `width` bytes (at most 8).
    mutating func unsigned(_ width: Int) throws(FormatError) -> UInt64 {
        let slice = try bytes(width)
        return slice.reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
    }

    /// An unsigned little-endian integer of `width` bytes at `offset`, without moving.
    func unsigned(_ width: Int, at offset: Int) throws(FormatError) -> UInt64 {
        var reader = self
        reader.position = offset
        return try reader.unsigned(width)
    }

    /// A length or offset read as unsigned, refused when it does not fit in an `Int`.
    mutating func count(_ width: Int) throws(FormatError) -> Int {
        let value = try unsigned(width)
        guard value <= UInt64(Int.max) else { throw FormatError("\(context): a length of \(value) is impossibly large") }
        return Int(value)
    }
}
