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
    /// - Throws: ``FormatError`` for a file that is damaged, hostile, not a `torch.save` file, or asks
    ///   for more than `limits` allow, and ``FileError`` when it cannot be read.
    public static func read(contentsOf url: URL, limits: ReadLimits = .default) throws -> CheckpointValue {
        let (data, handle) = try FileAccess.mapped(url)
        defer { try? handle.close() }
        return try read(Payload(data: data, file: handle), context: url.lastPathComponent, limits: limits)
    }

    /// Reads the bytes of a `torch.save` file.
    ///
    /// - Throws: ``FormatError`` for bytes that are damaged, hostile, not a `torch.save` file, or ask
    ///   for more than `limits` allow.
    public static func read(_ data: Data, limits: ReadLimits = .default) throws(FormatError) -> CheckpointValue {
        try read(Payload(data: data, file: nil), context: "checkpoint", limits: limits)
    }

    /// Reads a `torch.save` file from its payload; `archive` is the payload's ZIP directory when the
    /// caller has already parsed it.
    static func read(
        _ payload: Payload, archive: ZipArchive? = nil, context: String, limits: ReadLimits
    ) throws(FormatError) -> CheckpointValue {
        let data = payload.data
        let budget = ReadBudget(limits, fileSize: data.count, context: context)
        // What the unpicklers build is taken apart at the end, after the values are made.
        let graph = ObjectGraph()
        defer { graph.dismantle() }
        let root: Unpickler.Object
        var records: [String: Range<Int>] = [:]
        if ZipArchive.looksLikeZip(data) {
            let archive = if let archive { archive } else { try ZipArchive(data, context: context) }
            let prefix = try archive.torchPrefix(context: context)
            if let order = archive.entry(named: prefix + "byteorder") {
                let text = String(decoding: try archive.contents(of: order, context: context), as: UTF8.self)
                guard text == "little" else { throw FormatError("\(context): byteorder '\(text)' is not supported; only little-endian files are read") }
            }
            let unpickler = Unpickler(
                try archive.contents(of: prefix + "data.pkl", context: context), context: context + " data.pkl", graph: graph, budget: budget)
            root = try unpickler.load()
            for entry in archive.entries where entry.name.hasPrefix(prefix + "data/") {
                guard entry.method == 0 else { throw FormatError("\(context): '\(entry.name)' is compressed") }
                records[String(entry.name.dropFirst(prefix.count + 5))] = entry.range
            }
        } else if data.count > 13, data.dropFirst(4).prefix(legacyMagic.count).elementsEqual(legacyMagic) {
            (root, records) = try readLegacy(data, context: context, graph: graph, budget: budget)
        } else {
            throw FormatError("\(context): not a torch.save file (neither a ZIP archive nor the legacy format)")
        }
        var materializer = Materializer(payload: payload, records: records, context: context, budget: budget)
        return try materializer.value(root)
    }

    /// The legacy stream: magic number, protocol version, system info, the object, the storage keys,
    /// then each storage as an 8-byte element count and its bytes.
    private static func readLegacy(
        _ data: Data, context: String, graph: ObjectGraph, budget: ReadBudget
    ) throws(FormatError) -> (Unpickler.Object, [String: Range<Int>]) {
        var position = data.startIndex
        func next(legacy: Bool = false) throws(FormatError) -> (Unpickler.Object, Unpickler) {
            let unpickler = Unpickler(data, at: position - data.startIndex, context: context, legacy: legacy, graph: graph, budget: budget)
            let value = try unpickler.load()
            position = data.startIndex + unpickler.position
            return (value, unpickler)
        }
        _ = try next()
        guard case .int(1001) = try next().0 else { throw FormatError("\(context): unsupported legacy protocol version") }
        guard case .dict(let info) = try next().0 else { throw FormatError("\(context): damaged legacy system info") }
        if let entry = info.entries.first(where: { if case .string("little_endian") = $0.key { true } else { false } }),
            case .bool(false) = entry.value
        {
            throw FormatError("\(context): big-endian legacy files are not supported")
        }
        // The storages the object claims, each with its element type, stand in for a search of the
        // object for each listed key.
        let (root, unpickler) = try next(legacy: true)
        guard case .list(let keys) = try next().0 else { throw FormatError("\(context): damaged legacy storage list") }
        var reader = ByteReader(data, context: context, position: position - data.startIndex)
        var records: [String: Range<Int>] = [:]
        for key in keys.items {
            guard case .string(let name) = key else { throw FormatError("\(context): a legacy storage key is not a string") }
            guard let storage = unpickler.storages[name] else {
                throw FormatError("\(context): storage \(name) is listed but no tensor uses it")
            }
            guard records[name] == nil else { throw FormatError("\(context): storage \(name) is listed twice") }
            let count = try reader.count(8)
            let (bytes, overflow) = count.multipliedReportingOverflow(by: storage.dtype.byteCount)
            guard !overflow else { throw FormatError("\(context): storage \(name) claims \(count) elements") }
            records[name] = try reader.range(reader.position, bytes).relative(to: data)
            reader.position += bytes
        }
        return (root, records)
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
