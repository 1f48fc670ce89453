import Foundation
import Recurrent

/// Files written by `torch.save`, read without Python, safely, and state dicts written so that
/// `torch.load` reads them.
///
/// Both formats are read: the ZIP archive `torch.save` writes by default (`data.pkl`, `data/N`
/// records, `byteorder`) and the legacy stream (`_use_new_zipfile_serialization=False`: a chain of
/// pickles followed by the raw storages). The pickle is read by a weights-only unpickler that calls
/// nothing from the file (see ``CheckpointValue``); every size, offset and stride is checked against
/// the storage it points into before a byte is trusted. A file's tensor data is read once, straight
/// into the arrays the tensors use.
///
/// ```swift
/// let checkpoint = try TorchCheckpoint.read(contentsOf: URL(fileURLWithPath: "model.pt"))
/// let stateDict = try checkpoint.stateDict(forKey: "model")   // throws, listing the keys, without one
/// try TorchCheckpoint.write(rnn.stateDict(), to: URL(fileURLWithPath: "rnn.pt"))
/// ```
public enum TorchCheckpoint {
    /// The first bytes of the legacy format: the pickled magic number 0x1950a86a20f9469cfc6c.
    static let legacyMagic: [UInt8] = [0x6C, 0xFC, 0x9C, 0x46, 0xF9, 0x20, 0x6A, 0xA8, 0x50, 0x19]

    /// Reads a `torch.save` file.
    ///
    /// - Throws: ``FormatError`` for a file that is damaged, hostile, or not a `torch.save` file, and
    ///   ``FileError`` when it cannot be read.
    public static func read(contentsOf url: URL) throws -> CheckpointValue {
        let (data, handle) = try FileAccess.mapped(url)
        defer { try? handle.close() }
        return try read(Payload(data: data, file: handle), context: url.lastPathComponent)
    }

    /// Reads the bytes of a `torch.save` file.
    ///
    /// - Throws: ``FormatError`` for bytes that are damaged, hostile, or not a `torch.save` file.
    public static func read(_ data: Data) throws(FormatError) -> CheckpointValue {
        try read(Payload(data: data, file: nil), context: "checkpoint")
    }

    /// Reads a `torch.save` file from its payload; `archive` is the payload's ZIP directory when the
    /// caller has already parsed it.
    static func read(_ payload: Payload, archive: ZipArchive? = nil, context: String) throws(FormatError) -> CheckpointValue {
        let data = payload.data
        var root = Unpickler.Object.none
        var storages: [String: Range<Int>] = [:]
        // What the unpicklers built is taken apart at the end, after the values are made.
        var built: [Unpickler.Object] = []
        defer { Unpickler.dismantle(built + [root]) }
        if ZipArchive.looksLikeZip(data) {
            let archive = if let archive { archive } else { try ZipArchive(data, context: context) }
            guard let pickle = archive.entries.first(where: { $0.name.hasSuffix("data.pkl") }) else {
                throw FormatError("\(context): the archive has no data.pkl record; it is not a torch.save file")
            }
            let prefix = String(pickle.name.dropLast("data.pkl".count))
            if let order = archive.entries.first(where: { $0.name == prefix + "byteorder" }) {
                let text = String(decoding: try archive.contents(of: order, context: context), as: UTF8.self)
                guard text == "little" else { throw FormatError("\(context): byteorder '\(text)' is not supported; only little-endian files are read") }
            }
            var unpickler = Unpickler(try archive.contents(of: pickle, context: context), context: context + " data.pkl")
            defer { built += unpickler.retained }
            root = try unpickler.load()
            for entry in archive.entries where entry.name.hasPrefix(prefix + "data/") {
                guard entry.method == 0 else { throw FormatError("\(context): '\(entry.name)' is compressed") }
                storages[String(entry.name.dropFirst(prefix.count + 5))] = entry.range
            }
        } else if data.count > 13, data.dropFirst(4).prefix(legacyMagic.count).elementsEqual(legacyMagic) {
            (root, storages) = try readLegacy(data, context: context, built: &built)
        } else {
            throw FormatError("\(context): not a torch.save file (neither a ZIP archive nor the legacy format)")
        }
        var materializer = Materializer(payload: payload, storages: storages, context: context)
        return try materializer.value(root, depth: 0)
    }

