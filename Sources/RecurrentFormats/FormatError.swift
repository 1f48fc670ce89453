import Foundation

/// A file that cannot be read: damaged, truncated, lying about its contents, or using a feature this
/// package does not read.
///
/// The message says what was wrong and where, for example
/// `safetensors header: tensor "weight_ih_l0" has data_offsets [0, 96] beyond the 64 data bytes`.
public struct FormatError: Error, Hashable, Sendable, CustomStringConvertible, LocalizedError {
    /// What was wrong, and where.
    public var message: String

    /// Creates an error with the given message.
    public init(_ message: String) {
        self.message = message
    }

    /// The message.
    public var description: String { message }

    /// The message, so that `error.localizedDescription` reads the same.
    public var errorDescription: String? { message }
}
