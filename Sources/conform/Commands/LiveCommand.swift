import ArgumentParser
import Foundation
import PythonBridge
import RecurrentConformance
import RecurrentLive

/// `conform live [--cases N] [--seed S] ...`: random cases compared live against an embedded PyTorch.
struct LiveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "live",
        abstract: "Draws random cases in an embedded PyTorch and compares this package with it, case by case.",
        discussion: """
            Each case is drawn from (seed, index) alone, so a failure replays with --case. Prints one row \
            per case, each failure's report with its replay command, and 'N passed, M failed'; exits \
            with status 1 when a case failed.
            """)

    @Option(help: "The number of cases.")
    var cases = 100

    @Option(help: "The seed the cases are drawn from.")
    var seed = 0

    @Option(name: .customLong("case"), help: ArgumentHelp("Run only the case with this index (to replay a failure).", valueName: "index"))
    var caseIndex: Int?

    @Option(help: "The dtype of the cases drawn.")
    var dtype: DTypeChoice = .all

    @Option(help: ArgumentHelp("Write each failing case as a fixture file into this directory.", valueName: "dir"))
    var saveFailures: String?

    @OptionGroup var python: PythonOptions
    @OptionGroup var injection: InjectionOptions
    @OptionGroup var output: JSONOutputOptions

    func validate() throws {
        if cases < 1 { throw ValidationError("--cases must be at least 1") }
    }

    func run() throws {
        let comparison: LiveComparison
        do {
            comparison = try LiveComparison(environment: python.environment)
        } catch {
            printError("conform live: \(error)")
            throw ExitCode(1)
        }
        let interpreter = comparison.python
        print("live: torch \(interpreter.torchVersion), embedded Python \(interpreter.version.split(separator: "\n").joined(separator: " "))")
        print("live: seed \(seed), \(caseIndex.map { "case \($0)" } ?? "\(cases) cases"), dtype \(dtype.rawValue)"
            + (injection.injectError.map { ", injecting \($0) into our outputs" } ?? ""))
        let saveDirectory = saveFailures.map { URL(fileURLWithPath: $0) }
        if let saveDirectory {
            try writeFile(saveDirectory) { try FileManager.default.createDirectory(at: $0, withIntermediateDirectories: true) }
        }

        let options = FixtureRunner.Options(injectedError: injection.injectError)
        let indices = caseIndex.map { [$0] } ?? Array(0..<cases)
        let start = Date()
        var results: [CaseResult] = []
        for (done, index) in indices.enumerated() {
            let id = LiveComparison.CaseID(seed: seed, index: index, dtype: dtype.rawValue, numericOnly: injection.injectError != nil)
            let outcome = comparison.run(id, options: options)
            results.append(outcome.result)
            if !outcome.result.passed, let saveDirectory, let bytes = outcome.fixture {
                let file = saveDirectory.appendingPathComponent(outcome.result.name + ".safetensors")
                try writeFile(file) { try Data(bytes).write(to: $0) }
            }
            let elapsed = Date().timeIntervalSince(start)
            Progress.show(String(
                format: "live: %d/%d cases, %d failed, %.1f cases/s", done + 1, indices.count,
                results.count { !$0.passed }, Double(done + 1) / max(elapsed, 1e-9)))
        }
        Progress.show(nil)
        let elapsed = Date().timeIntervalSince(start)
        results.forEach { print(Report.row($0, nameWidth: 30)) }
        print(String(format: "live: %d cases in %.2f s (%.1f cases/s)", indices.count, elapsed, Double(indices.count) / max(elapsed, 1e-9)))
        let context = ["mode": "live", "seed": "\(seed)", "cases": "\(cases)", "dtype": dtype.rawValue]
        try ConformanceRun(results: results, context: context).finish(json: output.json) { result in
            Self.caseIndex(of: result.name).map(replayCommand)
        }
    }

    private func replayCommand(_ index: Int) -> String {
        var command = "swift run conform live --seed \(seed) --case \(index) --dtype \(dtype.rawValue)"
        if let injectError = injection.injectError { command += " --inject-error \(injectError)" }
        if let pythonEnv = python.pythonEnv { command += " --python-env \(pythonEnv)" }
        return command
    }

    /// The index in a live case's name, `live_s3_00017_rnn_float32` → 17.
    static func caseIndex(of name: String) -> Int? {
        let parts = name.split(separator: "_")
        return parts.count > 2 ? Int(parts[2]) : nil
    }
}
