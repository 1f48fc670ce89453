import CZlib
import Foundation

/// The stored (uncompressed) entries of a ZIP archive, as `torch.save` and `numpy.savez` write them,
/// read with every header checked against the file.
///
/// ZIP64 records are understood; compressed entries are named in a clear error where they are read
/// as stored (neither `torch.save` nor `numpy.savez` compresses; `numpy.savez_compressed` deflates,
/// and its reader inflates them). An archive that readers could read differently is refused: two
/// entries of one name (torch's reader picks one by a binary search, Python's `zipfile` the last),
/// entries whose bytes overlap (one record read under many names, a ZIP bomb's trick) or lie in the
/// central directory, and a stored entry whose two sizes differ.
struct ZipArchive {
    struct Entry {
        var name: String
        /// The entry's data as stored (compressed, for a compressed entry).
        var range: Range<Int>
        var method: UInt16
        /// The size and CRC-32 of the uncompressed data, as the central directory records them.
        var size: Int = 0
        var crc32: UInt32 = 0
    }

    let data: Data
    /// The entries in the central directory's order.
    let entries: [Entry]
    /// Where each name stands in `entries`.
    private let positions: [String: Int]

    /// Whether `data` starts like a ZIP archive (a local file header).
    static func looksLikeZip(_ data: Data) -> Bool {
        data.prefix(4).elementsEqual([0x50, 0x4B, 0x03, 0x04])
    }

    init(_ data: Data, context: String) throws(FormatError) {
        self.data = data
        let reader = ByteReader(data, context: context)
        // The end-of-central-directory record: 22 bytes plus a comment of at most 65535.
        guard data.count >= 22 else { throw FormatError("\(context): too short for a ZIP archive") }
        var end = -1
        var offset = data.count - 22
        while offset >= max(0, data.count - 22 - 65_535) {
            if try reader.unsigned(4, at: offset) == 0x0605_4B50 {
                end = offset
                break
            }
            offset -= 1
        }
        guard end >= 0 else { throw FormatError("\(context): not a ZIP archive (no end of central directory)") }
        var entryCount = Int(try reader.unsigned(2, at: end + 10))
        var directorySize = Int(try reader.unsigned(4, at: end + 12))
        var directoryOffset = Int(try reader.unsigned(4, at: end + 16))
        // ZIP64: a locator just before the record points at the ZIP64 end record.
        if end >= 20, try reader.unsigned(4, at: end - 20) == 0x0706_4B50 {
            var locator = ByteReader(data, context: context, position: end - 12)
            let record = try locator.count(8)
            var zip64 = ByteReader(data, context: context, position: record)
            guard try zip64.unsigned(4) == 0x0606_4B50 else { throw FormatError("\(context): damaged ZIP64 end record") }
            zip64.position = record + 32
            entryCount = try zip64.count(8)
            directorySize = try zip64.count(8)
            directoryOffset = try zip64.count(8)
        }
        _ = try reader.range(directoryOffset, directorySize)
        var directory = ByteReader(data, context: context, position: directoryOffset)
        var entries: [Entry] = []
        var positions: [String: Int] = [:]
        var spans: [(start: Int, end: Int, name: String)] = []
        for _ in 0..<min(entryCount, data.count / 46) {
            guard try directory.unsigned(4) == 0x0201_4B50 else {
                throw FormatError("\(context): damaged central directory entry \(entries.count)")
            }
            directory.position += 6
            let method = UInt16(try directory.unsigned(2))
            directory.position += 4
            let crc32 = UInt32(try directory.unsigned(4))
            var compressedSize = Int(try directory.unsigned(4))
            var size = Int(try directory.unsigned(4))
            let nameLength = Int(try directory.unsigned(2))
            let extraLength = Int(try directory.unsigned(2))
            let commentLength = Int(try directory.unsigned(2))
            directory.position += 8
            var localOffset = Int(try directory.unsigned(4))
            let nameData = try directory.bytes(nameLength)
            var extra = ByteReader(try directory.bytes(extraLength), context: context)
            directory.position += commentLength
            while extra.remaining >= 4 {
                let id = try extra.unsigned(2)
                let length = Int(try extra.unsigned(2))
                var field = ByteReader(try extra.bytes(length), context: context)
                guard id == 0x0001 else { continue }
                if size == 0xFFFF_FFFF { size = try field.count(8) }
                if compressedSize == 0xFFFF_FFFF { compressedSize = try field.count(8) }
                if localOffset == 0xFFFF_FFFF { localOffset = try field.count(8) }
            }
            guard let name = String(data: nameData, encoding: .utf8) else {
                throw FormatError("\(context): an entry name is not UTF-8")
            }
            guard positions.updateValue(entries.count, forKey: name) == nil else {
                throw FormatError("\(context): the archive holds two entries named '\(name)', which readers resolve differently")
            }
            guard method != 0 || size == compressedSize else {
                throw FormatError("\(context): the stored entry '\(name)' claims \(size) bytes and \(compressedSize) bytes")
            }
            var local = ByteReader(data, context: context, position: localOffset)
            guard try local.unsigned(4) == 0x0403_4B50 else { throw FormatError("\(context): damaged local header of \(name)") }
            local.position = localOffset + 26
            let localName = Int(try local.unsigned(2))
            let localExtra = Int(try local.unsigned(2))
            let start = localOffset + 30 + localName + localExtra
            entries.append(Entry(name: name, range: try reader.range(start, compressedSize), method: method, size: size, crc32: crc32))
            spans.append((localOffset, start + compressedSize, name))
        }
        guard entries.count == entryCount else {
            throw FormatError("\(context): the archive claims \(entryCount) entries but has room for \(entries.count)")
        }
        // Each entry's local header and data must be its own, and before the central directory.
        spans.sort { $0.start < $1.start }
        for (span, next) in zip(spans, spans.dropFirst() + [(start: directoryOffset, end: directoryOffset, name: "the central directory")])
        where span.end > next.start {
            throw FormatError("\(context): the bytes of '\(span.name)' overlap those of '\(next.name)'")
        }
        self.entries = entries
        self.positions = positions
    }

