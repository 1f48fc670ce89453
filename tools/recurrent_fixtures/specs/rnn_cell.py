"""nn.RNNCell: its options, its layout, and the inputs each family writes for it. A cell has no
train/eval difference; its cases run it in the mode it is constructed in (training)."""
from functools import partial

import torch
import torch.nn as nn

from ..spec import Axis, ForwardInput, Grid, ModuleSpec, one_state_call
from .recurrent_layout import RECURRENT_TAGS, step_input_shape, step_state_shapes

f32, f64 = torch.float32, torch.float64

GRID = Grid(
    name="cell", index_digits=2, description="RNNCell option product",
    axes=(Axis("bias", (True, False)), Axis("nonlinearity", ("tanh", "relu")), Axis("unbatched", (False, True)),
          Axis("with_state", (False, True)), Axis("dtype", (f32, f64))),
    fixed={"training": True},
    sizes={"input_size": (1, 8), "hidden_size": (1, 8), "batch": (1, 5)})


def edge_inputs(spec):
    # Only the sizes are passed: the other options stay at torch's defaults.
    yield ForwardInput("cell_edge_hidden0", dict(input_size=3, hidden_size=0), batch=2, training=True,
                       description="hidden_size 0 is accepted")
    yield ForwardInput("cell_edge_input0", dict(input_size=0, hidden_size=4), batch=2, with_state=True, training=True,
                       description="input_size 0 is accepted")
    yield ForwardInput("cell_edge_empty_batch", dict(input_size=3, hidden_size=4), batch=0, with_state=True,
                       training=True, description="N = 0")
    yield ForwardInput("cell_large", dict(input_size=96, hidden_size=128), batch=4, with_state=True, training=True,
                       description="H_in = 96, H = 128")


def error_inputs(spec, draws):
    for name, config, dtype, x, h in one_state_cell_calls(draws):
        yield one_state_call(f"cell_{name}", config, x, h, dtype)


def one_state_cell_calls(draws):
    """(name, config, dtype, input, hx) of the calls a one-state cell (nn.RNNCell, nn.GRUCell) refuses;
    the tensors drawn from `draws` in order."""
    t = draws.randn
    c = dict(input_size=3, hidden_size=4)
    return [
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


def live_error_inputs(spec, rng, draws, config, dtype, steps, batch):
    """Invalid calls of the cell with the live case's sizes, bias and nonlinearity."""
    other = f64 if dtype == f32 else f32
    t, call = partial(draws.randn, dtype=dtype), partial(one_state_call, "", dtype=dtype)
    I, H = config["input_size"], config["hidden_size"]
    cell = spec.config(input_size=I, hidden_size=H, bias=config["bias"], nonlinearity=config["nonlinearity"])
    return [
        call(cell, t(batch, I, 2)), call(cell, t(batch, I + 1)), call(cell, t(batch, I), t(batch + 1, H)),
        call(cell, t(batch, I), t(batch, H + 2)), call(cell, t(batch, I), t(H)), call(cell, t(I), t(1, H)),
        call(cell, t(batch, I, dtype=other)), call(dict(cell, hidden_size=-H)),
    ]


RNN_CELL = ModuleSpec(
    nn.RNNCell,
    defaults=dict(input_size=3, hidden_size=4, bias=True, nonlinearity="tanh"),
    state_names=("hx",), result_names=("output",), sequence=False,
    input_shape=step_input_shape, state_shapes=step_state_shapes, tags=RECURRENT_TAGS,
    grid=GRID, edge_inputs=edge_inputs, error_inputs=error_inputs, live_error_inputs=live_error_inputs)
