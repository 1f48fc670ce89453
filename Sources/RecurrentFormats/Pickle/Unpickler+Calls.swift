import Recurrent

/// The globals a pickle may name and what calling them means: torch's weights-only allow-list, each
/// call checked as Python checks it, so that what `torch.load` refuses is refused here too.
extension Unpickler {
    static let storageTypes: [String: DType] = [
        "FloatStorage": .float32, "DoubleStorage": .float64, "HalfStorage": .float16, "BFloat16Storage": .bfloat16,
        "LongStorage": .int64, "IntStorage": .int32, "ShortStorage": .int16, "CharStorage": .int8,
        "ByteStorage": .uint8, "BoolStorage": .bool,
    ]

    static let allowedGlobals: Set<String> = Set(
        [
            "collections.OrderedDict", "torch._utils._rebuild_tensor_v2", "torch._utils._rebuild_parameter",
            "torch._utils._rebuild_parameter_with_state", "_codecs.encode", "builtins.set",
        ] + storageTypes.keys.map { "torch.\($0)" })

    /// The encodings `_codecs.encode` is read with, by Python's normalised name: `torch.save` writes
    /// bytes as `_codecs.encode(text, 'latin1')`.
    private static let latin1Names: Set<String> = ["latin1", "latin_1", "iso8859_1", "iso_8859_1", "l1"]
    private static let utf8Names: Set<String> = ["utf8", "utf_8", "u8"]

    func global(_ module: String, _ name: String) throws(FormatError) -> Object {
        guard Self.allowedGlobals.contains("\(module).\(name)") else {
            throw error(
                "the pickle asks for the global '\(module).\(name)', which is not allowed: a weights-only checkpoint "
                    + "refers only to tensors, storages and plain containers. Nothing from the file was run.")
        }
        return .global(module: module, name: name)
    }

    /// `callable(*arguments)`, for the allowed globals that are functions or types.
    func call(_ callable: Object, _ arguments: [Object]) throws(FormatError) -> Object {
        guard case .global(let module, let name) = callable else { throw error("a call of something that is not a global") }
        let function = "\(module).\(name)"
        func arity(_ range: ClosedRange<Int>) throws(FormatError) {
            guard range.contains(arguments.count) else {
                throw error("TypeError: \(name)() takes \(range.lowerBound == range.upperBound ? "\(range.lowerBound)" : "from \(range.lowerBound) to \(range.upperBound)") positional arguments but \(arguments.count) were given")
            }
        }
        switch function {
        case "collections.OrderedDict":
            try arity(0...1)
            let box = newDict(ordered: true)
            if let source = arguments.first { try fill(box, from: source) }
            return .dict(box)
        case "builtins.set":
            try arity(0...1)
            guard let source = arguments.first else { return try newSet([]) }
            switch source {
            case .list(let items), .tuple(let items), .set(let items): return try newSet(items.items)
            default: throw error("TypeError: set() of \(typeName(source)), which this reader does not iterate")
            }
        case "_codecs.encode":
            try arity(1...3)
            return .bytes(try encode(arguments))
        case "torch._utils._rebuild_parameter":
            try arity(3...3)
            return try parameter(arguments)
        case "torch._utils._rebuild_parameter_with_state":
            try arity(4...4)
            return try parameter(arguments)
        case "torch._utils._rebuild_tensor_v2":
            try arity(6...7)
            return try tensor(arguments)
        default:
            throw error("the global '\(function)' cannot be called")
        }
    }

    /// `cls.__new__(cls, *args)`, which torch's unpickler runs for `NEWOBJ`: an empty container, whatever
    /// the arguments.
    func newObject(_ type: Object) throws(FormatError) -> Object {
        guard case .global(let module, let name) = type else { throw error("NEWOBJ of something that is not a global") }
        switch "\(module).\(name)" {
        case "collections.OrderedDict": return .dict(newDict(ordered: true))
        case "builtins.set": return try newSet([])
        default: throw error("NEWOBJ of '\(module).\(name)', which is not a type this reader creates")
        }
    }

    /// `BUILD`: torch gives state only to an `OrderedDict` (its attributes, such as a state dict's
    /// `_metadata`, which carry no weights). State for a tensor would replace its data (the legacy
    /// `Tensor.__setstate__`), and anything else torch refuses.
    func build(_ object: Object, _ state: Object) throws(FormatError) {
        switch object {
        case .dict(let box) where box.isOrdered:
            guard case .dict = state else { throw error("BUILD of an OrderedDict with \(typeName(state)) state") }
        case .tensor:
            throw error("BUILD on a tensor, whose state would replace its data (legacy Tensor.__setstate__); not supported")
        default:
            throw error("BUILD on \(typeName(object)), which takes no state")
        }
    }

    /// A persistent id: `('storage', storage_type, key, location, numel)`, with a sixth item, the view
    /// (always `None` from a `torch.save` since PyTorch 0.4), in the legacy format.
    func persistentLoad(_ id: Object) throws(FormatError) -> Object {
        guard case .tuple(let box) = id, case let items = box.items, items.count == (legacy ? 6 : 5), case .string("storage") = items[0],
            case .global(_, let typeName) = items[1], case .string(let key) = items[2], case .string = items[3],
            case .int(let count) = items[4]
        else { throw error("a persistent id that is not a storage reference") }
        guard let dtype = Self.storageTypes[typeName] else { throw error("unknown storage type \(typeName)") }
        guard count >= 0 else { throw error("storage \(key) claims \(count) elements") }
        if legacy {
            guard case .none = items[5] else { throw error("storage \(key) is a legacy storage view, which this reader does not support") }
        }
        return .storage(try claim(StorageReference(key: key, dtype: dtype, count: count)))
    }

