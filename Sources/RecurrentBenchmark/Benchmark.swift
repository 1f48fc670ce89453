import Foundation
import PythonBridge
import Recurrent

/// One benchmarked configuration: an `nn.RNN`, `nn.LSTM` or `nn.GRU` and the input it runs on.
public struct BenchmarkConfiguration: Hashable, Sendable, Codable {
    /// The layers a configuration can time.
    public enum Module: String, Hashable, Sendable, Codable {
        /// `nn.RNN`: one gate block.
        case rnn
        /// `nn.LSTM`: four gate blocks, and the projection when ``BenchmarkConfiguration/projSize`` is set.
        case lstm
        /// `nn.GRU`: three gate blocks.
        case gru

        /// The number of gate blocks in `weight_ih` and `weight_hh`.
        var gateCount: Int {
            switch self {
            case .rnn: 1
            case .lstm: 4
            case .gru: 3
            }
        }
    }

    /// The layer that is timed.
    public var module: Module = .rnn
    /// The row's name, as the README's speed tables write it: `(L, N, H_in, H, layers)` and what else
    /// differs from the defaults.
    public var name: String
    /// `L`.
    public var steps: Int
    /// `N`.
    public var batch: Int
    /// `H_in`.
    public var inputSize: Int
    /// `H`.
    public var hiddenSize: Int
    /// The number of layers.
    public var numLayers: Int = 1
    /// Whether both directions run.
    public var bidirectional: Bool = false
    /// The activation (an RNN's).
    public var nonlinearity: Nonlinearity = .tanh
    /// An LSTM's `proj_size`, or 0 without a projection.
    public var projSize: Int = 0
    /// float32 or float64.
    public var dtype: DType = .float32
    /// Sequence lengths for a packed batch (`batch` of them), or `nil` for a padded one.
    public var lengths: [Int]? = nil
    /// Whether a call is a training step: the forward pass kept for the backward pass, then the
    /// backward pass for random gradients of `output` and `h_n` (PyTorch: forward with autograd, then
    /// `torch.autograd.backward`).
    public var training = false

    /// The multiply-adds of one call, doubled: `2 Σ rows · G · H · (input + P)` over layers and
    /// directions for a forward pass (`G` gate blocks: 1 for an RNN, 4 for an LSTM, 3 for a GRU; `P` the
    /// state's width, `proj_size` or `H`), plus an LSTM projection's `2 Σ rows · H · P`, rows being the
    /// valid steps of every sequence; three times that for a training step, whose backward pass makes
    /// two products for each of the forward's.
    public var flops: Double { (training ? 3 : 1) * forwardFlops }

    /// The width of the state and of each direction's output: `proj_size`, or `H`.
    private var stateSize: Int { projSize > 0 ? projSize : hiddenSize }

    private var forwardFlops: Double {
        let rows = Double(lengths?.reduce(0, +) ?? steps * batch)
        let directions = bidirectional ? 2.0 : 1.0
        let (gates, hidden, state) = (Double(module.gateCount), Double(hiddenSize), Double(stateSize))
        var total = 0.0
        for layer in 0..<numLayers {
            let input = layer == 0 ? Double(inputSize) : directions * state
            total += 2 * directions * rows * (gates * hidden * (input + state) + (projSize > 0 ? hidden * state : 0))
        }
        return total
    }

    /// The bytes of the weights, input, output and one layer's activations (a gated layer's gates and
    /// its cell states or `h · W_hnᵀ + b_hn` besides its states).
    public var tensorBytes: Int {
        let directions = bidirectional ? 2 : 1
        let rows = lengths?.reduce(0, +) ?? steps * batch
        let gateRows = module.gateCount * hiddenSize
        var weights = 0
        for layer in 0..<numLayers {
            let input = layer == 0 ? inputSize : directions * stateSize
            weights += directions * (gateRows * (input + stateSize + 2) + (projSize > 0 ? stateSize * hiddenSize : 0))
        }
        let activations = stateSize + (module == .rnn ? 0 : gateRows + hiddenSize)
        return dtype.byteCount * (weights + rows * inputSize + rows * directions * (stateSize + activations))
    }

