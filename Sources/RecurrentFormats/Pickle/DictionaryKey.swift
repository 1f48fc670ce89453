/// A dict key or set item as Python compares it, so that a pickle setting one key twice (or adding one
/// item twice) reads as Python reads it: one entry, in the first one's place, with the last value.
///
/// Numbers compare by value across types (`True == 1 == 1.0`, `-0.0 == 0`); strings by their code
/// points, not by Swift's canonical equivalence (`"é"` and `"e\u{301}"` are two keys in Python);
/// tuples item by item. What Python cannot hash (lists, dicts, sets), and what this reader cannot
/// compare as Python would (tensors, which hash by identity, and `NaN`, which equals nothing), is
/// refused.
indirect enum DictionaryKey: Hashable {
    case none
    case integer(Int)
    /// An integer beyond 64 bits, as its shortest little-endian two's-complement bytes.
    case bigInteger([UInt8])
    /// A float that is not a whole number in `Int`'s range, by its bit pattern.
    case float(UInt64)
    case string([UInt8])
    case bytes([UInt8])
    case tuple([DictionaryKey])

    /// The key of `object`; `cost` grows by the bytes looked at, which the caller charges, since a
    /// hostile pickle may use one huge key many times.
    init(_ object: Unpickler.Object, depth: Int = 0, cost: inout Int) throws(FormatError) {
        cost += 16
        switch object {
        case .none: self = .none
        case .bool(let value): self = .integer(value ? 1 : 0)
        case .int(let value): self = .integer(value)
        case .bigInt(let bytes): self = .bigInteger(bytes)
        case .float(let value):
            guard !value.isNaN else { throw FormatError("a NaN dictionary key or set item, which Python compares by identity") }
            if value.rounded() == value, let integer = Int(exactly: value) {
                self = .integer(integer)
            } else {
                guard value.rounded() != value || value.isInfinite else {
                    throw FormatError("a whole-number float key beyond 2^63, which would equal an integer key")
                }
                self = .float(value.bitPattern)
            }
        case .string(let value):
            cost += value.utf8.count
            self = .string(Array(value.utf8))
        case .bytes(let value):
            cost += value.count
            self = .bytes(value)
        case .tuple(let box):
            guard depth < Unpickler.maximumDepth else {
                throw FormatError("a dictionary key nests deeper than \(Unpickler.maximumDepth) levels")
            }
            var items: [DictionaryKey] = []
            for item in box.items { items.append(try DictionaryKey(item, depth: depth + 1, cost: &cost)) }
            self = .tuple(items)
        case .list, .dict, .set:
            throw FormatError("a list, dict or set as a dictionary key or set item, which Python cannot hash")
        case .tensor, .storage, .global:
            throw FormatError("a tensor, storage or global as a dictionary key or set item, which this reader does not compare")
        }
    }
}
