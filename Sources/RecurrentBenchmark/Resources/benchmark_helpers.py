"""The PyTorch side of `conform bench` (RecurrentBenchmark/Benchmark.swift): the model, inputs and timing loop."""
import json, time, torch
from torch.nn.utils import rnn as rnn_utils

def prepare(spec):
    c = json.loads(spec)
    dtype = getattr(torch, c["dtype"])
    torch.manual_seed(0)
    module = c.get("module", "rnn")
    options = dict(bidirectional=c.get("bidirectional", False), dtype=dtype)
    if module == "rnn":
        options["nonlinearity"] = c.get("nonlinearity", "tanh")
    if module == "lstm":
        options["proj_size"] = c.get("projSize", 0)
    layer = {"rnn": torch.nn.RNN, "lstm": torch.nn.LSTM, "gru": torch.nn.GRU}[module]
    m = layer(c["inputSize"], c["hiddenSize"], c.get("numLayers", 1), **options).eval()
    x = torch.randn(c["steps"], c["batch"], c["inputSize"], dtype=dtype)
    lengths = c.get("lengths")
    inp = rnn_utils.pack_padded_sequence(x, lengths, enforce_sorted=False) if lengths else x
    sd = m.state_dict()
    if not c.get("training"):
        return (m, inp, list(sd.keys()), list(sd.values()), x)
    # A training step's gradients of output, h_n and (an LSTM's) c_n, drawn once and given to both sides.
    with torch.no_grad():
        results = results_of(m(x))
    generator = torch.Generator().manual_seed(1)
    return (m, inp, list(sd.keys()), list(sd.values()), x,
            *(torch.randn(r.shape, dtype=dtype, generator=generator) for r in results))

def results_of(returned):
    """(output, h_n) or, from an LSTM's (output, (h_n, c_n)), (output, h_n, c_n)."""
    out, states = returned
    return (out, *states) if isinstance(states, tuple) else (out, states)

def timed(m, inp, n):
    with torch.no_grad():
        start = time.perf_counter()
        for _ in range(n):
            m(inp)
        return repr(time.perf_counter() - start)

def timed_training(prepared, n):
    """n training steps on what `prepare` made: forward with autograd, then backward() for the prepared
    gradients of output, h_n and (an LSTM's) c_n, which reach the input and every parameter (the
    gradients accumulate, as in a training loop without zero_grad)."""
    m, inp, gradients = prepared[0], prepared[1], list(prepared[5:])
    start = time.perf_counter()
    for _ in range(n):
        x = inp.detach().requires_grad_()
        torch.autograd.backward(list(results_of(m(x))), gradients)
    return repr(time.perf_counter() - start)

def environment():
    import re
    config = torch.__config__.show()
    blas = re.search(r"BLAS_INFO=(\w+)", config)
    return f"{torch.get_num_threads()}|{blas.group(1) if blas else 'unknown'}"

result = type("Helpers", (), {"prepare": staticmethod(prepare), "timed": staticmethod(timed),
                               "timed_training": staticmethod(timed_training), "environment": staticmethod(environment)})
