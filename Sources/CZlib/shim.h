// CZlib: zlib (Debian's zlib1g-dev, found through `pkg-config zlib`; part of macOS), for the
// deflate-compressed entries of `numpy.savez_compressed` archives.
#ifndef RECURRENT_CZLIB_SHIM_H
#define RECURRENT_CZLIB_SHIM_H

#include <zlib.h>

#endif
