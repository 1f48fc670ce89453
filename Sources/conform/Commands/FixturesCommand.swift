import ArgumentParser
import Foundation
import RecurrentConformance
import RecurrentFormats

/// `conform fixtures [--fixtures DIR] [--filter REGEX] [--shard K/N] [--json|--html|--junit FILE]`:
/// the golden fixtures.
struct FixturesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fixtures",
        abstract: "Runs the golden fixture cases (and the checkpoint cases in checkpoints/) against this package.",
        discussion: """
            Prints one row per case, the assert_close-style report of each failure with the command \
            that replays it, and a closing 'N passed, M failed' line; exits with status 1 when a case \
            failed.
            """)

    @Option(
        name: .customLong("fixtures"),
        help: ArgumentHelp("The fixture directory (default: the package's fixtures/).", valueName: "dir"))
    var directory: String?

    @OptionGroup var filter: FilterOptions
    @OptionGroup var shard: ShardOptions
    @OptionGroup var injection: InjectionOptions
    @OptionGroup var output: ReportOutputOptions

    func run() throws {
        let directory = directory.map { URL(fileURLWithPath: $0) } ?? Self.defaultDirectory
        var all: [URL] = []
        try reportingErrors {
            do {
                all = try FixtureDirectory.caseFiles(in: directory, matching: filter.filter)
            } catch let error as FileError {
                throw error
            } catch {
                throw ValidationError("--filter '\(filter.filter ?? "")' is not a regular expression: \(error)")
            }
            guard !all.isEmpty else {
                throw ValidationError("no fixture cases in \(directory.path)\(filter.filter.map { " matching '\($0)'" } ?? "")")
            }
        }
        let part = shard.shard ?? .whole
        let files = Array(all[part.range(in: all.count)])
        let torch = files.first.flatMap { try? Fixture(contentsOf: $0) }?.metadata["torch_version"] ?? "unknown"
        print("fixtures: \(directory.path), written by torch \(torch)")
        print("fixtures: \(all.count) cases" + (shard.shard.map { ", shard \($0): \(files.count) cases" } ?? ""))

        let options = FixtureRunner.Options(injectedError: injection.injectError)
        let nameWidth = files.map { Fixture.caseName(of: $0).count }.max() ?? 0
        let progress = ProgressDisplay(label: "fixtures", total: files.count)
        let results = files.map { file in
            var result = FixtureRunner.run(contentsOf: file, options: options)
            result.replay = replayCommand(result.name)
            progress.print(Report.row(result, nameWidth: nameWidth))
            progress.advance(failed: !result.passed)
            return result
        }
        progress.finish()

        let names = all.map(Fixture.caseName(of:))
        let context = RunContext.context([
            .mode: "fixtures", .fixtures: directory.path, .filter: filter.filter, .total: String(all.count),
            .shard: shard.shard?.description, .injectError: injection.injectError.map { "\($0)" },
            .torch: Set(results.compactMap(\.torchVersion)).sorted().joined(separator: ", "),
            .caseSet: "fixtures: \(all.count) cases, names \(Self.digest(names))"
                + (injection.injectError.map { ", injecting \($0)" } ?? ""),
        ])
        try ConformanceRun(document: Report.Document(cases: results, context: context)).finish(output)
    }

    /// The command that runs case `name` alone, as this run ran it.
    private func replayCommand(_ name: String) -> String {
        var words = ["swift", "run", "conform", "fixtures"]
        if let directory { words += ["--fixtures", directory] }
        words += ["--filter", "^" + Self.escapedForRegex(name) + "$"]
        if let injectError = injection.injectError { words += ["--inject-error", "\(injectError)"] }
        return words.map(shellQuoted).joined(separator: " ")
    }

    /// `text` with the characters a regular expression treats specially escaped.
    private static func escapedForRegex(_ text: String) -> String {
        String(text.flatMap { "\\^$.|?*+()[]{}".contains($0) ? ["\\", $0] : [$0] })
    }

    /// A fingerprint of the set of case names (FNV-1a, 64 bits), so that shards of different sets do
    /// not merge.
    static func digest(_ names: [String]) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in names.joined(separator: "\n").utf8 {
            hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3
        }
        return String(hash, radix: 16)
    }

    /// `fixtures/` in the current directory when there is one, else the package's own.
    static var defaultDirectory: URL {
        let local = URL(fileURLWithPath: "fixtures")
        if FileManager.default.fileExists(atPath: local.appendingPathComponent("README.md").path) { return local }
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("fixtures")
    }
}
