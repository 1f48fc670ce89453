// The body of tanh.c's functions for one floating-point format, whose constants tanh.c defines before
// including this file; it undefines them at the end, ready for the next format.

RECURRENT_CLONES
void TANH_NAME(SCALAR *values, size_t count) {
    for (size_t i = 0; i < count; i++) {
        SCALAR x = values[i];
        // Beyond CAP, tanh rounds to ±1. A NaN fails the comparison and runs through arithmetic and
        // bit copies only, so it comes out as NaN.
        SCALAR magnitude = ABS(x);
        SCALAR y = 2 * (magnitude > CAP ? CAP : magnitude);
        SCALAR shifted = y * (SCALAR)1.4426950408889634 + SHIFTER;
        SCALAR k = shifted - SHIFTER;
        SCALAR r = (y - k * LN2_HI) - k * LN2_LO;

        // expm1(r) = r · Σ r^(n-1) / n!.
        SCALAR r2 = r * r;
        SCALAR r4 = r2 * r2;
        SCALAR low = (1 + (SCALAR)(1.0 / 2) * r) + ((SCALAR)(1.0 / 6) + (SCALAR)(1.0 / 24) * r) * r2;
        SCALAR high = ((SCALAR)(1.0 / 120) + (SCALAR)(1.0 / 720) * r)
            + ((SCALAR)(1.0 / 5040) + (SCALAR)(1.0 / 40320) * r) * r2;
        SCALAR p = low + high * r4;
#if EXTRA_TERMS
        SCALAR next = ((SCALAR)(1.0 / 362880) + (SCALAR)(1.0 / 3628800) * r)
            + ((SCALAR)(1.0 / 39916800) + (SCALAR)(1.0 / 479001600) * r) * r2;
        p = p + (next + (SCALAR)(1.0 / 6227020800.0) * r4) * (r4 * r4);
#endif
        SCALAR expm1R = p * r;

        // 2^k from the low significand bits of `shifted`, which hold k.
        BITS bits;
        memcpy(&bits, &shifted, sizeof bits);
        bits = (bits - SHIFTER_BITS + EXPONENT_BIAS) << SIGNIFICAND_BITS;
        SCALAR power;
        memcpy(&power, &bits, sizeof power);

        // 2^k - 1 is exact, and so is k = 0's e = expm1(r): no cancellation near 0.
        SCALAR e = power * expm1R + (power - 1);
        values[i] = COPYSIGN(e / (e + 2), x);
    }
}

#undef TANH_NAME
#undef SCALAR
#undef BITS
#undef ABS
#undef COPYSIGN
#undef CAP
#undef SHIFTER
#undef SHIFTER_BITS
#undef EXPONENT_BIAS
#undef SIGNIFICAND_BITS
#undef LN2_HI
#undef LN2_LO
#undef EXTRA_TERMS
