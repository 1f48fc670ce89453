import Foundation
import Recurrent

/// A pickle reader for what `torch.load(weights_only=True)` accepts, and nothing more.
///
/// It interprets the opcodes `torch.save` and Python's pickler emit (protocols 2 to 5), builds only
/// plain containers and tensors, and calls nothing from the file: a `GLOBAL` is only a name, checked
/// against torch's allow-list (`collections.OrderedDict`, torch's tensor and parameter rebuilders and
/// storage types, `builtins.set`, `_codecs.encode` for bytes); any other global is refused with its
/// name. Each allowed call is checked as Python would check it (its argument count and types), so
/// that what torch refuses is refused here too, and values mean what they mean in Python: a key set
/// twice keeps its first place and its last value, a set keeps one of equal items.
///
/// What it may cost is bounded while it reads, not after: each opcode is charged to the file's
/// ``ReadBudget``; memoised objects are shared, not copied; every container is registered with an
/// ``ObjectGraph``, which takes a graph of any depth apart without recursion; the storages the
/// pickle claims are recorded once, and a key claimed twice must be claimed alike.
///
/// It is a class: the opcodes' helpers read the stack that others change, and a struct would copy
/// itself (and its stack, element by element once it is changed) for each such call.
final class Unpickler {
    /// How deep containers may nest, and how many values the result may hold.
    static let maximumDepth = 200
    static let maximumValues = 2_000_000

    private var reader: ByteReader
    private var stack: [Object] = []
    private var marks: [Int] = []
    private var memo: [Int: Object] = [:]
    private let graph: ObjectGraph
    private let budget: ReadBudget
    let context: String
    /// Whether persistent ids are 6-tuples (the legacy format) rather than 5-tuples.
    let legacy: Bool
    /// The storages the pickle refers to, by key, as first claimed.
    private(set) var storages: [String: StorageReference] = [:]

    init(_ data: Data, at position: Int = 0, context: String, legacy: Bool = false, graph: ObjectGraph, budget: ReadBudget) {
        reader = ByteReader(data, context: context, position: position)
        self.context = context
        self.legacy = legacy
        self.graph = graph
        self.budget = budget
    }

    /// Where the reader is: after `load()`, just past the pickle's STOP.
    var position: Int { reader.position }

