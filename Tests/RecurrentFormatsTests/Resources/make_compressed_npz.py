"""Writes the compressed .npz files NumPyArrayTests reads (run from this folder with the torch venv's
python; numpy's own writer makes them, except the hostile ones, which are made the way an attacker
would: a real zlib stream behind a header that lies about it).

  savez_compressed.npz  numpy.savez_compressed of arrays whose values the test computes itself
  bomb.npz              x.npy's header declares 4 float32 values; its deflated data holds 16 MiB more
  lying_header.npz      x.npy's header declares 2^40 float32 values; 64 bytes follow
  huge_header.npz       x.npy claims a header of 2^32 - 1 bytes (version 2), and 1 MiB of zeros follows
"""
import io, zipfile
import numpy as np

np.savez_compressed(
    "savez_compressed.npz",
    x=(np.arange(12, dtype=np.float32) / 7).reshape(3, 4),
    lengths=np.array([3, 1], dtype=np.int64),
    fortran=np.asfortranarray(np.arange(6, dtype=np.float64).reshape(2, 3)),
    mask=np.array([True, False, True]),
    runs=np.repeat(np.arange(100, dtype=np.float32), 1000),
)

def header(shape):
    buffer = io.BytesIO()
    np.lib.format.write_array_header_1_0(buffer, {"descr": "<f4", "fortran_order": False, "shape": shape})
    return buffer.getvalue()

def archive(name, payload):
    with zipfile.ZipFile(name, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("x.npy", payload)

archive("bomb.npz", header((4,)) + bytes(16) + bytes(16 << 20))
archive("lying_header.npz", header((1 << 40,)) + bytes(64))
archive("huge_header.npz", b"\x93NUMPY\x02\x00" + (2**32 - 1).to_bytes(4, "little") + bytes(1 << 20))
