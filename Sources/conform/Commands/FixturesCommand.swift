import ArgumentParser
import Foundation
import RecurrentConformance
import RecurrentFormats

/// `conform fixtures [--fixtures DIR] [--filter REGEX] [--json FILE]`: the golden fixtures.
struct FixturesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fixtures",
        abstract: "Runs the golden fixture cases (and the checkpoint cases in checkpoints/) against this package.",
        discussion: """
            Prints one row per case, the assert_close-style report of each failure and a closing \
            'N passed, M failed' line; exits with status 1 when a case failed.
            """)

    @Option(
        name: .customLong("fixtures"),
        help: ArgumentHelp("The fixture directory (default: the package's fixtures/).", valueName: "dir"))
    var directory: String?

    @OptionGroup var filter: FilterOptions
    @OptionGroup var injection: InjectionOptions
    @OptionGroup var output: JSONOutputOptions

    func run() throws {
        let directory = directory.map { URL(fileURLWithPath: $0) } ?? Self.defaultDirectory
        var files: [URL] = []
        try reportingErrors {
            do {
                files = try FixtureDirectory.caseFiles(in: directory, matching: filter.filter)
            } catch let error as FileError {
                throw error
            } catch {
                throw ValidationError("--filter '\(filter.filter ?? "")' is not a regular expression: \(error)")
            }
            guard !files.isEmpty else {
                throw ValidationError("no fixture cases in \(directory.path)\(filter.filter.map { " matching '\($0)'" } ?? "")")
            }
        }
        print("fixtures: \(directory.path) (\(files.count) cases)")
        let options = FixtureRunner.Options(injectedError: injection.injectError)
        let nameWidth = files.map { Fixture.caseName(of: $0).count }.max() ?? 0
        let results = files.map { file in
            let result = FixtureRunner.run(contentsOf: file, options: options)
            print(Report.row(result, nameWidth: nameWidth))
            return result
        }
        try ConformanceRun(results: results, context: ["mode": "fixtures", "fixtures": directory.path])
            .finish(json: output.json)
    }

    /// `fixtures/` in the current directory when there is one, else the package's own.
    static var defaultDirectory: URL {
        let local = URL(fileURLWithPath: "fixtures")
        if FileManager.default.fileExists(atPath: local.appendingPathComponent("README.md").path) { return local }
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("fixtures")
    }
}
