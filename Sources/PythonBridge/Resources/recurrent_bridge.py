"""The Python side of Recurrent's embedded-Python bridge (PythonBridge/Python.swift): path set-up,
statement execution and tensor conversion."""
import site, sys

def add_site_dir(path):
    if path not in sys.path:
        site.addsitedir(path)
    sys.path.remove(path)
    sys.path.insert(0, path)

def import_torch():
    # This process links OpenBLAS, whose sgemm_ and kin are global symbols. libtorch_cpu exports
    # the same names from the MKL it bundles and calls them through its PLT, so a plain import
    # binds torch's matrix products to OpenBLAS: not the torch users run, and at two threads
    # OpenBLAS's pool inside torch's OpenMP regions made it 4x slower. RTLD_DEEPBIND makes
    # torch's libraries resolve to their own symbols first.
    import os
    flags = sys.getdlopenflags()
    sys.setdlopenflags(flags | getattr(os, "RTLD_DEEPBIND", 0))
    try:
        import torch
    finally:
        sys.setdlopenflags(flags)
    return torch

def run(code):
    namespace = {"__name__": "__recurrent__"}
    exec(compile(code, "<recurrent>", "exec"), namespace)
    return namespace.get("result")

def tensor_from_bytes(data, dtype, shape):
    import torch
    dt = getattr(torch, dtype)
    if len(data) == 0:
        return torch.empty(shape, dtype=dt)
    return torch.frombuffer(bytearray(data), dtype=dt).reshape(shape).clone()

def tensor_to_bytes(t):
    import torch
    if not isinstance(t, torch.Tensor):
        raise TypeError(f"expected a torch.Tensor, got {type(t).__name__}")
    t = t.detach().contiguous().cpu()
    data = t.reshape(-1).view(torch.uint8).numpy().tobytes() if t.numel() else b""
    return (str(t.dtype).replace("torch.", ""), tuple(t.shape), data)

def prepend_import_path(path):
    if path not in sys.path:
        sys.path.insert(0, path)

def set_torch_threads(count):
    import torch
    torch.set_num_threads(count)