    /// The entry named `name`, if there is one.
    func entry(named name: String) -> Entry? {
        positions[name].map { entries[$0] }
    }

    /// The contents of the entry named `name`.
    func contents(of name: String, context: String) throws(FormatError) -> Data {
        guard let entry = entry(named: name) else {
            throw FormatError("\(context): the archive has no record '\(name)'")
        }
        return try contents(of: entry, context: context)
    }

    /// The folder `torch.save` put every record in (`archive/`), found as torch finds it: the first
    /// entry's folder, when it holds `data.pkl`; `nil` for an archive that is not a `torch.save` file.
    var torchFolder: String? {
        guard let first = entries.first?.name, let slash = first.firstIndex(of: "/") else { return nil }
        let folder = String(first[...slash])
        return entry(named: folder + "data.pkl") == nil ? nil : folder
    }

    /// ``torchFolder``, checked as `torch.load` checks it: it also holds a format `version`.
    ///
    /// - Throws: ``FormatError`` when the archive is not laid out as `torch.load` requires.
    func torchPrefix(context: String) throws(FormatError) -> String {
        guard let folder = torchFolder else {
            throw FormatError("\(context): the folder of the archive's first entry holds no data.pkl; it is not a torch.save file")
        }
        guard entry(named: folder + ".data/version") != nil || entry(named: folder + "version") != nil else {
            throw FormatError("\(context): the archive has no \(folder)version record, without which torch.load refuses it")
        }
        return folder
    }

    func contents(of entry: Entry, context: String) throws(FormatError) -> Data {
        guard entry.method == 0 else {
            throw FormatError("\(context): '\(entry.name)' is compressed (method \(entry.method)); only stored entries are read")
        }
        return data[entry.range]
    }
}

/// Writes a ZIP archive of stored entries, each entry's data aligned as `torch.save` aligns it.
///
/// Sizes and offsets beyond 32 bits, and more than 65,535 entries, are written in ZIP64 records, as
/// `torch.save` and Python's `zipfile` write them. Entry names are at most 65,535 bytes (the callers
/// check the names they take from files).
struct ZipWriter {
    private(set) var data = Data()
    private var directory = Data()
    private var count = 0
    let alignment: Int

    init(alignment: Int = 64) {
        self.alignment = alignment
    }

    /// The value to write in a 32-bit field, and whether it goes to the ZIP64 extra field instead.
    private static func field(_ value: Int) -> (UInt32, Bool) {
        value >= 0xFFFF_FFFF ? (0xFFFF_FFFF, true) : (UInt32(value), false)
    }

