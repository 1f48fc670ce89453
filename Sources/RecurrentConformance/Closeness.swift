import Foundation
import Recurrent

/// The outcome of comparing an actual tensor with an expected one as `torch.testing.assert_close`
/// compares them.
///
/// Shapes are compared first, then dtypes, then values: an element matches when both are equal
/// (equal infinities included) or when `|a - e|` is finite and at most `atol + |rtol * e|`, computed
/// in the tensors' dtype. NaN matches NaN only with `equalNaN`.
///
/// ```swift
/// let comparison = Closeness.compare(actual, expected)   // assert_close's default tolerances
/// if !comparison.passed { print(comparison.report) }
/// // Tensor-likes are not close!
/// //
/// // Mismatched elements: 2 / 6 (33.3%)
/// // Greatest absolute difference: 0.0009999275207519531 at index (0, 1) (up to 1e-05 allowed)
/// // ...
/// ```
public struct Closeness: Hashable, Sendable, Codable {
    /// Why a comparison failed before values were compared.
    public enum AttributeMismatch: Hashable, Sendable, Codable {
        /// The shapes differ.
        case shape(actual: [Int], expected: [Int])
        /// The dtypes differ.
        case dtype(actual: DType, expected: DType)
    }

    /// The largest difference of one kind, with where it is.
    public struct Extreme: Hashable, Sendable, Codable {
        /// The difference.
        public var value: Double
        /// The element's index, one entry per dimension.
        public var index: [Int]
        /// The actual value there.
        public var actual: Double
        /// The expected value there.
        public var expected: Double
    }

    /// The tolerance used.
    public var tolerance: Tolerance
    /// A shape or dtype mismatch, when there was one (then no values were compared).
    public var attributeMismatch: AttributeMismatch?
    /// The number of elements compared.
    public var total: Int
    /// The number of elements that are not close.
    public var mismatched: Int
    /// The greatest absolute difference over all elements (the report's row figure), or `nil` when
    /// nothing was compared.
    public var maxAbsoluteDifference: Double?
    /// The greatest relative difference over all elements, or `nil` when nothing was compared.
    public var maxRelativeDifference: Double?
    /// The greatest `|actual - expected| / (atol + rtol * |expected|)` over all elements: how far the
    /// worst element went into its tolerance (above 1 it is not close). 0 for equal elements (and NaN
    /// matching NaN with `equalNaN`), infinity where the difference is not finite or nothing is
    /// allowed; `nil` when nothing was compared.
    public var maxToleranceRatio: Double?
    /// The greatest absolute difference among the mismatched elements.
    public var greatestAbsolute: Extreme?
    /// The greatest relative difference among the mismatched elements.
    public var greatestRelative: Extreme?
    /// Whether the expected tensor is 0-D, which changes the report's wording.
    public var isScalar: Bool

    /// Whether the tensors are close.
    public var passed: Bool { attributeMismatch == nil && mismatched == 0 }

    /// Compares two tensors of any dtype: shape, then dtype, then values with `tolerance`
    /// (assert_close's default for the expected dtype when `nil`).
    public static func compare(
        _ actual: AnyTensor, _ expected: AnyTensor, tolerance: Tolerance? = nil, equalNaN: Bool = false
    ) -> Closeness {
        let tolerance = tolerance ?? .assertCloseDefault(for: expected.dtype)
        func failed(_ mismatch: AttributeMismatch) -> Closeness {
            Closeness(
                tolerance: tolerance, attributeMismatch: mismatch, total: 0, mismatched: 0,
                isScalar: expected.rank == 0)
        }
        guard actual.shape == expected.shape else {
            return failed(.shape(actual: actual.shape, expected: expected.shape))
        }
        guard actual.dtype == expected.dtype else {
            return failed(.dtype(actual: actual.dtype, expected: expected.dtype))
        }
        switch (actual, expected) {
        case (.float32(let a), .float32(let e)): return compare(a, e, tolerance: tolerance, equalNaN: equalNaN)
        case (.float64(let a), .float64(let e)): return compare(a, e, tolerance: tolerance, equalNaN: equalNaN)
        default:
            return compare(
                actual.converted(to: Double.self), expected.converted(to: Double.self), tolerance: tolerance,
                equalNaN: equalNaN)
        }
    }

