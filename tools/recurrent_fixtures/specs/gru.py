"""nn.GRU: its options, its layout, and the inputs each family writes for it. Its state is h0 and its
results output and h_n, as nn.RNN's; every case name contains `gru`."""
from functools import partial

import torch
import torch.nn as nn

from ..spec import Axis, CheckpointInput, ForwardInput, GivenCall, Grid, ModuleSpec, WarningInput, one_state_call
from ..spec import packed_input
from . import gated_layers
from .recurrent_layout import RECURRENT_TAGS, layered_state_shapes, sequence_input_shape
from .rnn import forward_error_calls, one_state_packed_calls

f32, f64 = torch.float32, torch.float64
PREFIX = "gru"

GRID = Grid(
    name=PREFIX, index_digits=2, description="GRU option product",
    axes=(Axis("num_layers", (1, 2, 3)), Axis("bias", (True, False)), Axis("bidirectional", (False, True)),
          Axis("unbatched", (False, True)), Axis("with_state", (False, True)), Axis("dtype", (f32, f64))),
    paired=(Axis("batch_first", (False, True)), Axis("dropout", (0.0, 0.25, 0.5)), Axis("training", (False, True))),
    tag_order=("num_layers", "bias", "batch_first", "bidirectional", "unbatched", "with_state", "dropout", "training",
               "dtype"),
    sizes={"input_size": (1, 6), "hidden_size": (1, 6), "steps": (1, 6), "batch": (1, 4)})

PACKED_GRID = Grid(
    name=PREFIX, index_digits=2, description="GRU packed option product",
    axes=(Axis("enforce_sorted", (True, False)), Axis("batch_first", (False, True)),
          Axis("bidirectional", (False, True)), Axis("num_layers", (1, 2)), Axis("dtype", (f32, f64))),
    paired=(Axis("bias", (True, False)), Axis("with_state", (False, True))),
    sizes={"input_size": (1, 5), "hidden_size": (1, 5), "steps": (1, 7), "batch": (1, 5)})

# (H_in, H, L, N, num_layers, bidirectional, extra options, dtypes)
LARGE = [(32, 48, 30, 2, 2, False, {}, (f32,)), (16, 24, 24, 2, 2, True, {}, (f32, f64)),
         (32, 96, 10, 2, 1, False, {}, (f32,)), (8, 32, 120, 2, 1, False, {}, (f32, f64))]


def edge_inputs(spec):
    yield from gated_layers.edge_inputs(spec, PREFIX, large=LARGE)


def error_inputs(spec, draws):
    c = spec.config
    # nn.GRU(..., proj_size=...) is refused by a keyword check that Swift's GRU, which has no such
    # parameter, makes at compile time: no case for it.
    constructor = gated_layers.constructor_errors(c)
    for name, config in constructor:
        yield GivenCall(f"{PREFIX}_init_{name}", config)
    yield WarningInput(f"{PREFIX}_dropout_one_layer", c(dropout=0.5), "dropout > 0 with one layer warns")
    for name, config, dtype, x, h in forward_error_calls(c, draws):
        yield one_state_call(f"{PREFIX}_forward_{name}", config, x, h, dtype)


def checkpoint_inputs(spec):
    c = spec.config

    def run(name, config, **options):
        return ForwardInput(f"{PREFIX}_{name}", config, batch=3, steps=5, **options)
    yield CheckpointInput(run("nested_prefix", c(num_layers=2, bidirectional=True), with_state=True), f32,
                          container="model")
    yield CheckpointInput(run("bidirectional_l3", c(num_layers=3, bidirectional=True)), f32)
    yield CheckpointInput(run("legacy_float64_batch_first", c(num_layers=2, batch_first=True), with_state=True), f64,
                          serialization="legacy")
    yield CheckpointInput(run("safetensors_state_dict", c(num_layers=2, bias=False)), f32, serialization="safetensors")
    yield CheckpointInput(run("shared_storage", c(num_layers=2, bidirectional=True), with_state=True), f32,
                          layout="shared storage")
    yield CheckpointInput(packed_input(f"{PREFIX}_packed_lengths", c(num_layers=2, bidirectional=True), [5, 2, 4, 1],
                                       enforce_sorted=False, with_state=True), f32)


def live_error_inputs(spec, rng, draws, config, dtype, steps, batch):
    """Invalid calls around the live case's config: a wrong constructor argument, input rank, input
    size, h0 shape, sequence length or dtype."""
    other = f64 if dtype == f32 else f32
    t, call = partial(draws.randn, dtype=dtype), partial(one_state_call, "", config, dtype=dtype)
    I, H = config["input_size"], config["hidden_size"]
    D, L = 2 if config["bidirectional"] else 1, config["num_layers"]
    x_shape = (batch, steps, I) if config["batch_first"] else (steps, batch, I)
    return gated_layers.live_constructor_errors(rng, config, dtype) + [
        call(t(*x_shape, 1)),
        call(t(I)),
        call(t(*x_shape[:-1], I + rng.randint(1, 5))),
        call(t(*x_shape), t(D * L + 1, batch, H)),
        call(t(*x_shape), t(D * L, batch + 1, H)),
        call(t(*x_shape), t(D * L, batch, H + 1)),
        call(t(*x_shape), t(D * L, H)),
        call(t(steps, I), t(D * L, 1, H)),
        call(t(0, I)),
        call(t(*x_shape, dtype=other)),
        call(t(*x_shape), t(D * L, batch, H, dtype=other)),
    ]


GRU = ModuleSpec(
    nn.GRU,
    defaults=dict(input_size=3, hidden_size=4, num_layers=1, bias=True, batch_first=False, dropout=0.0,
                  bidirectional=False),
    state_names=("h0",), result_names=("output", "h_n"), sequence=True,
    input_shape=sequence_input_shape, state_shapes=layered_state_shapes, tags=RECURRENT_TAGS,
    grid=GRID, edge_inputs=edge_inputs,
    saturation_inputs=partial(gated_layers.saturation_inputs, prefix=PREFIX),
    dropout_inputs=partial(gated_layers.dropout_inputs, prefix=PREFIX),
    special_inputs=partial(gated_layers.special_inputs, prefix=PREFIX), error_inputs=error_inputs,
    packed_grid=PACKED_GRID, packed_inputs=partial(gated_layers.packed_inputs, prefix=PREFIX),
    packed_calls=partial(one_state_packed_calls, prefix=PREFIX), checkpoint_inputs=checkpoint_inputs,
    live_error_inputs=live_error_inputs)
