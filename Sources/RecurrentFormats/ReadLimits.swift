import Foundation

/// What reading one file may cost beyond the file itself, so that a small damaged or hostile file
/// cannot ask for gigabytes, hours or millions of tensors (docs/SECURITY.md says why each limit is
/// what it is).
///
/// The tensors and values read from a file may take ``sizeMultiple`` times the file's size, and at
/// least ``minimumBytes`` whatever its size. Every appearance of a tensor counts, shared or not, with
/// the bytes of its path: a `torch.save` file can point at one stored tensor from a million places, or
/// broadcast one stored element to billions (a stride-0 view), and whatever reads the result (a
/// converter writing each tensor out) pays for each appearance. The pickle of a `torch.save` file
/// pays ``pickleOperationCost`` for each opcode it runs, the allowance of what one opcode may build.
///
/// ```swift
/// var limits = ReadLimits.default
/// limits.minimumBytes = 8 << 30   // a trusted file that broadcasts a large buffer
/// let value = try TorchCheckpoint.read(contentsOf: url, limits: limits)
/// ```
public struct ReadLimits: Sendable, Hashable {
    /// How many times its size a file's tensors and values may take.
    public var sizeMultiple: Int
    /// What a file's tensors and values may take whatever its size.
    public var minimumBytes: Int
    /// The most tensors one file may hold.
    public var maximumTensors: Int

    /// The bytes one pickle opcode is charged: about what the largest object one opcode builds takes.
    public static let pickleOperationCost = 64

    /// The environment variable that raises ``minimumBytes`` in ``default``: for a trusted file that
    /// expands further, read by a command-line user, who cannot pass limits.
    public static let minimumBytesVariable = "RECURRENT_READ_LIMIT_BYTES"
    /// The environment variable that raises ``maximumTensors`` in ``default``, likewise.
    public static let maximumTensorsVariable = "RECURRENT_READ_LIMIT_TENSORS"

    /// Creates limits; the defaults are ``default``'s, without the environment.
    public init(sizeMultiple: Int = 4, minimumBytes: Int = 64 << 20, maximumTensors: Int = 100_000) {
        self.sizeMultiple = sizeMultiple
        self.minimumBytes = minimumBytes
        self.maximumTensors = maximumTensors
    }

    /// The limits every reader uses unless given others: 4 times the file's size, at least 64 MiB, and
    /// 100,000 tensors, each raised (never lowered) by its environment variable
    /// (``minimumBytesVariable``, ``maximumTensorsVariable``) when that is set to a larger number.
    public static var `default`: ReadLimits {
        var limits = ReadLimits()
        let environment = ProcessInfo.processInfo.environment
        if let text = environment[minimumBytesVariable], let bytes = Int(text) { limits.minimumBytes = max(limits.minimumBytes, bytes) }
        if let text = environment[maximumTensorsVariable], let count = Int(text) { limits.maximumTensors = max(limits.maximumTensors, count) }
        return limits
    }

    /// The bytes a file of `size` bytes may expand to.
    public func bytes(forFileOfSize size: Int) -> Int {
        let (scaled, overflow) = max(size, 0).multipliedReportingOverflow(by: max(sizeMultiple, 0))
        return max(overflow ? .max : scaled, minimumBytes)
    }
}

/// What is left of one read's ``ReadLimits``: a reference, so that the unpickler and the materializer
/// of one file draw on the same allowance.
final class ReadBudget {
    let limits: ReadLimits
    let fileSize: Int
    let context: String
    private(set) var bytesLeft: Int
    private(set) var tensorsLeft: Int

    init(_ limits: ReadLimits, fileSize: Int, context: String) {
        self.limits = limits
        self.fileSize = fileSize
        self.context = context
        bytesLeft = limits.bytes(forFileOfSize: fileSize)
        tensorsLeft = limits.maximumTensors
    }

    /// Takes `bytes` from the allowance, or throws, naming `what` asked for them, before anything is
    /// allocated for it.
    func charge(_ bytes: Int, for what: @autoclosure () -> String) throws(FormatError) {
        guard bytes >= 0, bytes <= bytesLeft else {
            let allowed = limits.bytes(forFileOfSize: fileSize)
            throw FormatError(
                "\(context): \(what()) would take the read past \(allowed) bytes, what this \(fileSize)-byte file may expand to "
                    + "(\(limits.sizeMultiple) times its size, at least \(limits.minimumBytes)); if the file is trusted, "
                    + "set \(ReadLimits.minimumBytesVariable) to a larger number of bytes")
        }
        bytesLeft -= bytes
    }

    /// Counts one more tensor, or throws when the file holds more than ``ReadLimits/maximumTensors``.
    func countTensor() throws(FormatError) {
        guard tensorsLeft > 0 else {
            throw FormatError(
                "\(context): the file holds more than \(limits.maximumTensors) tensors, the most one file may hold; if the file is "
                    + "trusted, set \(ReadLimits.maximumTensorsVariable) to a larger number")
        }
        tensorsLeft -= 1
    }
}
