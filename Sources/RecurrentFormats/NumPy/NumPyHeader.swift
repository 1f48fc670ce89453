/// The header of a `.npy` file, a Python dict literal such as
/// `{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }`, read as NumPy reads it.
///
/// NumPy evaluates the header with `ast.literal_eval`: a key given twice keeps its last value, and the
/// dict must have exactly the keys `descr`, `fortran_order` and `shape`. This parser reads the part of
/// Python's literal syntax such headers use (strings without escapes, whole numbers, `True`, `False`,
/// `None`, tuples, lists and dicts, with Python 2's `L` suffix in versions 1 and 2) and refuses the
/// rest, so that no header can mean one thing here and another to NumPy.
struct NumPyHeader {
    /// The element type NumPy names (`<f4`).
    var descr: String
    var fortranOrder: Bool
    var shape: [Int]

    /// NumPy's `max_header_size` default: longer headers are refused by `np.load` unless trusted.
    static let maximumSize = 10_000

    private indirect enum Literal {
        case string(String), integer(Int), bool(Bool), none
        case tuple([Literal]), list([Literal]), dict([(key: Literal, value: Literal)])
    }

    init(_ bytes: [UInt8], allowsLongSuffix: Bool) throws(FormatError) {
        var parser = Parser(bytes: bytes, allowsLongSuffix: allowsLongSuffix)
        let literal = try parser.value(depth: 0)
        parser.skipSpace()
        guard parser.position == bytes.count else { throw parser.error("unexpected text after the dict") }
        guard case .dict(let entries) = literal else { throw FormatError("the header is not a dict") }
        var fields: [String: Literal] = [:]
        for entry in entries {
            guard case .string(let key) = entry.key else { throw FormatError("the header has a key that is not a string") }
            fields[key] = entry.value
        }
        guard fields.keys.sorted() == ["descr", "fortran_order", "shape"] else {
            throw FormatError("the header does not contain the correct keys: \(fields.keys.sorted())")
        }
        guard case .string(let descr)? = fields["descr"] else { throw FormatError("descr is not a string (structured arrays are not read)") }
        guard case .bool(let fortranOrder)? = fields["fortran_order"] else { throw FormatError("fortran_order is not a bool") }
        guard case .tuple(let dimensions)? = fields["shape"] else { throw FormatError("shape is not a tuple") }
        var shape: [Int] = []
        for dimension in dimensions {
            switch dimension {
            case .integer(let value): shape.append(value)
            case .bool(let value): shape.append(value ? 1 : 0)  // Python's bool is an int
            default: throw FormatError("shape is not a tuple of ints")
            }
        }
        self.descr = descr
        self.fortranOrder = fortranOrder
        self.shape = shape
    }

    private struct Parser {
        let bytes: [UInt8]
        let allowsLongSuffix: Bool
        var position = 0

        func error(_ message: String) -> FormatError { FormatError("malformed header at byte \(position): \(message)") }

        var current: UInt8? { position < bytes.count ? bytes[position] : nil }

        mutating func skipSpace() {
            while let byte = current, [0x20, 0x09, 0x0A, 0x0D, 0x0C].contains(byte) { position += 1 }
        }

        mutating func value(depth: Int) throws(FormatError) -> Literal {
            guard depth < 32 else { throw error("nested too deeply") }
            skipSpace()
            guard let byte = current else { throw error("the header ends early") }
            switch byte {
            case UInt8(ascii: "{"):
                position += 1
                var entries: [(key: Literal, value: Literal)] = []
                while true {
                    skipSpace()
                    if current == UInt8(ascii: "}") { break }
                    let key = try value(depth: depth + 1)
                    skipSpace()
                    guard current == UInt8(ascii: ":") else { throw error("expected ':'") }
                    position += 1
                    entries.append((key, try value(depth: depth + 1)))
                    skipSpace()
                    guard current == UInt8(ascii: ",") else { break }
                    position += 1
                }
                try expect("}")
                return .dict(entries)
            case UInt8(ascii: "("), UInt8(ascii: "["):
                let isTuple = byte == UInt8(ascii: "(")
                position += 1
                var items: [Literal] = []
                var trailingComma = false
                while true {
                    skipSpace()
                    if current == UInt8(ascii: isTuple ? ")" : "]") { break }
                    items.append(try value(depth: depth + 1))
                    skipSpace()
                    trailingComma = current == UInt8(ascii: ",")
                    guard trailingComma else { break }
                    position += 1
                }
                try expect(isTuple ? ")" : "]")
                // `(x)` is x itself; `(x,)` and `()` are tuples.
                if isTuple, items.count == 1, !trailingComma { return items[0] }
                return isTuple ? .tuple(items) : .list(items)
            case UInt8(ascii: "'"), UInt8(ascii: "\""):
                var text = ""
                // Adjacent literals concatenate, as in Python.
                while let quote = current, quote == UInt8(ascii: "'") || quote == UInt8(ascii: "\"") {
                    position += 1
                    let start = position
                    while let next = current, next != quote {
                        guard next != UInt8(ascii: "\\"), next != 0x0A else { throw error("escapes and line breaks in strings are not read") }
                        position += 1
                    }
                    try expect(quote == UInt8(ascii: "'") ? "'" : "\"")
                    text += String(decoding: bytes[start..<(position - 1)], as: UTF8.self)
                    skipSpace()
                }
                return .string(text)
            default:
                return try word()
            }
        }

        /// A whole number (with any unary signs), `True`, `False` or `None`.
        private mutating func word() throws(FormatError) -> Literal {
            var negative = false
            var signed = false
            while let sign = current, sign == UInt8(ascii: "-") || sign == UInt8(ascii: "+") {
                if sign == UInt8(ascii: "-") { negative.toggle() }
                signed = true
                position += 1
                skipSpace()
            }
            let start = position
            while let byte = current, (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte) || byte == 0x5F {
                position += 1
            }
            guard position > start else { throw error("unexpected character") }
            var word = String(decoding: bytes[start..<position], as: UTF8.self)
            switch word {
            case "True" where !signed: return .bool(true)
            case "False" where !signed: return .bool(false)
            case "None" where !signed: return .none
            default: break
            }
            if allowsLongSuffix, word.count > 1, word.hasSuffix("L") || word.hasSuffix("l") { word.removeLast() }
            // Python 3 refuses leading zeros ("012"); digits only: no floats, underscores or other bases.
            guard word.utf8.allSatisfy({ (0x30...0x39).contains($0) }), word == "0" || !word.hasPrefix("0"), let magnitude = Int(word) else {
                throw error("'\(word)' is not a whole number this reader takes")
            }
            return .integer(negative ? -magnitude : magnitude)
        }

        private mutating func expect(_ character: Unicode.Scalar) throws(FormatError) {
            guard current == UInt8(ascii: character) else { throw error("expected '\(character)'") }
            position += 1
        }
    }
}
