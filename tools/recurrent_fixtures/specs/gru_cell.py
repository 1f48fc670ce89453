"""nn.GRUCell: its options, its layout, and the inputs each family writes for it. Its state is hx and
its result `output`, as nn.RNNCell's; every case name contains `gru_cell`. A cell has no train/eval
difference; its cases run it in the mode it is constructed in (training)."""
from functools import partial

import torch
import torch.nn as nn

from ..spec import Axis, GivenCall, Grid, ModuleSpec, one_state_call
from .lstm_cell import cell_edge_inputs
from .recurrent_layout import RECURRENT_TAGS, step_input_shape, step_state_shapes
from .rnn_cell import one_state_cell_calls

f32, f64 = torch.float32, torch.float64
PREFIX = "gru_cell"

GRID = Grid(
    name=PREFIX, index_digits=2, description="GRUCell option product",
    axes=(Axis("bias", (True, False)), Axis("unbatched", (False, True)), Axis("with_state", (False, True)),
          Axis("dtype", (f32, f64))),
    fixed={"training": True},
    sizes={"input_size": (1, 8), "hidden_size": (1, 8), "batch": (1, 5)})


def error_inputs(spec, draws):
    for name, config, dtype, x, h in one_state_cell_calls(draws):
        yield one_state_call(f"{PREFIX}_{name}", config, x, h, dtype)


def live_error_inputs(spec, rng, draws, config, dtype, steps, batch):
    """Invalid calls of the cell with the live case's sizes and bias."""
    other = f64 if dtype == f32 else f32
    t = partial(draws.randn, dtype=dtype)
    I, H = config["input_size"], config["hidden_size"]
    cell = spec.config(input_size=I, hidden_size=H, bias=config["bias"])
    call = partial(one_state_call, "", cell, dtype=dtype)
    return [
        call(t(batch, I, 2)), call(t(batch, I + 1)), call(t(batch, I), t(batch + 1, H)),
        call(t(batch, I), t(batch, H + 2)), call(t(batch, I), t(H)), call(t(I), t(1, H)),
        call(t(batch, I, dtype=other)), GivenCall("", dict(cell, hidden_size=-H), dtype),
    ]


GRU_CELL = ModuleSpec(
    nn.GRUCell,
    defaults=dict(input_size=3, hidden_size=4, bias=True),
    state_names=("hx",), result_names=("output",), sequence=False,
    input_shape=step_input_shape, state_shapes=step_state_shapes, tags=RECURRENT_TAGS,
    grid=GRID, edge_inputs=partial(cell_edge_inputs, prefix=PREFIX), error_inputs=error_inputs,
    live_error_inputs=live_error_inputs)
