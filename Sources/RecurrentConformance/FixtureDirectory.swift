import Foundation

/// The fixture files of a directory: its module cases and, in `checkpoints/`, its checkpoint cases.
public enum FixtureDirectory {
    /// The case files in `directory` (`*.safetensors`) and in its `checkpoints/` folder
    /// (`*.expected.safetensors`) whose case names match `filter` (a regular expression searched for
    /// anywhere in the name; all files when `nil`), module cases first, each group sorted by name.
    ///
    /// - Throws: when the directory cannot be listed or `filter` is not a valid regular expression.
    public static func caseFiles(in directory: URL, matching filter: String? = nil) throws -> [URL] {
        let regex = try filter.map { try Regex($0) }
        func cases(in folder: URL, suffix: String) throws -> [URL] {
            try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)
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
