import Foundation

/// An error from the embedded Python: an exception Python raised, or torch missing from the chosen
/// environment.
public enum PythonError: Error, Hashable, Sendable, CustomStringConvertible, LocalizedError {
    /// Python raised an exception: its type (`ValueError`), its `str()` and the formatted traceback.
    case exception(type: String, message: String, traceback: String)
    /// torch could not be imported from the environment.
    case torchUnavailable(TorchUnavailable)
    /// A value could not be converted between Swift and Python.
    case conversion(String)

    /// Where torch was looked for, and how to install it.
    public struct TorchUnavailable: Hashable, Sendable {
        /// The embedded interpreter: its version and library.
        public var interpreter: String
        /// The environment that was asked for.
        public var environment: String
        /// Where the `torch` package was looked for.
        public var searchedPaths: [String]
        /// The one command that installs torch there.
        public var installCommand: String
        /// What went wrong when importing, when an import was tried.
        public var reason: String
    }

    /// A readable account of the error; for an exception, Python's own traceback.
    public var description: String {
        switch self {
        case .exception(let type, let message, let traceback):
            traceback.isEmpty ? "\(type): \(message)" : traceback.hasSuffix("\n") ? String(traceback.dropLast()) : traceback
        case .torchUnavailable(let info):
            """
            torch cannot be imported: \(info.reason)
              embedded interpreter: \(info.interpreter)
              environment: \(info.environment)
              searched: \(info.searchedPaths.joined(separator: ", "))
              install it with: \(info.installCommand)
            """
        case .conversion(let message):
            "cannot convert between Swift and Python: \(message)"
        }
    }

    /// The description, so that `error.localizedDescription` reads the same.
    public var errorDescription: String? { description }
}
