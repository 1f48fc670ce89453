import Foundation

/// A warning PyTorch issues through Python's `warnings` module, such as the `UserWarning` for
/// `dropout > 0` with a single layer.
///
/// Layers hand warnings to a handler that the caller chooses; the default prints them to standard
/// error the way Python does, and a test can collect them instead:
///
/// ```swift
/// var warnings: [TorchWarning] = []
/// let rnn = try RNN<Float>(inputSize: 3, hiddenSize: 4, dropout: 0.5) { warnings.append($0) }
/// ```
public struct TorchWarning: Hashable, Sendable, CustomStringConvertible {
    /// The Python warning category, such as `UserWarning`.
    public var category: String
    /// The warning's text, exactly as PyTorch words it.
    public var message: String

    /// Creates a warning of the given category and text.
    public init(category: String = "UserWarning", _ message: String) {
        self.category = category
        self.message = message
    }

    /// `Category: message`, as Python prints a warning.
    public var description: String { "\(category): \(message)" }

    /// Writes the warning to standard error, as Python's default warning filter does.
    public static func printToStandardError(_ warning: TorchWarning) {
        FileHandle.standardError.write(Data("\(warning)\n".utf8))
    }
}

/// Receives the warnings a layer issues while it is built or run.
public typealias TorchWarningHandler = (TorchWarning) -> Void
