import Foundation
import Recurrent

/// The result of running one conformance case.
public struct CaseResult: Hashable, Sendable, Codable {
    /// The case's name.
    public var name: String
    /// The module, dtype and input in brief.
    public var summary: String
    /// The greatest absolute difference over the compared outputs, when values were compared.
    public var maxAbsoluteDifference: Double?
    /// The greatest relative difference over the compared outputs, when values were compared.
    public var maxRelativeDifference: Double?
    /// One report per failed check; empty when the case passed.
    public var failures: [String]
    /// The error injected into our output for this run (``FixtureRunner/Options/injectedError``).
    var injectedError: Double?

    /// Whether every check of the case passed.
    public var passed: Bool { failures.isEmpty }

    private enum CodingKeys: String, CodingKey {
        case name, summary, maxAbsoluteDifference, maxRelativeDifference, failures, passed, injectedError
    }

    /// Decodes a result written by ``encode(to:)``.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decode(String.self, forKey: .name)
        summary = try container.decode(String.self, forKey: .summary)
        maxAbsoluteDifference = try container.decodeIfPresent(Double.self, forKey: .maxAbsoluteDifference)
        maxRelativeDifference = try container.decodeIfPresent(Double.self, forKey: .maxRelativeDifference)
        failures = try container.decode([String].self, forKey: .failures)
        injectedError = try container.decodeIfPresent(Double.self, forKey: .injectedError)
    }

    /// Encodes the result with its `passed` verdict, for readers of the JSON report.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .name)
        try container.encode(summary, forKey: .summary)
        try container.encodeIfPresent(maxAbsoluteDifference, forKey: .maxAbsoluteDifference)
        try container.encodeIfPresent(maxRelativeDifference, forKey: .maxRelativeDifference)
        try container.encode(failures, forKey: .failures)
        try container.encode(passed, forKey: .passed)
        try container.encodeIfPresent(injectedError, forKey: .injectedError)
    }

    /// Creates a result.
    public init(
        name: String, summary: String, maxAbsoluteDifference: Double? = nil, maxRelativeDifference: Double? = nil,
        failures: [String] = []
    ) {
        self.name = name
        self.summary = summary
        self.maxAbsoluteDifference = maxAbsoluteDifference
        self.maxRelativeDifference = maxRelativeDifference
        self.failures = failures
    }

    mutating func record(_ comparison: Closeness, for label: String) {
        if let value = comparison.maxAbsoluteDifference { maxAbsoluteDifference = max(maxAbsoluteDifference ?? 0, value) }
        if let value = comparison.maxRelativeDifference { maxRelativeDifference = max(maxRelativeDifference ?? 0, value) }
        if !comparison.passed { failures.append("\(label):\n\(comparison.report)") }
    }
}

/// Runs fixtures against this package's layers and checks every result PyTorch recorded.
///
/// A case builds the module from the recorded constructor arguments (checking the warnings PyTorch
/// issued and, for an untouched initialisation, that the seeded parameters are PyTorch's bit for bit),
/// loads the recorded parameters, runs the recorded inputs (with the recorded dropout seed in training
/// mode) and compares `output` and `h_n` with assert_close's rules, or checks that the same exception
/// with the same message is thrown.
public enum FixtureRunner {
    /// How a run is done.
    public struct Options: Hashable, Sendable {
        /// A testing aid that proves the harness can fail: when set, this amount is added to the first
        /// element of our `output` before it is compared, so every case with an output must fail.
        public var injectedError: Double?

        /// Creates options; by default nothing is injected.
        public init(injectedError: Double? = nil) {
            self.injectedError = injectedError
        }
    }

    /// Reads and runs the fixture at `url`; a file that cannot be read is a failed case.
    public static func run(contentsOf url: URL, options: Options = Options()) -> CaseResult {
        do {
            return run(try Fixture(contentsOf: url), options: options)
        } catch {
            return CaseResult(
                name: url.deletingPathExtension().lastPathComponent, summary: "unreadable fixture",
                failures: ["cannot read the fixture: \(error)"])
        }
    }

    /// Runs one fixture.
    public static func run(_ fixture: Fixture, options: Options = Options()) -> CaseResult {
        switch fixture.dtype {
        case .float32: run(fixture, as: Float.self, options: options)
        case .float64: run(fixture, as: Double.self, options: options)
        default:
            CaseResult(
                name: fixture.name, summary: fixture.summary,
                failures: ["modules in \(fixture.dtype.rawValue) are not supported; the fixture needs float32 or float64"])
        }
    }

