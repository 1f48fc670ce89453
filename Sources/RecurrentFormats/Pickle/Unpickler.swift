import Foundation
import Recurrent

/// A pickle reader for what `torch.load(weights_only=True)` accepts, and nothing more.
///
/// It interprets the opcodes `torch.save` and Python's pickler emit (protocols 2 to 5), builds only
/// plain containers and tensors, and calls nothing from the file: a `GLOBAL` is only a name, checked
/// against an allow-list (`collections.OrderedDict`, torch's tensor and parameter rebuilders and
/// storage types, `_codecs.encode` for bytes); any other global is refused with its name. Memoised
/// objects are shared, not copied; nesting depth and the size of what is built are bounded.
struct Unpickler {
    /// A storage the pickle refers to through a persistent id: its key, element type and length.
    struct StorageReference: Hashable {
        var key: String
        var dtype: DType
        var count: Int
    }

    /// A tensor view of a storage, as `_rebuild_tensor_v2` describes it.
    struct TensorReference: Hashable {
        var storage: StorageReference
        var offset: Int
        var shape: [Int]
        var strides: [Int]
    }

    /// Lists, sets and tuples. Containers are objects so that memoised ones are shared, as in Python,
    /// and so that ``dismantle(_:)`` can take a deep graph apart without recursion.
    final class ListBox {
        var items: [Object]

        init(_ items: [Object] = []) {
            self.items = items
        }
    }

    final class DictBox {
        var entries: [(key: Object, value: Object)] = []
    }

    indirect enum Object {
        case none, bool(Bool), int(Int), bigInt([UInt8]), float(Double), string(String), bytes([UInt8])
        case list(ListBox), tuple(ListBox), dict(DictBox), global(module: String, name: String)
        case storage(StorageReference), tensor(TensorReference)
    }

    static let storageTypes: [String: DType] = [
        "FloatStorage": .float32, "DoubleStorage": .float64, "HalfStorage": .float16, "BFloat16Storage": .bfloat16,
        "LongStorage": .int64, "IntStorage": .int32, "ShortStorage": .int16, "CharStorage": .int8,
        "ByteStorage": .uint8, "BoolStorage": .bool,
    ]

    static let allowedGlobals: Set<String> = Set(
        [
            "collections.OrderedDict", "torch._utils._rebuild_tensor_v2", "torch._utils._rebuild_parameter",
            "torch._utils._rebuild_parameter_with_state", "_codecs.encode", "builtins.set", "builtins.frozenset",
        ] + storageTypes.keys.map { "torch.\($0)" })

    /// How deep containers may nest, and how many values the result may hold.
    static let maximumDepth = 200
    static let maximumValues = 2_000_000

    private var reader: ByteReader
    private var stack: [Object] = []
    private var marks: [Int] = []
    private var memo: [Int: Object] = [:]
    private let context: String
    /// Whether persistent ids are 6-tuples (the legacy format) rather than 5-tuples.
    private let legacy: Bool

    init(_ data: Data, at position: Int = 0, context: String, legacy: Bool = false) {
        reader = ByteReader(data, context: context, position: position)
        self.context = context
        self.legacy = legacy
    }

    /// Where the reader is: after `load()`, just past the pickle's STOP.
    var position: Int { reader.position }

