import Foundation
import Recurrent

/// NumPy's `.npy` and `.npz` files, read and written, so that arrays move between Python and Swift
/// without a custom format.
///
/// `.npy` versions 1 to 3 are read, in C or Fortran order, little-endian, for the dtypes ``DType``
/// names (`<f4`, `<f8`, `<i8`, `|b1`, ...). An `.npz` is a ZIP archive of `.npy` files, as
/// `numpy.savez` writes it, or deflated, as `numpy.savez_compressed` writes it: each entry is
/// inflated (through zlib) no further than the array its `.npy` header declares, so that a
/// decompression bomb is refused instead of filling memory.
///
/// ```swift
/// let x = try NumPyArray.read(contentsOf: URL(fileURLWithPath: "x.npy"))   // AnyTensor
/// try NumPyArray.write(output, to: URL(fileURLWithPath: "out.npy"))
/// ```
public enum NumPyArray {
    private static let magic: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]

    /// Reads a `.npy` file.
    ///
    /// - Throws: ``FormatError`` for a file that is not a `.npy` array this reader understands, and
    ///   ``FileError`` when it cannot be read.
    public static func read(contentsOf url: URL) throws -> AnyTensor {
        try read(FileAccess.contents(of: url), context: url.lastPathComponent)
    }

    /// Parses `.npy` bytes.
    ///
    /// The header is read as NumPy reads it (see ``NumPyHeader``), at most 10,000 characters as
    /// `np.load` allows by default; the shape must be one NumPy can lay out, and the data exactly what
    /// it needs.
    ///
    /// - Throws: ``FormatError`` for bytes that are not a `.npy` array this reader understands.
    public static func read(_ data: Data, context: String = "npy") throws(FormatError) -> AnyTensor {
        var reader = ByteReader(data, context: context)
        let (dtype, shape, isFortran, byteCount) = try header(&reader, context: context)
        guard byteCount == reader.remaining else {
            throw FormatError(
                "\(context): shape \(shape) of \(dtype.numpyDescr) needs \(byteCount / dtype.byteCount) elements, but \(reader.remaining) bytes follow")
        }
        let bytes = [UInt8](try reader.bytes(byteCount))
        do {
            // Fortran order is C order of the reversed shape, transposed back.
            let tensor = try AnyTensor(dtype: dtype, shape: isFortran ? shape.reversed() : shape, littleEndianBytes: bytes)
            return isFortran ? try tensor.reversingDimensions() : tensor
        } catch {
            throw FormatError("\(context): \(error)")
        }
    }

    /// The header of `.npy` bytes, leaving `reader` at the data: the dtype, the shape, whether the
    /// data is in Fortran order, and the bytes the data takes.
    static func header(
        _ reader: inout ByteReader, context: String
    ) throws(FormatError) -> (dtype: DType, shape: [Int], isFortran: Bool, byteCount: Int) {
        guard try reader.bytes(6).elementsEqual(magic) else { throw FormatError("\(context): not a .npy file (bad magic)") }
        let major = try reader.byte()
        let minor = try reader.byte()
        let headerLength: Int
        switch (major, minor) {
        case (1, 0): headerLength = try reader.count(2)
        case (2, 0), (3, 0): headerLength = try reader.count(4)
        default: throw FormatError("\(context): .npy version \(major).\(minor) is not supported (1.0, 2.0 and 3.0 are)")
        }
        let headerBytes = [UInt8](try reader.bytes(headerLength))
        // NumPy measures the header in characters: Latin-1 bytes before version 3, UTF-8 after.
        let characters = major == 3 ? String(decoding: headerBytes, as: UTF8.self).unicodeScalars.count : headerBytes.count
        guard characters <= NumPyHeader.maximumSize else {
            throw FormatError("\(context): the header is \(characters) characters long, more than the \(NumPyHeader.maximumSize) np.load reads")
        }
        let header: NumPyHeader
        do {
            header = try NumPyHeader(headerBytes, allowsLongSuffix: major < 3)
        } catch {
            throw FormatError("\(context): \(error.message)")
        }
        guard let dtype = DType(numpyDescr: header.descr) else {
            throw FormatError("\(context): dtype \(header.descr) is not supported (little-endian float, int, uint8 and bool are)")
        }
        let shape = header.shape
        let count: Int
        do {
            count = try StridedLayout.elementCount(of: shape, elementSize: dtype.byteCount)
        } catch {
            throw FormatError("\(context): shape \(shape) of \(header.descr) cannot be laid out: \(error.message)")
        }
        return (dtype, shape, header.fortranOrder, count * dtype.byteCount)
    }

    /// The `.npy` bytes of a tensor (C order, little-endian; version 1.0, or 2.0 when the header needs
    /// more than 64 KiB, as `numpy.save` chooses).
    public static func encode(_ tensor: AnyTensor) -> Data {
        let shape = tensor.shape.count == 1 ? "(\(tensor.shape[0]),)" : "(" + tensor.shape.map(String.init).joined(separator: ", ") + ")"
        var header = "{'descr': '\(tensor.dtype.numpyDescr)', 'fortran_order': False, 'shape': \(shape), }"
        // As numpy.save: version 1.0 while the header's length fits in 2 bytes, 2.0 (4 bytes) beyond.
        let isLong = 10 + header.utf8.count + 1 > 0xFFFF
        let unpadded = (isLong ? 12 : 10) + header.utf8.count + 1
        header += String(repeating: " ", count: (64 - unpadded % 64) % 64) + "\n"
        var data = Data(magic + (isLong ? [2, 0] : [1, 0]))
        if isLong { data.appendLittleEndian(UInt32(header.utf8.count)) } else { data.appendLittleEndian(UInt16(header.utf8.count)) }
        data.append(contentsOf: Array(header.utf8))
        data.append(contentsOf: tensor.littleEndianBytes)
        return data
    }

    /// Writes a tensor as a `.npy` file.
    ///
    /// - Throws: ``FileError`` when the file cannot be written.
    public static func write(_ tensor: AnyTensor, to url: URL) throws(FileError) {
        try FileAccess.write(encode(tensor), to: url)
    }

    /// Reads the arrays of an `.npz` archive, in the archive's order, named without `.npy`.
    ///
    /// - Throws: ``FormatError`` for a damaged archive or one asking for more than `limits` allow, and
    ///   ``FileError`` when it cannot be read.
    public static func readArchive(contentsOf url: URL, limits: ReadLimits = .default) throws -> StateDict {
        try readArchive(FileAccess.contents(of: url), context: url.lastPathComponent, limits: limits)
    }

    /// Parses `.npz` bytes.
    ///
    /// - Throws: ``FormatError`` for a damaged archive or array, two arrays of one name (`x` and
    ///   `x.npy`), or more arrays than `limits` allow.
    public static func readArchive(_ data: Data, context: String = "npz", limits: ReadLimits = .default) throws(FormatError) -> StateDict {
        try readArchive(try ZipArchive(data, context: context), context: context, limits: limits)
    }

    /// The arrays of an already parsed `.npz` archive.
    static func readArchive(_ archive: ZipArchive, context: String, limits: ReadLimits) throws(FormatError) -> StateDict {
        let budget = ReadBudget(limits, fileSize: archive.data.count, context: context)
        var arrays = StateDict()
        for entry in archive.entries {
            try budget.countTensor()
            let name = entry.name.hasSuffix(".npy") ? String(entry.name.dropLast(4)) : entry.name
            guard arrays[name] == nil else {
                throw FormatError("\(context): two entries are read as the array '\(name)' (such as '\(name)' and '\(name).npy')")
            }
            let entryContext = "\(context) \(entry.name)"
            let bytes = switch entry.method {
            case 0: try archive.contents(of: entry, context: context)
            case 8: try inflated(archive.data[entry.range], entry: entry, context: entryContext)
            default:
                throw FormatError(
                    "\(entryContext): compressed with ZIP method \(entry.method); .npz entries are read stored (numpy.savez) "
                        + "or deflated (numpy.savez_compressed)")
            }
            arrays[name] = try read(bytes, context: entryContext)
        }
        return arrays
    }

    /// The longest `.npy` header a compressed entry may declare, which bounds what is inflated before
    /// the header says how much data there is.
    static let maximumCompressedHeaderLength = 1 << 16

    /// The `.npy` bytes of a deflated archive entry, inflated in three steps (the fixed start, the
    /// header, the data the header declares) and never further; checked against the entry's recorded
    /// size and CRC-32.
    private static func inflated(_ compressed: Data, entry: ZipArchive.Entry, context: String) throws(FormatError) -> Data {
        let inflater = try Inflater(compressed, context: context)
        // Magic, version, and the first two bytes of the header length (all of it in version 1).
        var data = try inflater.read(10)
        if data[data.startIndex + 6] >= 2 { data.append(try inflater.read(2)) }
        let lengthBytes = data.suffix(data.count - 8)
        let headerLength = lengthBytes.reversed().reduce(0) { $0 << 8 | Int($1) }
        // numpy writes headers of a few hundred bytes and by default reads none above 10000.
        guard headerLength <= maximumCompressedHeaderLength else {
            throw FormatError("\(context): a .npy header of \(headerLength) bytes is impossibly large (numpy reads at most 10000)")
        }
        data.append(try inflater.read(headerLength))
        var reader = ByteReader(data, context: context)
        let byteCount = try header(&reader, context: context).byteCount
        let (declared, overflow) = data.count.addingReportingOverflow(byteCount)
        let (possible, _) = compressed.count.multipliedReportingOverflow(by: Inflater.maximumRatio)
        guard !overflow, declared <= max(possible, 1 << 16) else {
            throw FormatError(
                "\(context): the header declares \(byteCount) bytes of data, more than \(compressed.count) compressed bytes can hold")
        }
        data.append(try inflater.read(byteCount))
        try inflater.finish(declared: declared)
        guard data.count == entry.size, CRC32.checksum(data) == entry.crc32 else {
            throw FormatError(
                "\(context): the inflated entry (\(data.count) bytes) does not match the archive's record of it "
                    + "(\(entry.size) bytes, CRC-32 \(String(entry.crc32, radix: 16))): the file is damaged")
        }
        return data
    }

    /// Writes arrays as an `.npz` archive, as `numpy.savez(path, **arrays)` does.
    ///
    /// Each name becomes a path inside the archive (`name.npy`), which `unzip` would write out as
    /// such: a name that could land outside the folder it is unpacked in, or that is not a plain
    /// relative path (an absolute path, a `..` or `.` or empty component, a backslash or a control
    /// character), is refused.
    ///
    /// - Throws: ``FormatError`` for such a name, and ``FileError`` when the file cannot be written.
    public static func writeArchive(_ arrays: StateDict, to url: URL) throws {
        var archive = ZipWriter(alignment: 1)
        for (name, tensor) in arrays {
            try checkMemberName(name)
            archive.add(name + ".npy", encode(tensor))
        }
        try FileAccess.write(archive.finished(), to: url)
    }

    /// Refuses an array name that is not a plain relative path inside an archive.
    static func checkMemberName(_ name: String) throws(FormatError) {
        let components = name.split(separator: "/", omittingEmptySubsequences: false)
        let unsafe: String? =
            if name.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F || $0 == "\\" }) {
                "a control character or a backslash"
            } else if name.hasPrefix("/") {
                "an absolute path"
            } else if let bad = components.first(where: { $0.isEmpty || $0 == "." || $0 == ".." }) {
                "a path component '\(bad)'"
            } else if components.first?.dropFirst().first == ":" {
                "a drive letter"
            } else if name.utf8.count > 0xFFFF - 4 {
                "more bytes than a ZIP entry name holds"
            } else {
                nil
            }
        if let unsafe {
            throw FormatError(
                "the array name '\(name)' has \(unsafe), and would not stay a plain path inside the .npz archive; rename the tensor")
        }
    }
}

