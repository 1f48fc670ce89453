// RecurrentSIMD: the element-wise activations, compiled once per x86-64 feature level and chosen when
// the library loads, so that they use the widest vectors the CPU has (AVX-512, AVX2 with FMA, SSE2).
#ifndef RECURRENT_SIMD_H
#define RECURRENT_SIMD_H

#include <stddef.h>

/// Replaces each of the `count` values from `values` with its hyperbolic tangent: within 4 ulp of
/// libm's, NaN stays NaN, ±inf gives ±1 and -0 stays -0.
void recurrent_tanh_float(float *values, size_t count);

/// Replaces each of the `count` values from `values` with its hyperbolic tangent: within 5 ulp of
/// libm's, NaN stays NaN, ±inf gives ±1 and -0 stays -0.
void recurrent_tanh_double(double *values, size_t count);

#endif
