import ArgumentParser
import Foundation
import RecurrentConformance

/// `conform merge REPORT.json... [--json|--html|--junit FILE]`: the report of a sharded run, whole.
struct MergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Joins the JSON reports of the shards of a run (--shard K/N --json FILE) into the report of the whole run.",
        discussion: """
            Prints each failure's report with its replay command and 'N passed, M failed' for all the \
            shards together, and writes the merged --json, --html and --junit reports. Exits with status \
            1 when a case failed, and with status 2 (writing nothing) when the reports are not exactly \
            the shards of one run: another mode, seed, torch version or set of cases, a shard missing, \
            given twice or cut short. docs/REPORTS.md has the recipe for a CI matrix.
            """)

    @Argument(help: ArgumentHelp("The shards' JSON reports, in any order.", valueName: "report.json"))
    var reports: [String]

    @OptionGroup var output: ReportOutputOptions

    func validate() throws {
        if reports.isEmpty { throw ValidationError("name the shards' JSON reports (conform live --shard K/N --json FILE)") }
    }

    func run() throws {
        var documents: [(name: String, document: Report.Document)] = []
        for path in reports {
            do {
                documents.append((path, try Report.Document(json: Data(contentsOf: URL(fileURLWithPath: path)))))
            } catch let error as DecodingError {
                try refuse("\(path) is not a conform JSON report (\(Self.describe(error)))")
            } catch {
                try refuse("cannot read \(path): \((error as NSError).localizedFailureReason ?? error.localizedDescription)")
            }
        }
        var merged: Report.Document
        do {
            merged = try ReportMerge.merge(documents)
        } catch {
            try refuse(error.description)
        }
        // The shards' command lines differ only in their --shard, which each case's replay command
        // makes no use of; the merged report's command is the merge.
        merged[.command] = RunContext.machine()[Report.ContextKey.command.rawValue]
        print("merge: \(documents.count) report\(documents.count == 1 ? "" : "s"), \(merged[.caseSet] ?? "?"), torch \(merged[.torch] ?? "unknown")")
        try ConformanceRun(document: merged).finish(output)
    }

    private func refuse(_ message: String) throws -> Never {
        printError("conform merge: \(message)")
        throw ExitCode(2)
    }

    /// What a decoding error says, in a line.
    private static func describe(_ error: DecodingError) -> String {
        switch error {
        case .dataCorrupted(let context), .keyNotFound(_, let context), .typeMismatch(_, let context), .valueNotFound(_, let context):
            let path = context.codingPath.map(\.stringValue).joined(separator: ".")
            return (path.isEmpty ? "" : "at \(path): ") + context.debugDescription
        @unknown default:
            return "\(error)"
        }
    }
}
