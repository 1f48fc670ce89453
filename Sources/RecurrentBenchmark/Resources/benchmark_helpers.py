"""The PyTorch side of `conform bench` (RecurrentBenchmark/Benchmark.swift): the model, inputs and timing loop."""
import json, time, torch
from torch.nn.utils import rnn as rnn_utils

def prepare(spec):
    c = json.loads(spec)
    dtype = getattr(torch, c["dtype"])
    torch.manual_seed(0)
    m = torch.nn.RNN(c["inputSize"], c["hiddenSize"], c.get("numLayers", 1), nonlinearity=c.get("nonlinearity", "tanh"),
                     bidirectional=c.get("bidirectional", False), dtype=dtype).eval()
    x = torch.randn(c["steps"], c["batch"], c["inputSize"], dtype=dtype)
    lengths = c.get("lengths")
    inp = rnn_utils.pack_padded_sequence(x, lengths, enforce_sorted=False) if lengths else x
    sd = m.state_dict()
    return (m, inp, list(sd.keys()), list(sd.values()), x)

def timed(m, inp, n):
    with torch.no_grad():
        start = time.perf_counter()
        for _ in range(n):
            m(inp)
        return repr(time.perf_counter() - start)

def environment():
    import re
    config = torch.__config__.show()
    blas = re.search(r"BLAS_INFO=(\w+)", config)
    return f"{torch.get_num_threads()}|{blas.group(1) if blas else 'unknown'}"

result = type("Helpers", (), {"prepare": staticmethod(prepare), "timed": staticmethod(timed),
                               "environment": staticmethod(environment)})
