import Foundation

/// A file that cannot be read: damaged, truncated, lying about its contents, or using a feature this
/// package does not read.
///
/// The message says what was wrong and where, for example
/// `safetensors header: tensor "weight_ih_l0" has data_offsets [0, 96] beyond the 64 data bytes`.
/// It is always one line of readable length, whatever the file put in it: control characters (a
/// name with a line break) are escaped, and a message longer than ``maximumLength`` characters keeps
/// its start and end.
public struct FormatError: Error, Hashable, Sendable, CustomStringConvertible, LocalizedError {
    /// What was wrong, and where.
    public var message: String

    /// The longest message kept whole.
    public static let maximumLength = 1000

    /// Creates an error with the given message, escaped and shortened to one line.
    public init(_ message: String) {
        var line = ""
        for scalar in message.unicodeScalars {
            switch scalar {
            case "\n": line += "\\n"
            case "\r": line += "\\r"
            case "\t": line += "\\t"
            case _ where scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) || scalar == "\u{2028}" || scalar == "\u{2029}":
                line += "\\u{\(String(scalar.value, radix: 16))}"
            default: line.unicodeScalars.append(scalar)
            }
        }
        if line.count > Self.maximumLength {
            let half = Self.maximumLength / 2
            line = line.prefix(half) + " [… \(line.count - 2 * half) characters …] " + line.suffix(half)
        }
        self.message = line
    }

    /// The message.
    public var description: String { message }

    /// The message, so that `error.localizedDescription` reads the same.
    public var errorDescription: String? { message }
}
