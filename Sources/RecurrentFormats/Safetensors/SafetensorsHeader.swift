/// The JSON header of a safetensors file, read as the reference implementation (the `safetensors`
/// crate, through `serde_json`) reads it.
///
/// Strict JSON, nesting at most 128 levels as `serde_json` allows; a tensor named twice keeps its last
/// entry (a map insert), while a field given twice within an entry, or `__metadata__` given twice, is
/// an error; fields other than `dtype`, `shape` and `data_offsets` are skipped. The header is scanned
/// once, each tensor counted against the read's limit as it is met, so that a header of a million
/// tiny entries is refused after the limit, not after it is all decoded.
struct SafetensorsHeader {
    struct Entry {
        var dtype: String
        var shape: [Int]
        var offsets: (start: Int, end: Int)
    }

    var metadata: [String: String] = [:]
    /// The tensors by name (the last entry of a name given twice), in the order first met.
    var names: [String] = []
    var entries: [String: Entry] = [:]

    init(_ bytes: [UInt8], countingTensorsWith budget: ReadBudget) throws(FormatError) {
        var scanner = Scanner(bytes: bytes)
        var sawMetadata = false
        try scanner.object { scanner, name throws(FormatError) in
            if name == "__metadata__" {
                guard !sawMetadata else { throw scanner.error("duplicate field `__metadata__`") }
                sawMetadata = true
                if scanner.skipNull() { return }
                try scanner.object { scanner, key throws(FormatError) in metadata[key] = try scanner.string() }
            } else {
                let entry = try Self.entry(&scanner)
                if entries.updateValue(entry, forKey: name) == nil {
                    try budget.countTensor()
                    names.append(name)
                }
            }
        }
        scanner.skipSpace()
        guard scanner.position == bytes.count else { throw scanner.error("trailing characters") }
    }

    private static func entry(_ scanner: inout Scanner) throws(FormatError) -> Entry {
        var dtype: String?
        var shape: [Int]?
        var offsets: [Int]?
        try scanner.object { scanner, field throws(FormatError) in
            switch field {
            case "dtype":
                guard dtype == nil else { throw scanner.error("duplicate field `dtype`") }
                dtype = try scanner.string()
            case "shape":
                guard shape == nil else { throw scanner.error("duplicate field `shape`") }
                shape = try scanner.integers()
            case "data_offsets":
                guard offsets == nil else { throw scanner.error("duplicate field `data_offsets`") }
                offsets = try scanner.integers()
                guard offsets?.count == 2 else { throw scanner.error("data_offsets must hold 2 numbers, not \(offsets?.count ?? 0)") }
            default:
                try scanner.skipValue(depth: 2)
            }
        }
        guard let dtype, let shape, let offsets else {
            throw scanner.error("missing field `\(dtype == nil ? "dtype" : shape == nil ? "shape" : "data_offsets")`")
        }
        return Entry(dtype: dtype, shape: shape, offsets: (offsets[0], offsets[1]))
    }

    /// A cursor over JSON text.
    private struct Scanner {
        let bytes: [UInt8]
        var position = 0

        func error(_ message: String) -> FormatError { FormatError("invalid JSON in header at byte \(position): \(message)") }

        var current: UInt8? { position < bytes.count ? bytes[position] : nil }

        mutating func skipSpace() {
            while let byte = current, byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 { position += 1 }
        }

        mutating func expect(_ byte: UInt8) throws(FormatError) {
            skipSpace()
            guard current == byte else {
                throw error(current == nil ? "the header ends early" : "expected '\(Character(Unicode.Scalar(byte)))'")
            }
            position += 1
        }

        /// An object, calling `member` with the scanner on each member's value after reading its name.
        mutating func object(_ member: (inout Scanner, String) throws(FormatError) -> Void) throws(FormatError) {
            try expect(UInt8(ascii: "{"))
            skipSpace()
            if current == UInt8(ascii: "}") {
                position += 1
                return
            }
            while true {
                skipSpace()
                let name = try string()
                try expect(UInt8(ascii: ":"))
                try member(&self, name)
                skipSpace()
                guard current == UInt8(ascii: ",") else { break }
                position += 1
            }
            try expect(UInt8(ascii: "}"))
        }

        /// `null`, skipped, when it comes next.
        mutating func skipNull() -> Bool {
            skipSpace()
            guard bytes[position...].starts(with: "null".utf8) else { return false }
            position += 4
            return true
        }

        /// A string, its escapes decoded; invalid UTF-8 and unpaired surrogates are refused.
        mutating func string() throws(FormatError) -> String {
            try expect(UInt8(ascii: "\""))
            var scalars = String.UnicodeScalarView()
            var start = position
            var decoded = ""
            func flush(_ end: Int) throws(FormatError) {
                guard let text = String(validating: bytes[start..<end], as: UTF8.self) else { throw error("invalid UTF-8") }
                decoded += text
            }
            while true {
                guard let byte = current else { throw error("the header ends inside a string") }
                if byte == UInt8(ascii: "\"") {
                    try flush(position)
                    position += 1
                    break
                }
                guard byte >= 0x20 else { throw error("a control character in a string") }
                guard byte == UInt8(ascii: "\\") else {
                    position += 1
                    continue
                }
                try flush(position)
                position += 1
                scalars.removeAll()
                scalars.append(try escape())
                decoded.unicodeScalars.append(contentsOf: scalars)
                start = position
            }
            return decoded
        }

