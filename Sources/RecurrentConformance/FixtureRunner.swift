import Foundation
import Recurrent

/// Runs fixtures against this package's layers and checks every result PyTorch recorded.
///
/// A case is run by the ``ModuleConformance`` of its module, found in ``ModuleConformances`` by the
/// fixture's `module` field. The runner owns what every case shares: the tolerance (only as loose
/// as ``TolerancePolicy`` accepts), the stage, type and message of an expected error, the warnings
/// issued while building the module, and the rule that a case which checked nothing fails.
///
/// ```swift
/// let result = FixtureRunner.run(contentsOf: url)
/// print(Report.row(result))
/// ```
public enum FixtureRunner {
    /// How a run is done.
    public struct Options: Hashable, Sendable {
        /// A testing aid that proves the harness can fail: when set, this amount is added to the first
        /// element of our output before it is compared, so every case with an output must fail.
        public var injectedError: Double?

        /// Creates options; by default nothing is injected.
        public init(injectedError: Double? = nil) {
            self.injectedError = injectedError
        }
    }

    /// Reads and runs the fixture at `url`; a file that cannot be read is a failed case. The result's
    /// ``CaseResult/seconds`` include the reading.
    public static func run(contentsOf url: URL, options: Options = Options()) -> CaseResult {
        timed {
            do {
                return run(try Fixture(contentsOf: url), options: options)
            } catch {
                return CaseResult(
                    name: Fixture.caseName(of: url), summary: "unreadable fixture",
                    failures: ["cannot read the fixture: \(error)"])
            }
        }
    }

    /// Runs one fixture.
    public static func run(_ fixture: Fixture, options: Options = Options()) -> CaseResult {
        timed {
            var result = runCase(fixture, options: options)
            result.dimensions = CaseDimension.values(of: fixture)
            result.torchVersion = fixture.metadata["torch_version"]
            return result
        }
    }

    /// The result of `body` with the wall-clock seconds it took as its ``CaseResult/seconds``.
    public static func timed(_ body: () -> CaseResult) -> CaseResult {
        let start = ContinuousClock.now
        var result = body()
        result.seconds = (ContinuousClock.now - start).seconds
        return result
    }

    private static func runCase(_ fixture: Fixture, options: Options) -> CaseResult {
        let conformance: any ModuleConformance
        do {
            conformance = try ModuleConformances.conformance(for: fixture.module).init(fixture)
        } catch {
            return CaseResult(name: fixture.name, summary: "\(fixture.module) \(fixture.dtype.rawValue)", failures: ["\(error)"])
        }
        var result = CaseResult(name: fixture.name, summary: conformance.summary)
        result.injectedError = options.injectedError
        switch fixture.dtype {
        case .float32: return run(conformance, fixture, as: Float.self, result)
        case .float64: return run(conformance, fixture, as: Double.self, result)
        default:
            result.failures.append("modules in \(fixture.dtype.rawValue) are not supported; the fixture needs float32 or float64")
            return result
        }
    }

    private static func run<Scalar: RecurrentScalar>(
        _ conformance: any ModuleConformance, _ fixture: Fixture, as _: Scalar.Type, _ result: CaseResult
    ) -> CaseResult {
        let policy = TolerancePolicy.accepted(for: fixture)
        var run = CaseRun<Scalar>(fixture: fixture, result: result, tolerance: policy.tolerance, equalNaN: policy.equalNaN)
        run.result.failures += policy.failures
        var thrown: (stage: Fixture.Stage, error: TorchError)?
        do {
            try conformance.run(&run)
        } catch {
            switch error {
            case .torch(let stage, let error):
                thrown = (stage, error)
            case .harness(let failure):
                run.result.failures.append(failure)
                return run.result
            }
        }
        switch (fixture.expectation, thrown) {
        case (.error(let stage, let type, let message), let thrown?):
            if thrown.error.kind.rawValue != type || thrown.error.message != message {
                run.result.failures.append("wrong error:\n  expected \(type): \(message)\n  got      \(thrown.error)")
            }
            if thrown.stage != stage {
                run.result.failures.append(
                    "wrong stage: PyTorch raised at \(stage.rawValue), this package at \(thrown.stage.rawValue)")
            }
        case (.error(let stage, let type, let message), nil):
            run.result.failures.append("expected \(type): \(message)\n  (raised by PyTorch at \(stage.rawValue)), but nothing was thrown")
        case (_, let thrown?):
            run.result.failures.append("unexpected error at \(thrown.stage.rawValue): \(thrown.error)")
        case (.output, nil):
            if run.comparisons == 0 {
                run.result.failures.append("the case expects an output but compared nothing (its input or results are missing)")
            }
        case (.state, nil):
            break
        }
        if run.warnings != fixture.warnings {
            run.result.failures.append("warnings differ:\n  expected \(fixture.warnings)\n  got      \(run.warnings)")
        }
        return run.result
    }
}
