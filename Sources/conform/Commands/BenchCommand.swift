import ArgumentParser
import Foundation
import PythonBridge
import Recurrent
import RecurrentBenchmark
import RecurrentConformance

/// `conform bench`: our forward against PyTorch's, side by side.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Times our RNN, LSTM and GRU against PyTorch's (embedded, eval, no_grad) on the same weights and inputs.",
        discussion: """
            One row per configuration: torch's median time per call, ours, the ratio (torch ÷ ours; above 1 \
            we are faster), our GFLOP/s and our share of the GEMM peak measured on the spot with the same \
            BLAS and threads. Build in release mode: swift run -c release conform bench.
            """)

    @Option(help: "Threads for both sides (torch.set_num_threads and OpenBLAS); default: each side's own default.")
    var threads: Int?

    @Option(help: "Only the configurations of this dtype.")
    var dtype: DTypeChoice = .all

    @Flag(help: "A subset that runs in under a minute.")
    var quick = false

    @OptionGroup var output: JSONOutputOptions

    @Option(help: ArgumentHelp("Also write a self-contained HTML report with charts to this file.", valueName: "file"))
    var html: String?

    @OptionGroup var python: PythonOptions

    func run() throws {
        let python: Python
        do {
            python = try Python.start(environment: self.python.environment)
        } catch {
            printError("conform bench: \(error)")
            throw ExitCode(1)
        }
        let benchmark = try Benchmark(python: python, threads: threads, quick: quick)
        let environment = try benchmark.environment()
        print("cpu:     \(environment.cpu)")
        print("blas:    \(environment.blas), kernel \(environment.kernel), \(environment.threads) threads")
        if let warning = environment.kernelWarning { print("WARNING: \(warning)") }
        print("torch:   \(environment.torchVersion), BLAS \(environment.torchBLAS), \(environment.torchThreads) threads")
        print(String(format: "peak:    GEMM %.1f GFLOP/s float32, %.1f GFLOP/s float64 (1024³, same BLAS and threads)",
                     environment.gemmPeakFloat, environment.gemmPeakDouble))
        let configurations = BenchmarkConfiguration.grid(quick: quick, dtype: dtype.dtype)
        // The memory line is about a forward pass: the largest of them.
        let largest = configurations.filter { !$0.training }.max { $0.flops < $1.flops }
        // Rows print as they are measured, so the columns' widths are fixed beforehand.
        let header = ["configuration (L, N, H_in, H)", "torch", "ours", "ratio", "GFLOP/s", "% peak"]
        let widths = [max(header[0].count, configurations.map(\.name.count).max() ?? 0), 10, 10, 8, 8, 6]
        let numeric: Set = [1, 2, 3, 4, 5]
        print("\n" + TextTable.line(header, widths: widths, rightAligned: numeric))
        var rows: [BenchmarkRow] = []
        let progress = ProgressDisplay(label: "bench", total: configurations.count, unit: "configurations", countsFailures: false)
        for configuration in configurations {
            let row = try benchmark.run(configuration, peak: peak(configuration.dtype, environment), measureMemory: configuration == largest)
            rows.append(row)
            let cells = [
                configuration.name, time(row.torchSeconds), time(row.oursSeconds), String(format: "%.2fx", row.ratio),
                String(format: "%.1f", row.gflops), String(format: "%.0f%%", row.peakPercent),
            ]
            progress.print(TextTable.line(cells, widths: widths, rightAligned: numeric))
            progress.advance()
        }
        progress.finish()
        for row in rows {
            guard let ratio = row.perStepCostRatio, let full = row.fullBatchSeconds, let lengths = row.configuration.lengths else { continue }
            let (steps, batch) = (row.configuration.steps, row.configuration.batch)
            let sum = lengths.reduce(0, +)
            let perStep = String(format: "%.2f", row.oursSeconds / Double(sum) * 1e6)
            let fullPerStep = String(format: "%.2f", full / Double(steps * batch) * 1e6)
            print(
                "\npacked:  \(row.configuration.name): Σ lengths \(sum) in \(time(row.oursSeconds)), \(perStep) µs a step; "
                    + "at full length (Σ \(steps * batch)) \(time(full)), \(fullPerStep) µs a step: "
                    + String(format: "%.2fx the full batch's cost per step", ratio))
        }
        for row in rows {
            guard let kept = row.traceBytes, let essential = row.essentialTraceBytes else { continue }
            print(String(
                format: "\ntrace:   %@: the forward kept %.2f MB for the backward pass; it needs %.2f MB (%.2fx)",
                row.configuration.name, Double(kept) / 1e6, Double(essential) / 1e6, Double(kept) / Double(max(essential, 1))))
        }
        if let largest, let row = rows.first(where: { $0.configuration == largest }), let memory = row.peakResidentBytes {
            print("\nmemory:  \(largest.name): " + String(
                format: "our forward's peak resident growth %.1f MB; its tensors need %.1f MB", Double(memory) / 1e6, Double(largest.tensorBytes) / 1e6))
        }
        if let html {
            try writeFile(URL(fileURLWithPath: html)) { try Data(htmlPage(environment, rows).utf8).write(to: $0) }
        }
        if let json = output.json {
            struct Document: Encodable {
                var environment: BenchmarkEnvironment
                var rows: [Row]
                struct Row: Encodable {
                    var row: BenchmarkRow
                    var ratio: Double
                    var gflops: Double
                    var flops: Double
                    var perStepCostRatio: Double?
                }
            }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            let document = Document(
                environment: environment,
                rows: rows.map {
                    Document.Row(row: $0, ratio: $0.ratio, gflops: $0.gflops, flops: $0.configuration.flops, perStepCostRatio: $0.perStepCostRatio)
                })
            try writeFile(URL(fileURLWithPath: json)) { try encoder.encode(document).write(to: $0) }
        }
    }

    private func peak(_ dtype: DType, _ environment: BenchmarkEnvironment) -> Double {
        dtype == .float64 ? environment.gemmPeakDouble : environment.gemmPeakFloat
    }

    /// The HTML report: the machine and versions, then each row against PyTorch and the GEMM peak.
    private func htmlPage(_ environment: BenchmarkEnvironment, _ rows: [BenchmarkRow]) -> String {
        let machine = RunContext.machine()
        var facts: [(label: String, value: String)] = [
            ("torch", "\(environment.torchVersion), BLAS \(environment.torchBLAS), \(environment.torchThreads) threads"),
            ("CPU", environment.cpu),
            ("BLAS", "\(environment.blas), kernel \(environment.kernel), \(environment.threads) threads"),
            ("GEMM peak", String(format: "%.1f GFLOP/s float32, %.1f GFLOP/s float64", environment.gemmPeakFloat, environment.gemmPeakDouble)),
        ]
        if let warning = environment.kernelWarning { facts.append(("warning", warning)) }
        for (key, label) in [(Report.ContextKey.os, "system"), (.host, "host"), (.started, "started (UTC)"), (.command, "command")] {
            if let value = machine[key.rawValue] { facts.append((label, value)) }
        }
        let entries = rows.map { row in
            HTMLBenchmarkReport.Entry(
                name: row.configuration.name, dtype: row.configuration.dtype.rawValue, torchSeconds: row.torchSeconds,
                oursSeconds: row.oursSeconds, gflops: row.gflops, peakGflops: peak(row.configuration.dtype, environment))
        }
        return HTMLBenchmarkReport.page(title: "conform bench\(quick ? " --quick" : "")", facts: facts, entries: entries)
    }

    private func time(_ seconds: Double) -> String {
        switch seconds {
        case ..<1e-3: String(format: "%.1f µs", seconds * 1e6)
        case ..<1: String(format: "%.2f ms", seconds * 1e3)
        default: String(format: "%.2f s", seconds)
        }
    }
}
