#!/usr/bin/env python3
"""Writes Recurrent's golden fixtures from real PyTorch.

Every case is one safetensors file: the module's parameters, the inputs, and what PyTorch returned
for them (or the exception it raised), with the configuration, dtype, seeds, tolerances and the
torch version in the header's metadata. `fixtures/README.md` documents the format.

    python tools/generate_fixtures.py                       # rewrite fixtures/ (seed 0)
    python tools/generate_fixtures.py --seed 7 --out /tmp/f7

With the same seed on the same machine the files are identical byte for byte.
"""
import argparse
import copy
import itertools
import json
import math
import os
import platform
import random
import struct
import sys
import warnings

import torch
import torch.nn as nn
from torch.nn.utils import rnn as rnn_utils

FORMAT = "recurrent-fixture/1"
GENERATOR = "tools/generate_fixtures.py"
# torch.testing.assert_close's defaults; a case never ships with looser ones.
TOLERANCES = {torch.float32: (1.3e-06, 1e-05), torch.float64: (1e-07, 1e-07)}
DTYPE_NAMES = {torch.float32: "float32", torch.float64: "float64"}
SAFETENSORS_DTYPES = {
    torch.float16: "F16", torch.bfloat16: "BF16", torch.float32: "F32", torch.float64: "F64",
    torch.int8: "I8", torch.int16: "I16", torch.int32: "I32", torch.int64: "I64",
    torch.uint8: "U8", torch.bool: "BOOL",
}
# A float32 case ships only if PyTorch's own float32 result is within this share of the tolerance of
# the float64 result: then an independent implementation has room for its own rounding.
CONDITIONING_LIMIT = 0.25