    /// Reads one pickle, up to its STOP opcode.
    mutating func load() throws(FormatError) -> Object {
        while true {
            let opcode = try reader.byte()
            switch opcode {
            case 0x80: _ = try reader.byte()  // PROTO
            case 0x95: _ = try reader.unsigned(8)  // FRAME
            case 0x2E:  // STOP
                guard let result = stack.popLast(), stack.isEmpty else { throw error("STOP with \(stack.count + 1) values on the stack") }
                return result
            case 0x28: marks.append(stack.count)  // MARK
            case 0x30: _ = try pop()  // POP
            case 0x31: _ = try popMark()  // POP_MARK
            case 0x32: stack.append(try top())  // DUP
            case 0x4E: stack.append(.none)
            case 0x88: stack.append(.bool(true))
            case 0x89: stack.append(.bool(false))
            case 0x4A: stack.append(.int(Int(Int32(truncatingIfNeeded: try reader.unsigned(4)))))  // BININT
            case 0x4B: stack.append(.int(Int(try reader.byte())))  // BININT1
            case 0x4D: stack.append(.int(Int(try reader.unsigned(2))))  // BININT2
            case 0x8A: stack.append(long(try reader.bytes(try reader.count(1))))  // LONG1
            case 0x8B: stack.append(long(try reader.bytes(try reader.count(4))))  // LONG4
            case 0x47: stack.append(.float(Double(bitPattern: try reader.unsigned(8).byteSwapped)))  // BINFLOAT, big-endian
            case 0x58: stack.append(.string(try string(try reader.count(4))))  // BINUNICODE
            case 0x8C: stack.append(.string(try string(try reader.count(1))))  // SHORT_BINUNICODE
            case 0x8D: stack.append(.string(try string(try reader.count(8))))  // BINUNICODE8
            case 0x54: stack.append(.string(try latin1(try reader.count(4))))  // BINSTRING
            case 0x55: stack.append(.string(try latin1(try reader.count(1))))  // SHORT_BINSTRING
            case 0x42: stack.append(.bytes([UInt8](try reader.bytes(try reader.count(4)))))  // BINBYTES
            case 0x43: stack.append(.bytes([UInt8](try reader.bytes(try reader.count(1)))))  // SHORT_BINBYTES
            case 0x8E: stack.append(.bytes([UInt8](try reader.bytes(try reader.count(8)))))  // BINBYTES8
            case 0x5D: stack.append(.list(ListBox()))  // EMPTY_LIST
            case 0x6C:  // LIST
                let box = ListBox()
                box.items = try popMark()
                stack.append(.list(box))
            case 0x61: try append([try pop()])  // APPEND
            case 0x65: try append(try popMark())  // APPENDS
            case 0x29: stack.append(.tuple(ListBox()))  // EMPTY_TUPLE
            case 0x74: stack.append(.tuple(ListBox(try popMark())))  // TUPLE
            case 0x85: stack.append(.tuple(ListBox([try pop()])))  // TUPLE1
            case 0x86:  // TUPLE2
                let b = try pop()
                stack.append(.tuple(ListBox([try pop(), b])))
            case 0x87:  // TUPLE3
                let c = try pop()
                let b = try pop()
                stack.append(.tuple(ListBox([try pop(), b, c])))
            case 0x7D: stack.append(.dict(DictBox()))  // EMPTY_DICT
            case 0x64:  // DICT
                let box = DictBox()
                try setItems(box, try popMark())
                stack.append(.dict(box))
            case 0x73:  // SETITEM
                let value = try pop()
                let key = try pop()
                guard case .dict(let box) = try top() else { throw error("SETITEM on a non-dict") }
                box.entries.append((key, value))
            case 0x75:  // SETITEMS
                let items = try popMark()
                guard case .dict(let box) = try top() else { throw error("SETITEMS on a non-dict") }
                try setItems(box, items)
            case 0x8F: stack.append(.list(ListBox()))  // EMPTY_SET
            case 0x90: try append(try popMark())  // ADDITEMS
            case 0x91:  // FROZENSET
                let box = ListBox()
                box.items = try popMark()
                stack.append(.list(box))
            case 0x63:  // GLOBAL
                let module = try line()
                stack.append(try global(module, try line()))
            case 0x93:  // STACK_GLOBAL
                guard case .string(let name) = try pop(), case .string(let module) = try pop() else {
                    throw error("STACK_GLOBAL without two strings")
                }
                stack.append(try global(module, name))
            case 0x52:  // REDUCE
                let arguments = try pop()
                let callable = try pop()
                guard case .tuple(let items) = arguments else { throw error("REDUCE arguments are not a tuple") }
                stack.append(try call(callable, items.items))
            case 0x81:  // NEWOBJ
                let arguments = try pop()
                let callable = try pop()
                guard case .tuple(let items) = arguments else { throw error("NEWOBJ arguments are not a tuple") }
                stack.append(try call(callable, items.items))
            case 0x62:  // BUILD
                let state = try pop()
                try build(try top(), state)
            case 0x51: stack.append(try persistentLoad(try pop()))  // BINPERSID
            case 0x68: stack.append(try memoGet(Int(try reader.byte())))  // BINGET
            case 0x6A: stack.append(try memoGet(try reader.count(4)))  // LONG_BINGET
            case 0x71: memo[Int(try reader.byte())] = try top()  // BINPUT
            case 0x72: memo[try reader.count(4)] = try top()  // LONG_BINPUT
            case 0x94: memo[memo.count] = try top()  // MEMOIZE
            default:
                throw error(String(format: "unsupported pickle opcode 0x%02x at offset %d", opcode, reader.position - 1))
            }
        }
    }

