import Foundation
import Recurrent

extension TorchCheckpoint {
    /// Writes a state dict as `torch.save(state_dict, path)` writes it: a ZIP archive of stored
    /// entries (`archive/data.pkl`, one `archive/data/N` record per tensor, 64-byte aligned), the
    /// pickle an `OrderedDict` of `_rebuild_tensor_v2` calls.
    ///
    /// - Throws: ``FileError`` when the file cannot be written.
    public static func write(_ stateDict: StateDict, to url: URL) throws(FileError) {
        try FileAccess.write(encode(stateDict), to: url)
    }

    /// The bytes ``write(_:to:)`` writes.
    public static func encode(_ stateDict: StateDict) -> Data {
        var pickle = PickleWriter()
        pickle.protocolHeader()
        pickle.emptyOrderedDict()
        pickle.mark()
        var records: [Data] = []
        for (index, (name, tensor)) in stateDict.enumerated() {
            pickle.string(name)
            pickle.tensor(
                storageType: storageTypeName(tensor.dtype), key: "\(index)", count: tensor.count, offset: 0,
                shape: tensor.shape, strides: StridedLayout.contiguousStrides(for: tensor.shape))
            records.append(Data(tensor.littleEndianBytes))
        }
        pickle.setItems()
        pickle.stop()

        var archive = ZipWriter()
        archive.add("archive/data.pkl", pickle.data)
        archive.add("archive/.format_version", Data("1".utf8))
        archive.add("archive/.storage_alignment", Data("64".utf8))
        archive.add("archive/byteorder", Data("little".utf8))
        for (index, record) in records.enumerated() { archive.add("archive/data/\(index)", record) }
        archive.add("archive/version", Data("3\n".utf8))
        archive.add("archive/.data/serialization_id", Data(String(repeating: "0", count: 40).utf8))
        return archive.finished()
    }

    private static func storageTypeName(_ dtype: DType) -> String {
        Unpickler.storageTypes.first { $0.value == dtype }?.key ?? "ByteStorage"
    }
}

/// Emits protocol-2 pickle opcodes.
struct PickleWriter {
    private(set) var data = Data()

    mutating func protocolHeader() { data.append(contentsOf: [0x80, 2]) }
    mutating func mark() { data.append(0x28) }
    mutating func stop() { data.append(0x2E) }
    mutating func emptyTuple() { data.append(0x29) }
    mutating func tuple() { data.append(0x74) }
    mutating func reduce() { data.append(0x52) }
    mutating func setItems() { data.append(0x75) }
    mutating func persistentID() { data.append(0x51) }
    mutating func bool(_ value: Bool) { data.append(value ? 0x88 : 0x89) }

    mutating func global(_ module: String, _ name: String) {
        data.append(0x63)
        data.append(contentsOf: Array("\(module)\n\(name)\n".utf8))
    }

    mutating func string(_ value: String) {
        let bytes = Array(value.utf8)
        data.append(0x58)
        data.appendLittleEndian(UInt32(bytes.count))
        data.append(contentsOf: bytes)
    }

    /// `torch._utils._rebuild_tensor_v2(storage, offset, shape, strides, False, OrderedDict())`, the
    /// storage a persistent id `('storage', torch.<storageType>, key, 'cpu', count)`.
    mutating func tensor(storageType: String, key: String, count: Int, offset: Int, shape: [Int], strides: [Int]) {
        global("torch._utils", "_rebuild_tensor_v2")
        mark()
        mark()
        string("storage")
        global("torch", storageType)
        string(key)
        string("cpu")
        int(count)
        tuple()
        persistentID()
        int(offset)
        mark()
        shape.forEach { int($0) }
        tuple()
        mark()
        strides.forEach { int($0) }
        tuple()
        bool(false)
        emptyOrderedDict()
        tuple()
        reduce()
    }

    /// `collections.OrderedDict()`.
    mutating func emptyOrderedDict() {
        global("collections", "OrderedDict")
        emptyTuple()
        reduce()
    }

    mutating func int(_ value: Int) {
        switch value {
        case 0...255:
            data.append(contentsOf: [0x4B, UInt8(value)])
        case Int(Int32.min)...Int(Int32.max):
            data.append(0x4A)
            data.appendLittleEndian(Int32(value))
        default:
            data.append(contentsOf: [0x8A, 8])
            data.appendLittleEndian(Int64(value))
        }
    }
}
