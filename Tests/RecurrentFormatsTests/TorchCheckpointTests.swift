import Foundation
import Recurrent
import Testing
@testable import RecurrentFormats

/// The pickle of `{'w': tensor}`, the tensor a view of storage `key` of `count` float32 elements.
func tensorPickle(count: Int, offset: Int = 0, size: [Int], stride: [Int], key: String = "0") -> [UInt8] {
    var pickle = PickleWriter()
    pickle.protocolHeader()
    pickle.emptyOrderedDict()
    pickle.mark()
    pickle.string("w")
    pickle.tensor(storageType: "FloatStorage", key: key, count: count, offset: offset, shape: size, strides: stride)
    pickle.setItems()
    pickle.stop()
    return [UInt8](pickle.data)
}

@Suite("torch.save files: read, written, and refused when hostile")
struct TorchCheckpointTests {
    @Test("a state dict written here reads back exactly, in order")
    func roundTrip() throws {
        var stateDict = StateDict()
        stateDict["weight"] = .float32(try Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6]))
        stateDict["bias"] = .float64(try Tensor(shape: [3], scalars: [0.5, -1, .infinity]))
        stateDict["steps"] = .int64([3])
        stateDict["scalar"] = .float32(Tensor(scalar: 7))
        stateDict["empty"] = .float32(try Tensor(shape: [0, 4], scalars: []))
        let value = try TorchCheckpoint.read(TorchCheckpoint.encode(stateDict))
        #expect(value.stateDict == stateDict)
    }

    @Test("views keep their offsets and strides, and views of one storage share it")
    func views() throws {
        // torch: base = arange(12.); nc = base.reshape(3, 4).t() has size (4, 3), stride (1, 4).
        let transposed = try TorchCheckpoint.read(
            archive(pickle: tensorPickle(count: 12, size: [4, 3], stride: [1, 4]), records: ["0": floats((0..<12).map(Float.init))]))
        #expect(transposed["w"] == .tensor(.float32(try Tensor(shape: [4, 3], scalars: [0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11]))))
        let slice = try TorchCheckpoint.read(
            archive(pickle: tensorPickle(count: 12, offset: 5, size: [4], stride: [1]), records: ["0": floats((0..<12).map(Float.init))]))
        #expect(slice["w"] == .tensor(.float32(try Tensor(shape: [4], scalars: [5, 6, 7, 8]))))
    }

    @Test("the shipped shared-storage and non-contiguous checkpoints hold whole, distinct tensors")
    func shippedViews() throws {
        let url = checkpointDirectory.appendingPathComponent("shared_storage.pt")
        let stateDict = try #require(try TorchCheckpoint.read(contentsOf: url).stateDict)
        #expect(stateDict["weight_ih_l0"]?.shape == [4, 3])
        // The generator laid every parameter end to end in one float32 storage, in the state dict's
        // order: each tensor must be its own slice of that storage, at its own offset.
        let archive = try ZipArchive(try Data(contentsOf: url), context: "shared_storage.pt")
        let record = try #require(archive.entries.first { $0.name.hasSuffix("/data/0") })
        let bytes = [UInt8](try archive.contents(of: record, context: "shared_storage.pt"))
        let storage = stride(from: 0, to: bytes.count, by: 4).map { i in
            Float(bitPattern: UInt32(bytes[i]) | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2]) << 16 | UInt32(bytes[i + 3]) << 24)
        }
        var offset = 0
        for (name, tensor) in stateDict {
            let values = try #require(tensor.tensor(of: Float.self), "\(name) is not float32").scalars
            #expect(Array(storage[offset..<(offset + values.count)]) == values, "\(name) is not the storage at offset \(offset)")
            offset += values.count
        }
        #expect(offset == storage.count, "the views cover the storage")
    }

    static let hostile: [(String, Data, String)] = [
        ("forbidden global os.system", archive(pickle: [0x80, 2, 0x63] + Array("os\nsystem\n".utf8) + [0x58, 2, 0, 0, 0] + Array("ls".utf8) + [0x85, 0x52, 0x2E]), "os.system"),
        ("forbidden global builtins.eval", archive(pickle: [0x80, 2, 0x63] + Array("builtins\neval\n".utf8) + [0x29, 0x52, 0x2E]), "builtins.eval"),
        ("deeply nested pickle", archive(pickle: [0x80, 2] + Array(repeating: 0x5D, count: 100_000) + Array(repeating: 0x61, count: 99_999) + [0x2E]), "nest deeper"),
        ("memo bomb", archive(pickle: memoBomb()), "would take the read past"),
        ("string longer than the file", archive(pickle: [0x80, 2, 0x58, 0xF0, 0xFF, 0xFF, 0xFF, 0x41, 0x2E]), "outside"),
        ("unknown opcode", archive(pickle: [0x80, 2, 0xFF, 0x2E]), "unsupported pickle opcode"),
        ("missing record", archive(pickle: tensorPickle(count: 4, size: [4], stride: [1])), "missing"),
        ("storage larger than its record", archive(pickle: tensorPickle(count: 400, size: [4], stride: [1]), records: ["0": floats([1, 2, 3, 4])]), "claims 400"),
        ("view beyond its storage", archive(pickle: tensorPickle(count: 4, offset: 2, size: [4], stride: [1]), records: ["0": floats([1, 2, 3, 4])]), "out of bounds"),
        ("huge claimed shape", archive(pickle: tensorPickle(count: 4, size: [1 << 40, 1 << 40], stride: [1, 1]), records: ["0": floats([1, 2, 3, 4])]), "overflowed"),
        ("negative stride", archive(pickle: tensorPickle(count: 4, size: [4], stride: [-1]), records: ["0": floats([1, 2, 3, 4])]), "strides=[-1]"),
        ("truncated archive", archive(pickle: tensorPickle(count: 4, size: [4], stride: [1]), records: ["0": floats([1, 2, 3, 4])]).prefix(300), "ZIP"),
        ("not a checkpoint", Data("hello".utf8), "not a torch.save file"),
    ]

    /// A list holding a list twice, forty levels deep: 2^40 values if copied, 41 if shared.
    static func memoBomb() -> [UInt8] {
        var bytes: [UInt8] = [0x80, 2, 0x5D, 0x71, 0, 0x30]  // EMPTY_LIST, BINPUT 0, POP
        for level in 1...40 {
            bytes += [0x28, 0x68, UInt8(level - 1), 0x68, UInt8(level - 1), 0x6C, 0x71, UInt8(level), 0x30]  // MARK, GET, GET, LIST, PUT, POP
        }
        return bytes + [0x68, 40, 0x2E]  // GET 40, STOP
    }

    @Test("damaged and hostile files are refused with an error that says why", arguments: hostile)
    func refused(_ label: String, _ data: Data, _ expected: String) {
        do {
            _ = try TorchCheckpoint.read(data)
            Issue.record("\(label): read without an error")
        } catch {
            #expect(error.message.contains(expected), "\(label): \(error.message)")
        }
    }

    @Test("a truncated legacy file is refused")
    func truncatedLegacy() throws {
        let data = try Data(contentsOf: checkpointDirectory.appendingPathComponent("legacy_state_dict.pt"))
        for length in [20, data.count / 2, data.count - 1] {
            #expect(throws: FormatError.self) { try TorchCheckpoint.read(data.prefix(length)) }
        }
    }
}