    /// The grid of the issue: the documentation's example, a one-unit RNN over 1 to 1000 steps, small,
    /// medium and large sizes, relu, float64, and a packed batch; then LSTM and GRU on two small and two
    /// large sizes, an LSTM with a projection and a training step of each, all of which `quick` keeps.
    public static func grid(quick: Bool, dtype: DType?) -> [BenchmarkConfiguration] {
        var lengthGenerator = TorchGenerator(seed: 1)
        let spread = (0..<64).map { _ in 1 + Int(lengthGenerator.next32() % 200) }
        var all: [BenchmarkConfiguration] = [
            .init(name: "docs example (5, 3, 10, 20, 2 layers)", steps: 5, batch: 3, inputSize: 10, hiddenSize: 20, numLayers: 2),
            .init(name: "one unit, 1 step", steps: 1, batch: 1, inputSize: 1, hiddenSize: 1),
            .init(name: "one unit, 10 steps", steps: 10, batch: 1, inputSize: 1, hiddenSize: 1),
            .init(name: "one unit, 100 steps", steps: 100, batch: 1, inputSize: 1, hiddenSize: 1),
            .init(name: "one unit, 1000 steps", steps: 1000, batch: 1, inputSize: 1, hiddenSize: 1),
            .init(name: "(50, 1, 64, 64)", steps: 50, batch: 1, inputSize: 64, hiddenSize: 64),
            .init(name: "(100, 32, 128, 256, 2 layers)", steps: 100, batch: 32, inputSize: 128, hiddenSize: 256, numLayers: 2),
            .init(name: "(100, 32, 128, 256, 2 layers), bidirectional", steps: 100, batch: 32, inputSize: 128, hiddenSize: 256, numLayers: 2, bidirectional: true),
            .init(name: "(100, 32, 128, 256), relu", steps: 100, batch: 32, inputSize: 128, hiddenSize: 256, nonlinearity: .relu),
            .init(name: "(1000, 1, 32, 32)", steps: 1000, batch: 1, inputSize: 32, hiddenSize: 32),
            .init(name: "(35, 20, 650, 650, 2 layers)", steps: 35, batch: 20, inputSize: 650, hiddenSize: 650, numLayers: 2),
            .init(name: "(200, 64, 512, 1024)", steps: 200, batch: 64, inputSize: 512, hiddenSize: 1024),
            .init(name: "packed, 64 sequences of 1 ... 200 steps (H_in 64, H 128)", steps: 200, batch: 64, inputSize: 64, hiddenSize: 128, lengths: spread),
            .init(name: "docs example, float64", steps: 5, batch: 3, inputSize: 10, hiddenSize: 20, numLayers: 2, dtype: .float64),
            .init(name: "(100, 32, 128, 256, 2 layers), float64", steps: 100, batch: 32, inputSize: 128, hiddenSize: 256, numLayers: 2, dtype: .float64),
            .init(name: "(35, 20, 650, 650, 2 layers), float64", steps: 35, batch: 20, inputSize: 650, hiddenSize: 650, numLayers: 2, dtype: .float64),
            .init(name: "training: docs example", steps: 5, batch: 3, inputSize: 10, hiddenSize: 20, numLayers: 2, training: true),
            .init(name: "training: (50, 1, 64, 64)", steps: 50, batch: 1, inputSize: 64, hiddenSize: 64, training: true),
            .init(name: "training: (100, 32, 128, 256, 2 layers)", steps: 100, batch: 32, inputSize: 128, hiddenSize: 256, numLayers: 2, training: true),
            .init(name: "training: (100, 32, 128, 256, 2 layers), bidirectional", steps: 100, batch: 32, inputSize: 128, hiddenSize: 256, numLayers: 2, bidirectional: true, training: true),
            .init(name: "training: (35, 20, 650, 650, 2 layers)", steps: 35, batch: 20, inputSize: 650, hiddenSize: 650, numLayers: 2, training: true),
            .init(name: "training: docs example, float64", steps: 5, batch: 3, inputSize: 10, hiddenSize: 20, numLayers: 2, dtype: .float64, training: true),
            .init(name: "training: (100, 32, 128, 256, 2 layers), float64", steps: 100, batch: 32, inputSize: 128, hiddenSize: 256, numLayers: 2, dtype: .float64, training: true),
        ]
        for module in [Module.lstm, .gru] {
            let prefix = module == .lstm ? "LSTM" : "GRU"
            all += [
                .init(module: module, name: "\(prefix) docs example (5, 3, 10, 20, 2 layers)", steps: 5, batch: 3, inputSize: 10, hiddenSize: 20, numLayers: 2),
                .init(module: module, name: "\(prefix) (50, 1, 64, 64)", steps: 50, batch: 1, inputSize: 64, hiddenSize: 64),
                .init(module: module, name: "\(prefix) (100, 32, 128, 256, 2 layers)", steps: 100, batch: 32, inputSize: 128, hiddenSize: 256, numLayers: 2),
                .init(module: module, name: "\(prefix) (35, 20, 650, 650, 2 layers)", steps: 35, batch: 20, inputSize: 650, hiddenSize: 650, numLayers: 2),
            ]
            if module == .lstm {
                all.append(.init(
                    module: module, name: "LSTM (100, 32, 128, 256, 2 layers), proj_size 64", steps: 100, batch: 32, inputSize: 128,
                    hiddenSize: 256, numLayers: 2, projSize: 64))
            }
            all.append(.init(
                module: module, name: "\(prefix) training: (100, 32, 128, 256, 2 layers)", steps: 100, batch: 32, inputSize: 128,
                hiddenSize: 256, numLayers: 2, training: true))
        }
        if quick {
            let names: Set = [
                "docs example (5, 3, 10, 20, 2 layers)", "one unit, 100 steps", "(50, 1, 64, 64)", "(100, 32, 128, 256, 2 layers)",
                "packed, 64 sequences of 1 ... 200 steps (H_in 64, H 128)", "docs example, float64", "(35, 20, 650, 650, 2 layers)",
                "training: docs example", "training: (100, 32, 128, 256, 2 layers)",
            ]
            all = all.filter { $0.module != .rnn || names.contains($0.name) }
        }
        if let dtype { all = all.filter { $0.dtype == dtype } }
        return all
    }
}

