/// Greatest differences that a NaN or a length mismatch cannot hide: `Swift.max` drops a NaN that is
/// not the first element, and `zip` stops at the shorter array.
public enum Differences {
    /// The greatest of `values`: NaN when any is NaN, 0 when there are none.
    public static func greatest<S: FloatingPoint>(_ values: some Sequence<S>) -> S {
        var result: S = 0
        for value in values {
            if value.isNaN { return .nan }
            result = max(result, value)
        }
        return result
    }

    /// The greatest `|actual - expected|` element by element: NaN when any difference is NaN, `nil`
    /// when the arrays differ in length.
    public static func greatestAbsolute<S: FloatingPoint>(_ actual: [S], _ expected: [S]) -> S? {
        guard actual.count == expected.count else { return nil }
        return greatest(zip(actual, expected).map { ($0 - $1).magnitude })
    }
}
