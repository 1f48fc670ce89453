import Foundation

/// An error that mirrors the exception PyTorch raises for the same mistake.
///
/// `kind` is the Python exception type and `message` its text, character for character, so that
/// `"\(error)"` and `error.localizedDescription` read exactly like the last line of a PyTorch traceback:
///
/// ```swift
/// do {
///     _ = try RNN<Float>(inputSize: 0, hiddenSize: 4)
/// } catch let error as TorchError {
///     print(error)  // ValueError: input_size must be greater than zero
/// }
/// ```
public struct TorchError: Error, Hashable, Sendable, CustomStringConvertible, LocalizedError {
    /// The Python exception type PyTorch raises.
    public enum Kind: String, Hashable, Sendable, CaseIterable {
        case valueError = "ValueError"
        case runtimeError = "RuntimeError"
        case typeError = "TypeError"
        case indexError = "IndexError"
        case keyError = "KeyError"
        case attributeError = "AttributeError"
        case assertionError = "AssertionError"
    }

    /// The Python exception type.
    public var kind: Kind
    /// The exception's message, exactly as PyTorch words it.
    public var message: String

    /// Creates an error of the given Python exception type and message.
    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    /// `Kind: message`, as Python prints an exception.
    public var description: String { "\(kind.rawValue): \(message)" }

    /// The description, so that `error.localizedDescription` reads the same.
    public var errorDescription: String? { description }
}

extension TorchError {
    static func valueError(_ message: String) -> TorchError { TorchError(.valueError, message) }
    static func runtimeError(_ message: String) -> TorchError { TorchError(.runtimeError, message) }

    /// The error of the first matrix product whose operand's dtype is not the weights': with a bias
    /// the product is `at::addmm`, without one `at::mm`, and the two word it differently.
    static func matmulDTypeMismatch(_ dtype: DType, weights: DType, bias: Bool) -> TorchError {
        bias
            ? .runtimeError("mat1 and mat2 must have the same dtype, but got \(dtype.scalarTypeName) and \(weights.scalarTypeName)")
            : .runtimeError("expected m1 and m2 to have the same dtype, but got: \(dtype.cppTypeName) != \(weights.cppTypeName)")
    }
}