        /// The character an escape stands for, after its backslash.
        private mutating func escape() throws(FormatError) -> Unicode.Scalar {
            guard let byte = current else { throw error("the header ends inside an escape") }
            position += 1
            switch byte {
            case UInt8(ascii: "\""): return "\""
            case UInt8(ascii: "\\"): return "\\"
            case UInt8(ascii: "/"): return "/"
            case UInt8(ascii: "b"): return "\u{8}"
            case UInt8(ascii: "f"): return "\u{C}"
            case UInt8(ascii: "n"): return "\n"
            case UInt8(ascii: "r"): return "\r"
            case UInt8(ascii: "t"): return "\t"
            case UInt8(ascii: "u"):
                let unit = try hexUnit()
                if (0xD800..<0xDC00).contains(unit) {
                    guard bytes[position...].starts(with: "\\u".utf8) else { throw error("an unpaired surrogate") }
                    position += 2
                    let low = try hexUnit()
                    guard (0xDC00..<0xE000).contains(low) else { throw error("an unpaired surrogate") }
                    return Unicode.Scalar(0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00))!
                }
                guard let scalar = Unicode.Scalar(unit) else { throw error("an unpaired surrogate") }
                return scalar
            default:
                throw error("an invalid escape")
            }
        }

        private mutating func hexUnit() throws(FormatError) -> UInt32 {
            guard position + 4 <= bytes.count, let unit = UInt32(String(decoding: bytes[position..<(position + 4)], as: UTF8.self), radix: 16),
                bytes[position..<(position + 4)].allSatisfy({ Character(Unicode.Scalar($0)).isHexDigit })
            else { throw error("an invalid \\u escape") }
            position += 4
            return unit
        }

        /// An array of non-negative whole numbers that fit in an `Int`, as `usize` reads them.
        mutating func integers() throws(FormatError) -> [Int] {
            try expect(UInt8(ascii: "["))
            var values: [Int] = []
            skipSpace()
            if current == UInt8(ascii: "]") {
                position += 1
                return values
            }
            while true {
                skipSpace()
                let (start, isInteger) = try number()
                guard isInteger, bytes[start] != UInt8(ascii: "-"),
                    let value = Int(String(decoding: bytes[start..<position], as: UTF8.self))
                else { throw error("expected a non-negative whole number that fits in 64 bits") }
                values.append(value)
                skipSpace()
                guard current == UInt8(ascii: ",") else { break }
                position += 1
            }
            try expect(UInt8(ascii: "]"))
            return values
        }

        /// A JSON number: where it starts, and whether it is written as a whole number.
        private mutating func number() throws(FormatError) -> (start: Int, isInteger: Bool) {
            let start = position
            if current == UInt8(ascii: "-") { position += 1 }
            func digits() -> Int {
                let from = position
                while let byte = current, (0x30...0x39).contains(byte) { position += 1 }
                return position - from
            }
            let integerStart = position
            let integerDigits = digits()
            guard integerDigits > 0, integerDigits == 1 || bytes[integerStart] != UInt8(ascii: "0") else { throw error("an invalid number") }
            var isInteger = true
            if current == UInt8(ascii: ".") {
                position += 1
                guard digits() > 0 else { throw error("an invalid number") }
                isInteger = false
            }
            if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
                position += 1
                if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") { position += 1 }
                guard digits() > 0 else { throw error("an invalid number") }
                isInteger = false
            }
            return (start, isInteger)
        }

        /// Any JSON value, checked and skipped.
        mutating func skipValue(depth: Int) throws(FormatError) {
            guard depth <= 128 else { throw error("recursion limit exceeded") }
            skipSpace()
            guard let byte = current else { throw error("the header ends early") }
            switch byte {
            case UInt8(ascii: "{"): try object { scanner, _ throws(FormatError) in try scanner.skipValue(depth: depth + 1) }
            case UInt8(ascii: "["):
                position += 1
                skipSpace()
                if current == UInt8(ascii: "]") {
                    position += 1
                    return
                }
                while true {
                    try skipValue(depth: depth + 1)
                    skipSpace()
                    guard current == UInt8(ascii: ",") else { break }
                    position += 1
                }
                try expect(UInt8(ascii: "]"))
            case UInt8(ascii: "\""): _ = try string()
            case UInt8(ascii: "t"), UInt8(ascii: "f"), UInt8(ascii: "n"):
                guard let word = ["true", "false", "null"].first(where: { bytes[position...].starts(with: $0.utf8) }) else {
                    throw error("an invalid literal")
                }
                position += word.utf8.count
            default:
                _ = try number()
            }
        }
    }
}