def safetensors_bytes(tensors, metadata):
    """`tensors` and `metadata` in the safetensors format, deterministically: keys sorted, tensors laid
    out in name order, the header padded with spaces to a multiple of 8 bytes."""
    header = {"__metadata__": dict(sorted(metadata.items()))}
    blobs, offset = [], 0
    for name in sorted(tensors):
        t = tensors[name].detach().contiguous().cpu()
        data = t.numpy().tobytes() if t.dtype != torch.bfloat16 else t.view(torch.int16).numpy().tobytes()
        header[name] = {"dtype": SAFETENSORS_DTYPES[t.dtype], "shape": list(t.shape),
                        "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(",", ":"), sort_keys=False).encode()
    text += b" " * (-len(text) % 8)
    return struct.pack("<Q", len(text)) + text + b"".join(blobs)


def json_config(config):
    """The constructor arguments as JSON; non-finite floats are written as strings."""
    def fix(v):
        if isinstance(v, float) and not math.isfinite(v):
            return "nan" if math.isnan(v) else ("inf" if v > 0 else "-inf")
        return v
    return json.dumps({k: fix(v) for k, v in config.items()}, separators=(",", ":"))


class FixtureSet:
    """Where cases go: files in `out`, or, with no `out`, the `written` list of (name, bytes)."""
    def __init__(self, out, seed, rng=None):
        self.out, self.seed = out, seed
        self.rng = rng or random.Random(seed)
        self.names = set()
        self.written = []
        self.common = {
            "format": FORMAT,
            "generator": GENERATOR,
            "torch_version": torch.__version__,
            "python_version": platform.python_version(),
            "seed": str(seed),
        }

    def case_seed(self):
        return self.rng.getrandbits(31)

    def write(self, name, tensors, metadata):
        assert name not in self.names, name
        self.names.add(name)
        meta = dict(self.common, name=name, **{k: str(v) for k, v in metadata.items()})
        data = safetensors_bytes(tensors, meta)
        if self.out is None:
            self.written.append((name, data))
        else:
            with open(os.path.join(self.out, name + ".safetensors"), "wb") as f:
                f.write(data)


def randn(shape, dtype, gen, scale=1.0):
    return torch.randn(shape, dtype=torch.float64, generator=gen).mul_(scale).to(dtype)


def build(module, config, dtype, init_seed):
    """Constructs the module after torch.manual_seed(init_seed); returns it and its warnings."""
    torch.manual_seed(init_seed)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        m = module(**config, dtype=dtype)
    return m, [str(w.message) for w in caught]


def conditioning(actual32, model, inputs, dropout_seed):
    """max |torch f32 - torch f64| / (atol + rtol |f64|) over the outputs, the same case run in float64."""
    rtol, atol = TOLERANCES[torch.float32]
    m64 = copy.deepcopy(model).double()
    if dropout_seed is not None:
        torch.manual_seed(dropout_seed)
    with torch.no_grad():
        result = m64(*[None if t is None else t.double() for t in inputs])
    result = result if isinstance(result, tuple) else (result,)
    worst = 0.0
    for a, e in zip(actual32, result):
        if a.numel():
            worst = max(worst, ((a.double() - e).abs() / (atol + rtol * e.abs())).max().item())
    return worst


def rnn_case(fs, name, config, dtype, **options):
    """One nn.RNN forward case. A float32 draw too ill-conditioned to ship is replaced by a new draw
    of weights and inputs (deterministically, from the set's seed)."""
    for _ in range(20):
        if rnn_draw(fs, name, config, dtype, **options):
            return
    raise AssertionError(f"{name}: no well-conditioned draw in 20")


def rnn_draw(fs, name, config, dtype, *, steps, batch, unbatched=False, with_h0=False, training=False,
             input_scale=1.0, ih_scale=1.0, hh_spectral_radius=None, special_input=None, description="",
             check_conditioning=True):
    """Draws and writes one nn.RNN case; returns False when a float32 draw is too ill-conditioned."""
    init_seed, data_seed, dropout_seed = fs.case_seed(), fs.case_seed(), fs.case_seed()
    rnn, caught = build(nn.RNN, config, dtype, init_seed)
    modified = ih_scale != 1.0 or hh_spectral_radius is not None
    with torch.no_grad():
        for pname, p in rnn.named_parameters():
            if ih_scale != 1.0 and "_ih_" in pname:
                p.mul_(ih_scale)
            if hh_spectral_radius is not None and pname.startswith("weight_hh"):
                # Nonnegative, so that relu passes the growth on: the state grows like radius ** L.
                p.abs_()
                radius = torch.linalg.eigvals(p.double()).abs().max().item()
                p.mul_(hh_spectral_radius / radius)
    rnn.train(training)
    gen = torch.Generator().manual_seed(data_seed)
    H, D, L = config["hidden_size"], 2 if config.get("bidirectional") else 1, config.get("num_layers", 1)
    if unbatched:
        x = randn((steps, config["input_size"]), dtype, gen, input_scale)
        h0 = randn((D * L, H), dtype, gen) if with_h0 else None
    else:
        shape = (batch, steps, config["input_size"]) if config.get("batch_first") else (steps, batch, config["input_size"])
        x = randn(shape, dtype, gen, input_scale)
        h0 = randn((D * L, batch, H), dtype, gen) if with_h0 else None
    if special_input is not None:
        x = special_input(x)
    uses_dropout = training and config.get("dropout", 0) > 0
    if uses_dropout:
        torch.manual_seed(dropout_seed)
    with torch.no_grad():
        out, hn = rnn(x, h0)
    if hh_spectral_radius is not None and out.abs().max().item() < 100:
        return False  # the relu state died out instead of growing; draw again
    ratio = 0.0
    if dtype == torch.float32 and check_conditioning:
        ratio = conditioning((out, hn), rnn, (x, h0), dropout_seed if uses_dropout else None)
        if ratio > CONDITIONING_LIMIT:
            return False
    rtol, atol = TOLERANCES[dtype]
    tensors = {"input": x, "output": out, "h_n": hn}
    if h0 is not None:
        tensors["h0"] = h0
    tensors.update({"state." + k: v for k, v in rnn.state_dict().items()})
    meta = {"module": "RNN", "config": json_config(config), "dtype": DTYPE_NAMES[dtype], "expect": "output",
            "training": str(training).lower(), "rtol": repr(rtol), "atol": repr(atol),
            "warnings": json.dumps(caught), "description": description,
            "conditioning": f"{ratio:.3g}"}
    if not modified:
        meta["init_seed"] = init_seed
    if uses_dropout:
        meta["dropout_seed"] = dropout_seed
    if special_input is not None:
        meta["equal_nan"] = "true"
    fs.write(name, tensors, meta)
    return True


def cell_case(fs, name, config, dtype, *, batch, unbatched=False, with_hx=False, description=""):
    init_seed, data_seed = fs.case_seed(), fs.case_seed()
    cell, caught = build(nn.RNNCell, config, dtype, init_seed)
    gen = torch.Generator().manual_seed(data_seed)
    I, H = config["input_size"], config["hidden_size"]
    x = randn((I,) if unbatched else (batch, I), dtype, gen)
    hx = randn((H,) if unbatched else (batch, H), dtype, gen) if with_hx else None
    with torch.no_grad():
        out = cell(x, hx)
    rtol, atol = TOLERANCES[dtype]
    tensors = {"input": x, "output": out}
    if hx is not None:
        tensors["hx"] = hx
    tensors.update({"state." + k: v for k, v in cell.state_dict().items()})
    fs.write(name, tensors, {
        "module": "RNNCell", "config": json_config(config), "dtype": DTYPE_NAMES[dtype], "expect": "output",
        "training": "true", "rtol": repr(rtol), "atol": repr(atol), "warnings": json.dumps(caught),
        "description": description, "init_seed": init_seed})


def error_case(fs, name, module, config, *, dtype=torch.float32, input=None, hidden=None, description=""):
    """A call for which PyTorch raises: the exception's type and message are the expected result."""
    init_seed = fs.case_seed()
    torch.manual_seed(init_seed)
    stage, caught = "construct", []
    try:
        with warnings.catch_warnings(record=True) as caught_warnings:
            warnings.simplefilter("always")
            try:
                m = module(**config, dtype=dtype)
            finally:
                caught = [str(w.message) for w in caught_warnings]
        stage = "forward"
        with torch.no_grad():
            m(input, hidden)
    except Exception as e:  # noqa: BLE001 - the exception is the expected result
        error_type, message = type(e).__name__, str(e)
    else:
        raise AssertionError(f"{name}: torch raised nothing")
    tensors, meta = {}, {}
    if isinstance(input, rnn_utils.PackedSequence):
        tensors.update(packed_fields("packed", input))
        meta["input_kind"] = "packed"
    elif stage == "forward":
        tensors["input"] = input
    if stage == "forward" and hidden is not None:
        tensors["h0" if module is nn.RNN else "hx"] = hidden
    meta.update({
        "module": module.__name__, "config": json_config(config), "dtype": DTYPE_NAMES[dtype],
        "expect": "error", "error_stage": stage, "error_type": error_type, "error_message": message,
        "warnings": json.dumps(caught), "init_seed": init_seed, "training": "true", "description": description})
    fs.write(name, tensors, meta)


def warning_case(fs, name, config, description):
    """A constructor call PyTorch accepts with a warning; the module is built and its state compared."""
    init_seed = fs.case_seed()
    rnn, caught = build(nn.RNN, config, torch.float32, init_seed)
    assert caught, name
    rtol, atol = TOLERANCES[torch.float32]
    fs.write(name, {"state." + k: v for k, v in rnn.state_dict().items()}, {
        "module": "RNN", "config": json_config(config), "dtype": "float32", "expect": "state",
        "warnings": json.dumps(caught), "init_seed": init_seed, "training": "true",
        "rtol": repr(rtol), "atol": repr(atol), "description": description})


def covering_assignment(rng, rows, factors):
    """Assigns the values of extra factors to `rows` so that every pair of values, of an extra factor
    with a row column or with another extra factor, appears at least once."""
    combos = list(itertools.product(*factors))
    for _ in range(1000):
        order = list(range(len(rows)))
        rng.shuffle(order)
        assigned = [None] * len(rows)
        for i, row in enumerate(order):
            assigned[row] = combos[i % len(combos)]
        columns = list(zip(*rows)) + list(zip(*assigned))
        if all(len(set(zip(columns[a], columns[b]))) == len(set(columns[a])) * len(set(columns[b]))
               for a in range(len(columns)) for b in range(a + 1, len(columns))):
            return assigned
    raise AssertionError("no covering assignment found")


def generate_product(fs):
    """Every combination of layers x nonlinearity x bias x batch_first x bidirectional x batched x h0 x
    dtype, with dropout and training mode assigned so that every pair of option values appears."""
    rows = list(itertools.product([1, 2, 3], ["tanh", "relu"], [True, False], [False, True], [False, True],
                                  [False, True], [False, True], [torch.float32, torch.float64]))
    extra = covering_assignment(fs.rng, rows, [[0.0, 0.25, 0.5], [False, True]])
    for index, (row, (dropout, training)) in enumerate(zip(rows, extra)):
        layers, act, bias, batch_first, bidir, unbatched, h0, dtype = row
        config = dict(input_size=0, hidden_size=0, num_layers=layers, nonlinearity=act, bias=bias,
                      batch_first=batch_first, dropout=dropout, bidirectional=bidir)
        tags = [f"l{layers}", act, "bias" if bias else "nobias", "bf" if batch_first else "tm",
                "bi" if bidir else "uni", "unbatched" if unbatched else "batched", "h0" if h0 else "zeros",
                DTYPE_NAMES[dtype], f"p{dropout:g}", "train" if training else "eval"]
        config.update(input_size=fs.rng.randint(1, 6), hidden_size=fs.rng.randint(1, 6))
        rnn_case(fs, f"rnn_{index:03d}_" + "_".join(tags), config, dtype, steps=fs.rng.randint(1, 6),
                 batch=fs.rng.randint(1, 4), unbatched=unbatched, with_h0=h0, training=training,
                 description="option product")


def base(**kw):
    config = dict(input_size=3, hidden_size=4, num_layers=1, nonlinearity="tanh", bias=True,
                  batch_first=False, dropout=0.0, bidirectional=False)
    config.update(kw)
    return config


def generate_special(fs):
    dtypes = [torch.float32, torch.float64]
    for dtype in dtypes:
        d = DTYPE_NAMES[dtype]
        # Edge sizes.
        rnn_case(fs, f"edge_all_ones_{d}", base(input_size=1, hidden_size=1), dtype, steps=1, batch=1,
                 description="L = N = H = H_in = 1")
        rnn_case(fs, f"edge_all_ones_bi_l2_{d}", base(input_size=1, hidden_size=1, num_layers=2, bidirectional=True),
                 dtype, steps=1, batch=1, with_h0=True, description="L = N = H = 1, two bidirectional layers")
        rnn_case(fs, f"edge_hidden1_l3_{d}", base(input_size=5, hidden_size=1, num_layers=3), dtype, steps=7, batch=3,
                 description="H = 1, three layers")
        rnn_case(fs, f"edge_wide_input_{d}", base(input_size=200, hidden_size=1), dtype, steps=3, batch=2,
                 description="H_in = 200, H = 1")
        rnn_case(fs, f"edge_empty_batch_{d}", base(num_layers=2), dtype, steps=5, batch=0, description="N = 0")
        rnn_case(fs, f"edge_empty_batch_bf_bi_{d}", base(batch_first=True, bidirectional=True), dtype, steps=5, batch=0,
                 description="N = 0, batch_first, bidirectional")
        rnn_case(fs, f"edge_empty_batch_h0_{d}", base(num_layers=2), dtype, steps=3, batch=0, with_h0=True,
                 description="N = 0 with an explicit (2, 0, 4) h0")
        rnn_case(fs, f"edge_single_step_unbatched_{d}", base(num_layers=2, bidirectional=True), dtype, steps=1, batch=1,
                 unbatched=True, with_h0=True, description="L = 1, unbatched, bidirectional")
        # Bigger sizes: long dot products and long sequences in the default (well-conditioned) range.
        for i, (I, H, L, N, layers, bi) in enumerate([(32, 64, 50, 4, 2, False), (16, 48, 30, 3, 2, True),
                                                      (64, 128, 20, 2, 1, False), (8, 32, 120, 2, 1, False)]):
            for act in ["tanh", "relu"]:
                rnn_case(fs, f"large_{i}_{act}_{d}", base(input_size=I, hidden_size=H, num_layers=layers,
                         bidirectional=bi, nonlinearity=act), dtype, steps=L, batch=N, with_h0=True,
                         description=f"H_in={I}, H={H}, L={L}, N={N}")
        # tanh saturation: large input weights, biases and inputs; recurrent weights in the default range.
        for i, (layers, bi) in enumerate([(1, False), (2, True), (3, False)]):
            rnn_case(fs, f"saturation_{i}_{d}", base(input_size=6, hidden_size=8, num_layers=layers, bidirectional=bi),
                     dtype, steps=20, batch=3, ih_scale=10.0, input_scale=3.0, with_h0=True,
                     description="tanh saturated by W_ih, b_ih x10 and inputs x3")
        # Training-mode dropout, bit-exact with PyTorch's generator.
        for i, p in enumerate([0.1, 0.5, 0.9, 1.0]):
            rnn_case(fs, f"dropout_{i}_p{p:g}_{d}", base(input_size=5, hidden_size=6, num_layers=3, dropout=p,
                     bidirectional=i % 2 == 1, batch_first=i >= 2), dtype, steps=6, batch=3, training=True,
                     description=f"training-mode dropout p={p}")
        rnn_case(fs, f"dropout_eval_{d}", base(num_layers=3, dropout=0.5), dtype, steps=4, batch=2, training=False,
                 description="dropout 0.5 in eval mode: no dropout")
    # relu growth over long sequences, float64 only: W_hh with spectral radius above 1.
    for i, (radius, L) in enumerate([(1.05, 150), (1.1, 120), (1.04, 250)]):
        rnn_case(fs, f"relu_growth_{i}_float64", base(input_size=4, hidden_size=16, nonlinearity="relu"),
                 torch.float64, steps=L, batch=2, hh_spectral_radius=radius,
                 description=f"relu, nonnegative W_hh of spectral radius {radius}, L={L}: geometric growth")
    # Special values: NaN through relu, huge and infinite inputs through tanh.
    def with_nan(x):
        x = x.clone(); x[1, 0, 0] = float("nan"); return x
    def with_huge(x):
        x = x.clone(); x[0, 0, 0] = 1e30; x[1, 0, 1] = -float("inf"); x[2, 1, 2] = float("inf"); return x
    rnn_case(fs, "special_nan_relu_float32", base(nonlinearity="relu"), torch.float32, steps=4, batch=2,
             special_input=with_nan, check_conditioning=False, description="NaN input propagates through relu")
    rnn_case(fs, "special_inf_tanh_float32", base(), torch.float32, steps=4, batch=2, special_input=with_huge,
             check_conditioning=False, description="1e30 and inf inputs saturate tanh")
    rnn_case(fs, "special_inf_tanh_float64", base(), torch.float64, steps=4, batch=2, special_input=with_huge,
             description="1e30 and inf inputs saturate tanh")


def generate_cells(fs):
    rows = itertools.product([True, False], ["tanh", "relu"], [False, True], [False, True],
                             [torch.float32, torch.float64])
    for index, (bias, act, unbatched, hx, dtype) in enumerate(rows):
        config = dict(input_size=fs.rng.randint(1, 8), hidden_size=fs.rng.randint(1, 8), bias=bias, nonlinearity=act)
        tags = ["bias" if bias else "nobias", act, "unbatched" if unbatched else "batched",
                "hx" if hx else "zeros", DTYPE_NAMES[dtype]]
        cell_case(fs, f"cell_{index:02d}_" + "_".join(tags), config, dtype, batch=fs.rng.randint(1, 5),
                  unbatched=unbatched, with_hx=hx, description="RNNCell option product")
    for dtype in [torch.float32, torch.float64]:
        d = DTYPE_NAMES[dtype]
        cell_case(fs, f"cell_edge_hidden0_{d}", dict(input_size=3, hidden_size=0), dtype, batch=2,
                  description="hidden_size 0 is accepted")
        cell_case(fs, f"cell_edge_input0_{d}", dict(input_size=0, hidden_size=4), dtype, batch=2, with_hx=True,
                  description="input_size 0 is accepted")
        cell_case(fs, f"cell_edge_empty_batch_{d}", dict(input_size=3, hidden_size=4), dtype, batch=0, with_hx=True,
                  description="N = 0")
        cell_case(fs, f"cell_large_{d}", dict(input_size=96, hidden_size=128), dtype, batch=4, with_hx=True,
                  description="H_in = 96, H = 128")


def generate_errors(fs):
    f32, f64 = torch.float32, torch.float64
    constructor = [
        ("nonlinearity_capitalised", base(nonlinearity="Tanh")),
        ("nonlinearity_sigmoid", base(nonlinearity="sigmoid")),
        ("nonlinearity_empty", base(nonlinearity="")),
        ("dropout_negative", base(dropout=-0.1)),
        ("dropout_above_one", base(dropout=1.5)),
        ("dropout_nan", base(dropout=float("nan"))),
        ("input_size_zero", base(input_size=0)),
        ("input_size_negative", base(input_size=-2)),
        ("hidden_size_zero", base(hidden_size=0)),
        ("hidden_size_negative", base(hidden_size=-1)),
        ("num_layers_zero", base(num_layers=0)),
        ("num_layers_negative", base(num_layers=-1)),
        ("order_nonlinearity_before_dropout", base(nonlinearity="x", dropout=2.0)),
        ("order_dropout_before_sizes", base(input_size=0, hidden_size=0, dropout=2.0)),
        ("order_input_before_hidden", base(input_size=0, hidden_size=0)),
        ("order_hidden_before_layers", base(hidden_size=0, num_layers=0)),
        ("warning_then_hidden_size", base(hidden_size=0, dropout=0.5)),
    ]
    for name, config in constructor:
        error_case(fs, f"error_init_{name}", nn.RNN, config)
    warning_case(fs, "warning_dropout_one_layer", base(dropout=0.5), "dropout > 0 with one layer warns")
    warning_case(fs, "warning_dropout_tiny", base(dropout=1e-7), "the warning prints dropout as Python's repr")
    warning_case(fs, "warning_dropout_one", base(dropout=1.0), "dropout = 1 is accepted, with the warning")

    g = torch.Generator().manual_seed(fs.case_seed())
    def t(*shape, dtype=f32):
        return torch.randn(shape, generator=g, dtype=torch.float64).to(dtype)
    m = base(num_layers=2)
    forward = [
        ("rank1", m, f32, t(3), None),
        ("rank4", m, f32, t(5, 2, 3, 1), None),
        ("rank0", m, f32, t(), None),
        ("unbatched_h0_rank3", m, f32, t(5, 3), t(2, 1, 4)),
        ("batched_h0_rank2", m, f32, t(5, 1, 3), t(2, 4)),
        ("batched_h0_rank4", m, f32, t(5, 1, 3), t(2, 1, 1, 4)),
        ("input_size", m, f32, t(5, 2, 7), None),
        ("input_size_unbatched", m, f32, t(5, 7), None),
        ("input_size_zero", m, f32, t(5, 2, 0), None),
        ("h0_layers", m, f32, t(5, 2, 3), t(3, 2, 4)),
        ("h0_batch", m, f32, t(5, 2, 3), t(2, 3, 4)),
        ("h0_hidden", m, f32, t(5, 2, 3), t(2, 2, 5)),
        ("h0_bidirectional", base(num_layers=2, bidirectional=True), f32, t(5, 2, 3), t(2, 2, 4)),
        ("h0_batch_first_layout", base(num_layers=2, batch_first=True), f32, t(3, 5, 3), t(3, 2, 4)),
        ("h0_unbatched_layers", m, f32, t(5, 3), t(3, 4)),
        ("h0_unbatched_hidden", m, f32, t(5, 3), t(2, 5)),
        ("dtype_float64_input", m, f32, t(5, 2, 3, dtype=f64), None),
        ("dtype_float32_input", m, f64, t(5, 2, 3), None),
        ("dtype_int64_input", m, f32, torch.zeros(5, 2, 3, dtype=torch.int64), None),
        ("dtype_float64_h0", m, f32, t(5, 2, 3), t(2, 2, 4, dtype=f64)),
        ("dtype_int64_h0", m, f32, t(5, 2, 3), torch.zeros(2, 2, 4, dtype=torch.int64)),
        ("dtype_float32_h0", m, f64, t(5, 2, 3, dtype=f64), t(2, 2, 4)),
        ("dtype_float64_h0_nobias", base(num_layers=2, bias=False), f32, t(5, 2, 3), t(2, 2, 4, dtype=f64)),
        ("dtype_int64_h0_nobias", base(bias=False), f32, t(5, 2, 3), torch.zeros(1, 2, 4, dtype=torch.int64)),
        ("empty_sequence", m, f32, t(0, 2, 3), None),
        ("empty_sequence_unbatched", m, f32, t(0, 3), None),
        ("empty_sequence_empty_batch", m, f32, t(0, 0, 3), None),
        ("empty_sequence_batch_first", base(batch_first=True), f32, t(2, 0, 3), None),
        ("order_rank_before_dtype", m, f32, t(3, dtype=f64), None),
        ("order_h0_rank_before_input_size", m, f32, t(5, 2, 7), t(2, 4)),
        ("order_input_size_before_h0", m, f32, t(5, 2, 7), t(3, 2, 4)),
        ("order_h0_before_length", m, f32, t(0, 2, 3), t(3, 2, 4)),
        ("order_h0_rank_before_dtype", m, f32, t(5, 2, 3, dtype=f64), t(2, 4)),
        ("order_dtype_before_input_size", m, f32, t(5, 2, 7, dtype=f64), None),
        ("order_length_before_h0_dtype", m, f32, t(0, 2, 3), t(2, 2, 4, dtype=f64)),
    ]
    for name, config, dtype, x, h in forward:
        error_case(fs, f"error_forward_{name}", nn.RNN, config, dtype=dtype, input=x, hidden=h)
    c = dict(input_size=3, hidden_size=4)
    cells = [
        ("rank3", c, f32, t(2, 2, 3), None),
        ("rank0", c, f32, t(), None),
        ("hx_rank3", c, f32, t(2, 3), t(1, 2, 4)),
        ("input_size", c, f32, t(2, 5), None),
        ("input_size_unbatched", c, f32, t(5), None),
        ("batched_hx_rank1", c, f32, t(2, 3), t(4)),
        ("unbatched_hx_rank2", c, f32, t(3), t(1, 4)),
        ("batch_mismatch", c, f32, t(2, 3), t(3, 4)),
        ("hidden_mismatch", c, f32, t(2, 3), t(2, 5)),
        ("hidden_mismatch_unbatched", c, f32, t(3), t(5)),
        ("dtype_float64_input", c, f32, t(2, 3, dtype=f64), None),
        ("dtype_float64_hx", c, f32, t(2, 3), t(2, 4, dtype=f64)),
        ("dtype_float32_input", c, f64, t(2, 3), t(2, 4, dtype=f64)),
        ("dtype_int64_input", c, f32, torch.zeros(2, 3, dtype=torch.int64), None),
        ("dtype_float64_input_nobias", dict(c, bias=False), f32, t(2, 3, dtype=f64), None),
        ("dtype_float32_hx_nobias", dict(c, bias=False), f64, t(2, 3, dtype=f64), t(2, 4)),
        ("negative_hidden", dict(input_size=3, hidden_size=-1), f32, None, None),
        ("negative_input", dict(input_size=-2, hidden_size=4), f32, None, None),
    ]
    for name, config, dtype, x, h in cells:
        error_case(fs, f"error_cell_{name}", nn.RNNCell, config, dtype=dtype, input=x, hidden=h)


def packed_fields(prefix, ps):
    """A PackedSequence as tensors: data, batch_sizes and the indices that are not None."""
    fields = {prefix + ".data": ps.data, prefix + ".batch_sizes": ps.batch_sizes}
    if ps.sorted_indices is not None:
        fields[prefix + ".sorted_indices"] = ps.sorted_indices
        fields[prefix + ".unsorted_indices"] = ps.unsorted_indices
    return fields


def packed_rnn_case(fs, name, config, dtype, lengths, *, enforce_sorted, with_h0=False, training=False,
                    description=""):
    """nn.RNN over pack_padded_sequence(input, lengths): the packing, the packed output, the output
    padded again by pad_packed_sequence, and h_n."""
    for _ in range(20):
        init_seed, data_seed, dropout_seed = fs.case_seed(), fs.case_seed(), fs.case_seed()
        rnn, caught = build(nn.RNN, config, dtype, init_seed)
        rnn.train(training)
        gen = torch.Generator().manual_seed(data_seed)
        B, T, I, H = len(lengths), max(lengths), config["input_size"], config["hidden_size"]
        D, L = 2 if config["bidirectional"] else 1, config["num_layers"]
        x = randn((B, T, I) if config["batch_first"] else (T, B, I), dtype, gen)
        h0 = randn((D * L, B, H), dtype, gen) if with_h0 else None
        packed = rnn_utils.pack_padded_sequence(x, lengths, batch_first=config["batch_first"],
                                                enforce_sorted=enforce_sorted)
        uses_dropout = training and config["dropout"] > 0
        if uses_dropout:
            torch.manual_seed(dropout_seed)
        with torch.no_grad():
            out, hn = rnn(packed, h0)
        padded, out_lengths = rnn_utils.pad_packed_sequence(out, batch_first=config["batch_first"])
        ratio = 0.0
        if dtype == torch.float32:
            ratio = conditioning((out.data, hn), PackedAdapter(rnn), (packed, h0), dropout_seed if uses_dropout else None)
            if ratio > CONDITIONING_LIMIT:
                continue
        rtol, atol = TOLERANCES[dtype]
        tensors = {"input": x, "lengths": torch.tensor(lengths, dtype=torch.int64), "h_n": hn,
                   "output.padded": padded, "output.lengths": out_lengths}
        tensors.update(packed_fields("packed", packed))
        tensors.update(packed_fields("output", out))
        if h0 is not None:
            tensors["h0"] = h0
        tensors.update({"state." + k: v for k, v in rnn.state_dict().items()})
        meta = {"module": "RNN", "input_kind": "packed", "enforce_sorted": str(enforce_sorted).lower(),
                "config": json_config(config), "dtype": DTYPE_NAMES[dtype], "expect": "output",
                "training": str(training).lower(), "rtol": repr(rtol), "atol": repr(atol),
                "warnings": json.dumps(caught), "description": description, "conditioning": f"{ratio:.3g}",
                "init_seed": init_seed}
        if uses_dropout:
            meta["dropout_seed"] = dropout_seed
        fs.write(name, tensors, meta)
        return
    raise AssertionError(f"{name}: no well-conditioned draw in 20")


class PackedAdapter(nn.Module):
    """Runs an RNN on a packed sequence and returns (output data, h_n), for the conditioning check."""
    def __init__(self, rnn):
        super().__init__()
        self.rnn = rnn

    def forward(self, packed, h0):
        out, hn = self.rnn(packed.to(self.rnn.weight_ih_l0.dtype), h0)
        return out.data, hn


def utility_case(fs, name, function, arguments, inputs, dtype=torch.float32, description=""):
    """A torch.nn.utils.rnn function called on `inputs` (tensors, lists of tensors, PackedSequences):
    its result, or the exception it raised."""
    fn = getattr(rnn_utils, function)
    tensors = {}
    for key, value in inputs.items():
        if isinstance(value, rnn_utils.PackedSequence):
            tensors.update(packed_fields(key, value))
        elif isinstance(value, list) and key != "lengths":
            tensors.update({f"{key}.{i}": v for i, v in enumerate(value)})
        elif isinstance(value, list):
            tensors[key] = torch.tensor(value, dtype=torch.int64)
        else:
            tensors[key] = value
    call_inputs = {k: (v.clone() if torch.is_tensor(v) else v) for k, v in inputs.items()}
    meta = {"module": "utils", "function": function, "arguments": json.dumps(arguments), "dtype": DTYPE_NAMES[dtype],
            "description": description, "training": "false", "inputs": json.dumps(list(inputs))}
    meta.update({f"{k}_count": len(v) for k, v in inputs.items() if isinstance(v, list) and k != "lengths"})
    try:
        result = fn(*call_inputs.values(), **arguments)
    except Exception as e:  # noqa: BLE001 - the exception is the expected result
        meta.update(expect="error", error_stage="call", error_type=type(e).__name__, error_message=str(e))
    else:
        rtol, atol = TOLERANCES[dtype]
        meta.update(expect="output", rtol=repr(rtol), atol=repr(atol))
        if isinstance(result, rnn_utils.PackedSequence):
            tensors.update(packed_fields("result", result))
        elif isinstance(result, tuple):
            tensors["result"], tensors["result.lengths"] = result
        elif isinstance(result, list):
            tensors.update({f"result.{i}": v for i, v in enumerate(result)})
            meta["result_count"] = len(result)
        else:
            tensors["result"] = result
    fs.write(name, tensors, meta)


def generate_packed(fs):
    """PackedSequence cases: every one's name starts with 'packed_'."""
    def lengths_for(batch, longest, distinct=True):
        values = [fs.rng.randint(1, longest) for _ in range(batch)]
        values[fs.rng.randrange(batch)] = longest
        return values
    rows = list(itertools.product([True, False], [False, True], [False, True], [1, 2], [torch.float32, torch.float64]))
    extra = covering_assignment(fs.rng, rows, [["tanh", "relu"], [True, False], [False, True]])
    for index, ((enforce, batch_first, bidir, layers, dtype), (act, bias, h0)) in enumerate(zip(rows, extra)):
        batch = fs.rng.randint(1, 5)
        lengths = lengths_for(batch, fs.rng.randint(1, 7))
        if enforce:
            lengths.sort(reverse=True)
        config = base(input_size=fs.rng.randint(1, 5), hidden_size=fs.rng.randint(1, 5), num_layers=layers,
                      nonlinearity=act, bias=bias, batch_first=batch_first, bidirectional=bidir)
        tags = ["sorted" if enforce else "unsorted", "bf" if batch_first else "tm", "bi" if bidir else "uni",
                f"l{layers}", act, "bias" if bias else "nobias", "h0" if h0 else "zeros", DTYPE_NAMES[dtype]]
        packed_rnn_case(fs, f"packed_rnn_{index:02d}_" + "_".join(tags), config, dtype, lengths,
                        enforce_sorted=enforce, with_h0=h0, description="packed option product")
    for dtype in [torch.float32, torch.float64]:
        d = DTYPE_NAMES[dtype]
        two = base(num_layers=2, bidirectional=True)
        packed_rnn_case(fs, f"packed_equal_lengths_{d}", two, dtype, [4, 4, 4], enforce_sorted=True, with_h0=True,
                        description="all lengths equal")
        packed_rnn_case(fs, f"packed_lengths_one_{d}", two, dtype, [1, 1, 1, 1], enforce_sorted=False,
                        description="every length 1")
        packed_rnn_case(fs, f"packed_one_sequence_{d}", two, dtype, [6], enforce_sorted=True, with_h0=True,
                        description="a batch of one")
        packed_rnn_case(fs, f"packed_ties_unsorted_{d}", base(num_layers=2, bidirectional=True, batch_first=True),
                        dtype, [fs.rng.choice([2, 3, 5]) for _ in range(20)], enforce_sorted=False, with_h0=True,
                        description="20 sequences with tied lengths: PyTorch's unstable sort order")
        packed_rnn_case(fs, f"packed_dropout_train_{d}", base(num_layers=3, dropout=0.4, bidirectional=True), dtype,
                        [5, 2, 4, 1], enforce_sorted=False, training=True, description="dropout on the packed data")
        packed_rnn_case(fs, f"packed_long_{d}", base(input_size=8, hidden_size=24, num_layers=2, nonlinearity="relu"),
                        dtype, [60, 45, 30, 12, 3, 1], enforce_sorted=True, with_h0=True,
                        description="longer sequences")

    g = torch.Generator().manual_seed(fs.case_seed())
    def t(*shape):
        return torch.randn(shape, generator=g, dtype=torch.float64).float()
    x = t(4, 3, 2)
    utility_case(fs, "packed_util_pack_padded_sorted", "pack_padded_sequence", {}, {"input": x, "lengths": [4, 2, 1]})
    utility_case(fs, "packed_util_pack_padded_unsorted_bf", "pack_padded_sequence",
                 {"batch_first": True, "enforce_sorted": False}, {"input": t(3, 4, 2), "lengths": [2, 4, 1]})
    utility_case(fs, "packed_util_pack_padded_ties_17", "pack_padded_sequence", {"enforce_sorted": False},
                 {"input": t(3, 17), "lengths": [3] * 17})
    utility_case(fs, "packed_util_pack_padded_fewer_lengths_unsorted", "pack_padded_sequence",
                 {"enforce_sorted": False}, {"input": x, "lengths": [2, 4]})
    utility_case(fs, "packed_util_pad_sequence", "pad_sequence", {}, {"sequences": [t(3, 2), t(1, 2), t(4, 2)]})
    utility_case(fs, "packed_util_pad_sequence_bf_value", "pad_sequence", {"batch_first": True, "padding_value": -1.5},
                 {"sequences": [t(2, 3), t(4, 3)]})
    utility_case(fs, "packed_util_pad_sequence_left", "pad_sequence", {"padding_side": "left"},
                 {"sequences": [t(2), t(4), t(0)]})
    utility_case(fs, "packed_util_pad_sequence_broadcast", "pad_sequence", {}, {"sequences": [t(3, 4), t(2, 1)]})
    utility_case(fs, "packed_util_pack_sequence", "pack_sequence", {}, {"sequences": [t(3), t(2), t(1)]})
    utility_case(fs, "packed_util_pack_sequence_unsorted", "pack_sequence", {"enforce_sorted": False},
                 {"sequences": [t(2, 2), t(3, 2), t(1, 2)]})
    unsorted = rnn_utils.pack_padded_sequence(t(5, 3, 2), [2, 5, 3], enforce_sorted=False)
    utility_case(fs, "packed_util_pad_packed_unsorted", "pad_packed_sequence", {}, {"sequence": unsorted})
    utility_case(fs, "packed_util_pad_packed_total_length_bf", "pad_packed_sequence",
                 {"batch_first": True, "padding_value": 7.0, "total_length": 8}, {"sequence": unsorted})
    utility_case(fs, "packed_util_unpack_sequence", "unpack_sequence", {}, {"packed_sequences": unsorted})
    utility_case(fs, "packed_util_unpad_sequence_bf", "unpad_sequence", {"batch_first": True},
                 {"padded_sequences": t(3, 5, 2), "lengths": torch.tensor([5, 2, 7])})
    errors = [
        ("unsorted_enforced", "pack_padded_sequence", {}, {"input": x, "lengths": [2, 4, 1]}),
        ("length_zero", "pack_padded_sequence", {}, {"input": x, "lengths": [4, 2, 0]}),
        ("length_negative", "pack_padded_sequence", {}, {"input": x, "lengths": [4, 2, -1]}),
        ("length_zero_unsorted", "pack_padded_sequence", {"enforce_sorted": False}, {"input": x, "lengths": [0, 4, 1]}),
        ("zero_before_sorted_check", "pack_padded_sequence", {}, {"input": x, "lengths": [4, 0, 1]}),
        ("lengths_count", "pack_padded_sequence", {}, {"input": x, "lengths": [4, 2]}),
        ("lengths_empty", "pack_padded_sequence", {}, {"input": x, "lengths": []}),
        ("lengths_too_many_unsorted", "pack_padded_sequence", {"enforce_sorted": False},
         {"input": x, "lengths": [2, 4, 1, 1]}),
        ("empty_input", "pack_padded_sequence", {}, {"input": t(0, 3), "lengths": [1, 1, 1]}),
        ("one_dimensional_input", "pack_padded_sequence", {}, {"input": t(4), "lengths": [4]}),
        ("total_length_short", "pad_packed_sequence", {"total_length": 2}, {"sequence": unsorted}),
        ("total_length_zero", "pad_packed_sequence", {"total_length": 0}, {"sequence": unsorted}),
        ("pad_empty_list", "pad_sequence", {}, {"sequences": []}),
        ("pad_trailing_mismatch", "pad_sequence", {}, {"sequences": [t(3, 2), t(2, 3)]}),
        ("pad_rank_mismatch", "pad_sequence", {}, {"sequences": [t(3, 4, 2), t(2, 4)]}),
        ("pack_sequence_empty", "pack_sequence", {}, {"sequences": []}),
        ("pack_sequence_unsorted", "pack_sequence", {}, {"sequences": [t(2), t(3)]}),
        ("pack_sequence_scalar", "pack_sequence", {}, {"sequences": [torch.tensor(1.0), torch.tensor(2.0)]}),
        ("unpad_too_many_lengths", "unpad_sequence", {"batch_first": True},
         {"padded_sequences": t(2, 3, 1), "lengths": torch.tensor([3, 2, 1])}),
        ("unpad_too_few_lengths", "unpad_sequence", {"batch_first": True},
         {"padded_sequences": t(2, 3, 1), "lengths": torch.tensor([3])}),
    ]
    for name, function, arguments, inputs in errors:
        utility_case(fs, f"packed_error_{name}", function, arguments, inputs)
    m = base(num_layers=2)
    rnn_errors = [
        ("h0_batch", m, [4, 2], True, (2, 3, 4), 3),
        ("h0_two_dimensional", m, [4, 2], True, (2, 4), 3),
        ("h0_narrower_unsorted", m, [2, 4, 3], False, (2, 1, 4), 3),
        ("h0_one_dimensional_unsorted", m, [2, 4], False, (4,), 3),
        ("input_size", m, [4, 2], True, None, 5),
    ]
    for name, config, lengths, enforce, h0_shape, features in rnn_errors:
        packed = rnn_utils.pack_padded_sequence(t(max(lengths), len(lengths), features), lengths, enforce_sorted=enforce)
        error_case(fs, f"packed_error_rnn_{name}", nn.RNN, config, input=packed,
                   hidden=None if h0_shape is None else t(*h0_shape), description="packed forward error")
    wide = rnn_utils.pack_padded_sequence(t(4, 2, 3), [2, 4], enforce_sorted=False)
    utility_rnn_quirk(fs, "packed_rnn_h0_wider_unsorted_accepted", m, wide, t(2, 3, 4))


def utility_rnn_quirk(fs, name, config, packed, h0):
    """PyTorch permutes h0 before checking it, so an h0 wider than an unsorted batch is accepted."""
    init_seed = fs.case_seed()
    rnn, caught = build(nn.RNN, config, torch.float32, init_seed)
    with torch.no_grad():
        out, hn = rnn(packed, h0)
    rtol, atol = TOLERANCES[torch.float32]
    tensors = {"h0": h0, "h_n": hn}
    tensors.update(packed_fields("packed", packed))
    tensors.update(packed_fields("output", out))
    fs.write(name, tensors, {
        "module": "RNN", "input_kind": "packed", "config": json_config(config), "dtype": "float32",
        "expect": "output", "warnings": json.dumps(caught), "init_seed": init_seed, "training": "true",
        "rtol": repr(rtol), "atol": repr(atol), "description": "an h0 wider than an unsorted packed batch is accepted"})


def live_case(seed, index, dtype="all", numeric_only=False):
    """One case of `conform --live`, drawn from (seed, index) alone: returns (name, safetensors bytes)
    in the fixture format. The draw covers every constructor option, batched, unbatched and batch-first
    input, h0 given or not, packed batches sorted and unsorted, RNNCell, both dtypes, sizes from 1 to
    300, and invalid calls (unless `numeric_only`), whose exceptions the Swift side must reproduce."""
    rng = random.Random(f"live:{seed}:{index}")
    fs = FixtureSet(None, seed, rng=rng)
    dtypes = {"float32": [torch.float32], "float64": [torch.float64]}.get(dtype, [torch.float32, torch.float64])
    dt = rng.choice(dtypes)
    kinds = ["rnn"] * 6 + ["packed"] * 2 + ["cell"] * 2 + ([] if numeric_only else ["error"] * 2)
    kind = rng.choice(kinds)
    large = rng.random() < 0.08
    def size():
        return rng.randint(17, 300) if large else rng.choice([1, 2, 3, 4, 5, 6, 8, 12, 16])
    steps = rng.randint(1, 8) if large else rng.randint(1, 12)
    batch = rng.randint(1, 3) if large else rng.randint(1, 5)
    config = base(input_size=size(), hidden_size=size(), num_layers=rng.randint(1, 2 if large else 3),
                  nonlinearity=rng.choice(["tanh", "relu"]), bias=rng.random() < 0.7,
                  batch_first=rng.random() < 0.4, dropout=rng.choice([0.0, 0.0, 0.3, 0.7]),
                  bidirectional=rng.random() < 0.4)
    name = f"live_s{seed}_{index:05d}_{kind}_{DTYPE_NAMES[dt]}"
    if kind == "rnn":
        rnn_case(fs, name, config, dt, steps=steps, batch=batch, unbatched=rng.random() < 0.25,
                 with_h0=rng.random() < 0.5, training=rng.random() < 0.4, description="live")
    elif kind == "packed":
        lengths = [rng.randint(1, steps) for _ in range(batch)]
        lengths[rng.randrange(batch)] = steps
        enforce = rng.random() < 0.4
        if enforce:
            lengths.sort(reverse=True)
        packed_rnn_case(fs, name, config, dt, lengths, enforce_sorted=enforce, with_h0=rng.random() < 0.5,
                        training=rng.random() < 0.4, description="live")
    elif kind == "cell":
        cell_case(fs, name, dict(input_size=size(), hidden_size=size(), bias=config["bias"],
                                 nonlinearity=config["nonlinearity"]),
                  dt, batch=batch, unbatched=rng.random() < 0.3, with_hx=rng.random() < 0.5, description="live")
    else:
        live_error_case(fs, name, rng, config, dt, steps, batch)
    return fs.written[-1]


def live_error_case(fs, name, rng, config, dtype, steps, batch):
    """A random invalid call: a wrong constructor argument, input rank, input size, h0 shape, sequence
    length or dtype, for nn.RNN or nn.RNNCell."""
    other = torch.float64 if dtype == torch.float32 else torch.float32
    g = torch.Generator().manual_seed(rng.getrandbits(31))
    def t(*shape, dt=dtype):
        return torch.randn(shape, generator=g, dtype=torch.float64).to(dt)
    I, H = config["input_size"], config["hidden_size"]
    D, L = 2 if config["bidirectional"] else 1, config["num_layers"]
    x_shape = (batch, steps, I) if config["batch_first"] else (steps, batch, I)
    wrong = rng.choice([0, -1, -7])
    scenarios = [
        ("init", dict(config, hidden_size=wrong), None, None),
        ("init", dict(config, input_size=wrong), None, None),
        ("init", dict(config, num_layers=wrong), None, None),
        ("init", dict(config, dropout=rng.choice([-0.5, 1.5, float("nan")])), None, None),
        ("init", dict(config, nonlinearity=rng.choice(["Tanh", "sigmoid", "RELU"])), None, None),
        ("forward", config, t(*x_shape, 1), None),
        ("forward", config, t(I), None),
        ("forward", config, t(*x_shape[:-1], I + rng.randint(1, 5)), None),
        ("forward", config, t(*x_shape), t(D * L + 1, batch, H)),
        ("forward", config, t(*x_shape), t(D * L, batch + 1, H)),
        ("forward", config, t(*x_shape), t(D * L, batch, H + 1)),
        ("forward", config, t(*x_shape), t(D * L, H)),
        ("forward", config, t(steps, I), t(D * L, 1, H)),
        ("forward", config, t(0, I), None),
        ("forward", config, t(*x_shape, dt=other), None),
        ("forward", config, t(*x_shape), t(D * L, batch, H, dt=other)),
    ]
    stage, cfg, x, h = rng.choice(scenarios)
    if rng.random() < 0.25:
        cell = dict(input_size=I, hidden_size=H, bias=config["bias"], nonlinearity=config["nonlinearity"])
        cell_scenarios = [
            (cell, t(batch, I, 2), None), (cell, t(batch, I + 1), None), (cell, t(batch, I), t(batch + 1, H)),
            (cell, t(batch, I), t(batch, H + 2)), (cell, t(batch, I), t(H)), (cell, t(I), t(1, H)),
            (cell, t(batch, I, dt=other), None), (dict(cell, hidden_size=-H), None, None),
        ]
        cfg, x, h = rng.choice(cell_scenarios)
        error_case(fs, name, nn.RNNCell, cfg, dtype=dtype, input=x, hidden=h, description="live")
    else:
        error_case(fs, name, nn.RNN, cfg, dtype=dtype, input=x, hidden=h, description="live")


def stable_legacy_keys(path, element_size):
    """The legacy format names storages by their memory addresses, so two runs write different bytes.
    Renames each key to the rank of its first use, zero-padded to the key's own length (so that the
    pickles keep their layout), and writes the key list and the storages in that order: the file is then
    the same on every run, and torch.load reads it as before."""
    import pickletools
    with open(path, "rb") as f:
        data = bytearray(f.read())
    stops, position = [], 0
    for _ in range(5):
        for opcode, _, offset in pickletools.genops(bytes(data[position:])):
            if opcode.name == "STOP":
                stops.append(position + offset + 1)
                position = stops[-1]
                break
    keys = pickle_list_of_strings(bytes(data[stops[3]:stops[4]]))
    assert len({len(k) for k in keys}) <= 1, "storage keys of different lengths"
    used = [arg for opcode, arg, _ in pickletools.genops(bytes(data[stops[2]:stops[3]]))
            if opcode.name == "BINUNICODE" and arg in keys]
    first_use = list(dict.fromkeys(used))
    renamed = {key: str(first_use.index(key)).zfill(len(key)) for key in keys}
    objects = bytearray(data[stops[2]:stops[3]])
    for opcode, arg, offset in pickletools.genops(bytes(objects)):
        if opcode.name == "BINUNICODE" and arg in renamed:
            objects[offset + 5:offset + 5 + len(arg)] = renamed[arg].encode()
    key_list = bytearray(data[stops[3]:stops[4]])
    new_names = iter(sorted(renamed.values()))
    for opcode, arg, offset in pickletools.genops(bytes(key_list)):
        if opcode.name == "BINUNICODE":
            key_list[offset + 5:offset + 5 + len(arg)] = next(new_names).encode()
    blocks, position = {}, stops[4]
    for key in keys:
        count = struct.unpack("<q", bytes(data[position:position + 8]))[0]
        end = position + 8 + count * element_size
        blocks[renamed[key]] = bytes(data[position:end])
        position = end
    assert position == len(data)
    body = b"".join(blocks[name] for name in sorted(blocks))
    with open(path, "wb") as f:
        f.write(bytes(data[:stops[2]]) + bytes(objects) + bytes(key_list) + body)


def pickle_list_of_strings(data):
    """A pickled list of str, read with pickletools (no objects are built)."""
    import pickletools
    return [arg for opcode, arg, _ in pickletools.genops(data) if opcode.name in ("BINUNICODE", "SHORT_BINUNICODE")]


def generate_checkpoints(fs):
    """Real torch.save files in fixtures/checkpoints/, each with the output torch computes for it:
    NAME.pt (or .safetensors) beside NAME.expected.safetensors, whose metadata says how to load it."""
    directory = os.path.join(fs.out, "checkpoints")
    os.makedirs(directory, exist_ok=True)
    for old in os.listdir(directory):
        if old.endswith((".pt", ".safetensors")):
            os.remove(os.path.join(directory, old))

    class Model(nn.Module):
        def __init__(self, rnn):
            super().__init__()
            dtype = rnn.weight_ih_l0.dtype
            self.embedding = nn.Linear(2, 3, dtype=dtype)
            self.encoder = nn.Module()
            self.encoder.rnn = rnn
            self.head = nn.Linear(rnn.hidden_size * (2 if rnn.bidirectional else 1), 2, dtype=dtype)

    def case(name, config, dtype, *, wrap=None, key=None, prefix="", legacy=False, lengths=None, with_h0=False,
             transform=None, as_safetensors=False):
        torch.manual_seed(fs.case_seed())
        rnn = nn.RNN(**config, dtype=dtype).eval()
        gen = torch.Generator().manual_seed(fs.case_seed())
        B, T = (len(lengths), max(lengths)) if lengths else (3, 5)
        D, L, H = 2 if config.get("bidirectional") else 1, config.get("num_layers", 1), config["hidden_size"]
        x = randn((B, T, config["input_size"]) if config.get("batch_first") else (T, B, config["input_size"]), dtype, gen)
        h0 = randn((D * L, B, H), dtype, gen) if with_h0 else None
        with torch.no_grad():
            if lengths:
                packed = rnn_utils.pack_padded_sequence(x, lengths, batch_first=config.get("batch_first", False),
                                                        enforce_sorted=False)
                out, hn = rnn(packed, h0)
                out = rnn_utils.pad_packed_sequence(out, batch_first=config.get("batch_first", False))[0]
            else:
                out, hn = rnn(x, h0)
        state = rnn.state_dict()
        if wrap == "model":
            model = Model(rnn)
            state = model.state_dict()
        # Copies: the training step below must not change what is saved.
        state = type(state)((k, v.clone()) for k, v in state.items())
        if transform:
            state = transform(state)
        obj = state
        if key == "model":
            optimizer = torch.optim.Adam(rnn.parameters())
            rnn(x)[0].sum().backward()
            optimizer.step()
            obj = {"epoch": 7, "model": state, "optimizer": optimizer.state_dict(), "loss": 0.25,
                   "history": [1.0, 0.5], "note": "trained", "flags": (True, None)}
        file = name + (".safetensors" if as_safetensors else ".pt")
        if as_safetensors:
            with open(os.path.join(directory, file), "wb") as f:
                f.write(safetensors_bytes({k: v.contiguous() for k, v in obj.items()}, {}))
        else:
            torch.save(obj, os.path.join(directory, file), _use_new_zipfile_serialization=not legacy)
            if legacy:
                stable_legacy_keys(os.path.join(directory, file), torch.finfo(dtype).bits // 8)
        tensors = {"input": x, "output": out, "h_n": hn}
        if h0 is not None:
            tensors["h0"] = h0
        if lengths:
            tensors["lengths"] = torch.tensor(lengths, dtype=torch.int64)
        rtol, atol = TOLERANCES[dtype]
        meta = dict(fs.common, name=name, checkpoint=file, prefix=prefix, nonlinearity=config.get("nonlinearity", "tanh"),
                    batch_first=str(config.get("batch_first", False)).lower(), dtype=DTYPE_NAMES[dtype],
                    rtol=repr(rtol), atol=repr(atol), format="recurrent-checkpoint/1")
        if key:
            meta["key"] = key
        with open(os.path.join(directory, name + ".expected.safetensors"), "wb") as f:
            f.write(safetensors_bytes(tensors, meta))

    def non_contiguous(state):
        state = dict(state)
        state["weight_hh_l0"] = state["weight_hh_l0"].t().contiguous().t()
        return state

    def shared_storage(state):
        names = list(state)
        flat = torch.cat([state[n].reshape(-1) for n in names])
        shared, offset = {}, 0
        for n in names:
            count = state[n].numel()
            shared[n] = flat[offset:offset + count].view(state[n].shape)
            offset += count
        return shared

    f32, f64 = torch.float32, torch.float64
    case("zip_state_dict", base(num_layers=2), f32)
    case("legacy_state_dict", base(num_layers=2, bidirectional=True), f32, legacy=True)
    case("nested_prefix", base(bidirectional=True), f32, wrap="model", prefix="encoder.rnn.", with_h0=True)
    case("training_checkpoint", base(num_layers=2), f32, wrap="model", key="model", prefix="encoder.rnn.")
    case("non_contiguous", base(hidden_size=5), f32, transform=non_contiguous)
    case("shared_storage", base(num_layers=2, bidirectional=True), f32, transform=shared_storage)
    case("float64_relu_batch_first", base(nonlinearity="relu", batch_first=True, num_layers=2), f64, with_h0=True)
    case("legacy_float64_nested", base(bidirectional=True, num_layers=2), f64, wrap="model", prefix="encoder.rnn.",
         legacy=True)
    case("packed_lengths", base(num_layers=2, bidirectional=True), f32, lengths=[5, 2, 4, 1], with_h0=True)
    case("safetensors_state_dict", base(num_layers=2, bias=False), f32, as_safetensors=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seed", type=int, default=0, help="master seed of the case set (default 0)")
    parser.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "..", "fixtures"),
                        help="output directory (default: the repository's fixtures/)")
    args = parser.parse_args()
    torch.set_num_threads(1)
    os.makedirs(args.out, exist_ok=True)
    for old in os.listdir(args.out):
        if old.endswith(".safetensors"):
            os.remove(os.path.join(args.out, old))
    fs = FixtureSet(args.out, args.seed)
    generate_product(fs)
    generate_special(fs)
    generate_cells(fs)
    generate_errors(fs)
    generate_packed(fs)
    generate_checkpoints(fs)
    total = sum(os.path.getsize(os.path.join(args.out, n + ".safetensors")) for n in fs.names)
    print(f"wrote {len(fs.names)} cases ({total / 1e6:.2f} MB) to {os.path.normpath(args.out)} "
          f"with torch {torch.__version__}, seed {args.seed}")


if __name__ == "__main__":
    sys.exit(main())
