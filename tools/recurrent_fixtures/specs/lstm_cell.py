"""nn.LSTMCell: its options, its layout, and the inputs each family writes for it. Its states are
(hx, cx) and its results h_1, c_1; every case name contains `lstm_cell`. A cell has no train/eval
difference; its cases run it in the mode it is constructed in (training)."""
from functools import partial

import torch
import torch.nn as nn

from ..spec import Axis, ForwardInput, GivenCall, Grid, ModuleSpec
from .recurrent_layout import RECURRENT_TAGS, lstm_step_state_shapes, step_input_shape

f32, f64 = torch.float32, torch.float64
PREFIX = "lstm_cell"

GRID = Grid(
    name=PREFIX, index_digits=2, description="LSTMCell option product",
    axes=(Axis("bias", (True, False)), Axis("unbatched", (False, True)), Axis("with_state", (False, True)),
          Axis("dtype", (f32, f64))),
    fixed={"training": True},
    sizes={"input_size": (1, 8), "hidden_size": (1, 8), "batch": (1, 5)})


def cell_edge_inputs(spec, prefix):
    """Sizes at the edges of a cell, under `PREFIX_edge_*` and `PREFIX_large`."""
    yield ForwardInput(f"{prefix}_edge_hidden0", dict(input_size=3, hidden_size=0), batch=2, training=True,
                       description="hidden_size 0 is accepted")
    yield ForwardInput(f"{prefix}_edge_input0", dict(input_size=0, hidden_size=4), batch=2, with_state=True,
                       training=True, description="input_size 0 is accepted")
    yield ForwardInput(f"{prefix}_edge_empty_batch", dict(input_size=3, hidden_size=4), batch=0, with_state=True,
                       training=True, description="N = 0")
    yield ForwardInput(f"{prefix}_edge_hidden1_unbatched", dict(input_size=2, hidden_size=1), batch=1, unbatched=True,
                       with_state=True, training=True, description="H = 1, unbatched")
    yield ForwardInput(f"{prefix}_large", dict(input_size=32, hidden_size=48), batch=4, with_state=True, training=True,
                       description="H_in = 32, H = 48")


def error_inputs(spec, draws):
    t = draws.randn
    c = dict(input_size=3, hidden_size=4)
    calls = [
        ("rank3", c, f32, t(2, 2, 3), None),
        ("rank0", c, f32, t(), None),
        ("hx_rank3", c, f32, t(2, 3), (t(1, 2, 4), t(2, 4))),
        ("cx_rank3", c, f32, t(2, 3), (t(2, 4), t(1, 2, 4))),
        ("input_size", c, f32, t(2, 5), None),
        ("input_size_unbatched", c, f32, t(5), None),
        ("batched_hx_rank1", c, f32, t(2, 3), (t(4), t(2, 4))),
        ("batched_cx_rank1", c, f32, t(2, 3), (t(2, 4), t(4))),
        ("unbatched_hx_rank2", c, f32, t(3), (t(1, 4), t(4))),
        ("hx_batch_mismatch", c, f32, t(2, 3), (t(3, 4), t(2, 4))),
        ("cx_batch_mismatch", c, f32, t(2, 3), (t(2, 4), t(3, 4))),
        ("hx_hidden_mismatch", c, f32, t(2, 3), (t(2, 5), t(2, 4))),
        ("cx_hidden_mismatch", c, f32, t(2, 3), (t(2, 4), t(2, 5))),
        ("hidden_mismatch_unbatched", c, f32, t(3), (t(5), t(4))),
        ("dtype_float64_input", c, f32, t(2, 3, dtype=f64), None),
        ("dtype_float64_hx", c, f32, t(2, 3), (t(2, 4, dtype=f64), t(2, 4))),
        ("dtype_float32_input", c, f64, t(2, 3), (t(2, 4, dtype=f64), t(2, 4, dtype=f64))),
        ("dtype_int64_input", c, f32, torch.zeros(2, 3, dtype=torch.int64), None),
        ("dtype_float64_input_nobias", dict(c, bias=False), f32, t(2, 3, dtype=f64), None),
        ("dtype_float32_hx_nobias", dict(c, bias=False), f64, t(2, 3, dtype=f64), (t(2, 4), t(2, 4, dtype=f64))),
        # forward((hx,)), a tuple of one state, has no counterpart: Swift's LSTMCell takes the pair.
        ("negative_hidden", dict(input_size=3, hidden_size=-1), f32, None, None),
        ("negative_input", dict(input_size=-2, hidden_size=4), f32, None, None),
    ]
    for name, config, dtype, x, states in calls:
        yield GivenCall(f"{PREFIX}_{name}", config, dtype, x, states)


def live_error_inputs(spec, rng, draws, config, dtype, steps, batch):
    """Invalid calls of the cell with the live case's sizes and bias."""
    other = f64 if dtype == f32 else f32
    t = partial(draws.randn, dtype=dtype)
    I, H = config["input_size"], config["hidden_size"]
    cell = spec.config(input_size=I, hidden_size=H, bias=config["bias"])
    call = partial(GivenCall, "", cell, dtype)
    return [
        call(t(batch, I, 2)), call(t(batch, I + 1)), call(t(batch, I), (t(batch + 1, H), t(batch, H))),
        call(t(batch, I), (t(batch, H), t(batch + 1, H))), call(t(batch, I), (t(batch, H + 2), t(batch, H))),
        call(t(batch, I), (t(batch, H), t(batch, H + 1))), call(t(batch, I), (t(H), t(batch, H))),
        call(t(I), (t(1, H), t(H))), call(t(batch, I, dtype=other)), GivenCall("", dict(cell, hidden_size=-H), dtype),
    ]


LSTM_CELL = ModuleSpec(
    nn.LSTMCell,
    defaults=dict(input_size=3, hidden_size=4, bias=True),
    state_names=("hx", "cx"), result_names=("h_1", "c_1"), sequence=False,
    input_shape=step_input_shape, state_shapes=lstm_step_state_shapes, tags=RECURRENT_TAGS,
    grid=GRID, edge_inputs=partial(cell_edge_inputs, prefix=PREFIX), error_inputs=error_inputs,
    live_error_inputs=live_error_inputs)
