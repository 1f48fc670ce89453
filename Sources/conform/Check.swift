import ArgumentParser
import Foundation
import PythonBridge
import RecurrentConformance
import RecurrentLive

/// `conform [--fixtures DIR] [--filter REGEX] [--json FILE]`, or `conform --live [--cases N] [--seed S] ...`.
struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Runs the golden fixtures (default) or a randomized live comparison (--live).",
        discussion: """
            Prints one row per case, the assert_close-style report of each failure and a closing \
            'N passed, M failed' line; exits with status 1 when a case failed.
            """)

    @Option(name: .customLong("fixtures"), help: "The fixture directory (default: the package's fixtures/).")
    var directory: String?

    @Option(help: "Run only the fixture cases whose names match this regular expression.")
    var filter: String?

    @Flag(help: "Compare live against the PyTorch of an embedded Python, on randomly drawn cases.")
    var live = false

    @Option(help: "Live: the number of cases.")
    var cases = 100

    @Option(help: "Live: the seed the cases are drawn from.")
    var seed = 0

    @Option(name: .customLong("case"), help: "Live: run only the case with this index (to replay a failure).")
    var caseIndex: Int?

    @Option(help: "Live: draw float32, float64 or all cases.")
    var dtype: DTypeChoice = .all

    @Option(help: "Live: a virtual environment or site-packages directory with torch (default: $RECURRENT_TORCH_ENV or the set-up's).")
    var pythonEnv: String?

    @Option(help: "Live: write each failing case as a fixture file into this directory.")
    var saveFailures: String?

    @Option(
        help: ArgumentHelp(
            "Testing aid: add EPS to one element of our output before comparing, so every case must fail.",
            valueName: "EPS"))
    var injectError: Double?

    @Option(help: "Also write the results as JSON to this file.")
    var json: String?

    enum DTypeChoice: String, ExpressibleByArgument, CaseIterable {
        case float32, float64, all
    }

    func validate() throws {
        if !live && (caseIndex != nil || saveFailures != nil || pythonEnv != nil) {
            throw ValidationError("--case, --save-failures and --python-env apply to --live runs")
        }
        if live && (directory != nil || filter != nil) {
            throw ValidationError("--fixtures and --filter apply to fixture runs, not --live")
        }
        if cases < 1 { throw ValidationError("--cases must be at least 1") }
    }

    func run() throws {
        let options = FixtureRunner.Options(injectedError: injectError)
        let results = live ? try runLive(options) : try runFixtures(options)
        let failures = results.filter { !$0.passed }
        if !failures.isEmpty {
            print("\nFailures:")
            for failure in failures {
                print(Report.failureDetails(failure))
                if live, let index = Self.caseIndex(of: failure.name) { print("replay: \(replayCommand(index))") }
                print()
            }
        }
        if let json {
            try Report.json(results, context: context).write(to: URL(fileURLWithPath: json))
        }
        print(Report.summaryLine(results))
        if !failures.isEmpty { throw ExitCode(1) }
    }

    private var context: [String: String] {
        live
            ? ["mode": "live", "seed": "\(seed)", "cases": "\(cases)", "dtype": dtype.rawValue]
            : ["mode": "fixtures", "fixtures": fixtureDirectory.path]
    }

    // MARK: Fixtures

    private var fixtureDirectory: URL {
        directory.map { URL(fileURLWithPath: $0) } ?? Self.defaultDirectory
    }

    private func runFixtures(_ options: FixtureRunner.Options) throws -> [CaseResult] {
        let directory = fixtureDirectory
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
        return files.map { file in
            let result = FixtureRunner.run(contentsOf: file, options: options)
            print(Report.row(result, nameWidth: nameWidth))
            return result
        }
    }

    /// `fixtures/` in the current directory when there is one, else the package's own.
    static var defaultDirectory: URL {
        let local = URL(fileURLWithPath: "fixtures")
        if FileManager.default.fileExists(atPath: local.appendingPathComponent("README.md").path) { return local }
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("fixtures")
    }

    // MARK: Live

    private func runLive(_ options: FixtureRunner.Options) throws -> [CaseResult] {
        let comparison: LiveComparison
        do {
            comparison = try LiveComparison(environment: pythonEnv.map(PythonEnvironment.init(path:)) ?? .default)
        } catch {
            printError("conform --live: \(error)")
            throw ExitCode(1)
        }
        let python = comparison.python
        print("live: torch \(python.torchVersion), embedded Python \(python.version.split(separator: "\n").joined(separator: " "))")
        print("live: seed \(seed), \(caseIndex.map { "case \($0)" } ?? "\(cases) cases"), dtype \(dtype.rawValue)"
            + (injectError.map { ", injecting \($0) into our outputs" } ?? ""))
        let saveDirectory = saveFailures.map { URL(fileURLWithPath: $0) }
        if let saveDirectory { try FileManager.default.createDirectory(at: saveDirectory, withIntermediateDirectories: true) }

        let indices = caseIndex.map { [$0] } ?? Array(0..<cases)
        let start = Date()
        var results: [CaseResult] = []
        var rows: [String] = []
        for (done, index) in indices.enumerated() {
            let id = LiveComparison.CaseID(seed: seed, index: index, dtype: dtype.rawValue, numericOnly: injectError != nil)
            let outcome = comparison.run(id, options: options)
            results.append(outcome.result)
            rows.append(Report.row(outcome.result, nameWidth: 30))
            if !outcome.result.passed, let saveDirectory, let bytes = outcome.fixture {
                try Data(bytes).write(to: saveDirectory.appendingPathComponent(outcome.result.name + ".safetensors"))
            }
            let elapsed = Date().timeIntervalSince(start)
            let failed = results.count { !$0.passed }
            printProgress(
                String(format: "live: %d/%d cases, %d failed, %.1f cases/s", done + 1, indices.count, failed, Double(done + 1) / max(elapsed, 1e-9)))
        }
        printProgress(nil)
        let elapsed = Date().timeIntervalSince(start)
        rows.forEach { print($0) }
        print(String(format: "live: %d cases in %.2f s (%.1f cases/s)", indices.count, elapsed, Double(indices.count) / max(elapsed, 1e-9)))
        return results
    }

    private func replayCommand(_ index: Int) -> String {
        var command = "swift run conform --live --seed \(seed) --case \(index) --dtype \(dtype.rawValue)"
        if let injectError { command += " --inject-error \(injectError)" }
        if let pythonEnv { command += " --python-env \(pythonEnv)" }
        return command
    }

    /// The index in a live case's name, `live_s3_00017_rnn_float32` → 17.
    static func caseIndex(of name: String) -> Int? {
        let parts = name.split(separator: "_")
        return parts.count > 2 ? Int(parts[2]) : nil
    }
}

/// Writes a progress line that the next one overwrites; `nil` clears it.
private func printProgress(_ line: String?) {
    FileHandle.standardError.write(Data((line.map { "\r\($0)\u{1B}[K" } ?? "\r\u{1B}[K").utf8))
}

private func printError(_ message: String) {
    FileHandle.standardError.write(Data((message + "\n").utf8))
}