    /// `OrderedDict(source)`: from pairs (2-tuples or 2-lists) or from another dict, as Python builds it.
    private func fill(_ box: DictBox, from source: Object) throws(FormatError) {
        switch source {
        case .dict(let other):
            try setItems(box, other.entries.flatMap { [$0.key, $0.value] })
        case .list(let pairs), .tuple(let pairs):
            var items: [Object] = []
            for pair in pairs.items {
                switch pair {
                case .tuple(let kv) where kv.items.count == 2, .list(let kv) where kv.items.count == 2:
                    items += kv.items
                default:
                    throw error("OrderedDict() of a sequence whose items are not pairs")
                }
            }
            try setItems(box, items)
        default:
            throw error("TypeError: OrderedDict() of \(typeName(source)): '\(typeName(source))' object is not iterable")
        }
    }

    /// `_codecs.encode(text, encoding='utf-8', errors='strict')`, for Latin-1 and UTF-8.
    private func encode(_ arguments: [Object]) throws(FormatError) -> [UInt8] {
        guard case .string(let text) = arguments[0] else { throw error("_codecs.encode of \(typeName(arguments[0])), not a str") }
        var encoding = "utf_8"
        if arguments.count > 1 {
            guard case .string(let name) = arguments[1] else { throw error("_codecs.encode with an encoding that is not a str") }
            encoding = name.lowercased().replacingOccurrences(of: "-", with: "_").replacingOccurrences(of: " ", with: "_")
        }
        if arguments.count > 2 {
            guard case .string("strict") = arguments[2] else { throw error("_codecs.encode with errors other than 'strict'") }
        }
        if Self.utf8Names.contains(encoding) { return Array(text.utf8) }
        guard Self.latin1Names.contains(encoding) else { throw error("_codecs.encode to '\(encoding)', which this reader does not decode") }
        var bytes: [UInt8] = []
        for scalar in text.unicodeScalars {
            guard scalar.value <= 0xFF else {
                throw error("UnicodeEncodeError: 'latin-1' codec can't encode character U+\(String(scalar.value, radix: 16, uppercase: true))")
            }
            bytes.append(UInt8(scalar.value))
        }
        return bytes
    }

    /// `_rebuild_parameter(data, requires_grad, backward_hooks[, state])`: the tensor itself.
    private func parameter(_ arguments: [Object]) throws(FormatError) -> Object {
        guard case .tensor = arguments[0] else { throw error("a parameter of something that is not a tensor") }
        try checkRequiresGrad(arguments[1], arguments[0])
        return arguments[0]
    }

    /// `_rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata])`.
    private func tensor(_ arguments: [Object]) throws(FormatError) -> Object {
        guard case .storage(let storage) = arguments[0], case .int(let offset) = arguments[1],
            case .tuple(let size) = arguments[2], case .tuple(let stride) = arguments[3]
        else { throw error("_rebuild_tensor_v2 with arguments that are not a storage, an offset, a size and a stride") }
        func integers(_ items: [Object]) throws(FormatError) -> [Int] {
            var result: [Int] = []
            for item in items {
                guard case .int(let value) = item else { throw error("a tensor size or stride that is not an int") }
                result.append(value)
            }
            return result
        }
        let tensor = Object.tensor(
            TensorReference(storage: storage, offset: offset, shape: try integers(size.items), strides: try integers(stride.items)))
        try checkRequiresGrad(arguments[4], tensor)
        // Metadata such as {'neg': True} changes what the stored values mean (a negated view), which this
        // reader would otherwise misread; torch applies it only when it is not empty.
        if arguments.count == 7, isTruthy(arguments[6]) {
            throw error(
                "a tensor on storage \(storage.key) carries metadata (such as PyTorch's negative bit), which changes what its "
                    + "stored values mean; save it resolved (tensor.resolve_neg()) to read it here")
        }
        return tensor
    }

    /// `tensor.requires_grad = value`: a bool, and `True` only for a floating-point tensor.
    private func checkRequiresGrad(_ value: Object, _ tensor: Object) throws(FormatError) {
        guard case .bool(let requiresGrad) = value else { throw error("requires_grad must be a bool, not \(typeName(value))") }
        if requiresGrad, case .tensor(let reference) = tensor, !reference.storage.dtype.isFloatingPoint {
            throw error("RuntimeError: only Tensors of floating point and complex dtype can require gradients")
        }
    }

    /// Python's truth value, for the values a pickle builds.
    private func isTruthy(_ object: Object) -> Bool {
        switch object {
        case .none: false
        case .bool(let value): value
        case .int(let value): value != 0
        case .float(let value): value != 0
        case .string(let value): !value.isEmpty
        case .bytes(let value): !value.isEmpty
        case .list(let box), .tuple(let box), .set(let box): !box.items.isEmpty
        case .dict(let box): !box.entries.isEmpty
        case .bigInt, .global, .storage, .tensor: true
        }
    }

    /// The Python type name of a value, for messages.
    func typeName(_ object: Object) -> String {
        switch object {
        case .none: "NoneType"
        case .bool: "bool"
        case .int, .bigInt: "int"
        case .float: "float"
        case .string: "str"
        case .bytes: "bytes"
        case .list: "list"
        case .tuple: "tuple"
        case .set: "set"
        case .dict(let box): box.isOrdered ? "OrderedDict" : "dict"
        case .global(let module, let name): "\(module).\(name)"
        case .storage: "storage"
        case .tensor: "Tensor"
        }
    }
}
