import CBLAS

/// The number of threads the BLAS under the forward pass uses.
///
/// By default OpenBLAS uses every core, as PyTorch does; set a count to fix it, for instance to compare
/// with PyTorch at the same count (`torch.set_num_threads`). Accelerate manages its own threads, so on
/// macOS the setting reads 0 and setting it does nothing.
///
/// ```swift
/// BLASThreads.count = 1
/// ```
public enum BLASThreads {
    /// The thread count in use.
    public static var count: Int {
        get {
            #if canImport(Accelerate)
            0
            #else
            Int(openblas_get_num_threads())
            #endif
        }
        set {
            #if !canImport(Accelerate)
            openblas_set_num_threads(Int32(clamping: max(newValue, 1)))
            #endif
        }
    }

    /// The BLAS kernel chosen for this CPU (OpenBLAS's `openblas_get_corename()`, such as `Haswell`);
    /// `Accelerate` on macOS.
    public static var kernel: String {
        #if canImport(Accelerate)
        "Accelerate"
        #else
        openblas_get_corename().map { String(cString: $0) } ?? "unknown"
        #endif
    }

    /// The BLAS library and its build (`openblas_get_config()`).
    public static var library: String {
        #if canImport(Accelerate)
        "Accelerate"
        #else
        openblas_get_config().map { "OpenBLAS " + String(cString: $0) } ?? "OpenBLAS"
        #endif
    }

    /// The GFLOP/s of a square `size³` matrix product in `Scalar` with the current threads: the peak the
    /// forward pass can hope for.
    public static func gemmPeak<Scalar: RecurrentScalar>(_: Scalar.Type, size: Int = 1024) -> Double {
        let a = [Scalar](repeating: 0.5, count: size * size)
        var c = [Scalar](repeating: 0, count: size * size)
        let flops = 2 * Double(size * size * size)
        var best = Double.infinity
        for _ in 0..<4 {
            let start = ContinuousClock.now
            a.withUnsafeBufferPointer { a in
                c.withUnsafeMutableBufferPointer { c in
                    BLAS.gemm(
                        m: size, n: size, k: size, a: a.baseAddress!, lda: size, b: a.baseAddress!, ldb: size, transposeB: true,
                        beta: 0, c: c.baseAddress!, ldc: size)
                }
            }
            best = min(best, (ContinuousClock.now - start).seconds)
        }
        return flops / best / 1e9
    }
}

extension Duration {
    /// The duration in seconds.
    public var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) * 1e-18
    }
}
