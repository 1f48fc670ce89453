import Foundation
import Recurrent
import Testing
@testable import RecurrentFormats

/// Siblings of the classes of issue 15 that nobody had tried: files that the reference readers
/// (Python's pickle under `torch.load(weights_only=True)`, NumPy, the safetensors crate) read one way
/// and a careless reader another. Each is read as the reference reads it, or refused.
@Suite("Siblings: read as the reference reads them, or refused")
struct ReferenceSemanticsTests {
    /// The value of a pickle, unpickled alone (no tensors).
    static func unpickle(_ body: [UInt8]) throws -> CheckpointValue {
        try TorchCheckpoint.read(archive(pickle: Op.proto + body + [Op.stop]))
    }

    // MARK: Python's dict and set semantics

    @Test("a key set twice keeps its first place and its last value; True, 1 and 1.0 are one key")
    func keysSetTwice() throws {
        let value = try Self.unpickle(
            [Op.emptyDict, Op.mark] + Op.int(1) + Op.string("a") + Op.string("b") + Op.string("x") + [Op.newTrue] + Op.string("c")
                + [Op.setItems])
        #expect(value == .dict([.init(key: .int(1), value: .string("c")), .init(key: .string("b"), value: .string("x"))]))
        let floats = try Self.unpickle([Op.emptyDict] + Op.int(2) + Op.string("a") + [Op.setItem, 0x47] + withUnsafeBytes(of: Double(2).bitPattern.bigEndian, Array.init) + Op.string("z") + [Op.setItem])
        #expect(floats == .dict([.init(key: .int(2), value: .string("z"))]))
    }

    @Test("OrderedDict(pairs) and set(items) keep one of equal keys, as Python does")
    func constructors() throws {
        let pairs = Op.global("collections", "OrderedDict") + [Op.emptyList, Op.mark] + Op.string("k") + Op.int(1) + [Op.tuple2] + Op.string("k")
            + Op.int(2) + [Op.tuple2, Op.appends, Op.tuple1, Op.reduce]
        #expect(try Self.unpickle(pairs) == .dict([.init(key: .string("k"), value: .int(2))]))
        let set = Op.global("builtins", "set") + [Op.emptyList, Op.mark] + Op.int(1) + [Op.newTrue] + Op.int(2) + Op.int(1) + [Op.appends, Op.tuple1, Op.reduce]
        #expect(try Self.unpickle(set) == .list([.int(1), .int(2)]))
    }

    @Test(
        "keys Python cannot hash or this reader cannot compare are refused",
        arguments: [
            ("a list key", [Op.emptyDict, Op.emptyList] + Op.int(1) + [Op.setItem]),
            ("a NaN key", [Op.emptyDict, 0x47, 0x7F, 0xF8, 0, 0, 0, 0, 0, 0] + Op.int(1) + [Op.setItem]),
            ("a tensor key", [Op.emptyDict] + Op.tensor(count: 4, shape: [4], strides: [1]) + Op.int(1) + [Op.setItem]),
        ])
    func unhashableKeys(_ label: String, _ body: [UInt8]) {
        #expect(refusal { _ = try Self.unpickle(body) } != nil, "\(label)")
    }

    @Test("dict keys that differ only in Unicode normalisation are refused rather than merged")
    func unicodeKeys() {
        let body = [Op.emptyDict, Op.mark] + Op.string("caf\u{E9}") + Op.int(1) + Op.string("cafe\u{301}") + Op.int(2) + [Op.setItems]
        #expect(refusal { _ = try Self.unpickle(body) }?.contains("different Unicode forms") == true)
    }

    // MARK: The stack as Python's unpickler sees it

    @Test("opcodes reach only the values above the last MARK, as Python's unpickler does")
    func marksHideTheStack() {
        for body in [[Op.emptyDict, Op.mark] + Op.int(1) + Op.int(2) + [Op.setItem], [Op.none, Op.mark, Op.dup]] {
            #expect(refusal { _ = try Self.unpickle(body) }?.contains("underflow") == true)
        }
    }