    mutating func add(_ name: String, _ contents: Data) {
        let nameBytes = Data(name.utf8)
        let offset = data.count
        let (size, sizeIn64) = Self.field(contents.count)
        let (localOffset, offsetIn64) = Self.field(offset)
        // The local header's ZIP64 field holds both sizes; the directory's, the values that overflow.
        var localExtra = Data()
        if sizeIn64 { localExtra.appendLittleEndian(UInt16(1), UInt16(16), UInt64(contents.count), UInt64(contents.count)) }
        var centralExtra = Data()
        if sizeIn64 || offsetIn64 {
            let values = (sizeIn64 ? [contents.count, contents.count] : []) + (offsetIn64 ? [offset] : [])
            centralExtra.appendLittleEndian(UInt16(1), UInt16(8 * values.count))
            for value in values { centralExtra.appendLittleEndian(UInt64(value)) }
        }
        // Pad the local header with an extra field so that the data starts aligned.
        let headerEnd = offset + 30 + nameBytes.count + localExtra.count + 4
        let padding = (alignment - headerEnd % alignment) % alignment
        localExtra.appendLittleEndian(UInt16(0x4246), UInt16(padding))  // "FB", as torch.save pads
        localExtra.append(Data(count: padding))
        let version = UInt16(sizeIn64 || offsetIn64 ? 45 : 20)
        let crc = CRC32.checksum(contents)
        var local = Data()
        local.appendLittleEndian(UInt32(0x0403_4B50), version, UInt16(0x0800), UInt16(0), UInt16(0), UInt16(0))
        local.appendLittleEndian(crc, size, size, UInt16(nameBytes.count), UInt16(localExtra.count))
        local.append(nameBytes)
        local.append(localExtra)
        data.append(local)
        data.append(contents)

        directory.appendLittleEndian(UInt32(0x0201_4B50), version, version, UInt16(0x0800), UInt16(0))
        directory.appendLittleEndian(UInt16(0), UInt16(0), crc, size, size)
        directory.appendLittleEndian(UInt16(nameBytes.count), UInt16(centralExtra.count), UInt16(0), UInt16(0), UInt16(0))
        directory.appendLittleEndian(UInt32(0), localOffset)
        directory.append(nameBytes)
        directory.append(centralExtra)
        count += 1
    }

    /// The finished archive.
    func finished() -> Data {
        var result = data
        let directoryOffset = result.count
        result.append(directory)
        let (directorySize, sizeIn64) = Self.field(directory.count)
        let (offset, offsetIn64) = Self.field(directoryOffset)
        let countIn64 = count >= 0xFFFF
        if sizeIn64 || offsetIn64 || countIn64 {
            let record = result.count
            result.appendLittleEndian(UInt32(0x0606_4B50), UInt64(44), UInt16(45), UInt16(45), UInt32(0), UInt32(0))
            result.appendLittleEndian(UInt64(count), UInt64(count), UInt64(directory.count), UInt64(directoryOffset))
            result.appendLittleEndian(UInt32(0x0706_4B50), UInt32(0), UInt64(record), UInt32(1))
        }
        let entries = UInt16(countIn64 ? 0xFFFF : count)
        result.appendLittleEndian(UInt32(0x0605_4B50), UInt16(0), UInt16(0), entries, entries)
        result.appendLittleEndian(directorySize, offset, UInt16(0))
        return result
    }
}

/// The CRC-32 of ZIP archives (polynomial 0xEDB88320), computed by zlib.
enum CRC32 {
    static func checksum(_ data: Data) -> UInt32 {
        data.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) in
            var crc = CZlib.crc32(0, nil, 0)
            var offset = 0
            while offset < bytes.count {
                let count = min(bytes.count - offset, Int(UInt32.max))
                crc = CZlib.crc32(crc, bytes.baseAddress?.advanced(by: offset).assumingMemoryBound(to: Bytef.self), uInt(count))
                offset += count
            }
            return UInt32(truncatingIfNeeded: crc)
        }
    }
}

extension Data {
    mutating func appendLittleEndian<each T: FixedWidthInteger>(_ values: repeat each T) {
        repeat Swift.withUnsafeBytes(of: (each values).littleEndian) { append(contentsOf: $0) }
    }
}
