// CBLAS: OpenBLAS on Linux (libopenblas-dev, found through `pkg-config openblas`), Accelerate on macOS.
#ifndef RECURRENT_CBLAS_SHIM_H
#define RECURRENT_CBLAS_SHIM_H

#if defined(__APPLE__)
#include <Accelerate/Accelerate.h>
#else
#include <cblas.h>
#endif

#endif