    @Test("the values of bytes, strings and integers are Python's")
    func scalars() throws {
        let encode = Op.global("_codecs", "encode")
        #expect(try Self.unpickle(encode + Op.string("\u{E9}") + Op.string("latin1") + [Op.tuple2, Op.reduce]) == .bytes([0xE9]))
        #expect(try Self.unpickle(encode + Op.string("\u{E9}") + Op.string("utf-8") + [Op.tuple2, Op.reduce]) == .bytes([0xC3, 0xA9]))
        #expect(try Self.unpickle(encode + Op.string("\u{E9}") + [Op.tuple1, Op.reduce]) == .bytes([0xC3, 0xA9]))
        #expect(refusal { _ = try Self.unpickle(encode + Op.string("\u{101}") + Op.string("latin1") + [Op.tuple2, Op.reduce]) } != nil)
        #expect(refusal { _ = try Self.unpickle(encode + Op.string("x") + Op.string("rot13") + [Op.tuple2, Op.reduce]) } != nil)
        // SHORT_BINSTRING: torch.load decodes Python 2 strings as UTF-8.
        #expect(try Self.unpickle([0x55, 2, 0xC3, 0xA9]) == .string("\u{E9}"))
        // LONG1 of 1 spelled in nine bytes is the int 1; 2^64 is a big int.
        #expect(try Self.unpickle([0x8A, 9, 1, 0, 0, 0, 0, 0, 0, 0, 0]) == .int(1))
        #expect(try Self.unpickle([0x8A, 9, 0, 0, 0, 0, 0, 0, 0, 0, 1]) == .bigInt([0, 0, 0, 0, 0, 0, 0, 0, 1]))
    }

    // MARK: Calls and state torch refuses, or that change what the values mean

    static let refusedState: [(String, [UInt8], String)] = [
        ("BUILD on a tensor (would replace its data)", Op.tensor(count: 4, shape: [4], strides: [1]) + [Op.emptyTuple, Op.build], "BUILD on a tensor"),
        ("BUILD on a plain dict", [Op.emptyDict, Op.emptyDict, Op.build], "BUILD on dict"),
        ("a negative bit in the metadata", Op.tensor(count: 4, shape: [4], strides: [1], extra: [Op.emptyDict] + Op.string("neg") + [Op.newTrue, Op.setItem]), "negative bit"),
        ("requires_grad on an integer tensor", Op.global("torch._utils", "_rebuild_parameter") + [Op.mark] + Op.tensor(count: 4, shape: [4], strides: [1], type: "LongStorage") + [Op.newTrue] + Op.orderedDict() + [Op.tuple, Op.reduce], "require gradients"),
        ("frozenset, which torch's allow-list lacks", Op.global("builtins", "frozenset") + [Op.emptyTuple, Op.reduce], "not allowed"),
        ("NEWOBJ of a function", Op.global("torch._utils", "_rebuild_tensor_v2") + [Op.emptyTuple, Op.newObj], "NEWOBJ"),
        ("a persistent id with a location that is not a string", [Op.mark] + Op.string("storage") + Op.global("torch", "FloatStorage") + Op.string("0") + [Op.none] + Op.int(4) + [Op.tuple, Op.persistentID], "persistent id"),
    ]

    @Test("state and calls that torch refuses, or that change what stored values mean, are refused", arguments: refusedState)
    func refusedCalls(_ label: String, _ body: [UInt8], _ expected: String) {
        let message = refusal { _ = try TorchCheckpoint.read(archive(pickle: Op.proto + body + [Op.stop], records: ["0": floats([1, 2, 3, 4])])) }
        #expect(message?.contains(expected) == true, "\(label): \(message ?? "read")")
    }

    @Test("NEWOBJ of OrderedDict is an empty dict whatever its arguments, as cls.__new__ makes it")
    func newObject() throws {
        let body = Op.global("collections", "OrderedDict") + [Op.emptyList] + Op.string("k") + Op.int(1) + [Op.tuple2, Op.append, Op.tuple1, Op.newObj]
        #expect(try Self.unpickle(body) == .dict([]))
    }