extension DType {
    /// The dtype of a NumPy type string such as `<f4` (little-endian or byte-order free only).
    init?(numpyDescr descr: String) {
        guard let dtype = DType.allCases.first(where: { $0.numpyDescr == descr }) else { return nil }
        self = dtype
    }

    /// NumPy's type string for the dtype; bfloat16, which NumPy lacks, is written as raw `<u2`.
    var numpyDescr: String {
        switch self {
        case .float16: "<f2"
        case .bfloat16: "<u2"
        case .float32: "<f4"
        case .float64: "<f8"
        case .int8: "|i1"
        case .int16: "<i2"
        case .int32: "<i4"
        case .int64: "<i8"
        case .uint8: "|u1"
        case .bool: "|b1"
        }
    }
}

extension AnyTensor {
    /// The tensor with its dimensions in reverse order (a full transpose).
    func reversingDimensions() throws(TorchError) -> AnyTensor {
        let shape = self.shape
        guard shape.count > 1 else { return self }
        // Element (a, b, ...) of the result is element (..., b, a) here.
        let layout = StridedLayout(shape: shape.reversed(), strides: StridedLayout.contiguousStrides(for: shape).reversed())
        switch self {
        case .float32(let tensor): return .float32(try Tensor(shape: layout.shape, scalars: try layout.gathering(from: tensor.scalars)))
        case .float64(let tensor): return .float64(try Tensor(shape: layout.shape, scalars: try layout.gathering(from: tensor.scalars)))
        case .raw(let raw):
            let width = dtype.byteCount
            let bytes = StridedLayout(shape: layout.shape + [width], strides: layout.strides.map { $0 * width } + [1])
            return .raw(try RawTensor(dtype: dtype, shape: layout.shape, bytes: try bytes.gathering(from: raw.bytes)))
        }
    }
}