    /// Reads one pickle, up to its STOP opcode.
    func load() throws(FormatError) -> Object {
        while true {
            let opcode = try reader.byte()
            try budget.charge(ReadLimits.pickleOperationCost, for: "the pickle's opcode at offset \(reader.position - 1)")
            switch opcode {
            case 0x80:  // PROTO
                let version = try reader.byte()
                guard version <= 5 else { throw error("unsupported pickle protocol: \(version)") }
            case 0x95: _ = try reader.unsigned(8)  // FRAME
            case 0x2E:  // STOP
                guard marks.isEmpty, stack.count == 1, let result = stack.popLast() else {
                    throw error("STOP with \(stack.count) values on the stack and \(marks.count) marks open")
                }
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
            case 0x8A: stack.append(Self.long(try reader.bytes(try reader.count(1))))  // LONG1
            case 0x8B: stack.append(Self.long(try reader.bytes(try reader.count(4))))  // LONG4
            case 0x47: stack.append(.float(Double(bitPattern: try reader.unsigned(8).byteSwapped)))  // BINFLOAT, big-endian
            case 0x58: stack.append(.string(try string(try reader.count(4))))  // BINUNICODE
            case 0x8C: stack.append(.string(try string(try reader.count(1))))  // SHORT_BINUNICODE
            case 0x8D: stack.append(.string(try string(try reader.count(8))))  // BINUNICODE8
            // BINSTRING, SHORT_BINSTRING: torch.load decodes Python 2 strings as UTF-8.
            case 0x54: stack.append(.string(try string(try reader.count(4))))
            case 0x55: stack.append(.string(try string(try reader.count(1))))
            case 0x42: stack.append(.bytes([UInt8](try reader.bytes(try reader.count(4)))))  // BINBYTES
            case 0x43: stack.append(.bytes([UInt8](try reader.bytes(try reader.count(1)))))  // SHORT_BINBYTES
            case 0x8E: stack.append(.bytes([UInt8](try reader.bytes(try reader.count(8)))))  // BINBYTES8
            case 0x5D: stack.append(.list(newList()))  // EMPTY_LIST
            case 0x6C: stack.append(.list(newList(try popMark())))  // LIST
            case 0x61: try append([try pop()])  // APPEND
            case 0x65: try append(try popMark())  // APPENDS
            case 0x29: stack.append(.tuple(newList()))  // EMPTY_TUPLE
            case 0x74: stack.append(.tuple(newList(try popMark())))  // TUPLE
            case 0x85: stack.append(.tuple(newList([try pop()])))  // TUPLE1
            case 0x86:  // TUPLE2
                let b = try pop()
                stack.append(.tuple(newList([try pop(), b])))
            case 0x87:  // TUPLE3
                let c = try pop()
                let b = try pop()
                stack.append(.tuple(newList([try pop(), b, c])))
            case 0x7D: stack.append(.dict(newDict(ordered: false)))  // EMPTY_DICT
            case 0x64:  // DICT
                let box = newDict(ordered: false)
                try setItems(box, try popMark())
                stack.append(.dict(box))
            case 0x73:  // SETITEM
                let value = try pop()
                let key = try pop()
                guard case .dict(let box) = try top() else { throw error("SETITEM on something that is not a dict") }
                try setItems(box, [key, value])
            case 0x75:  // SETITEMS
                let items = try popMark()
                guard case .dict(let box) = try top() else { throw error("SETITEMS on something that is not a dict") }
                try setItems(box, items)
            case 0x8F: stack.append(.set(newList()))  // EMPTY_SET
            case 0x90:  // ADDITEMS
                let items = try popMark()
                guard case .set(let box) = try top() else { throw error("ADDITEMS on something that is not a set") }
                try add(items, to: box)
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
                let type = try pop()
                guard case .tuple = arguments else { throw error("NEWOBJ arguments are not a tuple") }
                stack.append(try newObject(type))
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

    func error(_ message: String) -> FormatError { FormatError("\(context): \(message)") }

    private func newList(_ items: [Object] = []) -> ListBox { graph.register(ListBox(items)) }

    func newDict(ordered: Bool) -> DictBox { graph.register(DictBox(ordered: ordered)) }

    /// The top of the stack above the last mark, as Python's unpickler sees it.
    private func pop() throws(FormatError) -> Object {
        guard stack.count > (marks.last ?? 0), let value = stack.popLast() else { throw error("pickle stack underflow") }
        return value
    }

    private func top() throws(FormatError) -> Object {
        guard stack.count > (marks.last ?? 0), let value = stack.last else { throw error("pickle stack underflow") }
        return value
    }

    private func popMark() throws(FormatError) -> [Object] {
        guard let mark = marks.popLast(), mark <= stack.count else { throw error("pickle MARK missing") }
        let items = Array(stack[mark...])
        stack.removeSubrange(mark...)
        return items
    }

    private func append(_ items: [Object]) throws(FormatError) {
        guard case .list(let box) = try top() else { throw error("APPEND to something that is not a list") }
        box.items += items
    }

    /// The key of `object`, its cost charged.
    private func key(_ object: Object) throws(FormatError) -> DictionaryKey {
        var cost = 0
        let key: DictionaryKey
        do {
            key = try DictionaryKey(object, cost: &cost)
        } catch {
            throw self.error(error.message)
        }
        try budget.charge(cost, for: "comparing a dictionary key")
        return key
    }

    /// Sets key-value pairs (`items` alternating keys and values) as Python's `d[k] = v` does.
    func setItems(_ box: DictBox, _ items: [Object]) throws(FormatError) {
        guard items.count % 2 == 0 else { throw error("SETITEMS with an odd number of values") }
        for index in stride(from: 0, to: items.count, by: 2) {
            let key = try key(items[index])
            if let position = box.positions[key] {
                box.entries[position].value = items[index + 1]
            } else {
                box.positions[key] = box.entries.count
                box.entries.append((items[index], items[index + 1]))
            }
        }
    }

    /// Adds items to a set as Python's `set.add` does: an item equal to one there is left out.
    func add(_ items: [Object], to box: ListBox) throws(FormatError) {
        for item in items where box.keys.insert(try key(item)).inserted { box.items.append(item) }
    }

    /// A new set of `items`.
    func newSet(_ items: [Object]) throws(FormatError) -> Object {
        let box = newList()
        try add(items, to: box)
        return .set(box)
    }

    private func memoGet(_ index: Int) throws(FormatError) -> Object {
        guard let value = memo[index] else { throw error("memo entry \(index) is missing") }
        return value
    }

    private func line() throws(FormatError) -> String {
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

    private func string(_ length: Int) throws(FormatError) -> String {
        guard let text = String(data: try reader.bytes(length), encoding: .utf8) else { throw error("a string is not UTF-8") }
        return text
    }

    /// A little-endian two's-complement integer: an `int` when it fits in 64 bits, whatever the number
    /// of bytes that spell it, else its shortest bytes.
    static func long(_ data: Data) -> Object {
        var bytes = [UInt8](data)
        // Drop sign-extension bytes: a byte that only repeats the sign of the one below it.
        while bytes.count > 1, let last = bytes.last, last == 0 || last == 0xFF,
            (bytes[bytes.count - 2] & 0x80 != 0) == (last == 0xFF)
        {
            bytes.removeLast()
        }
        guard bytes.count <= 8 else { return .bigInt(bytes) }
        guard let last = bytes.last else { return .int(0) }
        var value: UInt64 = last & 0x80 != 0 ? ~0 : 0
        for byte in bytes.reversed() { value = value << 8 | UInt64(byte) }
        return .int(Int(Int64(bitPattern: value)))
    }

    /// Records the storage a persistent id claims, or throws when its key was claimed otherwise.
    func claim(_ storage: StorageReference) throws(FormatError) -> StorageReference {
        if let first = storages[storage.key] {
            guard first == storage else {
                throw error(
                    "storage '\(storage.key)' is claimed as \(first.count) \(first.dtype.rawValue) elements and as "
                        + "\(storage.count) \(storage.dtype.rawValue) elements; torch.save never writes one storage twice")
            }
            return first
        }
        storages[storage.key] = storage
        return storage
    }
}
