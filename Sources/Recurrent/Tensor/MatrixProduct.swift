/// Row-major matrix products on plain arrays, for the layers that multiply whole batches at once
/// (``Linear``) and their backward passes.
enum MatrixProduct {
    /// `c += a · b` (or `a · bᵀ` when `transposeB`), where `a` is `m × k`, `b` is `k × n` (`n × k`
    /// when transposed) and `c` is `m × n`, all row-major and densely packed.
    static func accumulate<Scalar: RecurrentScalar>(
        _ a: [Scalar], _ b: [Scalar], transposeB: Bool, into c: inout [Scalar], m: Int, n: Int, k: Int
    ) {
        // With k = 0 the product is empty and c stays; BLAS would reject the leading dimension 0.
        guard m > 0, n > 0, k > 0 else { return }
        a.withUnsafeBufferPointer { a in
            b.withUnsafeBufferPointer { b in
                c.withUnsafeMutableBufferPointer { c in
                    guard let a = a.baseAddress, let b = b.baseAddress, let c = c.baseAddress else { return }
                    BLAS.gemm(
                        m: m, n: n, k: k, a: a, lda: k, b: b, ldb: transposeB ? k : n, transposeB: transposeB,
                        beta: 1, c: c, ldc: n)
                }
            }
        }
    }

    /// The sum of each column of a `rows × columns` row-major matrix, accumulated in `Double` and
    /// rounded once (PyTorch's float32 reductions accumulate pairwise in float32; one rounding stays
    /// within their error).
    static func columnSums<Scalar: RecurrentScalar>(_ matrix: [Scalar], rows: Int, columns: Int) -> [Scalar] {
        var sums = [Double](repeating: 0, count: columns)
        for row in 0..<rows {
            for column in 0..<columns { sums[column] += Double(matrix[row * columns + column]) }
        }
        return sums.map { Scalar($0) }
    }
}
