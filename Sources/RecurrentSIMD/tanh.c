// tanh over a buffer, branch-free so that the loop vectorises: libm's scalar tanh (about 19 ns an
// element) would cost more than the matrix products of a small RNN.
//
// tanh(|x|) = e / (e + 2) with e = expm1(2|x|), which has no cancellation near 0. expm1 is reduced to
// 2^k · (1 + expm1(r)) - 1 with |r| <= ln(2)/2 (Cody and Waite's split of ln 2), expm1(r) is a Taylor
// polynomial evaluated by Estrin's scheme (the loop is bound by latency, and Estrin's chain is half as
// deep as Horner's), and the sign is restored at the end. k is rounded by adding and removing
// 1.5 · 2^(significand bits), and 2^k is built from the bits of that sum.
//
// tanh_format.h holds the algorithm once; it is included here once per format, with the format's
// constants. Each function is cloned for x86-64-v4 (AVX-512), x86-64-v3 (AVX2, FMA) and the baseline,
// and the loader picks the clone for the CPU (an ELF ifunc); elsewhere the baseline build serves.

#include "recurrent_simd.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

#if defined(__x86_64__) && defined(__ELF__) && defined(__clang__)
#define RECURRENT_CLONES __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define RECURRENT_CLONES
#endif

// float: tanh rounds to ±1 beyond |x| = 10; ln 2 split so that k · LN2_HI is exact; 8 Taylor terms.
#define TANH_NAME recurrent_tanh_float
#define SCALAR float
#define BITS uint32_t
#define ABS fabsf
#define COPYSIGN copysignf
#define CAP 10.0f
#define SHIFTER 12582912.0f
#define SHIFTER_BITS 0x4B400000u
#define EXPONENT_BIAS 127u
#define SIGNIFICAND_BITS 23
#define LN2_HI 0.693359375f
#define LN2_LO -2.12194440e-4f
#define EXTRA_TERMS 0
#include "tanh_format.h"

// double: beyond |x| = 19.5; 13 Taylor terms.
#define TANH_NAME recurrent_tanh_double
#define SCALAR double
#define BITS uint64_t
#define ABS fabs
#define COPYSIGN copysign
#define CAP 19.5
#define SHIFTER 6755399441055744.0
#define SHIFTER_BITS 0x4338000000000000u
#define EXPONENT_BIAS 1023u
#define SIGNIFICAND_BITS 52
#define LN2_HI 0.6931471803691238
#define LN2_LO 1.9082149292705877e-10
#define EXTRA_TERMS 1
#include "tanh_format.h"
