import Recurrent

/// The relative and absolute tolerance of a closeness check: `|actual - expected| <= atol + rtol * |expected|`.
public struct Tolerance: Hashable, Sendable, Codable {
    /// The relative tolerance (`rtol`).
    public var relative: Double
    /// The absolute tolerance (`atol`).
    public var absolute: Double

    /// Creates a tolerance.
    public init(relative: Double, absolute: Double) {
        self.relative = relative
        self.absolute = absolute
    }

    /// Exact equality.
    public static let exact = Tolerance(relative: 0, absolute: 0)

    /// `torch.testing.assert_close`'s default tolerance for a dtype: float32 `(1.3e-6, 1e-5)`,
    /// float64 `(1e-7, 1e-7)`, float16 `(1e-3, 1e-5)`, bfloat16 `(1.6e-2, 1e-5)`, exact for integers
    /// and booleans.
    public static func assertCloseDefault(for dtype: DType) -> Tolerance {
        switch dtype {
        case .float16: Tolerance(relative: 1e-3, absolute: 1e-5)
        case .bfloat16: Tolerance(relative: 1.6e-2, absolute: 1e-5)
        case .float32: Tolerance(relative: 1.3e-6, absolute: 1e-5)
        case .float64: Tolerance(relative: 1e-7, absolute: 1e-7)
        default: .exact
        }
    }
}

/// What the runner takes of a fixture's own word on how strict to be.
///
/// A case may ask for `assert_close`'s default tolerance for its dtype or a stricter one; a looser
/// one fails the case (and the comparison uses the default), whoever wrote the file. `equal_nan`
/// (NaN matches NaN) is honoured only where an input holds NaN or an infinity, where torch's own
/// result is NaN by propagation; elsewhere it fails the case. `fixtures/README.md` documents both.
public enum TolerancePolicy {
    /// The tolerance and NaN rule a case is compared with, and the failures its file's requests earn.
    static func accepted(for fixture: Fixture) -> (tolerance: Tolerance, equalNaN: Bool, failures: [String]) {
        let standard = Tolerance.assertCloseDefault(for: fixture.dtype)
        var failures: [String] = []
        var tolerance = fixture.tolerance
        if tolerance.relative > standard.relative || tolerance.absolute > standard.absolute
            || tolerance.relative.isNaN || tolerance.absolute.isNaN
        {
            failures.append(
                "the fixture asks for rtol=\(tolerance.relative), atol=\(tolerance.absolute), looser than assert_close's "
                    + "default for \(fixture.dtype.rawValue) (rtol=\(standard.relative), atol=\(standard.absolute)); "
                    + "compared with the default")
            tolerance = standard
        }
        var equalNaN = fixture.equalNaN
        if equalNaN && !hasNonFiniteInput(fixture) {
            failures.append("the fixture asks for equal_nan, but no input holds NaN or an infinity; compared without it")
            equalNaN = false
        }
        return (tolerance, equalNaN, failures)
    }

    /// Whether a tensor the case feeds in (not one it expects back) holds NaN or an infinity.
    private static func hasNonFiniteInput(_ fixture: Fixture) -> Bool {
        fixture.tensors.contains { key, tensor in
            let isInput =
                ["input", "h0", "hx", "c0", "packed.data"].contains(key) || key.hasPrefix("state.") || key.hasPrefix("gradients.")
            guard isInput else { return false }
            switch tensor {
            case .float32(let t): return t.scalars.contains { !$0.isFinite }
            case .float64(let t): return t.scalars.contains { !$0.isFinite }
            case .raw: return false
            }
        }
    }
}
