import CBLAS
import Foundation

/// The number of threads the forward pass uses.
///
/// By default every core, as PyTorch does; set a count to fix it, for instance to compare with PyTorch
/// at the same count (`torch.set_num_threads`). OpenBLAS threads each large matrix product with it; the
/// recurrence, whose per-step products are too small for OpenBLAS to thread well, splits each step's
/// columns over that many threads of its own, with OpenBLAS on one thread meanwhile. Forwards that run
/// at once on several threads share OpenBLAS's setting, which costs them speed, never correctness.
/// Accelerate manages its own threads, so on macOS the setting reads 0 and setting it does nothing.
///
/// ```swift
/// BLASThreads.count = 1
/// ```
public enum BLASThreads {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var configured: Int?
    #if !canImport(Accelerate)
    /// OpenBLAS's own default (its core count), read before anything changes it.
    private static let initial = Int(openblas_get_num_threads())
    #endif

    /// The thread count in use.
    public static var count: Int {
        get {
            #if canImport(Accelerate)
            0
            #else
            lock.withLock { configured } ?? initial
            #endif
        }
        set {
            #if !canImport(Accelerate)
            let value = max(newValue, 1)
            lock.withLock { configured = value }
            openblas_set_num_threads(Int32(clamping: value))
            #endif
        }
    }

    /// Runs `body` with OpenBLAS on one thread, for callers that share the work among threads of their
    /// own: OpenBLAS would otherwise thread each of their calls too, or serialise them.
    static func withSingleThreadedBLAS<Result>(_ body: () -> Result) -> Result {
        #if canImport(Accelerate)
        return body()
        #else
        openblas_set_num_threads(1)
        defer { openblas_set_num_threads(Int32(clamping: count)) }
        return body()
        #endif
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
    /// forward pass can hope for. The best of at least 8 products and half a second, so that a moment
    /// of contention on a shared machine does not lower it.
    package static func gemmPeak<Scalar: RecurrentScalar>(_: Scalar.Type, size: Int = 1024) -> Double {
        let a = [Scalar](repeating: 0.5, count: size * size)
        var c = [Scalar](repeating: 0, count: size * size)
        let flops = 2 * Double(size * size * size)
        var best = Double.infinity
        let started = ContinuousClock.now
        var runs = 0
        while runs < 8 || (ContinuousClock.now - started).seconds < 0.5 {
            runs += 1
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
    package var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) * 1e-18
    }
}
