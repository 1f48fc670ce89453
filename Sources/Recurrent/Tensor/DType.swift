/// The element types a PyTorch tensor can have that this package reads, writes or names in messages.
public enum DType: String, Hashable, Sendable, CaseIterable, Codable {
    case float16, bfloat16, float32, float64
    case int8, int16, int32, int64, uint8
    case bool

    /// The bytes one element takes.
    public var byteCount: Int {
        switch self {
        case .bool, .int8, .uint8: 1
        case .float16, .bfloat16, .int16: 2
        case .float32, .int32: 4
        case .float64, .int64: 8
        }
    }

    /// Whether the type is a floating-point type.
    public var isFloatingPoint: Bool {
        switch self {
        case .float16, .bfloat16, .float32, .float64: true
        default: false
        }
    }

    /// The name PyTorch prints for the dtype, such as `torch.float32`.
    public var torchName: String { "torch.\(rawValue)" }

    /// The name of the matching ATen scalar type, such as `Float` or `Long`, which kernel messages use
    /// (`mat1 and mat2 must have the same dtype, but got Double and Float`).
    public var scalarTypeName: String {
        switch self {
        case .float16: "Half"
        case .bfloat16: "BFloat16"
        case .float32: "Float"
        case .float64: "Double"
        case .int8: "Char"
        case .int16: "Short"
        case .int32: "Int"
        case .int64: "Long"
        case .uint8: "Byte"
        case .bool: "Bool"
        }
    }

    /// The C++ type name `at::mm` prints for the dtype (`expected m1 and m2 to have the same dtype,
    /// but got: double != float`).
    var cppTypeName: String {
        switch self {
        case .float16: "c10::Half"
        case .bfloat16: "c10::BFloat16"
        case .float32: "float"
        case .float64: "double"
        case .int8: "signed char"
        case .int16: "short int"
        case .int32: "int"
        case .int64: "long int"
        case .uint8: "unsigned char"
        case .bool: "bool"
        }
    }
}