/// One row of the benchmark: both sides' median time per call, the ratio and our throughput.
public struct BenchmarkRow: Hashable, Sendable, Codable {
    /// What was measured.
    public var configuration: BenchmarkConfiguration
    /// PyTorch's median seconds per call.
    public var torchSeconds: Double
    /// Our median seconds per call.
    public var oursSeconds: Double
    /// torch ÷ ours: above 1, we are faster.
    public var ratio: Double { torchSeconds / oursSeconds }
    /// Our GFLOP/s.
    public var gflops: Double { configuration.flops / oursSeconds / 1e9 }
    /// Our share of the measured GEMM peak, in percent.
    public var peakPercent: Double
    /// For the largest configuration: our side's peak resident memory growth while it ran.
    public var peakResidentBytes: Int?
    /// For a packed batch: our median seconds per call for the same batch with every sequence at full
    /// length.
    public var fullBatchSeconds: Double?
    /// For a training step: the bytes our forward pass kept for the backward pass.
    public var traceBytes: Int?
    /// For a training step: the bytes the backward pass cannot do without (every layer's states at
    /// every step, and the dropout masks).
    public var essentialTraceBytes: Int?

    /// For a packed batch: our cost per valid step relative to the full-length batch's (1 when time
    /// follows the sum of the lengths exactly).
    public var perStepCostRatio: Double? {
        guard let fullBatchSeconds, let lengths = configuration.lengths else { return nil }
        let full = Double(configuration.steps * configuration.batch)
        return (oursSeconds / Double(lengths.reduce(0, +))) / (fullBatchSeconds / full)
    }
}

/// The machine and libraries a benchmark ran on.
public struct BenchmarkEnvironment: Hashable, Sendable, Codable {
    /// The CPU's model name.
    public var cpu: String
    /// The BLAS library and its build.
    public var blas: String
    /// The kernel OpenBLAS chose for the CPU.
    public var kernel: String
    /// Set when the BLAS kernel is far below what the CPU supports.
    public var kernelWarning: String?
    /// Our BLAS threads.
    public var threads: Int
    /// `torch.__version__`.
    public var torchVersion: String
    /// `torch.get_num_threads()`.
    public var torchThreads: Int
    /// The BLAS torch was built with (`BLAS_INFO`).
    public var torchBLAS: String
    /// The measured GFLOP/s of a 1024³ float32 matrix product.
    public var gemmPeakFloat: Double
    /// The measured GFLOP/s of a 1024³ float64 matrix product.
    public var gemmPeakDouble: Double
}