    private func error(_ message: String) -> FormatError { FormatError("\(context): \(message)") }

    /// Everything this unpickler still holds (its stack and memo), to be dismantled once no longer
    /// needed.
    var retained: [Object] { stack + Array(memo.values) }

    /// Takes apart a graph of objects one container at a time: releasing a hostile, deeply nested
    /// graph the ordinary way would recurse once per level and overflow the stack.
    static func dismantle(_ roots: [Object]) {
        var pending = roots
        var seen = Set<ObjectIdentifier>()
        while let object = pending.popLast() {
            switch object {
            case .list(let box), .tuple(let box):
                guard seen.insert(ObjectIdentifier(box)).inserted else { continue }
                pending += box.items
                box.items = []
            case .dict(let box):
                guard seen.insert(ObjectIdentifier(box)).inserted else { continue }
                for entry in box.entries { pending += [entry.key, entry.value] }
                box.entries = []
            default:
                continue
            }
        }
    }

    private mutating func pop() throws(FormatError) -> Object {
        guard let value = stack.popLast(), stack.count >= (marks.last ?? 0) else { throw error("pickle stack underflow") }
        return value
    }

    private func top() throws(FormatError) -> Object {
        guard let value = stack.last else { throw error("pickle stack underflow") }
        return value
    }

    private mutating func popMark() throws(FormatError) -> [Object] {
        guard let mark = marks.popLast(), mark <= stack.count else { throw error("pickle MARK missing") }
        let items = Array(stack[mark...])
        stack.removeSubrange(mark...)
        return items
    }

    private mutating func append(_ items: [Object]) throws(FormatError) {
        guard case .list(let box) = try top() else { throw error("APPEND to a non-list") }
        box.items += items
    }

    private func setItems(_ box: DictBox, _ items: [Object]) throws(FormatError) {
        guard items.count % 2 == 0 else { throw error("SETITEMS with an odd number of values") }
        for index in stride(from: 0, to: items.count, by: 2) { box.entries.append((items[index], items[index + 1])) }
    }

    private func memoGet(_ index: Int) throws(FormatError) -> Object {
        guard let value = memo[index] else { throw error("memo entry \(index) is missing") }
        return value
    }

    private mutating func line() throws(FormatError) -> String {
        var bytes: [UInt8] = []
        while true {
            let byte = try reader.byte()
            if byte == 0x0A { break }
            bytes.append(byte)
            if bytes.count > 1000 { throw error("a GLOBAL name longer than 1000 bytes") }
        }
        guard let text = String(bytes: bytes, encoding: .utf8) else { throw error("a GLOBAL name is not UTF-8") }
        return text
    }

    private mutating func string(_ length: Int) throws(FormatError) -> String {
        guard let text = String(data: try reader.bytes(length), encoding: .utf8) else { throw error("a string is not UTF-8") }
        return text
    }

