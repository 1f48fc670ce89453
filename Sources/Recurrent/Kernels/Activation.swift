/// The activations, applied in place over whole buffers.
///
/// `tanh` is computed branch-free from polynomials so that the loop vectorises: libm's scalar `tanh`
/// (about 19 ns an element) would cost more than the matrix products of a small RNN. Below |x| = 1/4
/// it is tanh's odd Taylor series; above, `1 - 2 / (exp(2|x|) + 1)`, with `exp` reduced to
/// `2^k · exp(r)`, `|r| <= ln(2)/2` (Cody and Waite's split of ln 2), and `exp(r)` a Taylor
/// polynomial; the sign is restored at the end. Its error against libm is measured by a test.
enum Activation {
    /// Applies `tanh`, or `relu` keeping NaN and the sign of zero as `torch.relu` does.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    static func apply<Scalar: RecurrentScalar>(_ nonlinearity: Nonlinearity, to values: UnsafeMutableBufferPointer<Scalar>) {
        switch nonlinearity {
        case .tanh:
            for i in values.indices { values[i] = tanh(values[i]) }
        case .relu:
            for i in values.indices where values[i] < 0 { values[i] = 0 }
        }
    }

    /// `tanh(x)`, as described on ``Activation``; NaN stays NaN and ±∞ gives ±1.
    @inline(__always)
    static func tanh<Scalar: RecurrentScalar>(_ x: Scalar) -> Scalar {
        let single = Scalar.self == Float.self
        // Beyond these, tanh rounds to ±1 in the format. NaN takes the near branch, which keeps it,
        // and must not reach the integer conversion below.
        let magnitude = x.isNaN ? 0 : Swift.min(x.magnitude, single ? 10 : 19.5)
        let s = x * x
        // Horner steps over tanh's Taylor coefficients in x² (-1/3, 2/15, -17/315, ...).
        var series: Scalar
        if single {
            series = Scalar(21844.0 / 6_081_075)
        } else {
            series = Scalar(18_888_466_084.0 / 194_896_477_400_625)
            series = series * s + Scalar(-443_861_162.0 / 1_856_156_927_625)
            series = series * s + Scalar(6_404_582.0 / 10_854_718_875)
            series = series * s + Scalar(-929_569.0 / 638_512_875)
            series = series * s + Scalar(21844.0 / 6_081_075)
        }
        series = series * s + Scalar(-1382.0 / 155_925)
        series = series * s + Scalar(62.0 / 2835)
        series = series * s + Scalar(-17.0 / 315)
        series = series * s + Scalar(2.0 / 15)
        series = series * s + Scalar(-1.0 / 3)
        let near = x * (1 + s * series)  // x times the rest keeps the sign of -0

        let y = 2 * magnitude
        // Round to nearest by adding and removing 1.5 · 2^(significand bits): baseline x86-64 has no
        // vector rounding instruction, and a call to rint would stop the loop from vectorising.
        let shifter = Scalar(single ? 12_582_912 : 6_755_399_441_055_744)
        let shifted = y * Scalar(1.4426950408889634) + shifter
        let k = shifted - shifter
        let r = single
            ? (y - k * Scalar(0.693359375)) - k * Scalar(-2.12194440e-4)
            : (y - k * Scalar(0.6931471803691238)) - k * Scalar(1.9082149292705877e-10)
        // Horner steps over exp's Taylor coefficients 1/n!.
        var p: Scalar
        if single {
            p = Scalar(1.0 / 40320)
        } else {
            p = Scalar(1.0 / 6_227_020_800)
            p = p * r + Scalar(1.0 / 479_001_600)
            p = p * r + Scalar(1.0 / 39_916_800)
            p = p * r + Scalar(1.0 / 3_628_800)
            p = p * r + Scalar(1.0 / 362_880)
            p = p * r + Scalar(1.0 / 40320)
        }
        p = p * r + Scalar(1.0 / 5040)
        p = p * r + Scalar(1.0 / 720)
        p = p * r + Scalar(1.0 / 120)
        p = p * r + Scalar(1.0 / 24)
        p = p * r + Scalar(1.0 / 6)
        p = p * r + Scalar(0.5)
        p = p * r + 1
        p = p * r + 1
        // 2^k from the bits of `shifted`, whose low significand bits hold k: integer arithmetic that
        // wraps instead of trapping, so that nothing stops the loop from vectorising. Scalar is Float
        // or Double here, so the bit casts are exact.
        let power = single
            ? unsafeBitCast((unsafeBitCast(shifted, to: UInt32.self) &- 0x4B40_0000 &+ 127) << 23, to: Scalar.self)
            : unsafeBitCast((unsafeBitCast(shifted, to: UInt64.self) &- 0x4338_0000_0000_0000 &+ 1023) << 52, to: Scalar.self)
        let far = 1 - 2 / (p * power + 1)
        return magnitude < 0.25 ? near : Scalar(signOf: x, magnitudeOf: far)
    }
}
