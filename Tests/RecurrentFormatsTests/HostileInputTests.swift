import Foundation
import Recurrent
import Testing
@testable import RecurrentFormats

/// One test per class of hostile input found from outside (issue 15), built byte by byte here: each
/// must end in a ``FormatError`` that says what is wrong, in bounded time and memory, or be read
/// exactly as the reference reader (torch, NumPy, safetensors) reads it.
@Suite("Hostile inputs: refused clearly, or read as the reference reads them")
struct HostileInputTests {
    static let four = floats([1, 2, 3, 4])

    // MARK: 1. Empty views with out-of-range offsets

    @Test("an empty view starting past its storage's end is refused, in both torch.save formats")
    func emptyViewPastTheEnd() throws {
        let zip = archive(pickle: Op.stateDict([("w", Op.tensor(count: 4, offset: 1000, shape: [0], strides: [1]))]), records: ["0": Self.four])
        #expect(refusal { _ = try TorchCheckpoint.read(zip) }?.contains("out of bounds") == true)
        let legacy = legacyFile(
            root: Op.stateDict([("w", Op.tensor(count: 4, offset: 1000, shape: [0, 5], strides: [5, 1], legacy: true))]), keys: ["0"],
            records: ["0": Self.four])
        #expect(refusal { _ = try TorchCheckpoint.read(legacy) }?.contains("out of bounds") == true)
    }

    @Test("an empty view at its storage's end (x[4:]) is read, as torch reads it")
    func emptyViewAtTheEnd() throws {
        let zip = archive(pickle: Op.stateDict([("w", Op.tensor(count: 4, offset: 4, shape: [0], strides: [1]))]), records: ["0": Self.four])
        #expect(try TorchCheckpoint.read(zip)["w"] == .tensor(.float32(try Tensor(shape: [0], scalars: []))))
    }

    // MARK: 2. A zero dimension beside huge ones

    static let hugeEmptyShapes: [[Int]] = [[0, 1 << 32, 1 << 32], [0, 1 << 40, 1 << 40, 0]]

