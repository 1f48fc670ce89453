import Foundation
import PythonBridge
import Testing

/// What the test targets share: where the package's files are, and whether torch is there.
public enum TestEnvironment {
    /// The package's root directory.
    public static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// The shipped fixtures, `fixtures/`.
    public static let shippedFixtures = packageRoot.appendingPathComponent("fixtures")

    /// The shipped checkpoint cases, `fixtures/checkpoints/`.
    public static let checkpointFixtures = shippedFixtures.appendingPathComponent("checkpoints")

    /// Whether the set-up's torch environment (or `$RECURRENT_TORCH_ENV`) has torch; the suites that
    /// need it run only then.
    public static let torchInstalled = PythonEnvironment.default.hasTorch()

    /// Whether the tests run in CI (`CI` is set), where a missing torch is a failure, not a skip.
    public static let isCI = !(ProcessInfo.processInfo.environment["CI"] ?? "").isEmpty

    /// The trait of a suite that needs torch: skipped, with the reason shown, when torch is missing,
    /// except in CI, where the suite runs and fails on starting torch, naming what is missing.
    public static var needsTorch: ConditionTrait {
        .enabled(
            if: torchInstalled || isCI,
            "needs torch in \(PythonEnvironment.default.path): run tools/setup.sh, or set \(PythonEnvironment.variable)")
    }
}