    @Test("a legacy storage view (a sixth item that is not None) is refused")
    func legacyView() {
        let storage = [Op.mark] + Op.string("storage") + Op.global("torch", "FloatStorage") + Op.string("0") + Op.string("cpu") + Op.int(4)
            + Op.string("1") + Op.int(0) + Op.int(2) + [0x87, Op.tuple, Op.persistentID]
        let tensor = Op.global("torch._utils", "_rebuild_tensor_v2") + [Op.mark] + storage + Op.int(0) + Op.int(2) + [Op.tuple1] + Op.int(1)
            + [Op.tuple1, Op.newFalse] + Op.orderedDict() + [Op.tuple, Op.reduce]
        let file = legacyFile(root: Op.stateDict([("w", tensor)]), keys: ["0"], records: ["0": floats([1, 2, 3, 4])])
        #expect(refusal { _ = try TorchCheckpoint.read(file) }?.contains("legacy storage view") == true)
    }

    // MARK: ZIP archives

    @Test("archives torch.load refuses are refused: no version record, a first entry outside a folder, sizes that disagree")
    func torchArchives() {
        var noVersion = ZipWriter()
        noVersion.add("archive/data.pkl", Data(Op.proto + [Op.none, Op.stop]))
        #expect(refusal { _ = try TorchCheckpoint.read(noVersion.finished()) }?.contains("version") == true)
        var flat = ZipWriter()
        flat.add("data.pkl", Data(Op.proto + [Op.none, Op.stop]))
        flat.add("version", Data("3".utf8))
        #expect(refusal { _ = try TorchCheckpoint.read(flat.finished()) }?.contains("folder") == true)
        var sizes = [UInt8](archive(pickle: Op.proto + [Op.none, Op.stop]))
        let central = sizes.indices.first { sizes[$0..<($0 + 4)] == [0x50, 0x4B, 0x01, 0x02] }!
        sizes[central + 24] &+= 1  // the uncompressed size of the first entry
        #expect(refusal { _ = try TorchCheckpoint.read(Data(sizes)) }?.contains("claims") == true)
    }

    @Test("an .npz naming one array twice ('x' and 'x.npy') is refused")
    func npzNamesTwice() {
        var writer = ZipWriter(alignment: 1)
        writer.add("x.npy", NumPyArray.encode(.float32(Tensor(scalar: 1))))
        writer.add("x", NumPyArray.encode(.float32(Tensor(scalar: 2))))
        #expect(refusal { _ = try NumPyArray.readArchive(writer.finished()) }?.contains("two entries") == true)
    }

    // MARK: .npy headers

    static let npyHeaders: [(String, String, Bool)] = [
        ("keys in any order, trailing comma", "{'shape': (2,), 'fortran_order': False, 'descr': '<f4'}", true),
        ("Python 2 long suffix in version 1", "{'descr': '<f4', 'fortran_order': False, 'shape': (2L,), }", true),
        ("adjacent strings concatenate", "{'descr': '<' 'f4', 'fortran_order': False, 'shape': (2,), }", true),
        ("a missing key", "{'descr': '<f4', 'shape': (2,), }", false),
        ("an extra key", "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), 'x': 1, }", false),
        ("an escape in a string", "{'descr': '\\x3cf4', 'fortran_order': False, 'shape': (2,), }", false),
        ("a shape that is not a tuple", "{'descr': '<f4', 'fortran_order': False, 'shape': 2, }", false),
        ("a float dimension", "{'descr': '<f4', 'fortran_order': False, 'shape': (2.0,), }", false),
        ("fortran_order not a bool", "{'descr': '<f4', 'fortran_order': 0, 'shape': (2,), }", false),
        ("a key inside a string value", "{'descr': \"<f4', 'shape': (9,)\", 'fortran_order': False, 'shape': (2,), }", false),
        ("text after the dict", "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), } x", false),
    ]

    @Test(".npy headers are read as ast.literal_eval reads them, or refused", arguments: npyHeaders)
    func npyHeader(_ label: String, _ header: String, _ reads: Bool) throws {
        let outcome = refusal { _ = try NumPyArray.read(npyFile(header: header, data: floats([1, 2]))) }
        #expect((outcome == nil) == reads, "\(label): \(outcome ?? "read")")
    }

    @Test(".npy headers NumPy would not load are refused: over 10,000 characters, versions other than x.0")
    func npyLimits() {
        let long = "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }" + String(repeating: " ", count: 10_000)
        #expect(refusal { _ = try NumPyArray.read(npyFile(header: long, data: floats([1, 2]), version: [2, 0])) }?.contains("10000") == true)
        #expect(refusal { _ = try NumPyArray.read(npyFile(header: "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }", data: floats([1, 2]), version: [1, 1])) } != nil)
    }

