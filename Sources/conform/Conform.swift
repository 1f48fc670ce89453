import ArgumentParser
import Foundation
import RecurrentConformance

@main
struct Conform: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Checks Recurrent against PyTorch.",
        subcommands: [Fixtures.self],
        defaultSubcommand: Fixtures.self)
}

/// `conform [--fixtures DIR] [--filter PATTERN] [--json FILE]`: the fixture run.
struct Fixtures: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fixtures",
        abstract: "Runs every golden fixture case and compares with what PyTorch recorded.",
        discussion: """
            Prints one row per case, the assert_close-style report of each failure and a closing \
            'N passed, M failed' line; exits with status 1 when a case failed.
            """)

    @Option(name: .customLong("fixtures"), help: "The fixture directory (default: the package's fixtures/).")
    var directory: String?

    @Option(help: "Run only the cases whose names match this regular expression.")
    var filter: String?

    @Option(help: "Also write the results as JSON to this file.")
    var json: String?

    func run() throws {
        let directory = URL(fileURLWithPath: directory ?? Self.defaultDirectory.path)
        let files: [URL]
        do {
            files = try FixtureDirectory.caseFiles(in: directory, matching: filter)
        } catch {
            throw ValidationError("cannot list fixtures in \(directory.path): \(error)")
        }
        guard !files.isEmpty else {
            throw ValidationError("no fixture cases in \(directory.path)\(filter.map { " matching '\($0)'" } ?? "")")
        }
        print("fixtures: \(directory.path) (\(files.count) cases)")
        let nameWidth = files.map { $0.deletingPathExtension().lastPathComponent.count }.max() ?? 0
        var results: [CaseResult] = []
        for file in files {
            let result = FixtureRunner.run(contentsOf: file)
            print(Report.row(result, nameWidth: nameWidth))
            results.append(result)
        }
        let failures = results.filter { !$0.passed }
        if !failures.isEmpty {
            print("\nFailures:")
            for failure in failures { print(Report.failureDetails(failure) + "\n") }
        }
        if let json {
            try Report.json(results, context: ["fixtures": directory.path]).write(to: URL(fileURLWithPath: json))
        }
        print(Report.summaryLine(results))
        if !failures.isEmpty { throw ExitCode(1) }
    }

    /// `fixtures/` in the current directory when there is one, else the package's own.
    static var defaultDirectory: URL {
        let local = URL(fileURLWithPath: "fixtures")
        if FileManager.default.fileExists(atPath: local.appendingPathComponent("README.md").path) { return local }
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("fixtures")
    }
}