/// Runs PyTorch (embedded, eval mode, no grad) and our layer on the same weights and inputs, interleaved,
/// after a warm-up, each measurement repeated until it lasts long enough to be stable.
public final class Benchmark {
    let python: Python
    private let helpers: PythonObject
    /// How long one measurement must last, in seconds.
    public var measurementSeconds: Double
    /// How many interleaved measurements each side gets.
    public var rounds: Int
    /// How long each side rests before it is measured when several threads run: OpenBLAS's idle workers
    /// spin for about 2^28 cycles before they sleep, and a thread pool still spinning from one side
    /// would take the other side's cores.
    public var handoverSeconds: Double = 0.3

    /// Prepares a benchmark in the embedded `python`, fixing both sides' threads when `threads` is given;
    /// `quick` measures for less time.
    public init(python: Python, threads: Int?, quick: Bool) throws(PythonError) {
        self.python = python
        measurementSeconds = quick ? 0.1 : 0.25
        rounds = quick ? 5 : 7
        if let threads {
            BLASThreads.count = threads
            try python.setTorchThreads(threads)
        }
        helpers = try python.run(try Self.source)
    }

    /// The machine, the BLAS and its kernel, the threads and torch's version and BLAS.
    public func environment() throws(PythonError) -> BenchmarkEnvironment {
        let parts = try python.withGIL { () throws(PythonError) -> [String] in
            try helpers.attribute("environment").call().string().split(separator: "|").map(String.init)
        }
        let cpuInfo = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        let cpu = cpuInfo.split(separator: "\n").first { $0.hasPrefix("model name") }?.split(separator: ":").last?
            .trimmingCharacters(in: .whitespaces) ?? "unknown CPU"
        let flags = Set(cpuInfo.split(separator: "\n").first { $0.hasPrefix("flags") }?.split(separator: " ").map(String.init) ?? [])
        let kernel = BLASThreads.kernel
        let generic: Set = ["prescott", "core2", "penryn", "dunnington", "nehalem", "atom", "opteron", "barcelona", "generic"]
        var warning: String?
        if generic.contains(kernel.lowercased()) && flags.contains("avx2") {
            let suggestion = flags.contains("avx512f") ? "SkylakeX" : (cpu.contains("AMD") ? "Zen" : "Haswell")
            warning = "OpenBLAS chose the \(kernel) kernel on a CPU with AVX2\(flags.contains("avx512f") ? "/AVX-512" : ""): "
                + "its matrix products run at a fraction of the CPU's speed. Run with OPENBLAS_CORETYPE=\(suggestion) to pick a fitting kernel."
        }
        return BenchmarkEnvironment(
            cpu: cpu, blas: BLASThreads.library, kernel: kernel, kernelWarning: warning, threads: BLASThreads.count,
            torchVersion: python.torchVersion, torchThreads: Int(parts.first ?? "") ?? 0, torchBLAS: parts.last ?? "unknown",
            gemmPeakFloat: BLASThreads.gemmPeak(Float.self), gemmPeakDouble: BLASThreads.gemmPeak(Double.self))
    }

    /// Measures one configuration on both sides.
    public func run(_ configuration: BenchmarkConfiguration, peak: Double, measureMemory: Bool) throws -> BenchmarkRow {
        let spec = try JSONEncoder().encode(configuration)
        let prepared = try python.withGIL { () throws(PythonError) -> PythonObject in
            try helpers.attribute("prepare").call(PythonObject(String(decoding: spec, as: UTF8.self)))
        }
        let names = try python.withGIL { () throws(PythonError) -> [String] in
            let list = try prepared.item(2)
            return try (0..<list.count()).map { index throws(PythonError) in try list.item(index).string() }
        }
        var stateDict = StateDict()
        for (index, name) in names.enumerated() {
            let tensor = try python.withGIL { () throws(PythonError) -> PythonObject in try prepared.item(3).item(index) }
            stateDict[name] = try python.anyTensor(tensor)
        }
        let input = try python.anyTensor(try python.withGIL { () throws(PythonError) -> PythonObject in try prepared.item(4) })
        switch configuration.dtype {
        case .float64: return try measure(Double.self, configuration, prepared, stateDict, input, peak, measureMemory)
        default: return try measure(Float.self, configuration, prepared, stateDict, input, peak, measureMemory)
        }
    }