    /// Compares two tensors of one floating-point type, in that type.
    public static func compare<Scalar: RecurrentScalar>(
        _ actual: Tensor<Scalar>, _ expected: Tensor<Scalar>, tolerance: Tolerance? = nil, equalNaN: Bool = false
    ) -> Closeness {
        let tolerance = tolerance ?? .assertCloseDefault(for: Scalar.dtype)
        var result = Closeness(tolerance: tolerance, total: expected.count, mismatched: 0, isScalar: expected.rank == 0)
        guard actual.shape == expected.shape else {
            result.attributeMismatch = .shape(actual: actual.shape, expected: expected.shape)
            return result
        }
        let rtol = Scalar(tolerance.relative)
        let atol = Scalar(tolerance.absolute)
        var maxAbsolute: Scalar = 0
        var maxRelative: Scalar = 0
        var maxRatio: Scalar = 0
        var worstAbsolute: (value: Scalar, offset: Int)?
        var worstRelative: (value: Scalar, offset: Int)?
        // NaN counts as the greatest difference, as torch.max propagates it.
        func exceeds(_ value: Scalar, _ best: Scalar?) -> Bool {
            guard let best else { return true }
            return (value.isNaN && !best.isNaN) || value > best
        }
        for offset in 0..<expected.count {
            let (a, e) = (actual.scalars[offset], expected.scalars[offset])
            let absolute = (a - e).magnitude
            let relative = absolute / e.magnitude
            if absolute.isFinite {
                maxAbsolute = max(maxAbsolute, absolute)
                if relative.isFinite { maxRelative = max(maxRelative, relative) }
            }
            let allowed = atol + (rtol * e).magnitude
            let equal = a == e || (equalNaN && a.isNaN && e.isNaN)
            let close = equal || (absolute.isFinite && absolute <= allowed)
            if !equal {
                maxRatio = max(maxRatio, absolute.isFinite && allowed > 0 ? absolute / allowed : .infinity)
            }
            guard !close else { continue }
            result.mismatched += 1
            if exceeds(absolute, worstAbsolute?.value) { worstAbsolute = (absolute, offset) }
            if exceeds(relative, worstRelative?.value) { worstRelative = (relative, offset) }
        }
        result.maxAbsoluteDifference = Double(maxAbsolute)
        result.maxRelativeDifference = Double(maxRelative)
        result.maxToleranceRatio = Double(maxRatio)
        func extreme(_ worst: (value: Scalar, offset: Int)?) -> Extreme? {
            worst.map {
                Extreme(
                    value: Double($0.value), index: unravel($0.offset, shape: expected.shape),
                    actual: Double(actual.scalars[$0.offset]), expected: Double(expected.scalars[$0.offset]))
            }
        }
        result.greatestAbsolute = extreme(worstAbsolute)
        result.greatestRelative = extreme(worstRelative)
        return result
    }

    /// assert_close's failure message, followed by the actual and expected values at the worst
    /// element (which assert_close leaves out); empty when the comparison passed.
    public var report: String {
        if let attributeMismatch {
            switch attributeMismatch {
            case .shape(let actual, let expected):
                return "The values for attribute 'shape' do not match: torch.Size(\(formatList(actual))) != torch.Size(\(formatList(expected)))."
            case .dtype(let actual, let expected):
                return "The values for attribute 'dtype' do not match: \(actual.torchName) != \(expected.torchName)."
            }
        }
        guard let absolute = greatestAbsolute, let relative = greatestRelative else { return "" }
        let atol = pythonRepr(tolerance.absolute)
        let rtol = pythonRepr(tolerance.relative)
        if isScalar {
            // assert_close words a 0-D mismatch from Python floats, so its differences are doubles.
            let difference = (absolute.actual - absolute.expected).magnitude
            return """
                Scalars are not close!

                Expected \(pythonRepr(absolute.expected)) but got \(pythonRepr(absolute.actual)).
                Absolute difference: \(pythonRepr(difference)) (up to \(atol) allowed)
                Relative difference: \(pythonRepr(difference / absolute.expected.magnitude)) (up to \(rtol) allowed)
                """
        }
        let share = String(format: "%.1f%%", 100 * Double(mismatched) / Double(total))
        return """
            Tensor-likes are not close!

            Mismatched elements: \(mismatched) / \(total) (\(share))
            Greatest absolute difference: \(pythonRepr(absolute.value)) at index \(formatTuple(absolute.index)) (up to \(atol) allowed)
            Greatest relative difference: \(pythonRepr(relative.value)) at index \(formatTuple(relative.index)) (up to \(rtol) allowed)
            At \(formatTuple(absolute.index)): actual \(pythonRepr(absolute.actual)), expected \(pythonRepr(absolute.expected))
            """
    }
}

/// The multi-dimensional index of a row-major offset.
func unravel(_ offset: Int, shape: [Int]) -> [Int] {
    var index = [Int](repeating: 0, count: shape.count)
    var rest = offset
    for dimension in shape.indices.reversed() where shape[dimension] > 0 {
        index[dimension] = rest % shape[dimension]
        rest /= shape[dimension]
    }
    return index
}

/// Python's `repr` of a float: the shortest round-tripping digits, `inf`, `nan`, and scientific
/// notation below 1e-4 and from 1e16.
func pythonRepr(_ value: Double) -> String {
    if value.isNaN { return "nan" }
    if value.isInfinite { return value < 0 ? "-inf" : "inf" }
    let magnitude = value.magnitude
    if magnitude != 0 && (magnitude < 1e-4 || magnitude >= 1e16) {
        // Swift's shortest digits, re-spelt with Python's exponent (at least two digits, signed).
        let text = "\(value)"
        guard let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) else { return text }
        var mantissa = String(text[..<e])
        if mantissa.hasSuffix(".0") { mantissa.removeLast(2) }
        let exponent = Int(text[text.index(after: e)...]) ?? 0
        let digits = String(exponent.magnitude)
        return mantissa + "e" + (exponent < 0 ? "-" : "+") + (digits.count < 2 ? "0" + digits : digits)
    }
    // In the fixed range Swift switches to exponents above 2^53; Python does not.
    let text = "\(value)"
    if text.contains("e"), let exact = Int64(exactly: value) { return "\(exact).0" }
    return text
}
