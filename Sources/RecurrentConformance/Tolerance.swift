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