    @Test("a shape whose zero hides an overflowing stride is refused in every format", arguments: hugeEmptyShapes)
    func zeroBesideHuge(_ shape: [Int]) throws {
        let tuple = "(" + shape.map(String.init).joined(separator: ", ") + ")"
        for fortran in ["False", "True"] {
            let npy = npyFile(header: "{'descr': '<f4', 'fortran_order': \(fortran), 'shape': \(tuple), }")
            #expect(refusal { _ = try NumPyArray.read(npy) }?.contains("Stride calculation overflowed") == true, "\(fortran)")
        }
        let safetensors = safetensorsFile(header: #"{"w":{"dtype":"F32","shape":\#(shape),"data_offsets":[0,0]}}"#)
        #expect(refusal { _ = try Safetensors.read(safetensors) }?.contains("Stride calculation overflowed") == true)
        for strides in [shape.map { _ in 1 }, shape.map { _ in 0 }] {
            let zip = archive(pickle: Op.stateDict([("w", Op.tensor(count: 4, shape: shape, strides: strides))]), records: ["0": Self.four])
            #expect(refusal { _ = try TorchCheckpoint.read(zip) }?.contains("Stride calculation overflowed") == true, "\(strides)")
        }
    }

    @Test("an empty array of an ordinary shape is read, in C and Fortran order")
    func ordinaryEmpty() throws {
        for fortran in ["False", "True"] {
            let npy = npyFile(header: "{'descr': '<f4', 'fortran_order': \(fortran), 'shape': (0, 5), }")
            #expect(try NumPyArray.read(npy) == .float32(try Tensor(shape: [0, 5], scalars: [])))
        }
    }

    // MARK: 3. One storage claimed twice, differently

    @Test("one storage key claimed with two sizes or dtypes is refused, in both torch.save formats")
    func storageClaimedTwice() throws {
        let entries = [
            ("a", Op.tensor(count: 4, shape: [4], strides: [1])),
            ("b", Op.tensor(count: 1000, shape: [1000], strides: [1], type: "DoubleStorage")),
        ]
        let zip = archive(pickle: Op.stateDict(entries), records: ["0": Self.four])
        #expect(refusal { _ = try TorchCheckpoint.read(zip) }?.contains("claimed as 4 float32 elements and as 1000 float64") == true)
        let legacyEntries = [
            ("a", Op.tensor(count: 4, shape: [4], strides: [1], legacy: true)),
            ("b", Op.tensor(count: 1000, shape: [1000], strides: [1], type: "DoubleStorage", legacy: true)),
        ]
        let legacy = legacyFile(root: Op.stateDict(legacyEntries), keys: ["0"], records: ["0": Self.four])
        #expect(refusal { _ = try TorchCheckpoint.read(legacy) }?.contains("claimed as") == true)
        // Claimed alike twice: one storage, shared by two views.
        let shared = archive(
            pickle: Op.stateDict([("a", Op.tensor(count: 4, shape: [2], strides: [1])), ("b", Op.tensor(count: 4, offset: 2, shape: [2], strides: [1]))]),
            records: ["0": Self.four])
        #expect(try TorchCheckpoint.read(shared)["b"] == .tensor(.float32(try Tensor(shape: [2], scalars: [3, 4]))))
    }

    // MARK: 4. Deep nesting released outside the dismantler

    static let depth = 250_000
    static let deep = [UInt8](repeating: Op.mark, count: depth) + [UInt8](repeating: Op.list, count: depth)

    /// Pickles that drop a graph `depth` levels deep in the middle of reading (popped, thrown away with
    /// an error in hand, overwritten in the memo, left on the stack), and whether the read succeeds.
    static let deepDrops: [String: (pickle: [UInt8], reads: Bool)] = [
        "popped": (Op.proto + deep + [Op.pop, Op.none, Op.stop], true),
        "arguments of a call that fails": (Op.proto + Op.global("collections", "OrderedDict") + deep + Op.int(5) + [Op.tuple2, Op.reduce, Op.stop], false),
        "value of a SETITEM on a list": (Op.proto + [Op.emptyList] + deep + [Op.none, Op.setItem, Op.stop], false),
        "overwritten in the memo": (Op.proto + deep + Op.put(0) + [Op.pop, Op.none] + Op.put(0) + [Op.stop], true),
        "left on the stack at STOP": (Op.proto + deep + [Op.none, Op.stop], false),
    ]

    @Test("a graph a quarter of a million levels deep, dropped mid-read, ends the read without a stack overflow", arguments: deepDrops.keys.sorted())
    func deepGraphs(_ label: String) throws {
        let (pickle, reads) = try #require(Self.deepDrops[label])
        for file in [archive(pickle: pickle), legacyFile(root: pickle, keys: [], records: [:])] {
            let outcome = refusal { _ = try TorchCheckpoint.read(file) }
            #expect((outcome == nil) == reads, "\(outcome ?? "read")")
        }
    }

    // MARK: 5. Broadcast (stride-0) views

    @Test("a broadcast view asking for gigabytes from one stored element is refused before any copy", arguments: [25_000_000_000, 300_000_000])
    func expanded(_ count: Int) throws {
        let zip = archive(pickle: Op.stateDict([("w", Op.tensor(count: 1, shape: [count], strides: [0]))]), records: ["0": floats([0])])
        var message: String?
        #expect(seconds { message = refusal { _ = try TorchCheckpoint.read(zip) } } < 2)
        #expect(message?.contains("broadcast view") == true, "\(message ?? "read")")
    }

    @Test("a small broadcast view is read, each element the stored one")
    func smallBroadcast() throws {
        let zip = archive(pickle: Op.stateDict([("w", Op.tensor(count: 1, shape: [3, 2], strides: [0, 0]))]), records: ["0": floats([7])])
        #expect(try TorchCheckpoint.read(zip)["w"] == .tensor(.float32(try Tensor(shape: [3, 2], scalars: [7, 7, 7, 7, 7, 7]))))
    }

    // MARK: 6. Amplification through sharing

    @Test("two million memo references to one 16 KB view are refused while reading")
    func memoReferences() throws {
        var pickle = Op.proto + [Op.emptyList, Op.mark] + Op.tensor(count: 4096, shape: [4096], strides: [1]) + Op.put(0)
        for _ in 0..<1_999_999 { pickle += Op.get(0) }
        pickle += [Op.appends, Op.stop]
        let zip = archive(pickle: pickle, records: ["0": Data(count: 4 * 4096)])
        var message: String?
        #expect(seconds { message = refusal { _ = try TorchCheckpoint.read(zip) } } < 10)
        #expect(message?.contains("would take the read past") == true, "\(message ?? "read")")
    }

    @Test("2^19 shared tensors under 150 dicts keyed by one 1000-character string: refused for their paths")
    func longPaths() throws {
        var pickle = Op.proto + Op.string(String(repeating: "k", count: 1000)) + Op.put(1) + [Op.pop] + Op.tensor(count: 4, shape: [4], strides: [1])
        for _ in 0..<19 { pickle += Op.put(2) + [Op.pop] + Op.get(2) + Op.get(2) + [Op.tuple2] }
        for _ in 0..<150 { pickle += Op.put(2) + [Op.pop, Op.emptyDict] + Op.get(1) + Op.get(2) + [Op.setItem] }
        let zip = archive(pickle: pickle + [Op.stop], records: ["0": Self.four])
        var message: String?
        #expect(seconds { message = refusal { _ = try TorchCheckpoint.read(zip) } } < 10)
        #expect(message?.contains("would take the read past") == true, "\(message ?? "read")")
    }

    @Test("a ZIP whose 2000 entries all point at one record is refused")
    func aliasedRecords() throws {
        let record = Data(count: 1 << 20)
        var zip = Data()
        func local(_ name: String, _ contents: Data) -> Int {
            let offset = zip.count
            zip.appendLittleEndian(UInt32(0x0403_4B50), UInt16(20), UInt16(0), UInt16(0), UInt16(0), UInt16(0))
            zip.appendLittleEndian(UInt32(0), UInt32(contents.count), UInt32(contents.count), UInt16(name.utf8.count), UInt16(0))
            zip.append(Data(name.utf8))
            zip.append(contents)
            return offset
        }
        let pickle = Data(Op.stateDict((0..<2000).map { ("t\($0)", Op.tensor(key: "\($0)", count: 1 << 18, shape: [1 << 18], strides: [1])) }))
        let pickleOffset = local("archive/data.pkl", pickle)
        let versionOffset = local("archive/version", Data("3\n".utf8))
        let recordOffset = local("archive/data/0", record)
        var directory = Data()
        func central(_ name: String, _ size: Int, _ offset: Int) {
            directory.appendLittleEndian(UInt32(0x0201_4B50), UInt16(20), UInt16(20), UInt16(0), UInt16(0), UInt16(0), UInt16(0))
            directory.appendLittleEndian(UInt32(0), UInt32(size), UInt32(size), UInt16(name.utf8.count), UInt16(0), UInt16(0))
            directory.appendLittleEndian(UInt16(0), UInt16(0), UInt32(0), UInt32(offset))
            directory.append(Data(name.utf8))
        }
        central("archive/data.pkl", pickle.count, pickleOffset)
        central("archive/version", 2, versionOffset)
        for index in 0..<2000 { central("archive/data/\(index)", record.count, recordOffset) }
        let directoryOffset = zip.count
        zip.append(directory)
        zip.appendLittleEndian(UInt32(0x0605_4B50), UInt16(0), UInt16(0), UInt16(2002), UInt16(2002), UInt32(directory.count), UInt32(directoryOffset), UInt16(0))
        var message: String?
        #expect(seconds { message = refusal { _ = try TorchCheckpoint.read(zip) } } < 5)
        #expect(message?.contains("overlap") == true, "\(message ?? "read")")
    }

    @Test("ten million empty-list opcodes are refused while unpickling, not after")
    func emptyLists() throws {
        let zip = archive(pickle: Op.proto + [UInt8](repeating: Op.emptyList, count: 10_000_000) + [Op.stop])
        var message: String?
        #expect(seconds { message = refusal { _ = try TorchCheckpoint.read(zip) } } < 10)
        #expect(message?.contains("would take the read past") == true, "\(message ?? "read")")
    }

    // MARK: 7. The legacy storage-key scan

    @Test("a legacy file of a thousand storages behind a 900 x 999 shared list ends at once, and one listing a key twice is refused")
    func legacyKeyScan() throws {
        // The storages' tensors come after 900 references to one list of 999 ints: a search of the object
        // for each listed key walks the shared list a thousand times.
        let row = [Op.mark] + (0..<999).flatMap { _ in Op.int(7) } + [Op.list] + Op.put(1)
        let shared = row + [Op.pop, Op.mark] + (0..<900).flatMap { _ in Op.get(1) } + [Op.list]
        let tensors = (0..<1000).flatMap { Op.tensor(key: "\($0)", count: 1, shape: [1], strides: [1], legacy: true) }
        let root = Op.proto + [Op.mark] + shared + tensors + [Op.list, Op.stop]
        let keys = (0..<1000).map { "\($0)" }
        let file = legacyFile(root: root, keys: keys, records: Dictionary(uniqueKeysWithValues: keys.map { ($0, floats([1])) }))
        #expect(seconds { _ = refusal { _ = try TorchCheckpoint.read(file) } } < 5)
        let twice = legacyFile(root: root, keys: keys + ["0"], records: Dictionary(uniqueKeysWithValues: keys.map { ($0, floats([1])) }))
        #expect(refusal { _ = try TorchCheckpoint.read(twice) }?.contains("listed twice") == true)
    }

    // MARK: 9. A huge safetensors header

    @Test("a safetensors header of 150,000 empty tensors is refused at the tensor limit, quickly")
    func manyTensors() throws {
        var header = "{"
        for index in 0..<150_000 { header += #""\#(index)":{"dtype":"F32","shape":[0],"data_offsets":[0,0]},"# }
        header.removeLast()
        header += "}"
        let file = safetensorsFile(header: header)
        var message: String?
        #expect(seconds { message = refusal { _ = try Safetensors.read(file) } } < 10)
        #expect(message?.contains("more than 100000 tensors") == true, "\(message ?? "read")")
    }

    // MARK: 11. Ambiguous files: read as the reference reads them, or refused

    @Test("an .npy header giving descr and shape twice is read with the last, as NumPy reads it")
    func npyKeysTwice() throws {
        let npy = npyFile(header: "{'descr': '<f8', 'fortran_order': False, 'shape': (1,), 'descr': '<f4', 'shape': (2,), }", data: floats([1, 2]))
        #expect(try NumPyArray.read(npy) == .float32(try Tensor(shape: [2], scalars: [1, 2])))
    }

    @Test("a safetensors tensor named twice is read with its last entry, and the range it leaves out is a gap")
    func safetensorsKeyTwice() throws {
        let same = safetensorsFile(
            header: #"{"a":{"dtype":"F64","shape":[1],"data_offsets":[0,8]},"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#,
            data: [UInt8](floats([1, 2])))
        #expect(try Safetensors.read(same).tensors["a"] == .float32(try Tensor(shape: [2], scalars: [1, 2])))
        let gap = safetensorsFile(
            header: #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#,
            data: [UInt8](floats([1, 2])))
        #expect(refusal { _ = try Safetensors.read(gap) }?.contains("gap") == true)
    }

    static let unevenRanges: [(String, String, [UInt8])] = [
        ("overlap", #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#, [UInt8](floats([1, 2]))),
        ("same range twice", #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#, [UInt8](floats([1]))),
        ("gap", #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#, [UInt8](floats([1, 2]))),
        ("data left over", #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#, [UInt8](floats([1, 2]))),
    ]

    @Test("safetensors ranges that overlap, leave gaps or leave data over are refused, as the reference refuses them", arguments: unevenRanges)
    func unevenSafetensorsRanges(_ label: String, _ header: String, _ data: [UInt8]) {
        #expect(refusal { _ = try Safetensors.read(safetensorsFile(header: header, data: data)) } != nil, "\(label)")
    }

    @Test("a torch.save ZIP with two data.pkl entries is refused")
    func twoPickles() {
        var writer = ZipWriter()
        writer.add("archive/data.pkl", Data(Op.stateDict([("w", Op.tensor(count: 4, shape: [1], strides: [1]))])))
        writer.add("archive/data/0", Self.four)
        writer.add("archive/version", Data("3\n".utf8))
        writer.add("archive/data.pkl", Data(Op.stateDict([("w", Op.tensor(count: 4, offset: 1, shape: [2], strides: [1]))])))
        #expect(refusal { _ = try TorchCheckpoint.read(writer.finished()) }?.contains("two entries named 'archive/data.pkl'") == true)
    }

    @Test("calls torch refuses are refused: extra _rebuild_tensor_v2 arguments, OrderedDict(5)")
    func refusedCalls() {
        let extra = archive(pickle: Op.stateDict([("w", Op.tensor(count: 4, shape: [4], strides: [1], extra: [Op.emptyDict] + Op.int(7)))]), records: ["0": Self.four])
        #expect(refusal { _ = try TorchCheckpoint.read(extra) }?.contains("takes from 6 to 7 positional arguments but 8 were given") == true)
        let five = archive(pickle: Op.proto + Op.global("collections", "OrderedDict") + Op.int(5) + [Op.tuple1, Op.reduce, Op.stop])
        #expect(refusal { _ = try TorchCheckpoint.read(five) }?.contains("not iterable") == true)
    }

    // MARK: 12. Names from a file written into outputs

    @Test("array names that would leave the archive's folder are refused when an .npz is written", arguments: ["../../x", "/abs", "a/../../b", "a\\b", "a//b", "", "C:x"])
    func unsafeNames(_ name: String) throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("recurrent-\(UUID()).npz")
        defer { try? FileManager.default.removeItem(at: url) }
        #expect(refusal { try NumPyArray.writeArchive([name: .float32(Tensor(scalar: 1))], to: url) }?.contains("rename the tensor") == true)
        #expect(!FileManager.default.fileExists(atPath: url.path))
    }

    @Test("nested names stay nested paths inside an .npz, and read back")
    func nestedNames() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("recurrent-\(UUID()).npz")
        defer { try? FileManager.default.removeItem(at: url) }
        let arrays: StateDict = ["model/encoder.weight": .float32(Tensor(scalar: 1))]
        try NumPyArray.writeArchive(arrays, to: url)
        #expect(try NumPyArray.readArchive(contentsOf: url) == arrays)
    }

    @Test("a tensor named __metadata__ is refused when safetensors are written")
    func metadataName() {
        #expect(refusal { _ = try Safetensors.encode(Safetensors.File(tensors: ["__metadata__": .float32(Tensor(scalar: 1))])) } != nil)
    }
}
