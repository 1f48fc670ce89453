import Foundation
import Recurrent

/// The safetensors format: an 8-byte little-endian header length, a JSON header naming each tensor's
/// dtype, shape and byte range, an optional `__metadata__` map of strings, then the raw data.
///
/// Reading checks the header against the file before any data is trusted: the header length, every
/// dtype, every shape, and every byte range, which must lie inside the data and match the shape.
///
/// ```swift
/// let file = try Safetensors.read(contentsOf: url)
/// file.metadata["torch_version"]    // "2.15.0+cu132"
/// file.tensors["output"]?.shape     // [5, 3, 20]
/// try Safetensors.write(file, to: otherURL)
/// ```
public enum Safetensors {
    /// The largest header this reader accepts (the reference implementation's limit).
    public static let maximumHeaderSize = 100_000_000

    /// The contents of a safetensors file.
    public struct File: Sendable, Hashable {
        /// The tensors, in the order of their data in the file.
        public var tensors: StateDict
        /// The `__metadata__` map (empty when the file has none).
        public var metadata: [String: String]

        /// Creates file contents from tensors and metadata.
        public init(tensors: StateDict, metadata: [String: String] = [:]) {
            self.tensors = tensors
            self.metadata = metadata
        }
    }

    /// Reads a safetensors file.
    ///
    /// - Throws: `FormatError` for a file that is not valid safetensors or holds more tensors than
    ///   `limits` allow, and ``FileError`` when it cannot be read.
    public static func read(contentsOf url: URL, limits: ReadLimits = .default) throws -> File {
        try read(FileAccess.contents(of: url, mapped: true), limits: limits)
    }

    /// Parses safetensors bytes, as the reference implementation does: the header at most
    /// ``maximumHeaderSize`` bytes of JSON (see ``SafetensorsHeader``), and the tensors' byte ranges,
    /// in order, covering the data exactly, without a gap or an overlap.
    ///
    /// - Throws: `FormatError` for bytes that are not valid safetensors, or hold more tensors than
    ///   `limits` allow.
    public static func read(_ data: Data, limits: ReadLimits = .default) throws(FormatError) -> File {
        guard data.count >= 8 else {
            throw FormatError("safetensors: \(data.count) bytes is too short for the 8-byte header length")
        }
        let headerLength = data.prefix(8).reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        guard headerLength <= UInt64(maximumHeaderSize) else {
            throw FormatError("safetensors: the header claims \(headerLength) bytes, more than the \(maximumHeaderSize) the format allows")
        }
        guard headerLength <= UInt64(data.count - 8) else {
            throw FormatError("safetensors: the header claims \(headerLength) bytes but the file has \(data.count - 8) after the length")
        }
        let headerEnd = 8 + Int(headerLength)
        let header: SafetensorsHeader
        do {
            header = try SafetensorsHeader(
                [UInt8](data[(data.startIndex + 8)..<(data.startIndex + headerEnd)]),
                countingTensorsWith: ReadBudget(limits, fileSize: data.count, context: "safetensors"))
        } catch {
            throw FormatError("safetensors header: \(error.message)")
        }
        var entries: [(name: String, dtype: DType, shape: [Int], range: Range<Int>)] = []
        for name in header.names {
            guard let info = header.entries[name] else { continue }
            entries.append(try entry(name, info))
        }
        // The reference sorts by range and requires each to start where the last ended, the last to end
        // where the data does.
        entries.sort { ($0.range.lowerBound, $0.range.upperBound, $0.name) < ($1.range.lowerBound, $1.range.upperBound, $1.name) }
        var end = 0
        for entry in entries {
            guard entry.range.lowerBound == end else {
                throw FormatError(
                    "safetensors header: tensor \"\(entry.name)\" has data_offsets [\(entry.range.lowerBound), \(entry.range.upperBound)], "
                        + "but the tensor before it ends at \(end): data ranges must follow each other without a gap or an overlap")
            }
            end = entry.range.upperBound
        }
        guard end == data.count - headerEnd else {
            throw FormatError("safetensors header: the tensors cover \(end) data bytes, but the file holds \(data.count - headerEnd)")
        }
        var tensors = StateDict()
        for entry in entries {
            let bytes = [UInt8](data[(data.startIndex + headerEnd + entry.range.lowerBound)..<(data.startIndex + headerEnd + entry.range.upperBound)])
            // Names JSON keeps apart but Swift's String equality merges (canonically equivalent spellings).
            guard tensors[entry.name] == nil else {
                throw FormatError("safetensors header: two tensor names spell \"\(entry.name)\" in different Unicode forms; they would merge")
            }
            do {
                tensors[entry.name] = try AnyTensor(dtype: entry.dtype, shape: entry.shape, littleEndianBytes: bytes)
            } catch {
                throw FormatError("safetensors: tensor \"\(entry.name)\": \(error.message)")
            }
        }
        return File(tensors: tensors, metadata: header.metadata)
    }

