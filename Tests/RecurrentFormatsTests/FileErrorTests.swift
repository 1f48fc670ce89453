import Foundation
import Recurrent
import Testing
@testable import RecurrentFormats

/// What every reader and writer says when the file system refuses: one line with the path and the
/// system's reason, also as `localizedDescription`, never Foundation's rendering of its error.
@Suite("Files that cannot be read or written")
struct FileErrorTests {
    static let missing = FileManager.default.temporaryDirectory.appendingPathComponent("recurrent-missing-\(UUID()).pt")
    static let folder = FileManager.default.temporaryDirectory

    static let readers: [(String, @Sendable (URL) throws -> Void)] = [
        ("TorchCheckpoint.read", { _ = try TorchCheckpoint.read(contentsOf: $0) }),
        ("CheckpointFile.read", { _ = try CheckpointFile.read(contentsOf: $0) }),
        ("Safetensors.read", { _ = try Safetensors.read(contentsOf: $0) }),
        ("NumPyArray.read", { _ = try NumPyArray.read(contentsOf: $0) }),
        ("NumPyArray.readArchive", { _ = try NumPyArray.readArchive(contentsOf: $0) }),
    ]

    @Test("a file that does not exist, or is a folder, is named with the reason", arguments: readers)
    func unreadable(_ name: String, _ read: @Sendable (URL) throws -> Void) {
        for (url, reason) in [(Self.missing, "No such file or directory"), (Self.folder, "Is a directory")] {
            do {
                try read(url)
                Issue.record("\(name) read \(url.path)")
            } catch {
                let expected = "cannot read \(url.path): \(reason)"
                #expect(error as? FileError == FileError(.read, path: url.path, reason: reason), "\(name)")
                #expect(error.localizedDescription == expected, "\(name)")
                #expect("\(error)" == expected, "\(name)")
            }
        }
    }

    static let writers: [(String, @Sendable (URL) throws -> Void)] = [
        ("TorchCheckpoint.write", { try TorchCheckpoint.write(StateDict(), to: $0) }),
        ("Safetensors.write", { try Safetensors.write(Safetensors.File(tensors: StateDict()), to: $0) }),
        ("NumPyArray.write", { try NumPyArray.write(.int64([1]), to: $0) }),
        ("NumPyArray.writeArchive", { try NumPyArray.writeArchive(StateDict(), to: $0) }),
    ]

    @Test("an output folder that does not exist is named", arguments: writers)
    func missingFolder(_ name: String, _ write: @Sendable (URL) throws -> Void) {
        let folder = Self.missing.deletingPathExtension()
        let url = folder.appendingPathComponent("out.bin")
        do {
            try write(url)
            Issue.record("\(name) wrote into a missing folder")
        } catch {
            #expect(error.localizedDescription == "cannot write \(url.path): the folder \(folder.path) does not exist", "\(name)")
        }
        #expect(throws: FileError(.write, path: url.path, reason: "the folder \(folder.path) does not exist")) {
            try FileError.checkFolder(of: url)
        }
    }

    @Test("a damaged file's FormatError reads the same through localizedDescription")
    func formatErrorDescription() {
        do {
            _ = try TorchCheckpoint.read(Data("hello".utf8))
            Issue.record("read a damaged file")
        } catch {
            #expect((error as any Error).localizedDescription == error.message)
            #expect(error.localizedDescription.contains("not a torch.save file"))
        }
    }
}
