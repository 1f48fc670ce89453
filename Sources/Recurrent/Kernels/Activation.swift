/// The activations, applied in place over whole buffers.
///
/// `tanh` is computed branch-free from a polynomial so that the loop vectorises: libm's scalar `tanh`
/// (about 19 ns an element) would cost more than the matrix products of a small RNN. It is
/// `tanh(|x|) = e / (e + 2)` with `e = expm1(2|x|)`, which has no cancellation near 0; `expm1` is
/// reduced to `2^k · (1 + expm1(r)) - 1`, `|r| <= ln(2)/2` (Cody and Waite's split of ln 2), with
/// `expm1(r)` a Taylor polynomial, and the sign is restored at the end. Its error against libm is
/// measured by a test.
enum Activation {
    /// Applies `tanh`, or `relu` keeping NaN and the sign of zero as `torch.relu` does.
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    static func apply<Scalar: RecurrentScalar>(_ nonlinearity: Nonlinearity, to values: UnsafeMutableBufferPointer<Scalar>) {
        switch nonlinearity {
        case .tanh:
            for i in values.indices { values[i] = tanh(values[i]) }
        case .relu:
            // A select on a hoisted zero, not a conditional store: only in this form does the loop
            // vectorise (to maxps, which keeps NaN and -0), with no branch on the sign.
            let zero: Scalar = 0
            for i in values.indices {
                let value = values[i]
                values[i] = value < zero ? zero : value
            }
        }
    }

    /// `tanh(x)`, as described on ``Activation``; NaN stays NaN, ±∞ gives ±1 and -0 stays -0.
    @inline(__always)
    static func tanh<Scalar: RecurrentScalar>(_ x: Scalar) -> Scalar {
        let single = Scalar.self == Float.self
        // Beyond these, tanh rounds to ±1 in the format. `min` keeps NaN, which then runs through
        // arithmetic and bit casts only, so it comes out as NaN without a trap or a branch.
        let y = 2 * Swift.min(x.magnitude, single ? 10 : 19.5)
        // Round to nearest by adding and removing 1.5 · 2^(significand bits): baseline x86-64 has no
        // vector rounding instruction, and a call to rint would stop the loop from vectorising.
        let shifter = Scalar(single ? 12_582_912 : 6_755_399_441_055_744)
        let shifted = y * Scalar(1.4426950408889634) + shifter
        let k = shifted - shifter
        let r = single
            ? (y - k * Scalar(0.693359375)) - k * Scalar(-2.12194440e-4)
            : (y - k * Scalar(0.6931471803691238)) - k * Scalar(1.9082149292705877e-10)
        // expm1(r) = r · Σ r^(n-1) / n!, evaluated by Estrin's scheme: pairs of terms, then pairs of
        // pairs. The loop is bound by latency, and this chain is half as deep as Horner's.
        let r2 = r * r
        let r4 = r2 * r2
        let low = (1 + Scalar(1.0 / 2) * r) + (Scalar(1.0 / 6) + Scalar(1.0 / 24) * r) * r2
        let high = (Scalar(1.0 / 120) + Scalar(1.0 / 720) * r) + (Scalar(1.0 / 5040) + Scalar(1.0 / 40320) * r) * r2
        var p = low + high * r4
        if !single {
            let next = (Scalar(1.0 / 362_880) + Scalar(1.0 / 3_628_800) * r)
                + (Scalar(1.0 / 39_916_800) + Scalar(1.0 / 479_001_600) * r) * r2
            p = p + (next + Scalar(1.0 / 6_227_020_800) * r4) * (r4 * r4)
        }
        let expm1R = p * r
        // 2^k from the bits of `shifted`, whose low significand bits hold k: integer arithmetic that
        // wraps instead of trapping, so that nothing stops the loop from vectorising. Scalar is Float
        // or Double here, so the bit casts are exact.
        let power = single
            ? unsafeBitCast((unsafeBitCast(shifted, to: UInt32.self) &- 0x4B40_0000 &+ 127) << 23, to: Scalar.self)
            : unsafeBitCast((unsafeBitCast(shifted, to: UInt64.self) &- 0x4338_0000_0000_0000 &+ 1023) << 52, to: Scalar.self)
        // 2^k - 1 is exact, and so is k = 0's e = expm1(r): no cancellation near 0.
        let e = power * expm1R + (power - 1)
        return Scalar(signOf: x, magnitudeOf: e / (e + 2))
    }
}
