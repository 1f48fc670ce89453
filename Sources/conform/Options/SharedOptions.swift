import ArgumentParser
import Foundation
import PythonBridge
import Recurrent

/// `--json FILE`.
struct JSONOutputOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Also write the results as JSON to this file.", valueName: "file"))
    var json: String?
}

/// `--python-env DIR`.
struct PythonOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "A virtual environment or site-packages directory with torch (default: $RECURRENT_TORCH_ENV or the set-up's).",
            valueName: "dir"))
    var pythonEnv: String?

    /// The environment to start the embedded Python in.
    var environment: PythonEnvironment {
        pythonEnv.map(PythonEnvironment.init(path:)) ?? .default
    }
}

/// `--inject-error EPS`.
struct InjectionOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "Testing aid: add EPS to one element of our output before comparing, so every case with an output must fail.",
            valueName: "eps"))
    var injectError: Double?
}

/// `--filter REGEX`.
struct FilterOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Run only the cases whose names match this regular expression.", valueName: "regex"))
    var filter: String?
}

/// A dtype to restrict a run to.
enum DTypeChoice: String, ExpressibleByArgument, CaseIterable {
    case float32, float64, all

    /// The dtype, or `nil` for all.
    var dtype: DType? {
        switch self {
        case .float32: .float32
        case .float64: .float64
        case .all: nil
        }
    }
}

extension Nonlinearity: ExpressibleByArgument {}

/// A floating-point dtype to compute in.
enum ComputeDType: String, ExpressibleByArgument, CaseIterable {
    case float32, float64
}