    private static func run<Scalar: RecurrentScalar>(_ fixture: Fixture, as _: Scalar.Type, options: Options) -> CaseResult {
        var result = CaseResult(name: fixture.name, summary: fixture.summary)
        result.injectedError = options.injectedError
        var warnings: [TorchWarning] = []
        var thrown: TorchError?
        do {
            switch (fixture.module, fixture.config) {
            case (.rnn, let config?):
                var rnn = try makeRNN(Scalar.self, config, seed: fixture.initSeed) { warnings.append($0) }
                try check(&rnn, against: fixture, into: &result)
                rnn.training = fixture.training
                if fixture.isPacked {
                    try runPacked(rnn, fixture, into: &result)
                } else if let input = fixture.tensors["input"] {
                    var generator = TorchGenerator(seed: fixture.dropoutSeed ?? 0)
                    let (output, hN) = try rnn(input, h0: fixture.tensors["h0"], generator: &generator)
                    if fixture.expectation == .output {
                        compare(output, "output", fixture, into: &result)
                        compare(hN, "h_n", fixture, into: &result)
                    }
                }
            case (.rnnCell, let config?):
                var cell = try makeCell(Scalar.self, config, seed: fixture.initSeed)
                try check(&cell, against: fixture, into: &result)
                guard let input = fixture.tensors["input"] else { break }
                let output = try cell(input, hx: fixture.tensors["hx"])
                if fixture.expectation == .output { compare(output, "output", fixture, into: &result) }
            case (.utilities, _):
                try runUtility(Scalar.self, fixture, into: &result)
            case (_, nil):
                result.failures.append("the fixture has no config")
            }
        } catch {
            thrown = error
        }

        switch (fixture.expectation, thrown) {
        case (.error(_, let type, let message), let error?):
            if error.kind.rawValue != type || error.message != message {
                result.failures.append("wrong error:\n  expected \(type): \(message)\n  got      \(error)")
            }
        case (.error(let stage, let type, let message), nil):
            result.failures.append("expected \(type): \(message)\n  (raised by PyTorch at \(stage)), but nothing was thrown")
        case (_, let error?):
            result.failures.append("unexpected error: \(error)")
        case (_, nil):
            break
        }
        let issued = warnings.map(\.message)
        if issued != fixture.warnings {
            result.failures.append("warnings differ:\n  expected \(fixture.warnings)\n  got      \(issued)")
        }
        return result
    }

    private static func makeRNN<Scalar: RecurrentScalar>(
        _: Scalar.Type, _ config: Fixture.Configuration, seed: UInt64?, onWarning: @escaping TorchWarningHandler
    ) throws(TorchError) -> RNN<Scalar> {
        try RNN<Scalar>(
            inputSize: config.inputSize, hiddenSize: config.hiddenSize, numLayers: config.numLayers ?? 1,
            nonlinearity: try Nonlinearity(pytorchName: config.nonlinearity ?? "tanh"), bias: config.bias ?? true,
            batchFirst: config.batchFirst ?? false, dropout: config.dropout ?? 0,
            bidirectional: config.bidirectional ?? false, seed: seed ?? 0, onWarning: onWarning)
    }

    private static func makeCell<Scalar: RecurrentScalar>(
        _: Scalar.Type, _ config: Fixture.Configuration, seed: UInt64?
    ) throws(TorchError) -> RNNCell<Scalar> {
        guard let nonlinearity = Nonlinearity(rawValue: config.nonlinearity ?? "tanh") else {
            // PyTorch's RNNCell accepts any string and fails at forward; ours takes the enum.
            throw TorchError(.runtimeError, "Unknown nonlinearity: \(config.nonlinearity ?? "")")
        }
        return try RNNCell<Scalar>(
            inputSize: config.inputSize, hiddenSize: config.hiddenSize, bias: config.bias ?? true,
            nonlinearity: nonlinearity, seed: seed ?? 0)
    }

    /// Checks a seeded initialisation against PyTorch's (exactly), then loads the recorded state.
    private static func check<Module: RecurrentModule>(
        _ module: inout Module, against fixture: Fixture, into result: inout CaseResult
    ) throws(TorchError) {
        let recorded = fixture.tensors.scoped(to: "state.")
        guard !recorded.isEmpty else { return }
        if fixture.initSeed != nil {
            for (name, tensor) in module.stateDict() {
                guard let expected = recorded[name] else { continue }
                let comparison = Closeness.compare(tensor, expected, tolerance: .exact)
                if !comparison.passed {
                    result.failures.append(
                        "\(name) after torch.manual_seed(\(fixture.initSeed ?? 0)) is not PyTorch's initialisation:\n\(comparison.report)")
                }
            }
        }
        try module.loadStateDict(fixture.tensors, strict: true, prefix: "state.")
    }

    static func compare(_ actual: AnyTensor, _ key: String, _ fixture: Fixture, into result: inout CaseResult) {
        guard let expected = fixture.tensors[key] else {
            result.failures.append("the fixture has no '\(key)' to compare with")
            return
        }
        var actual = actual
        if let epsilon = result.injectedError, ["output", "output.data"].contains(key) {
            actual = actual.adding(epsilon, toElementAt: 0)
        }
        // Integer results (batch sizes, indices, lengths) must be exact.
        let tolerance = expected.dtype.isFloatingPoint ? fixture.tolerance : .exact
        result.record(Closeness.compare(actual, expected, tolerance: tolerance, equalNaN: fixture.equalNaN), for: key)
    }
}

extension AnyTensor {
    /// The tensor with `amount` added to the element at row-major `offset` (unchanged when it has no
    /// such element or is not floating-point).
    func adding(_ amount: Double, toElementAt offset: Int) -> AnyTensor {
        func add<Scalar: RecurrentScalar>(_ tensor: Tensor<Scalar>) -> Tensor<Scalar> {
            guard offset < tensor.count else { return tensor }
            var scalars = tensor.scalars
            scalars[offset] += Scalar(amount)
            return (try? Tensor(shape: tensor.shape, scalars: scalars)) ?? tensor
        }
        switch self {
        case .float32(let tensor): return .float32(add(tensor))
        case .float64(let tensor): return .float64(add(tensor))
        case .raw: return self
        }
    }
}
