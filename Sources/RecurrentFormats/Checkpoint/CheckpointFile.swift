import Foundation
import Recurrent

/// A file of tensors in any format this package reads, recognised by its contents: a `torch.save`
/// file (ZIP or legacy), safetensors, `.npz` or `.npy`.
///
/// ```swift
/// let file = try CheckpointFile.read(contentsOf: url)
/// print(file.format)                  // "torch.save (ZIP)"
/// let stateDict = file.value.stateDict
/// ```
public struct CheckpointFile: Sendable {
    /// The format that was recognised.
    public var format: String
    /// The contents: a dictionary of tensors for safetensors and `.npz`, a tensor for `.npy`, and
    /// whatever the pickle holds for `torch.save`.
    public var value: CheckpointValue

    /// Reads and recognises a file.
    ///
    /// - Throws: ``FormatError`` for a file in none of the formats, or damaged.
    public static func read(contentsOf url: URL) throws -> CheckpointFile {
        let head = try FileHandle(forReadingFrom: url).readToEndOrPrefix(16)
        let name = url.lastPathComponent
        if ZipArchive.looksLikeZip(head) {
            let data = try Data(contentsOf: url, options: .alwaysMapped)
            let archive = try ZipArchive(data, context: name)
            if archive.entries.contains(where: { $0.name.hasSuffix("data.pkl") }) {
                return CheckpointFile(format: "torch.save (ZIP)", value: try TorchCheckpoint.read(contentsOf: url))
            }
            return CheckpointFile(format: "npz", value: dictionary(try NumPyArray.readArchive(data, context: name)))
        }
        if head.starts(with: [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]) {
            return CheckpointFile(format: "npy", value: .tensor(try NumPyArray.read(contentsOf: url)))
        }
        if head.count > 13, head.dropFirst(4).prefix(TorchCheckpoint.legacyMagic.count).elementsEqual(TorchCheckpoint.legacyMagic) {
            return CheckpointFile(format: "torch.save (legacy)", value: try TorchCheckpoint.read(contentsOf: url))
        }
        if head.count > 8, head[head.startIndex + 8] == UInt8(ascii: "{") {
            return CheckpointFile(format: "safetensors", value: dictionary(try Safetensors.read(contentsOf: url).tensors))
        }
        throw FormatError("\(name): not a torch.save, safetensors, .npz or .npy file")
    }

    /// A state dict as a dictionary value.
    static func dictionary(_ tensors: StateDict) -> CheckpointValue {
        .dict(tensors.map { CheckpointValue.Entry(key: .string($0.key), value: .tensor($0.value)) })
    }
}

extension FileHandle {
    /// Up to `count` bytes from the start of the file.
    func readToEndOrPrefix(_ count: Int) throws -> Data {
        defer { try? close() }
        return try read(upToCount: count) ?? Data()
    }
}
