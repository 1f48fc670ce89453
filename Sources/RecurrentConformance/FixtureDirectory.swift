import Foundation
import RecurrentFormats

/// The fixture files of a directory: its module cases and, in `checkpoints/`, its checkpoint cases.
public enum FixtureDirectory {
    /// The case files in `directory` (`*.safetensors`) and in its `checkpoints/` folder
    /// (`*.expected.safetensors`) whose case names match `filter` (a regular expression searched for
    /// anywhere in the name; all files when `nil`), module cases first, each group sorted by name.
    ///
    /// - Throws: ``FileError`` when the directory cannot be listed, and the regular expression's error
    ///   when `filter` is not one.
    public static func caseFiles(in directory: URL, matching filter: String? = nil) throws -> [URL] {
        let regex = try filter.map { try Regex($0) }
        func cases(in folder: URL, suffix: String) throws -> [URL] {
            let files: [URL]
            do {
                files = try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)
            } catch {
                throw FileError(.list, url: folder, underlying: error)
            }
            return files
                .filter { $0.lastPathComponent.hasSuffix(suffix) }
                .filter { url in regex.map { Fixture.caseName(of: url).contains($0) } ?? true }
                .sorted { $0.lastPathComponent < $1.lastPathComponent }
        }
        let checkpoints = directory.appendingPathComponent("checkpoints")
        var isDirectory: ObjCBool = false
        let hasCheckpoints = FileManager.default.fileExists(atPath: checkpoints.path, isDirectory: &isDirectory) && isDirectory.boolValue
        return try cases(in: directory, suffix: ".safetensors")
            + (hasCheckpoints ? try cases(in: checkpoints, suffix: Fixture.checkpointSuffix) : [])
    }
}
