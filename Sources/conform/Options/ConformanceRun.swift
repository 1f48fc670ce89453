import ArgumentParser
import Foundation
import RecurrentConformance
import RecurrentFormats

/// What `conform fixtures` and `conform live` print once their cases have run: each failure's
/// report (with the command that replays it, when there is one), the JSON file, and the closing
/// `N passed, M failed` line; a run with a failure exits with status 1.
struct ConformanceRun {
    var results: [CaseResult]
    var context: [String: String]

    func finish(json: String?, replay: (CaseResult) -> String? = { _ in nil }) throws {
        let failures = results.filter { !$0.passed }
        if !failures.isEmpty {
            print("\nFailures:")
            for failure in failures {
                print(Report.failureDetails(failure))
                if let command = replay(failure) { print("replay: \(command)") }
                print()
            }
        }
        if let json {
            try writeFile(URL(fileURLWithPath: json)) { url in try Report.json(results, context: context).write(to: url) }
        }
        print(Report.summaryLine(results))
        if !failures.isEmpty { throw ExitCode(1) }
    }
}

/// Progress on standard error, redrawn in place on a terminal and not at all elsewhere (a
/// redirected log gets no carriage returns or escape codes).
enum Progress {
    private static let isTerminal = isatty(STDERR_FILENO) == 1

    /// Shows `line` in place of the previous one; `nil` clears it.
    static func show(_ line: String?) {
        guard isTerminal else { return }
        FileHandle.standardError.write(Data((line.map { "\r\($0)\u{1B}[K" } ?? "\r\u{1B}[K").utf8))
    }
}

/// Writes a line to standard error.
func printError(_ message: String) {
    FileHandle.standardError.write(Data((message + "\n").utf8))
}

/// Runs `write` for `url`; a failure prints one line that names the path and the reason, and exits
/// with status 1.
func writeFile(_ url: URL, _ write: (URL) throws -> Void) throws {
    do {
        try write(url)
    } catch {
        printError("error: \(error as? FileError ?? FileError(.write, url: url, underlying: error))")
        throw ExitCode(1)
    }
}
