import Foundation
import Recurrent
import Testing
@testable import RecurrentFormats

@Suite("safetensors: the public format, read and written, with the header checked before data is trusted")
struct SafetensorsTests {
    static func sample() throws -> Safetensors.File {
        var tensors = StateDict()
        tensors["weight"] = .float32(try Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, -6.5]))
        tensors["bias"] = .float64(try Tensor(shape: [2], scalars: [0.25, .infinity]))
        tensors["steps"] = .raw(try RawTensor(dtype: .int64, shape: [], bytes: [7, 0, 0, 0, 0, 0, 0, 0]))
        tensors["empty"] = .float32(try Tensor(shape: [0, 4], scalars: []))
        return Safetensors.File(tensors: tensors, metadata: ["torch_version": "2.15.0"])
    }

    /// A file with the given JSON header and data bytes.
    static func file(header: String, data: [UInt8] = []) -> Data {
        var bytes = Data()
        withUnsafeBytes(of: UInt64(header.utf8.count).littleEndian) { bytes.append(contentsOf: $0) }
        bytes.append(contentsOf: Array(header.utf8))
        bytes.append(contentsOf: data)
        return bytes
    }

    @Test("what is written reads back the same, tensors and metadata")
    func roundTrip() throws {
        let original = try Self.sample()
        let encoded = try Safetensors.encode(original)
        let headerLength = encoded.prefix(8).reversed().reduce(0) { $0 << 8 | Int($1) }
        #expect(headerLength % 8 == 0, "the header is padded to 8 bytes")
        let decoded = try Safetensors.read(encoded)
        #expect(decoded.metadata == original.metadata)
        #expect(Set(decoded.tensors.keys) == Set(original.tensors.keys))
        for (name, tensor) in original.tensors { #expect(decoded.tensors[name] == tensor) }
    }

    @Test("a header written by hand per the specification is read, in data order")
    func handWritten() throws {
        let header = #"{"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]},"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"__metadata__":{"k":"v"}}"#
        let data: [UInt8] = [0, 0, 0x80, 0x3F, 0, 0, 0, 0x40]  // 1.0, 2.0
        let file = try Safetensors.read(Self.file(header: header, data: data))
        #expect(file.tensors.keys == ["a", "b"])
        #expect(file.tensors["a"] == .float32(try Tensor(shape: [1], scalars: [1])))
        #expect(file.tensors["b"] == .float32(try Tensor(shape: [1], scalars: [2])))
        #expect(file.metadata == ["k": "v"])
    }

    @Test(
        "damaged and lying files are refused with a clear error",
        arguments: [
            ("too short", Data([1, 2, 3]), "safetensors: 3 bytes is too short for the 8-byte header length"),
            ("header longer than the file", Data([0xFF, 0, 0, 0, 0, 0, 0, 0]) + Data("{}".utf8), "safetensors: the header claims 255 bytes but the file has 2 after the length"),
            ("header length beyond the limit", Data([0, 0, 0, 0, 0, 0, 0, 0x7F]), "safetensors: the header claims 9151314442816847872 bytes, more than the 100000000 the format allows"),
            ("invalid JSON", SafetensorsTests.file(header: "{not json"), "safetensors header: invalid JSON in header at byte 1: expected '\"'"),
            ("not an object", SafetensorsTests.file(header: "[1, 2]"), "safetensors header: invalid JSON in header at byte 0: expected '{'"),
            ("offsets beyond the data", SafetensorsTests.file(header: #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#, data: [0, 0, 0, 0]), "safetensors header: the tensors cover 8 data bytes, but the file holds 4"),
            ("offsets reversed", SafetensorsTests.file(header: #"{"a":{"dtype":"F32","shape":[0],"data_offsets":[4,0]}}"#, data: [0, 0, 0, 0]), "safetensors header: tensor \"a\" of dtype F32 and shape [0] needs 0 bytes, but its data_offsets [4, 0] span -4"),
            ("size not matching the shape", SafetensorsTests.file(header: #"{"a":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}"#, data: [UInt8](repeating: 0, count: 8)), "safetensors header: tensor \"a\" of dtype F32 and shape [3] needs 12 bytes, but its data_offsets [0, 8] span 8"),
            ("negative dimension", SafetensorsTests.file(header: #"{"a":{"dtype":"F32","shape":[-1],"data_offsets":[0,0]}}"#), "safetensors header: invalid JSON in header at byte 31: expected a non-negative whole number that fits in 64 bits"),
            ("overflowing shape", SafetensorsTests.file(header: #"{"a":{"dtype":"F64","shape":[4294967296,4294967296],"data_offsets":[0,0]}}"#), "safetensors header: tensor \"a\" has shape [4294967296, 4294967296], which cannot be laid out: Storage size calculation overflowed with sizes=[4294967296, 4294967296]"),
            ("unknown dtype", SafetensorsTests.file(header: #"{"a":{"dtype":"C64","shape":[1],"data_offsets":[0,8]}}"#, data: [UInt8](repeating: 0, count: 8)), "safetensors header: tensor \"a\" has unsupported dtype C64"),
            ("fractional shape", SafetensorsTests.file(header: #"{"a":{"dtype":"F32","shape":[1.5],"data_offsets":[0,4]}}"#, data: [0, 0, 0, 0]), "safetensors header: invalid JSON in header at byte 32: expected a non-negative whole number that fits in 64 bits"),
            ("metadata not strings", SafetensorsTests.file(header: #"{"__metadata__":{"a":1}}"#), "safetensors header: invalid JSON in header at byte 21: expected '\"'"),
        ] as [(String, Data, String)])
    func hostile(_ label: String, _ bytes: Data, _ message: String) {
        #expect(throws: FormatError(message), "\(label)") { try Safetensors.read(bytes) }
    }

    @Test("every dtype name maps both ways")
    func dtypeNames() {
        for dtype in DType.allCases { #expect(DType(safetensorsName: dtype.safetensorsName) == dtype) }
        #expect(DType(safetensorsName: "F8_E4M3") == nil)
    }

    @Test("half-precision data converts to float exactly")
    func halfPrecision() throws {
        // 1.0, -2.0, 65504 (largest half), 2^-24 (smallest subnormal) in float16; 1.0 and -3.0 in bfloat16.
        let half = try RawTensor(dtype: .float16, shape: [4], bytes: [0x00, 0x3C, 0x00, 0xC0, 0xFF, 0x7B, 0x01, 0x00])
        #expect(AnyTensor.raw(half).converted(to: Double.self).scalars == [1, -2, 65504, 0x1p-24])
        let brain = try RawTensor(dtype: .bfloat16, shape: [2], bytes: [0x80, 0x3F, 0x40, 0xC0])
        #expect(AnyTensor.raw(brain).converted(to: Float.self).scalars == [1, -3])
    }
}
