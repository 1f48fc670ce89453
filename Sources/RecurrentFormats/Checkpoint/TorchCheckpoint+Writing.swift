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

    /// Writes any value `torch.load(weights_only=True)` reads back as it is (dictionaries as `dict`),
    /// such as an optimizer's state dict (`CheckpointValue(optimizer.stateDict())`).
    ///
    /// ```swift
    /// try TorchCheckpoint.write(CheckpointValue(optimizer.stateDict()), to: url)
    /// // torch: optimizer.load_state_dict(torch.load(path))
    /// ```
    ///
    /// - Throws: ``FormatError`` for a `bytes` value, which this writer does not write, and the file
    ///   system's error when the file cannot be written.
    public static func write(_ value: CheckpointValue, to url: URL) throws {
        try encode(value).write(to: url, options: .atomic)
    }

    /// The bytes ``write(_:to:)-(StateDict,_)`` writes.
    public static func encode(_ stateDict: StateDict) -> Data {
        var archive = ArchiveWriter()
        archive.pickle.emptyOrderedDict()
        archive.pickle.mark()
        for (name, tensor) in stateDict {
            archive.pickle.string(name)
            archive.tensor(tensor)
        }
        archive.pickle.setItems()
        return archive.finished()
    }

    /// The bytes ``write(_:to:)-(CheckpointValue,_)`` writes.
    ///
    /// - Throws: ``FormatError`` for a `bytes` value.
    public static func encode(_ value: CheckpointValue) throws(FormatError) -> Data {
        var archive = ArchiveWriter()
        try archive.value(value)
        return archive.finished()
    }
}

/// A `torch.save` archive being written: the pickle of the object and the storages its tensors
/// refer to, one record per tensor.
private struct ArchiveWriter {
    var pickle = PickleWriter()
    private var records: [Data] = []

    init() {
        pickle.protocolHeader()
    }

    /// A tensor as a `_rebuild_tensor_v2` call on a storage of its own.
    mutating func tensor(_ tensor: AnyTensor) {
        pickle.tensor(
            storageType: Self.storageTypeName(tensor.dtype), key: "\(records.count)", count: tensor.count, offset: 0,
            shape: tensor.shape, strides: StridedLayout.contiguousStrides(for: tensor.shape))
        records.append(Data(tensor.littleEndianBytes))
    }

    /// Any value, dictionaries as `dict`.
    mutating func value(_ value: CheckpointValue) throws(FormatError) {
        switch value {
        case .none: pickle.none()
        case .bool(let flag): pickle.bool(flag)
        case .int(let number): pickle.int(number)
        case .bigInt(let bytes): pickle.long(bytes)
        case .float(let number): pickle.float(number)
        case .string(let text): pickle.string(text)
        case .bytes: throw FormatError("a bytes value cannot be written (torch.save's protocol 2 pickles it as a call)")
        case .tensor(let tensor): self.tensor(tensor)
        case .tuple(let items):
            pickle.mark()
            for item in items { try self.value(item) }
            pickle.tuple()
        case .list(let items):
            pickle.emptyList()
            pickle.mark()
            for item in items { try self.value(item) }
            pickle.appends()
        case .dict(let entries):
            pickle.emptyDict()
            pickle.mark()
            for entry in entries {
                try self.value(entry.key)
                try self.value(entry.value)
            }
            pickle.setItems()
        }
    }

    /// The ZIP archive: the pickle, then the storages.
    mutating func finished() -> Data {
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
    mutating func none() { data.append(0x4E) }
    mutating func emptyDict() { data.append(0x7D) }
    mutating func emptyList() { data.append(0x5D) }
    mutating func appends() { data.append(0x65) }

    /// `BINFLOAT`: the value's IEEE 754 bits, big-endian.
    mutating func float(_ value: Double) {
        data.append(0x47)
        withUnsafeBytes(of: value.bitPattern.bigEndian) { data.append(contentsOf: $0) }
    }

    /// `LONG1` (or `LONG4` beyond 255 bytes): an integer as its little-endian two's-complement bytes.
    mutating func long(_ bytes: [UInt8]) {
        if bytes.count <= 255 {
            data.append(contentsOf: [0x8A, UInt8(bytes.count)])
        } else {
            data.append(0x8B)
            data.appendLittleEndian(UInt32(bytes.count))
        }
        data.append(contentsOf: bytes)
    }

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
