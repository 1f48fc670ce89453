import ArgumentParser
import Foundation
import Recurrent
import RecurrentConformance
import RecurrentFormats

/// What `conform fixtures`, `conform live` and `conform merge` do once their cases have run: each
/// failure's report (with the command that replays it, when there is one), the JSON, HTML and JUnit
/// files asked for, and the closing `N passed, M failed` line; a run with a failure exits with
/// status 1.
struct ConformanceRun {
    var document: Report.Document

    func finish(_ output: ReportOutputOptions) throws {
        let failures = document.cases.filter { !$0.passed }
        if !failures.isEmpty {
            print("\nFailures:")
            for failure in failures {
                print(Report.failureDetails(failure))
                if let command = failure.replay { print("replay: \(command)") }
                print()
            }
        }
        try output.write(document)
        print(Report.summaryLine(document.cases))
        if !failures.isEmpty { throw ExitCode(1) }
    }
}

/// The progress of a long run on standard error: on a terminal, a bar redrawn in place under the rows
/// printed so far; elsewhere (a CI log, a file) a plain line every ``logInterval`` seconds, with no
/// carriage returns or escape codes. Rows go to standard output, flushed before any progress is
/// written, so that a log that takes both keeps them in order.
final class ProgressDisplay {
    /// Seconds between two progress lines in a log.
    static let logInterval = 10.0

    private var meter: ProgressMeter
    private let start = ContinuousClock.now
    private let isTerminal: Bool
    /// The bar on the screen, when one is.
    private var shown: String?

    /// A display for `total` items called `unit`, each line starting with `label`.
    init(label: String, total: Int, unit: String = "cases", countsFailures: Bool = true) {
        isTerminal = isatty(STDERR_FILENO) == 1
        let style: ProgressMeter.Style = isTerminal ? .terminal(width: Self.terminalWidth) : .log(interval: Self.logInterval)
        meter = ProgressMeter(label: label, total: total, unit: unit, countsFailures: countsFailures, style: style)
    }

    /// Prints `row` to standard output, above the bar on a terminal.
    func print(_ row: String) {
        clear()
        Swift.print(row)
        redraw(shown)
    }

    /// Counts one more item done.
    func advance(failed: Bool = false) {
        guard let text = meter.advance(failed: failed, at: (ContinuousClock.now - start).seconds) else { return }
        if isTerminal {
            redraw(text)
        } else {
            fflush(nil)
            FileHandle.standardError.write(Data((text + "\n").utf8))
        }
    }

    /// Takes the bar off the screen, leaving the rows.
    func finish() {
        clear()
        shown = nil
    }

    private func clear() {
        fflush(nil)
        if isTerminal && shown != nil { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
    }

    private func redraw(_ text: String?) {
        guard isTerminal, let text else { return }
        fflush(nil)
        FileHandle.standardError.write(Data("\r\(text)\u{1B}[K".utf8))
        shown = text
    }

    /// The terminal's columns (`TIOCGWINSZ` on standard error), else `$COLUMNS`, else 80.
    private static var terminalWidth: Int {
        var size = winsize()
        if ioctl(STDERR_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 { return Int(size.ws_col) }
        return ProcessInfo.processInfo.environment["COLUMNS"].flatMap { Int($0) } ?? 80
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