    private static func entry(_ name: String, _ info: SafetensorsHeader.Entry) throws(FormatError) -> (
        name: String, dtype: DType, shape: [Int], range: Range<Int>
    ) {
        guard let dtype = DType(safetensorsName: info.dtype) else {
            throw FormatError("safetensors header: tensor \"\(name)\" has unsupported dtype \(info.dtype)")
        }
        let count: Int
        do {
            count = try StridedLayout.elementCount(of: info.shape, elementSize: dtype.byteCount)
        } catch {
            throw FormatError("safetensors header: tensor \"\(name)\" has shape \(info.shape), which cannot be laid out: \(error.message)")
        }
        let (start, end) = info.offsets
        guard start <= end, count * dtype.byteCount == end - start else {
            throw FormatError(
                "safetensors header: tensor \"\(name)\" of dtype \(info.dtype) and shape \(info.shape) needs \(count * dtype.byteCount) bytes, "
                    + "but its data_offsets [\(start), \(end)] span \(end - start)")
        }
        return (name, dtype, info.shape, start..<end)
    }

    /// Writes tensors and metadata as safetensors, tensors in the state dict's order, the header
    /// padded with spaces to a multiple of 8 bytes.
    ///
    /// - Throws: ``FormatError`` for a tensor named `__metadata__` (see ``encode(_:)``), and
    ///   ``FileError`` when the file cannot be written.
    public static func write(_ file: File, to url: URL) throws {
        try FileAccess.write(encode(file), to: url)
    }

    /// The safetensors bytes of `file`.
    ///
    /// - Throws: ``FormatError`` for a tensor named `__metadata__`, the name the format keeps for the
    ///   metadata, which every reader would take for it.
    public static func encode(_ file: File) throws(FormatError) -> Data {
        var entries: [(name: String, json: String)] = []
        if !file.metadata.isEmpty {
            let fields = file.metadata.sorted { $0.key < $1.key }.map { json($0.key) + ":" + json($0.value) }
            entries.append(("__metadata__", "{" + fields.joined(separator: ",") + "}"))
        }
        var payload = Data()
        for (name, tensor) in file.tensors {
            guard name != "__metadata__" else {
                throw FormatError("safetensors: a tensor cannot be named __metadata__, the header's name for the metadata; rename it")
            }
            let bytes = tensor.littleEndianBytes
            let shape = tensor.shape.map(String.init).joined(separator: ",")
            entries.append(
                (name, #"{"data_offsets":[\#(payload.count),\#(payload.count + bytes.count)],"dtype":"\#(tensor.dtype.safetensorsName)","shape":[\#(shape)]}"#))
            payload.append(contentsOf: bytes)
        }
        // Keys in sorted order, as the reference writes them.
        entries.sort { $0.name < $1.name }
        var header = Data(("{" + entries.map { json($0.name) + ":" + $0.json }.joined(separator: ",") + "}").utf8)
        header.append(contentsOf: [UInt8](repeating: 0x20, count: (8 - header.count % 8) % 8))
        var result = Data()
        result.appendLittleEndian(UInt64(header.count))
        result.append(header)
        result.append(payload)
        return result
    }

    /// A JSON string literal of `text`.
    private static func json(_ text: String) -> String {
        var literal = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": literal += "\\\""
            case "\\": literal += "\\\\"
            case _ where scalar.value < 0x20: literal += String(format: "\\u%04x", scalar.value)
            default: literal.unicodeScalars.append(scalar)
            }
        }
        return literal + "\""
    }
}

extension DType {
    /// The dtype named by a safetensors header (`F32`, `BF16`, `I64`, ...), or `nil` for one this
    /// package does not read.
    public init?(safetensorsName name: String) {
        guard let dtype = DType.allCases.first(where: { $0.safetensorsName == name }) else { return nil }
        self = dtype
    }

    /// The name a safetensors header uses for the dtype.
    public var safetensorsName: String {
        switch self {
        case .float16: "F16"
        case .bfloat16: "BF16"
        case .float32: "F32"
        case .float64: "F64"
        case .int8: "I8"
        case .int16: "I16"
        case .int32: "I32"
        case .int64: "I64"
        case .uint8: "U8"
        case .bool: "BOOL"
        }
    }
}