    private func measure<Scalar: RecurrentScalar>(
        _: Scalar.Type, _ configuration: BenchmarkConfiguration, _ prepared: PythonObject, _ stateDict: StateDict,
        _ input: AnyTensor, _ peak: Double, _ measureMemory: Bool
    ) throws -> BenchmarkRow {
        let model = try BenchmarkedModel<Scalar>(configuration, stateDict: stateDict)
        let x = input.converted(to: Scalar.self)
        let packed = try configuration.lengths.map { try packPaddedSequence(x, lengths: $0, enforceSorted: false) }
        let fullLength = try configuration.lengths.map { lengths in
            try packPaddedSequence(x, lengths: lengths.map { _ in configuration.steps }, enforceSorted: false)
        }
        // Seconds for `count` calls of `call`.
        func timing(_ call: @escaping () throws -> Void) -> (Int) throws -> Double {
            { count in
                let start = ContinuousClock.now
                for _ in 0..<count { try call() }
                return (ContinuousClock.now - start).seconds
            }
        }
        let cotangents = try configuration.training ? trainingCotangents(prepared, Scalar.self) : nil
        let ours: (Int) throws -> Double
        if let cotangents {
            ours = timing { _ = try model.trainingStep(x, cotangents: cotangents) }
        } else {
            ours = timing { if let packed { try model.forward(packed) } else { try model.forward(x) } }
        }
        func torch(_ count: Int) throws -> Double {
            let seconds = try python.withGIL { () throws(PythonError) -> String in
                if configuration.training {
                    return try helpers.attribute("timed_training").call(prepared, PythonObject(count)).string()
                }
                return try helpers.attribute("timed").call(prepared.item(0), prepared.item(1), PythonObject(count)).string()
            }
            return Double(seconds) ?? .nan
        }
        let traceBytes = try configuration.training ? model.trainingStep(x, cotangents: nil) : nil
        var memory: Int?
        if measureMemory {
            let baseline = ResidentMemory.resetPeak()
            _ = try ours(1)
            memory = max(0, ResidentMemory.peak() - baseline)
        }
        let handover = BLASThreads.count > 1 ? handoverSeconds : 0
        func rest() { if handover > 0 { Thread.sleep(forTimeInterval: handover) } }
        rest()
        let torchCount = try calibratedCount(torch)
        let ourCount = try calibratedCount(ours)
        var torchTimes: [Double] = []
        var ourTimes: [Double] = []
        for _ in 0..<rounds {
            rest()
            torchTimes.append(try torch(torchCount) / Double(torchCount))
            rest()
            ourTimes.append(try ours(ourCount) / Double(ourCount))
        }
        var fullBatchSeconds: Double?
        if let fullLength {
            let oursFullLength = timing { try model.forward(fullLength) }
            let count = try calibratedCount(oursFullLength)
            fullBatchSeconds = median(try (0..<rounds).map { _ in try oursFullLength(count) / Double(count) })
        }
        let ourMedian = median(ourTimes)
        return BenchmarkRow(
            configuration: configuration, torchSeconds: median(torchTimes), oursSeconds: ourMedian,
            peakPercent: 100 * configuration.flops / ourMedian / 1e9 / peak, peakResidentBytes: memory,
            fullBatchSeconds: fullBatchSeconds, traceBytes: traceBytes?.kept, essentialTraceBytes: traceBytes?.essential)
    }

    /// The gradients of `output`, `h_n` and (an LSTM's) `c_n` a training step backpropagates, the same
    /// ones PyTorch's side was prepared with.
    private func trainingCotangents<Scalar: RecurrentScalar>(_ prepared: PythonObject, _: Scalar.Type) throws -> [Tensor<Scalar>] {
        let tensors = try python.withGIL { () throws(PythonError) -> [PythonObject] in
            try (5..<prepared.count()).map { index throws(PythonError) in try prepared.item(index) }
        }
        return try tensors.map { try python.anyTensor($0).converted(to: Scalar.self) }
    }

