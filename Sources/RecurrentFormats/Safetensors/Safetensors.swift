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
    /// - Throws: `FormatError` for a file that is not valid safetensors, and ``FileError`` when it
    ///   cannot be read.
    public static func read(contentsOf url: URL) throws -> File {
        try read(FileAccess.contents(of: url, mapped: true))
    }

    /// Parses safetensors bytes.
    ///
    /// - Throws: `FormatError` for bytes that are not valid safetensors.
    public static func read(_ data: Data) throws(FormatError) -> File {
        guard data.count >= 8 else {
            throw FormatError("safetensors: \(data.count) bytes is too short for the 8-byte header length")
        }
        let headerLength = data.prefix(8).reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        guard headerLength <= UInt64(maximumHeaderSize), headerLength <= UInt64(data.count - 8) else {
            throw FormatError(
                "safetensors: the header claims \(headerLength) bytes but the file has \(data.count - 8) after the length")
        }
        let headerEnd = 8 + Int(headerLength)
        let header: Header
        do {
            header = try JSONDecoder().decode(Header.self, from: data.subdata(in: data.startIndex + 8..<data.startIndex + headerEnd))
        } catch {
            throw FormatError("safetensors header: not a valid header (\(error))")
        }
        let dataSize = data.count - headerEnd
        var entries: [(name: String, dtype: DType, shape: [Int], range: Range<Int>)] = []
        for (name, info) in header.entries {
            entries.append(try entry(name, info, dataSize: dataSize))
        }
        entries.sort { ($0.range.lowerBound, $0.range.upperBound, $0.name) < ($1.range.lowerBound, $1.range.upperBound, $1.name) }
        var tensors = StateDict()
        for entry in entries {
            let bytes = [UInt8](data[(data.startIndex + headerEnd + entry.range.lowerBound)..<(data.startIndex + headerEnd + entry.range.upperBound)])
            do {
                tensors[entry.name] = try AnyTensor(dtype: entry.dtype, shape: entry.shape, littleEndianBytes: bytes)
            } catch {
                throw FormatError("safetensors: tensor \"\(entry.name)\": \(error.message)")
            }
        }
        return File(tensors: tensors, metadata: header.metadata)
    }

    /// The JSON header: `__metadata__` and one entry per tensor.
    private struct Header: Decodable {
        struct Entry: Decodable {
            var dtype: String
            var shape: [Int]
            var data_offsets: [Int]
        }

        struct Key: CodingKey {
            var stringValue: String
            var intValue: Int? { nil }
            init(stringValue: String) { self.stringValue = stringValue }
            init?(intValue: Int) { nil }
        }

        var metadata: [String: String] = [:]
        var entries: [(String, Entry)] = []

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: Key.self)
            for key in container.allKeys {
                if key.stringValue == "__metadata__" {
                    metadata = try container.decode([String: String].self, forKey: key)
                } else {
                    entries.append((key.stringValue, try container.decode(Entry.self, forKey: key)))
                }
            }
        }
    }

    private static func entry(_ name: String, _ info: Header.Entry, dataSize: Int) throws(FormatError) -> (
        name: String, dtype: DType, shape: [Int], range: Range<Int>
    ) {
        guard let dtype = DType(safetensorsName: info.dtype) else {
            throw FormatError("safetensors header: tensor \"\(name)\" has unsupported dtype \(info.dtype)")
        }
        guard info.shape.allSatisfy({ $0 >= 0 }) else {
            throw FormatError("safetensors header: tensor \"\(name)\" has a negative dimension in shape \(info.shape)")
        }
        let offsets = info.data_offsets
        guard offsets.count == 2, offsets[0] >= 0, offsets[0] <= offsets[1], offsets[1] <= dataSize else {
            throw FormatError(
                "safetensors header: tensor \"\(name)\" has data_offsets \(offsets) outside the \(dataSize) data bytes")
        }
        var count = dtype.byteCount
        for dimension in info.shape {
            let (product, overflow) = count.multipliedReportingOverflow(by: dimension)
            guard !overflow else {
                throw FormatError("safetensors header: tensor \"\(name)\" has an impossibly large shape \(info.shape)")
            }
            count = product
        }
        guard count == offsets[1] - offsets[0] else {
            throw FormatError(
                "safetensors header: tensor \"\(name)\" of dtype \(info.dtype) and shape \(info.shape) needs \(count) bytes, "
                    + "but its data_offsets \(offsets) span \(offsets[1] - offsets[0])")
        }
        return (name, dtype, info.shape, offsets[0]..<offsets[1])
    }

    /// Writes tensors and metadata as safetensors, tensors in the state dict's order, the header
    /// padded with spaces to a multiple of 8 bytes.
    ///
    /// - Throws: ``FileError`` when the file cannot be written.
    public static func write(_ file: File, to url: URL) throws(FileError) {
        try FileAccess.write(encode(file), to: url)
    }

    /// The safetensors bytes of `file`.
    public static func encode(_ file: File) -> Data {
        var header: [String: Any] = [:]
        if !file.metadata.isEmpty { header["__metadata__"] = file.metadata }
        var payload = Data()
        for (name, tensor) in file.tensors {
            let bytes = tensor.littleEndianBytes
            header[name] = [
                "dtype": tensor.dtype.safetensorsName, "shape": tensor.shape,
                "data_offsets": [payload.count, payload.count + bytes.count],
            ] as [String: Any]
            payload.append(contentsOf: bytes)
        }
        // Serialising a dictionary of Foundation types cannot fail.
        var json = (try? JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])) ?? Data("{}".utf8)
        json.append(contentsOf: [UInt8](repeating: 0x20, count: (8 - json.count % 8) % 8))
        var result = Data()
        withUnsafeBytes(of: UInt64(json.count).littleEndian) { result.append(contentsOf: $0) }
        result.append(json)
        result.append(payload)
        return result
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