    /// The legacy stream: magic number, protocol version, system info, the object, the storage keys,
    /// then each storage as an 8-byte element count and its bytes.
    private static func readLegacy(
        _ data: Data, context: String, built: inout [Unpickler.Object]
    ) throws(FormatError) -> (Unpickler.Object, [String: Range<Int>]) {
        var position = data.startIndex
        func next(legacy: Bool = false) throws(FormatError) -> Unpickler.Object {
            var unpickler = Unpickler(data, at: position - data.startIndex, context: context, legacy: legacy)
            defer { built += unpickler.retained }
            let value = try unpickler.load()
            position = data.startIndex + unpickler.position
            return value
        }
        _ = try next()
        guard case .int(1001) = try next() else { throw FormatError("\(context): unsupported legacy protocol version") }
        guard case .dict(let info) = try next() else { throw FormatError("\(context): damaged legacy system info") }
        if let entry = info.entries.first(where: { if case .string("little_endian") = $0.key { true } else { false } }),
            case .bool(false) = entry.value
        {
            throw FormatError("\(context): big-endian legacy files are not supported")
        }
        let root = try next(legacy: true)
        guard case .list(let keys) = try next() else { throw FormatError("\(context): damaged legacy storage list") }
        var reader = ByteReader(data, context: context, position: position - data.startIndex)
        var storages: [String: Range<Int>] = [:]
        for key in keys.items {
            guard case .string(let name) = key else { throw FormatError("\(context): a legacy storage key is not a string") }
            let count = try reader.count(8)
            let size = try legacyElementSize(of: name, in: root, context: context)
            let (bytes, overflow) = count.multipliedReportingOverflow(by: size)
            guard !overflow else { throw FormatError("\(context): storage \(name) claims \(count) elements") }
            storages[name] = try reader.range(reader.position, bytes).relative(to: data)
            reader.position += bytes
        }
        return (root, storages)
    }

    private static func legacyElementSize(of key: String, in root: Unpickler.Object, context: String) throws(FormatError) -> Int {
        var found: Int?
        var visited = 0
        func visit(_ object: Unpickler.Object, _ depth: Int) {
            guard found == nil, depth < Unpickler.maximumDepth, visited < 1_000_000 else { return }
            visited += 1
            switch object {
            case .tensor(let tensor) where tensor.storage.key == key: found = tensor.storage.dtype.byteCount
            case .storage(let storage) where storage.key == key: found = storage.dtype.byteCount
            case .list(let box), .tuple(let box): box.items.forEach { visit($0, depth + 1) }
            case .dict(let box): box.entries.forEach { visit($0.value, depth + 1) }
            default: break
            }
        }
        visit(root, 0)
        guard let found else { throw FormatError("\(context): storage \(key) is listed but no tensor uses it") }
        return found
    }
}

extension Range where Bound == Int {
    /// The range as offsets from the start of `data`.
    func relative(to data: Data) -> Range<Int> {
        (lowerBound - data.startIndex)..<(upperBound - data.startIndex)
    }
}

/// Where tensor bytes come from: the (mapped) file's data, read through the file handle when there is
/// one so that the mapping's pages are not touched and the bytes are copied only once.
struct Payload {
    let data: Data
    let file: FileHandle?

    /// Copies the bytes at `range` (offsets into `data`) into `buffer`.
    func read(_ range: Range<Int>, into buffer: UnsafeMutableRawBufferPointer, context: String) throws(FormatError) {
        guard range.count == buffer.count else { throw FormatError("\(context): internal size mismatch") }
        guard let file, let base = buffer.baseAddress else {
            data.copyBytes(to: buffer, from: (data.startIndex + range.lowerBound)..<(data.startIndex + range.upperBound))
            return
        }
        var done = 0
        while done < range.count {
            let count = pread(file.fileDescriptor, base + done, range.count - done, off_t(range.lowerBound + done))
            guard count > 0 else { throw FormatError("\(context): reading \(range.count) bytes at \(range.lowerBound) failed") }
            done += count
        }
    }
}

/// Turns the unpickler's objects into ``CheckpointValue``s, loading each storage once.
private struct Materializer {
    enum Storage {
        case float32([Float])
        case float64([Double])
        case raw(DType, [UInt8])
    }

    let payload: Payload
    let storages: [String: Range<Int>]
    let context: String
    var loaded: [String: Storage] = [:]
    var produced = 0

    init(payload: Payload, storages: [String: Range<Int>], context: String) {
        self.payload = payload
        self.storages = storages
        self.context = context
    }

    mutating func value(_ object: Unpickler.Object, depth: Int) throws(FormatError) -> CheckpointValue {
        guard depth < Unpickler.maximumDepth else {
            throw FormatError("\(context): containers nest deeper than \(Unpickler.maximumDepth) levels (or refer to themselves)")
        }
        produced += 1
        guard produced <= Unpickler.maximumValues else {
            throw FormatError("\(context): the pickle expands to more than \(Unpickler.maximumValues) values")
        }
        switch object {
        case .none: return .none
        case .bool(let value): return .bool(value)
        case .int(let value): return .int(value)
        case .bigInt(let bytes): return .bigInt(bytes)
        case .float(let value): return .float(value)
        case .string(let value): return .string(value)
        case .bytes(let value): return .bytes(value)
        case .list(let box):
            var items: [CheckpointValue] = []
            for item in box.items { items.append(try value(item, depth: depth + 1)) }
            return .list(items)
        case .tuple(let box):
            var values: [CheckpointValue] = []
            for item in box.items { values.append(try value(item, depth: depth + 1)) }
            return .tuple(values)
        case .dict(let box):
            var entries: [CheckpointValue.Entry] = []
            for entry in box.entries {
                entries.append(.init(key: try value(entry.key, depth: depth + 1), value: try value(entry.value, depth: depth + 1)))
            }
            return .dict(entries)
        case .global(let module, let name):
            throw FormatError("\(context): the global \(module).\(name) stands where a value should be")
        case .storage(let storage):
            throw FormatError("\(context): storage \(storage.key) stands where a value should be")
        case .tensor(let reference):
            return .tensor(try tensor(reference))
        }
    }

