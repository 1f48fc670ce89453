import ArgumentParser
import Foundation
import Recurrent
import RecurrentFormats

/// Runs `body`, turning the library's errors into a message and exit status 1, without a stack trace.
func reportingErrors(_ body: () throws -> Void) throws {
    do {
        try body()
    } catch let error as ExitCode {
        throw error
    } catch {
        FileHandle.standardError.write(Data("error: \(error)\n".utf8))
        throw ExitCode(1)
    }
}

/// The contents of a checkpoint file, or of its sub-dictionary `key` when one is given.
func readCheckpoint(_ path: String, key: String?) throws -> CheckpointValue {
    let value = try CheckpointFile.read(contentsOf: URL(fileURLWithPath: path)).value
    guard let key else { return value }
    guard let inner = value[key] else { throw FormatError("\(path) has no key '\(key)'") }
    return inner
}
