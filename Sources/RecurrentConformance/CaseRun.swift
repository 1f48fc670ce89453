import Recurrent

/// One case being run: the fixture, the result so far, and the checks a ``ModuleConformance``
/// calls on its way (stages, recorded tensors, the state, comparisons).
///
/// The run counts what it compares, so that a case which ends having checked nothing fails, and it
/// compares with the tolerance ``TolerancePolicy`` accepts, not simply the one the file asks for.
public struct CaseRun<Scalar: RecurrentScalar> {
    /// The case.
    public let fixture: Fixture
    /// The result so far.
    public internal(set) var result: CaseResult
    /// The tolerance outputs are compared with.
    let tolerance: Tolerance
    /// Whether NaN in an expected result matches NaN in ours.
    let equalNaN: Bool
    /// The number of results compared so far (the initialisation check does not count: a case
    /// that expects an output must compare one).
    private(set) var comparisons = 0
    private let warningLog = WarningLog()

    init(fixture: Fixture, result: CaseResult, tolerance: Tolerance, equalNaN: Bool) {
        self.fixture = fixture
        self.result = result
        self.tolerance = tolerance
        self.equalNaN = equalNaN
    }

    /// The warnings the module issued, in order.
    var warnings: [String] { warningLog.messages }

    /// A handler that records the module's warnings for comparison with PyTorch's.
    public var onWarning: TorchWarningHandler {
        { [warningLog] warning in warningLog.messages.append(warning.message) }
    }

    /// A generator seeded as PyTorch's was before a training-mode forward (`dropout_seed`).
    public var dropoutGenerator: TorchGenerator { TorchGenerator(seed: fixture.dropoutSeed ?? 0) }

    /// Runs `body` as PyTorch's `stage`: an error it throws is compared with the one PyTorch raised
    /// there.
    public func stage<T>(_ stage: Fixture.Stage, _ body: () throws(TorchError) -> T) throws(CaseError) -> T {
        do {
            return try body()
        } catch {
            throw .torch(stage, error)
        }
    }

    /// The recorded tensor `key` in the case's dtype.
    ///
    /// - Throws: ``CaseError/harness(_:)`` when the case has no such tensor or it has another dtype.
    public func tensor(_ key: String) throws(CaseError) -> Tensor<Scalar> {
        guard let tensor = fixture.tensors[key] else { throw .harness("the fixture has no tensor '\(key)'") }
        return try typed(tensor, key)
    }

    /// The recorded tensor `key` in the case's dtype, or `nil` when the case has none.
    public func optionalTensor(_ key: String) throws(CaseError) -> Tensor<Scalar>? {
        guard let tensor = fixture.tensors[key] else { return nil }
        return try typed(tensor, key)
    }

    /// The recorded integer tensor `key` (lengths, batch sizes, indices).
    public func integers(_ key: String) throws(CaseError) -> [Int] {
        guard let values = fixture.tensors[key]?.integers else {
            throw .harness("the fixture has no integer tensor '\(key)'")
        }
        return values
    }

    private func typed(_ tensor: AnyTensor, _ key: String) throws(CaseError) -> Tensor<Scalar> {
        guard let typed = tensor.tensor(of: Scalar.self) else {
            throw .harness("fixture tensor '\(key)' is \(tensor.dtype.rawValue), expected \(Scalar.dtype.rawValue)")
        }
        return typed
    }

    /// Checks a seeded initialisation against PyTorch's (exactly, when the case records `init_seed`),
    /// then loads the recorded `state.*` into `module`.
    ///
    /// - Throws: ``CaseError/harness(_:)`` when the recorded state does not load.
    public mutating func loadRecordedState<Module: RecurrentModule>(into module: inout Module) throws(CaseError) {
        let recorded = fixture.tensors.scoped(to: "state.")
        guard !recorded.isEmpty else { return }
        if let seed = fixture.initSeed {
            for (name, tensor) in module.stateDict() {
                guard let expected = recorded[name] else { continue }
                let comparison = Closeness.compare(tensor, expected, tolerance: .exact)
                if !comparison.passed {
                    result.failures.append(
                        "\(name) after torch.manual_seed(\(seed)) is not PyTorch's initialisation:\n\(comparison.report)")
                }
            }
        }
        do {
            try module.loadStateDict(fixture.tensors, strict: true, prefix: "state.")
        } catch {
            throw .harness("the recorded state does not load: \(error)")
        }
    }

    /// Compares our result with PyTorch's recorded `key`, by `assert_close`'s rules (integer results
    /// exactly). The error injected for this run (``FixtureRunner/Options/injectedError``) is added
    /// to the first element of the outputs listed in ``perturbedKeys``.
    public mutating func compare(_ actual: AnyTensor, _ key: String) {
        guard let expected = fixture.tensors[key] else {
            result.failures.append("the fixture has no '\(key)' to compare with")
            return
        }
        var actual = actual
        if let epsilon = result.injectedError, Self.perturbedKeys.contains(key) {
            actual = actual.adding(epsilon, toElementAt: 0)
        }
        let tolerance = expected.dtype.isFloatingPoint ? tolerance : .exact
        comparisons += 1
        result.record(Closeness.compare(actual, expected, tolerance: tolerance, equalNaN: equalNaN), for: key)
    }

    /// Compares our result with PyTorch's recorded `key`.
    public mutating func compare(_ actual: Tensor<Scalar>, _ key: String) {
        compare(Scalar.erase(actual), key)
    }

    /// Compares integer results (batch sizes, indices, lengths) exactly.
    public mutating func compare(_ actual: [Int], _ key: String) {
        compare(.int64(actual), key)
    }

    /// The recorded results that an injected error perturbs: a module's output, whatever its form (a
    /// tensor, a packed sequence, the first of a list: `output.0` is an optimizer's first parameter
    /// after its last step), a recurrent layer's final states and a cell's new ones (an LSTMCell has
    /// no `output`), and the gradients of the input and the initial states. `PERTURBED` in
    /// tools/check_conform_report.py is the same set.
    static var perturbedKeys: Set<String> {
        [
            "output", "output.data", "output.0", "result", "result.data", "result.0", "h_n", "c_n", "h_1", "c_1",
            "grad.input", "grad.packed.data", "grad.h0", "grad.c0", "grad.hx", "grad.cx",
        ]
    }

    /// Records an expectation that is not a tensor comparison (a count of results, say).
    mutating func check(_ condition: Bool, _ failure: @autoclosure () -> String) {
        comparisons += 1
        if !condition { result.failures.append(failure()) }
    }
}

/// The warnings a module issues, collected by reference so that a constructor that throws after a
/// warning still leaves it recorded.
private final class WarningLog {
    var messages: [String] = []
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
