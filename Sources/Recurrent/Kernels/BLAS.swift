import CBLAS

/// The BLAS routines the forward pass uses, for Float and Double through one generic entry point.
///
/// Matrices are row-major. OpenBLAS on Linux, Accelerate on macOS.
enum BLAS {
    /// `C = op(A) · op(B) + beta * C`, where `op(X)` is `X` or `Xᵀ`; `op(A)` is `m × k` (`A`'s
    /// leading dimension `lda`), `C` is `m × n` (`ldc`).
    @inline(__always)
    static func gemm<Scalar: RecurrentScalar>(
        m: Int, n: Int, k: Int,
        a: UnsafePointer<Scalar>, lda: Int, transposeA: Bool = false,
        b: UnsafePointer<Scalar>, ldb: Int, transposeB: Bool,
        beta: Scalar, c: UnsafeMutablePointer<Scalar>, ldc: Int
    ) {
        guard m > 0, n > 0 else { return }
        let transA = transposeA ? CblasTrans : CblasNoTrans
        let transB = transposeB ? CblasTrans : CblasNoTrans
        if Scalar.self == Float.self {
            a.withMemoryRebound(to: Float.self, capacity: 1) { a in
                b.withMemoryRebound(to: Float.self, capacity: 1) { b in
                    c.withMemoryRebound(to: Float.self, capacity: 1) { c in
                        cblas_sgemm(
                            CblasRowMajor, transA, transB, blasInt(m), blasInt(n), blasInt(k), 1, a, blasInt(lda), b,
                            blasInt(ldb), Float(beta), c, blasInt(ldc))
                    }
                }
            }
        } else {
            a.withMemoryRebound(to: Double.self, capacity: 1) { a in
                b.withMemoryRebound(to: Double.self, capacity: 1) { b in
                    c.withMemoryRebound(to: Double.self, capacity: 1) { c in
                        cblas_dgemm(
                            CblasRowMajor, transA, transB, blasInt(m), blasInt(n), blasInt(k), 1, a, blasInt(lda), b,
                            blasInt(ldb), Double(beta), c, blasInt(ldc))
                    }
                }
            }
        }
    }

    /// `y = Aᵀ · x + y` for a row-major `m × n` matrix `A`.
    @inline(__always)
    static func gemv<Scalar: RecurrentScalar>(
        m: Int, n: Int, a: UnsafePointer<Scalar>, lda: Int, x: UnsafePointer<Scalar>, y: UnsafeMutablePointer<Scalar>
    ) {
        guard m > 0 else { return }
        if Scalar.self == Float.self {
            a.withMemoryRebound(to: Float.self, capacity: 1) { a in
                x.withMemoryRebound(to: Float.self, capacity: 1) { x in
                    y.withMemoryRebound(to: Float.self, capacity: 1) { y in
                        cblas_sgemv(CblasRowMajor, CblasTrans, blasInt(m), blasInt(n), 1, a, blasInt(lda), x, 1, 1, y, 1)
                    }
                }
            }
        } else {
            a.withMemoryRebound(to: Double.self, capacity: 1) { a in
                x.withMemoryRebound(to: Double.self, capacity: 1) { x in
                    y.withMemoryRebound(to: Double.self, capacity: 1) { y in
                        cblas_dgemv(CblasRowMajor, CblasTrans, blasInt(m), blasInt(n), 1, a, blasInt(lda), x, 1, 1, y, 1)
                    }
                }
            }
        }
    }

    #if canImport(Accelerate)
    private typealias Integer = Int32
    #else
    private typealias Integer = blasint
    #endif

    @inline(__always)
    private static func blasInt(_ value: Int) -> Integer { Integer(truncatingIfNeeded: value) }
}
