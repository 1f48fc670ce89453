import RealModule

extension TorchGenerator {
    /// `count` standard normal values, drawn as PyTorch's CPU `normal_` (and so `torch.randn`,
    /// `nn.init.normal_`) fills a contiguous tensor of `Scalar`.
    ///
    /// Fewer than 16 values are drawn one by one with ``nextNormalDouble()`` and rounded to `Scalar`.
    /// From 16 on, every value is first a unit uniform draw of `Scalar`'s recipe; each block of 16 is
    /// then turned into normals by Box-Muller (``RecurrentScalar/torchNormalBlock(_:at:)``), and a
    /// count that is not a multiple of 16 redraws the last 16 values and transforms them again.
    mutating func normalScalars<Scalar: RecurrentScalar>(count: Int) -> [Scalar] {
        guard count >= 16 else { return (0..<count).map { _ in Scalar(nextNormalDouble()) } }
        var values = (0..<count).map { _ in Scalar.torchUniform(from: 0, to: 1, using: &self) }
        for start in stride(from: 0, to: count - 15, by: 16) { Scalar.torchNormalBlock(&values, at: start) }
        if count % 16 != 0 {
            let start = count - 16
            for offset in 0..<16 { values[start + offset] = Scalar.torchUniform(from: 0, to: 1, using: &self) }
            Scalar.torchNormalBlock(&values, at: start)
        }
        return values
    }
}

/// The single-precision logarithm, sine and cosine that PyTorch's AVX2 kernels use for Box-Muller
/// (`log256_ps` and `sincos256_ps` of `ATen/native/cpu/avx_mathfun.h`, Cephes' algorithms by
/// Julien Pommier and Giovanni Garberoglio, zlib licence), one lane at a time.
///
/// PyTorch compiles them with multiply-adds fused where GCC can fuse them; the `addingProduct`
/// calls below are those fused operations, found by matching PyTorch's `randn` bit for bit.
enum CephesFloat {
    private static func float(_ value: Double) -> Float { Float(value) }

    private static let sqrtHalf = float(0.707106781186547524)
    private static let logPolynomial: [Float] = [
        7.0376836292E-2, -1.1514610310E-1, 1.1676998740E-1, -1.2420140846E-1, 1.4249322787E-1,
        -1.6668057665E-1, 2.0000714765E-1, -2.4999993993E-1, 3.3333331174E-1,
    ].map(float)
    private static let logQ1 = float(-2.12194440e-4)
    private static let logQ2 = float(0.693359375)

    /// `log(x)` for a positive, normal `x`.
    static func log(_ x: Float) -> Float {
        let bits = x.bitPattern
        var exponent = Float(Int32(bitPattern: bits >> 23) - 0x7F) + 1
        // The significand scaled into [0.5, 1).
        var m = Float(bitPattern: (bits & ~0x7F80_0000) | Float(0.5).bitPattern)
        let small = m < sqrtHalf
        let kept: Float = small ? m : 0
        m -= 1
        if small { exponent -= 1 }
        m += kept
        let z = m * m
        var y = logPolynomial[0]
        for coefficient in logPolynomial.dropFirst() { y = coefficient.addingProduct(y, m) }
        y *= m
        y = (exponent * logQ1).addingProduct(y, z)
        y -= z * 0.5
        m += y
        return m.addingProduct(exponent, logQ2)
    }

    private static let fourOverPi = float(1.27323954473516)
    private static let minusDP1 = float(-0.78515625)
    private static let minusDP2 = float(-2.4187564849853515625e-4)
    private static let minusDP3 = float(-3.77489497744594108e-8)
    private static let sinPolynomial = [-1.9515295891E-4, 8.3321608736E-3, -1.6666654611E-1].map(float)
    private static let cosPolynomial = [2.443315711809948E-005, -1.388731625493765E-003, 4.166664568298827E-002].map(float)

    /// `(sin(x), cos(x))` for a finite `x` of magnitude below 8192.
    static func sinCos(_ x: Float) -> (sin: Float, cos: Float) {
        var reduced = x.magnitude
        var octant = Int32(reduced * fourOverPi)
        octant = (octant + 1) & ~1
        let y = Float(octant)
        reduced = reduced.addingProduct(y, minusDP1)
        reduced = reduced.addingProduct(y, minusDP2)
        reduced = reduced.addingProduct(y, minusDP3)
        let sinNegative = (x.sign == .minus) != (octant & 4 != 0)
        let cosNegative = ~(octant &- 2) & 4 != 0
        let z = reduced * reduced
        var cosine = cosPolynomial[1].addingProduct(cosPolynomial[0], z)
        cosine = cosPolynomial[2].addingProduct(cosine, z)
        cosine *= z
        cosine = (-(z * 0.5)).addingProduct(cosine, z)
        cosine += 1
        var sine = sinPolynomial[1].addingProduct(sinPolynomial[0], z)
        sine = sinPolynomial[2].addingProduct(sine, z)
        sine *= z
        sine = reduced.addingProduct(sine, reduced)
        let firstOctantPair = octant & 2 == 0
        let s = firstOctantPair ? sine : cosine
        let c = firstOctantPair ? cosine : sine
        return (sinNegative ? -s : s, cosNegative ? -c : c)
    }
}