    private mutating func tensor(_ reference: Unpickler.TensorReference) throws(FormatError) -> AnyTensor {
        let storage = try load(reference.storage)
        let shape = reference.shape
        let strides = reference.strides
        let name = "tensor on storage \(reference.storage.key)"
        guard shape.count == strides.count, shape.allSatisfy({ $0 >= 0 }), strides.allSatisfy({ $0 >= 0 }), reference.offset >= 0 else {
            throw FormatError("\(context): \(name) has an invalid size \(shape), stride \(strides) or offset \(reference.offset)")
        }
        var count = 1
        var last = reference.offset
        for (size, stride) in zip(shape, strides) {
            let (product, overflow) = count.multipliedReportingOverflow(by: size)
            guard !overflow else { throw FormatError("\(context): \(name) has an impossibly large size \(shape)") }
            count = product
            guard size > 0 else { continue }
            let (reach, overflowReach) = (size - 1).multipliedReportingOverflow(by: stride)
            let (sum, overflowSum) = last.addingReportingOverflow(reach)
            guard !overflowReach, !overflowSum else { throw FormatError("\(context): \(name) reaches impossibly far") }
            last = sum
        }
        if count > 0 && last >= reference.storage.count {
            throw FormatError(
                "\(context): \(name) (size \(shape), stride \(strides), offset \(reference.offset)) reaches element \(last) "
                    + "of a storage of \(reference.storage.count)")
        }
        let indices = elementOffsets(shape: shape, strides: strides, offset: reference.offset, count: count)
        do {
            switch storage {
            case .float32(let values):
                return .float32(try Tensor(shape: shape, scalars: indices.map { $0.map { values[$0] } } ?? Array(values[reference.offset..<(reference.offset + count)])))
            case .float64(let values):
                return .float64(try Tensor(shape: shape, scalars: indices.map { $0.map { values[$0] } } ?? Array(values[reference.offset..<(reference.offset + count)])))
            case .raw(let dtype, let bytes):
                let width = dtype.byteCount
                let offsets = indices ?? Array(reference.offset..<(reference.offset + count))
                var gathered: [UInt8] = []
                gathered.reserveCapacity(count * width)
                for index in offsets { gathered.append(contentsOf: bytes[(index * width)..<((index + 1) * width)]) }
                return .raw(try RawTensor(dtype: dtype, shape: shape, bytes: gathered))
            }
        } catch {
            throw FormatError("\(context): \(name): \(error)")
        }
    }

    /// The storage offsets of a view's elements in row-major order; `nil` when the view is contiguous.
    private func elementOffsets(shape: [Int], strides: [Int], offset: Int, count: Int) -> [Int]? {
        let layout = StridedLayout(shape: shape, strides: strides, offset: offset)
        return layout.isContiguous ? nil : layout.elementOffsets
    }

    private mutating func load(_ reference: Unpickler.StorageReference) throws(FormatError) -> Storage {
        if let storage = loaded[reference.key] { return storage }
        guard let range = storages[reference.key] else {
            throw FormatError("\(context): the record of storage \(reference.key) is missing")
        }
        let (bytes, overflow) = reference.count.multipliedReportingOverflow(by: reference.dtype.byteCount)
        guard !overflow, bytes == range.count else {
            throw FormatError(
                "\(context): storage \(reference.key) claims \(reference.count) \(reference.dtype.rawValue) elements, "
                    + "but its record holds \(range.count) bytes")
        }
        let storage: Storage
        switch reference.dtype {
        case .float32: storage = .float32(try read(range, as: Float.self))
        case .float64: storage = .float64(try read(range, as: Double.self))
        default: storage = .raw(reference.dtype, try read(range, as: UInt8.self))
        }
        loaded[reference.key] = storage
        return storage
    }

    /// The little-endian elements at `range`, read straight into the array that keeps them.
    private func read<Element>(_ range: Range<Int>, as _: Element.Type) throws(FormatError) -> [Element] {
        let count = range.count / MemoryLayout<Element>.size
        var failure: FormatError?
        let values = [Element](unsafeUninitializedCapacity: count) { buffer, initialized in
            do {
                try payload.read(range, into: UnsafeMutableRawBufferPointer(buffer), context: context)
                initialized = count
            } catch {
                failure = (error as? FormatError) ?? FormatError("\(context): \(error)")
            }
        }
        if let failure { throw failure }
        return values
    }
}