    // MARK: safetensors headers

    static let safetensorsHeaders: [(String, String, Bool)] = [
        ("white space around the JSON", #"  {"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}  "#, true),
        ("unknown fields are skipped", #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4],"x":[{"y":null}]}}"#, true),
        ("escaped names", #"{"\u0061":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#, true),
        ("null metadata", #"{"__metadata__":null,"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#, true),
        ("a field given twice", #"{"a":{"dtype":"F64","dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#, false),
        ("metadata given twice", #"{"__metadata__":{},"__metadata__":{},"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#, false),
        ("trailing characters", #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}} x"#, false),
        ("a lone surrogate", #"{"\ud800":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#, false),
        ("a float in a shape", #"{"a":{"dtype":"F32","shape":[1.0],"data_offsets":[0,4]}}"#, false),
        ("a number beyond 64 bits", #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,18446744073709551620]}}"#, false),
        ("a leading zero", #"{"a":{"dtype":"F32","shape":[01],"data_offsets":[0,4]}}"#, false),
        ("three offsets", #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4,4]}}"#, false),
        ("a missing field", #"{"a":{"dtype":"F32","data_offsets":[0,4]}}"#, false),
        ("nesting beyond 128 levels", #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4],"x":"# + String(repeating: "[", count: 200) + String(repeating: "]", count: 200) + "}}", false),
        ("names that differ only in Unicode form", #"{"caf\u00e9":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"cafe\u0301":{"dtype":"F32","shape":[0],"data_offsets":[4,4]}}"#, false),
    ]

    @Test("safetensors headers are read as the safetensors crate reads them, or refused", arguments: safetensorsHeaders)
    func safetensorsHeader(_ label: String, _ header: String, _ reads: Bool) {
        let outcome = refusal { _ = try Safetensors.read(safetensorsFile(header: header, data: [UInt8](floats([1])))) }
        #expect((outcome == nil) == reads, "\(label): \(outcome ?? "read")")
    }

    @Test("CheckpointFile recognises a safetensors header that starts with white space")
    func recognition() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("recurrent-\(UUID()).safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        try safetensorsFile(header: #" {"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#, data: [UInt8](floats([1]))).write(to: url)
        #expect(try CheckpointFile.read(contentsOf: url).format == "safetensors")
    }

    // MARK: Messages

    @Test("an error naming something from the file stays one line of readable length")
    func oneLineMessages() {
        let name = "a\nb" + String(repeating: "x", count: 5000)
        let message = refusal { _ = try Safetensors.read(safetensorsFile(header: #"{"\#(name.replacingOccurrences(of: "\n", with: "\\n"))":{"dtype":"C64","shape":[1],"data_offsets":[0,8]}}"#, data: [UInt8](repeating: 0, count: 8))) }
        #expect(message?.contains("\n") == false)
        #expect((message?.count ?? .max) < 1100)
    }

    // MARK: Limits

    @Test("limits are the caller's: a larger allowance reads what the default refuses, a smaller one refuses more")
    func callerLimits() throws {
        let zip = archive(pickle: Op.stateDict([("w", Op.tensor(count: 1, shape: [17_000_000], strides: [0]))]), records: ["0": floats([3])])
        #expect(refusal { _ = try TorchCheckpoint.read(zip) }?.contains("broadcast view") == true)
        let read = try TorchCheckpoint.read(zip, limits: ReadLimits(minimumBytes: 100_000_000))
        #expect(read["w"]?.tensors.first?.tensor.shape == [17_000_000])
        let tiny = ReadLimits(maximumTensors: 1)
        let two = archive(pickle: Op.stateDict([("a", Op.tensor(count: 1, shape: [1], strides: [1])), ("b", Op.tensor(count: 1, shape: [1], strides: [1]))]), records: ["0": floats([3])])
        #expect(refusal { _ = try TorchCheckpoint.read(two, limits: tiny) }?.contains("more than 1 tensors") == true)
        #expect(ReadLimits().bytes(forFileOfSize: 1 << 30) == 4 << 30)
        #expect(ReadLimits().bytes(forFileOfSize: 10) == 64 << 20)
    }
}
