extension CheckpointValue {
    /// The Python type of the value: `int`, `float`, `str`, `list`, `dict`, `tensor`, ...
    public var typeName: String {
        switch self {
        case .none: "None"
        case .bool: "bool"
        case .int, .bigInt: "int"
        case .float: "float"
        case .string: "str"
        case .bytes: "bytes"
        case .list: "list"
        case .tuple: "tuple"
        case .dict: "dict"
        case .tensor: "tensor"
        }
    }

    /// Whether the value is a number, a string, `None` or bytes: no container, no tensor.
    public var isPlain: Bool {
        switch self {
        case .list, .tuple, .dict, .tensor: false
        default: true
        }
    }

    /// The value in brief, on one line: a number or string as Python prints it (`0.001`, `'trained'`),
    /// a short list of plain values whole (`(0.9, 0.999)`) and a long one by its first items
    /// (`65 items: ['a', 'b', ...]`), a tensor by dtype and shape, a container by what it holds
    /// (`dict of 12 tensors`).
    public var summary: String {
        switch self {
        case .none: return "None"
        case .bool(let value): return value ? "True" : "False"
        case .int(let value): return "\(value)"
        case .bigInt(let bytes): return "an int of \(bytes.count * 8) bits"
        case .float(let value): return "\(value)"
        case .string(let value):
            let shown = value.count > Self.briefStringLength ? value.prefix(Self.briefStringLength) + "..." : Substring(value)
            return "'\(shown)'"
        case .bytes(let bytes): return "\(bytes.count) bytes"
        case .tensor(let tensor): return "\(tensor.dtype.rawValue) \(tensor.shape)"
        case .list(let items), .tuple(let items):
            let (open, close) = if case .list = self { ("[", "]") } else { ("(", items.count == 1 ? ",)" : ")") }
            guard items.allSatisfy(\.isPlain) else { return "\(typeName) of \(counted(items.count, "item"))\(tensorCount)" }
            let shown = items.prefix(Self.briefItemCount).map(\.summary).joined(separator: ", ")
            return items.count > Self.briefItemCount
                ? "\(items.count) items: \(open)\(shown), ...\(close)" : "\(open)\(shown)\(close)"
        case .dict(let entries):
            let tensors = self.tensors.count
            if tensors == entries.count && tensors > 0 { return "dict of \(tensors) tensors" }
            return "dict of \(counted(entries.count, "entry", "entries"))\(tensorCount)"
        }
    }

    /// `, N tensors` for a container that holds tensors at any depth.
    private var tensorCount: String {
        let count = tensors.count
        return count == 0 ? "" : ", " + counted(count, "tensor")
    }

    private static let briefItemCount = 8
    private static let briefStringLength = 40
}

/// `1 item`, `2 items`.
func counted(_ count: Int, _ singular: String, _ plural: String? = nil) -> String {
    "\(count) \(count == 1 ? singular : plural ?? singular + "s")"
}
