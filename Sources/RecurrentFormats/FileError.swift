import Foundation

/// A file or folder that could not be read, written or listed: one line naming the path and the
/// reason, such as `cannot read /data/model.pt: No such file or directory`.
///
/// Every function of this module that takes a URL throws it for what the file system refuses (a
/// missing file, a folder where a file should be, a missing output folder, no permission), and
/// ``FormatError`` for what is wrong inside a file.
public struct FileError: Error, Hashable, Sendable, CustomStringConvertible, LocalizedError {
    /// What was being done to the path.
    public enum Operation: String, Hashable, Sendable {
        /// Reading a file.
        case read
        /// Writing a file.
        case write
        /// Listing a folder.
        case list
    }

    /// What was being done.
    public var operation: Operation
    /// The path, as given.
    public var path: String
    /// Why it failed, in the system's words (`No such file or directory`).
    public var reason: String

    /// Creates an error for `path` with the given reason.
    public init(_ operation: Operation, path: String, reason: String) {
        self.operation = operation
        self.path = path
        self.reason = reason
    }

    /// Creates an error for `url` from what Foundation threw, keeping only the system's reason (the
    /// POSIX error underneath Foundation's), not Foundation's rendering of its error object; a write
    /// into a folder that does not exist says so.
    public init(_ operation: Operation, url: URL, underlying error: any Error) {
        if operation == .write, let problem = Self.folderProblem(url.deletingLastPathComponent()) {
            self.init(operation, path: url.path, reason: problem)
        } else {
            self.init(operation, path: url.path, reason: Self.reason(of: error))
        }
    }

    /// Throws the error that writing `url` would give for its folder (missing, or not a folder), for
    /// a caller that would rather say so before a long computation than after it.
    public static func checkFolder(of url: URL) throws(FileError) {
        if let problem = folderProblem(url.deletingLastPathComponent()) { throw FileError(.write, path: url.path, reason: problem) }
    }

    /// `cannot read PATH: REASON`.
    public var description: String { "cannot \(operation.rawValue) \(path): \(reason)" }

    /// The description, so that `error.localizedDescription` reads the same.
    public var errorDescription: String? { description }

    /// The POSIX error's `strerror` text when there is one: Foundation on Linux puts a POSIXError
    /// (not always an NSError) under its own, and renders both with a generic preamble.
    private static func reason(of error: any Error) -> String {
        let error = error as NSError
        let underlying = (error.userInfo[NSUnderlyingErrorKey] as? any Error).map { $0 as NSError }
        if let posix = [error, underlying].compactMap({ $0 }).first(where: { $0.domain == NSPOSIXErrorDomain }) {
            return String(cString: strerror(Int32(posix.code)))
        }
        return error.localizedFailureReason ?? error.localizedDescription
    }

    private static func folderProblem(_ folder: URL) -> String? {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder.path, isDirectory: &isDirectory) else {
            return "the folder \(folder.path) does not exist"
        }
        return isDirectory.boolValue ? nil : "\(folder.path) is not a folder"
    }
}

/// Reading and writing whole files, with the file system's refusals as ``FileError``.
enum FileAccess {
    /// The file's bytes, mapped, and a handle that reads them without touching the mapping.
    static func mapped(_ url: URL) throws(FileError) -> (data: Data, handle: FileHandle) {
        do {
            let handle = try FileHandle(forReadingFrom: url)
            do {
                return (try Data(contentsOf: url, options: .alwaysMapped), handle)
            } catch {
                try? handle.close()
                throw error
            }
        } catch {
            throw FileError(.read, url: url, underlying: error)
        }
    }

    /// The file's bytes, mapped (read as they are used) or read at once.
    static func contents(of url: URL, mapped: Bool = false) throws(FileError) -> Data {
        do {
            return try Data(contentsOf: url, options: mapped ? .alwaysMapped : [])
        } catch {
            throw FileError(.read, url: url, underlying: error)
        }
    }

    /// Writes `data` to `url` atomically.
    static func write(_ data: Data, to url: URL) throws(FileError) {
        do {
            try data.write(to: url, options: .atomic)
        } catch {
            throw FileError(.write, url: url, underlying: error)
        }
    }
}
