import ArgumentParser
import Foundation
import PythonBridge
import RecurrentConformance
import RecurrentLive

/// `conform live [--cases N] [--seed S] [--shard K/N] ...`: random cases compared live against an embedded PyTorch.
struct LiveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "live",
        abstract: "Draws random cases in an embedded PyTorch and compares this package with it, case by case.",
        discussion: """
            Each case is drawn from (seed, index) alone, so a failure replays with --case, and --shard \
            K/N splits the indices into N parts that any machines can run. Prints one row per case, each \
            failure's report with its replay command, and 'N passed, M failed'; exits with status 1 when \
            a case failed.
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

    @OptionGroup var shard: ShardOptions
    @OptionGroup var python: PythonOptions
    @OptionGroup var injection: InjectionOptions
    @OptionGroup var output: ReportOutputOptions

    func validate() throws {
        if cases < 1 { throw ValidationError("--cases must be at least 1") }
        if let caseIndex, caseIndex < 0 || caseIndex == Int.max {
            throw ValidationError("--case takes a case index from 0 to \(Int.max - 1)")
        }
        if caseIndex != nil, let shard = shard.shard {
            throw ValidationError("--case runs one case; drop --shard \(shard) (or --case, to run the shard)")
        }
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
        let pythonVersion = interpreter.version.split(separator: "\n").joined(separator: " ")
        print("live: torch \(interpreter.torchVersion), embedded Python \(pythonVersion)")
        let indices = caseIndex.map { $0..<($0 + 1) } ?? (shard.shard ?? .whole).range(in: cases)
        print("live: seed \(seed), \(caseIndex.map { "case \($0)" } ?? "\(cases) cases"), dtype \(dtype.rawValue)"
            + (shard.shard.map { ", shard \($0): cases \(indices.lowerBound) to \(indices.upperBound - 1)" } ?? "")
            + (injection.injectError.map { ", injecting \($0) into our outputs" } ?? ""))
        let saveDirectory = saveFailures.map { URL(fileURLWithPath: $0) }
        if let saveDirectory {
            try writeFile(saveDirectory) { try FileManager.default.createDirectory(at: $0, withIntermediateDirectories: true) }
        }

        let options = FixtureRunner.Options(injectedError: injection.injectError)
        let start = ContinuousClock.now
        let progress = ProgressDisplay(label: "live", total: indices.count)
        var results: [CaseResult] = []
        for index in indices {
            let id = LiveComparison.CaseID(seed: seed, index: index, dtype: dtype.rawValue, numericOnly: injection.injectError != nil)
            let outcome = comparison.run(id, options: options)
            var result = outcome.result
            result.replay = replayCommand(index)
            results.append(result)
            if !result.passed, let saveDirectory, let bytes = outcome.fixture {
                let file = saveDirectory.appendingPathComponent(result.name + ".safetensors")
                try writeFile(file) { try Data(bytes).write(to: $0) }
            }
            progress.print(Report.row(result, nameWidth: 30))
            progress.advance(failed: !result.passed)
        }
        progress.finish()
        let elapsed = (ContinuousClock.now - start).seconds
        print(String(format: "live: %d cases in %.2f s (%.1f cases/s)", indices.count, elapsed, Double(indices.count) / max(elapsed, 1e-9)))
        let caseSet = "live: seed \(seed), " + (caseIndex.map { "case \($0)" } ?? "\(cases) cases") + ", dtype \(dtype.rawValue)"
            + (injection.injectError.map { ", outputs only, injecting \($0)" } ?? "")
        let context = RunContext.context([
            .mode: "live", .seed: String(seed), .cases: String(cases), .dtype: dtype.rawValue,
            .total: String(caseIndex == nil ? cases : 1), .shard: shard.shard?.description,
            .injectError: injection.injectError.map { "\($0)" }, .torch: interpreter.torchVersion, .python: pythonVersion,
            .caseSet: caseSet,
        ])
        try ConformanceRun(document: Report.Document(cases: results, context: context)).finish(output)
    }

    /// The command that draws and runs case `index` alone, as this run did.
    private func replayCommand(_ index: Int) -> String {
        var words = ["swift", "run", "conform", "live", "--seed", "\(seed)", "--case", "\(index)", "--dtype", dtype.rawValue]
        if let injectError = injection.injectError { words += ["--inject-error", "\(injectError)"] }
        if let pythonEnv = python.pythonEnv { words += ["--python-env", pythonEnv] }
        return words.map(shellQuoted).joined(separator: " ")
    }
}
