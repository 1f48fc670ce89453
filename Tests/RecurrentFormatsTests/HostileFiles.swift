import Foundation
@testable import RecurrentFormats

/// Pickle opcodes, spelled out, for building hostile pickles byte by byte.
enum Op {
    static let proto: [UInt8] = [0x80, 2]
    static let mark: UInt8 = 0x28, stop: UInt8 = 0x2E, pop: UInt8 = 0x30, dup: UInt8 = 0x32, none: UInt8 = 0x4E
    static let emptyList: UInt8 = 0x5D, list: UInt8 = 0x6C, append: UInt8 = 0x61, appends: UInt8 = 0x65
    static let emptyTuple: UInt8 = 0x29, tuple: UInt8 = 0x74, tuple1: UInt8 = 0x85, tuple2: UInt8 = 0x86
    static let emptyDict: UInt8 = 0x7D, setItem: UInt8 = 0x73, setItems: UInt8 = 0x75
    static let reduce: UInt8 = 0x52, newObj: UInt8 = 0x81, build: UInt8 = 0x62, persistentID: UInt8 = 0x51
    static let newTrue: UInt8 = 0x88, newFalse: UInt8 = 0x89
    static func put(_ index: UInt8) -> [UInt8] { [0x71, index] }
    static func get(_ index: UInt8) -> [UInt8] { [0x68, index] }

    static func int(_ value: Int) -> [UInt8] {
        var writer = PickleWriter()
        writer.int(value)
        return [UInt8](writer.data)
    }

    static func string(_ value: String) -> [UInt8] {
        var writer = PickleWriter()
        writer.string(value)
        return [UInt8](writer.data)
    }

    static func global(_ module: String, _ name: String) -> [UInt8] { [0x63] + Array("\(module)\n\(name)\n".utf8) }

    static func orderedDict() -> [UInt8] { global("collections", "OrderedDict") + [emptyTuple, reduce] }

    /// A persistent id naming a storage: 5 items, or 6 (a `None` view) in the legacy format.
    static func storage(key: String, count: Int, type: String = "FloatStorage", legacy: Bool = false) -> [UInt8] {
        [mark] + string("storage") + global("torch", type) + string(key) + string("cpu") + int(count) + (legacy ? [none] : [])
            + [tuple, persistentID]
    }

    /// `_rebuild_tensor_v2(storage, offset, size, stride, False, OrderedDict()[, extra...])`.
    static func tensor(
        key: String = "0", count: Int, offset: Int = 0, shape: [Int], strides: [Int], type: String = "FloatStorage",
        legacy: Bool = false, extra: [UInt8] = []
    ) -> [UInt8] {
        global("torch._utils", "_rebuild_tensor_v2") + [mark] + storage(key: key, count: count, type: type, legacy: legacy) + int(offset)
            + [mark] + shape.flatMap(int) + [tuple, mark] + strides.flatMap(int) + [tuple, newFalse] + orderedDict() + extra + [tuple, reduce]
    }

    /// `OrderedDict` of the given entries, each value a pickle fragment, as a whole pickle.
    static func stateDict(_ entries: [(String, [UInt8])]) -> [UInt8] {
        proto + orderedDict() + [mark] + entries.flatMap { string($0.0) + $0.1 } + [setItems, stop]
    }
}

/// A torch.save ZIP archive (with the records torch.load requires) holding the given pickle and records.
func archive(pickle: [UInt8], records: [String: Data] = [:]) -> Data {
    var writer = ZipWriter()
    writer.add("archive/data.pkl", Data(pickle))
    writer.add("archive/byteorder", Data("little".utf8))
    for (name, data) in records.sorted(by: { $0.key < $1.key }) { writer.add("archive/data/\(name)", data) }
    writer.add("archive/version", Data("3\n".utf8))
    return writer.finished()
}

/// A legacy torch.save stream: magic number, protocol, system info, `root` (a whole pickle), the
/// storage keys, then each record as an element count and its bytes.
func legacyFile(root: [UInt8], keys: [String], records: [String: Data], elementSize: Int = 4) -> Data {
    var bytes = Op.proto + [0x8A, 10] + TorchCheckpoint.legacyMagic + [Op.stop]
    bytes += Op.proto + [0x4D, 0xE9, 0x03, Op.stop]
    bytes += Op.proto + [Op.emptyDict, Op.mark] + Op.string("little_endian") + [Op.newTrue, Op.setItems, Op.stop]
    bytes += root
    bytes += Op.proto + [Op.emptyList, Op.mark] + keys.flatMap(Op.string) + [Op.appends, Op.stop]
    var data = Data(bytes)
    for key in keys {
        let record = records[key] ?? Data()
        data.appendLittleEndian(Int64(record.count / elementSize))
        data.append(record)
    }
    return data
}

/// A safetensors file with the given JSON header and data bytes.
func safetensorsFile(header: String, data: [UInt8] = []) -> Data {
    var bytes = Data()
    bytes.appendLittleEndian(UInt64(header.utf8.count))
    bytes.append(contentsOf: Array(header.utf8))
    bytes.append(contentsOf: data)
    return bytes
}

/// A version 1 `.npy` file with the given header dict text and data.
func npyFile(header: String, data: Data = Data(), version: [UInt8] = [1, 0]) -> Data {
    var text = header
    text += String(repeating: " ", count: (64 - (10 + text.utf8.count + 1) % 64) % 64) + "\n"
    var bytes = Data([0x93] + Array("NUMPY".utf8) + version)
    if version[0] == 1 { bytes.appendLittleEndian(UInt16(text.utf8.count)) } else { bytes.appendLittleEndian(UInt32(text.utf8.count)) }
    bytes.append(Data(text.utf8))
    bytes.append(data)
    return bytes
}

func floats(_ values: [Float]) -> Data { Data(values.flatMap { withUnsafeBytes(of: $0.bitPattern.littleEndian, Array.init) }) }

/// The package's `fixtures/checkpoints/`.
let checkpointDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("fixtures/checkpoints")

/// The message of the error `body` throws, or `nil` when it returns.
func refusal(_ body: () throws -> Void) -> String? {
    do {
        try body()
        return nil
    } catch {
        return "\(error)"
    }
}

/// How long `body` took, in seconds.
func seconds(_ body: () throws -> Void) rethrows -> Double {
    let start = ContinuousClock.now
    try body()
    let elapsed = ContinuousClock.now - start
    return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
}