    private mutating func latin1(_ length: Int) throws(FormatError) -> String {
        String(decoding: try reader.bytes(length).map { UInt16($0) }, as: UTF16.self)
    }

    private func long(_ bytes: Data) -> Object {
        let bytes = [UInt8](bytes)
        guard bytes.count <= 8 else { return .bigInt(bytes) }
        guard let last = bytes.last else { return .int(0) }
        // Little-endian two's complement, sign-extended to 64 bits.
        var value: UInt64 = last & 0x80 != 0 ? ~0 : 0
        for byte in bytes.reversed() { value = value << 8 | UInt64(byte) }
        return .int(Int(Int64(bitPattern: value)))
    }

    private func global(_ module: String, _ name: String) throws(FormatError) -> Object {
        guard Self.allowedGlobals.contains("\(module).\(name)") else {
            throw error(
                "the pickle asks for the global '\(module).\(name)', which is not allowed: a weights-only checkpoint "
                    + "refers only to tensors, storages and plain containers. Nothing from the file was run.")
        }
        return .global(module: module, name: name)
    }

    private func call(_ callable: Object, _ arguments: [Object]) throws(FormatError) -> Object {
        guard case .global(let module, let name) = callable else { throw error("a call of something that is not a global") }
        switch "\(module).\(name)" {
        case "collections.OrderedDict":
            let box = DictBox()
            if case .list(let pairs)? = arguments.first {
                for pair in pairs.items {
                    guard case .tuple(let kv) = pair, kv.items.count == 2 else { throw error("OrderedDict from something other than pairs") }
                    box.entries.append((kv.items[0], kv.items[1]))
                }
            }
            return .dict(box)
        case "builtins.set", "builtins.frozenset":
            let box = ListBox()
            if case .list(let items)? = arguments.first { box.items = items.items }
            return .list(box)
        case "_codecs.encode":
            guard case .string(let text)? = arguments.first else { throw error("_codecs.encode of a non-string") }
            return .bytes(text.unicodeScalars.map { UInt8(truncatingIfNeeded: $0.value) })
        case "torch._utils._rebuild_parameter", "torch._utils._rebuild_parameter_with_state":
            guard case .tensor(let tensor)? = arguments.first else { throw error("\(name) of something that is not a tensor") }
            return .tensor(tensor)
        case "torch._utils._rebuild_tensor_v2":
            guard arguments.count >= 4, case .storage(let storage) = arguments[0], case .int(let offset) = arguments[1],
                case .tuple(let size) = arguments[2], case .tuple(let stride) = arguments[3]
            else { throw error("_rebuild_tensor_v2 with unexpected arguments") }
            func integers(_ items: [Object]) throws(FormatError) -> [Int] {
                var result: [Int] = []
                for item in items {
                    guard case .int(let value) = item else { throw error("a tensor size or stride that is not an int") }
                    result.append(value)
                }
                return result
            }
            return .tensor(
                TensorReference(storage: storage, offset: offset, shape: try integers(size.items), strides: try integers(stride.items)))
        default:
            throw error("the global '\(module).\(name)' cannot be called")
        }
    }

    private func build(_ object: Object, _ state: Object) throws(FormatError) {
        switch object {
        case .dict, .tensor: break  // OrderedDict metadata and tensor attributes carry no weights.
        default: throw error("BUILD on an object that takes no state")
        }
    }

    private func persistentLoad(_ id: Object) throws(FormatError) -> Object {
        guard case .tuple(let box) = id, case let items = box.items, items.count == (legacy ? 6 : 5), case .string("storage") = items[0],
            case .global(_, let typeName) = items[1], case .string(let key) = items[2], case .int(let count) = items[4]
        else { throw error("a persistent id that is not a storage reference") }
        guard let dtype = Self.storageTypes[typeName] else { throw error("unknown storage type \(typeName)") }
        guard count >= 0 else { throw error("storage \(key) claims \(count) elements") }
        return .storage(StorageReference(key: key, dtype: dtype, count: count))
    }
}