    private func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }

    /// The number of calls that makes one measurement last `measurementSeconds`, found by running
    /// `run(count)` with a doubling count until a run lasts a quarter of that: the runs also warm up
    /// the caches, the allocator and the BLAS, so a slow first call does not size the measurement.
    private func calibratedCount(_ run: (Int) throws -> Double) throws -> Int {
        var count = 1
        while true {
            let seconds = try run(count)
            guard seconds.isFinite else { return count }
            if seconds >= measurementSeconds / 4 {
                return max(1, Int((Double(count) * measurementSeconds / seconds).rounded(.up)))
            }
            count *= 2
        }
    }

    /// The PyTorch side, `Resources/benchmark_helpers.py`.
    private static var source: String {
        get throws(PythonError) { try Python.source(ofResource: "benchmark_helpers", in: Bundle.module, of: "RecurrentBenchmark") }
    }
}

/// The layer a configuration times, built from PyTorch's state dict, in eval mode.
private enum BenchmarkedModel<Scalar: RecurrentScalar> {
    case rnn(RNN<Scalar>)
    case lstm(LSTM<Scalar>)
    case gru(GRU<Scalar>)

    init(_ configuration: BenchmarkConfiguration, stateDict: StateDict) throws {
        switch configuration.module {
        case .rnn:
            var rnn = try RNN<Scalar>(stateDict: stateDict, nonlinearity: configuration.nonlinearity)
            rnn.training = false
            self = .rnn(rnn)
        case .lstm:
            var lstm = try LSTM<Scalar>(stateDict: stateDict)
            lstm.training = false
            self = .lstm(lstm)
        case .gru:
            var gru = try GRU<Scalar>(stateDict: stateDict)
            gru.training = false
            self = .gru(gru)
        }
    }

    func forward(_ input: Tensor<Scalar>) throws {
        switch self {
        case .rnn(let rnn): _ = try rnn(input)
        case .lstm(let lstm): _ = try lstm(input)
        case .gru(let gru): _ = try gru(input)
        }
    }

    func forward(_ input: PackedSequence<Scalar>) throws {
        switch self {
        case .rnn(let rnn): _ = try rnn(input)
        case .lstm(let lstm): _ = try lstm(input)
        case .gru(let gru): _ = try gru(input)
        }
    }

    /// A traced forward pass, then (with `cotangents`, one per result) its backward pass; returns the
    /// bytes the trace kept (an RNN's only: the gated layers' traces do not say) and those the backward
    /// pass needs.
    func trainingStep(_ input: Tensor<Scalar>, cotangents: [Tensor<Scalar>]?) throws -> (kept: Int?, essential: Int) {
        // Dropout is 0 in every configuration: the generator draws nothing.
        var generator = TorchGenerator(seed: 0)
        switch self {
        case .rnn(let rnn):
            let trace = try rnn.tracedForward(input, generator: &generator).trace
            if let cotangents { _ = try trace.backward(outputGradient: cotangents[0], hNGradient: cotangents[1]) }
            return (trace.byteCount, trace.essentialByteCount)
        case .lstm(let lstm):
            let trace = try lstm.tracedForward(input, generator: &generator).trace
            if let cotangents {
                _ = try trace.backward(outputGradient: cotangents[0], hNGradient: cotangents[1], cNGradient: cotangents[2])
            }
            return (nil, trace.essentialByteCount)
        case .gru(let gru):
            let trace = try gru.tracedForward(input, generator: &generator).trace
            if let cotangents { _ = try trace.backward(outputGradient: cotangents[0], hNGradient: cotangents[1]) }
            return (nil, trace.essentialByteCount)
        }
    }
}

/// The process's resident memory, from `/proc/self`.
enum ResidentMemory {
    /// Resets the peak (VmHWM) to the current resident size and returns that size in bytes.
    static func resetPeak() -> Int {
        try? "5".write(toFile: "/proc/self/clear_refs", atomically: false, encoding: .utf8)
        return field("VmRSS")
    }

    /// The peak resident size since the last reset, in bytes.
    static func peak() -> Int { field("VmHWM") }

    private static func field(_ name: String) -> Int {
        let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
        guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix(name + ":") }) else { return 0 }
        return (Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0) * 1024
    }
}
