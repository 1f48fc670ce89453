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
    /// A safetensors file's `__metadata__` (see ``RNNSettings``); empty for the other formats.
    public var metadata: [String: String] = [:]

    /// Reads and recognises a file.
    ///
    /// - Throws: ``FormatError`` for a file in none of the formats, damaged, or asking for more than
    ///   `limits` allow, and ``FileError`` when it cannot be read.
    public static func read(contentsOf url: URL, limits: ReadLimits = .default) throws -> CheckpointFile {
        let (data, handle) = try FileAccess.mapped(url)
        defer { try? handle.close() }
        return try read(Payload(data: data, file: handle), name: url.lastPathComponent, limits: limits)
    }

    /// Recognises and reads the bytes of a file; `name` stands for the file in messages.
    ///
    /// - Throws: ``FormatError`` for bytes in none of the formats, damaged, or asking for more than
    ///   `limits` allow.
    public static func read(_ data: Data, name: String = "file", limits: ReadLimits = .default) throws(FormatError) -> CheckpointFile {
        try read(Payload(data: data, file: nil), name: name, limits: limits)
    }

    private static func read(_ payload: Payload, name: String, limits: ReadLimits) throws(FormatError) -> CheckpointFile {
        let data = payload.data
        if ZipArchive.looksLikeZip(data) {
            let archive = try ZipArchive(data, context: name)
            if archive.torchFolder != nil {
                return CheckpointFile(
                    format: "torch.save (ZIP)", value: try TorchCheckpoint.read(payload, archive: archive, context: name, limits: limits))
            }
            return CheckpointFile(format: "npz", value: dictionary(try NumPyArray.readArchive(archive, context: name, limits: limits)))
        }
        if data.starts(with: [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]) {
            return CheckpointFile(format: "npy", value: .tensor(try NumPyArray.read(data, context: name)))
        }
        if data.count > 13, data.dropFirst(4).prefix(TorchCheckpoint.legacyMagic.count).elementsEqual(TorchCheckpoint.legacyMagic) {
            return CheckpointFile(format: "torch.save (legacy)", value: try TorchCheckpoint.read(payload, context: name, limits: limits))
        }
        // The JSON header may start with white space, as the reference reader allows.
        if data.count > 8, data.dropFirst(8).first(where: { ![0x20, 0x09, 0x0A, 0x0D].contains($0) }) == UInt8(ascii: "{") {
            let file = try Safetensors.read(data, limits: limits)
            return CheckpointFile(format: "safetensors", value: dictionary(file.tensors), metadata: file.metadata)
        }
        throw FormatError("\(name): not a torch.save, safetensors, .npz or .npy file")
    }

    /// A state dict as a dictionary value.
    static func dictionary(_ tensors: StateDict) -> CheckpointValue {
        .dict(tensors.map { CheckpointValue.Entry(key: .string($0.key), value: .tensor($0.value)) })
    }
}
