"""nn.LSTM (proj_size included): its options, its layout, and the inputs each family writes for it. Its
states are (h0, c0) and its results output, h_n, c_n; every case name contains `lstm`."""
from functools import partial

import torch
import torch.nn as nn
from torch.nn.utils import rnn as rnn_utils

from ..spec import Axis, CheckpointInput, ForwardInput, GivenCall, Grid, ModuleSpec, WarningInput, packed_input
from . import gated_layers
from .recurrent_layout import RECURRENT_TAGS, lstm_state_shapes, sequence_input_shape

f32, f64 = torch.float32, torch.float64
PREFIX = "lstm"


def projected(hidden_size):
    """A projection to about half the hidden size (proj_size must be below it)."""
    return {"proj_size": max(1, hidden_size // 2)}


GRID = Grid(
    name=PREFIX, index_digits=2, description="LSTM option product",
    axes=(Axis("num_layers", (1, 2, 3)), Axis("proj_size", (0, 2)), Axis("bidirectional", (False, True)),
          Axis("unbatched", (False, True)), Axis("with_state", (False, True)), Axis("dtype", (f32, f64))),
    paired=(Axis("bias", (True, False)), Axis("batch_first", (False, True)), Axis("dropout", (0.0, 0.25, 0.5)),
            Axis("training", (False, True))),
    tag_order=("num_layers", "proj_size", "bias", "batch_first", "bidirectional", "unbatched", "with_state",
               "dropout", "training", "dtype"),
    # hidden_size above the grid's largest proj_size.
    sizes={"input_size": (1, 6), "hidden_size": (3, 6), "steps": (1, 6), "batch": (1, 4)})

PACKED_GRID = Grid(
    name=PREFIX, index_digits=2, description="LSTM packed option product",
    axes=(Axis("enforce_sorted", (True, False)), Axis("batch_first", (False, True)),
          Axis("bidirectional", (False, True)), Axis("proj_size", (0, 2)), Axis("dtype", (f32, f64))),
    paired=(Axis("num_layers", (1, 2)), Axis("bias", (True, False)), Axis("with_state", (False, True))),
    tag_order=("enforce_sorted", "batch_first", "bidirectional", "proj_size", "num_layers", "bias", "with_state",
               "dtype"),
    sizes={"input_size": (1, 5), "hidden_size": (3, 5), "steps": (1, 7), "batch": (1, 5)})

# (H_in, H, L, N, num_layers, bidirectional, extra options, dtypes)
LARGE = [(32, 48, 30, 2, 2, False, {}, (f32,)), (16, 32, 24, 2, 2, True, {"proj_size": 12}, (f32, f64)),
         (32, 96, 10, 2, 1, False, {}, (f32,)), (8, 32, 120, 2, 1, False, {"proj_size": 5}, (f32, f64))]


def edge_inputs(spec):
    yield from gated_layers.edge_inputs(spec, PREFIX, projected, LARGE)
    c = spec.config
    yield ForwardInput("lstm_edge_proj1_hidden2", c(input_size=3, hidden_size=2, proj_size=1, num_layers=2,
                                                    bidirectional=True),
                       steps=4, batch=2, with_state=True, description="H = 2, proj_size = 1, two bidirectional layers")
    yield ForwardInput("lstm_edge_proj1_unbatched", c(input_size=2, hidden_size=3, proj_size=1), steps=5, batch=1,
                       unbatched=True, with_state=True, description="proj_size = 1, unbatched")


def error_inputs(spec, draws):
    c = spec.config
    constructor = gated_layers.constructor_errors(c) + [
        ("proj_size_negative", c(proj_size=-1)),
        ("proj_size_equal_hidden", c(proj_size=4)),
        ("proj_size_above_hidden", c(hidden_size=2, proj_size=3)),
        ("order_layers_before_proj_size", c(num_layers=0, proj_size=-1)),
        ("order_proj_negative_before_above_hidden", c(hidden_size=1, proj_size=-2)),
        ("warning_then_proj_size", c(dropout=0.5, proj_size=4)),
    ]
    for name, config in constructor:
        yield GivenCall(f"{PREFIX}_init_{name}", config)
    yield WarningInput(f"{PREFIX}_dropout_one_layer", c(dropout=0.5), "dropout > 0 with one layer warns")
    yield WarningInput(f"{PREFIX}_dropout_one_proj", c(dropout=1.0, proj_size=2), "dropout = 1 is accepted, with the warning")

    t = draws.randn
    m, p = c(num_layers=2), c(num_layers=2, proj_size=2)
    forward = [
        ("rank1", m, f32, t(3), None),
        ("rank4", m, f32, t(5, 2, 3, 1), None),
        ("rank0", m, f32, t(), None),
        ("unbatched_states_rank3", m, f32, t(5, 3), (t(2, 1, 4), t(2, 1, 4))),
        ("unbatched_c0_rank3", m, f32, t(5, 3), (t(2, 4), t(2, 1, 4))),
        ("batched_h0_rank2", m, f32, t(5, 1, 3), (t(2, 4), t(2, 1, 4))),
        ("batched_c0_rank2", m, f32, t(5, 1, 3), (t(2, 1, 4), t(2, 4))),
        ("batched_states_rank4", m, f32, t(5, 1, 3), (t(2, 1, 1, 4), t(2, 1, 1, 4))),
        ("input_size", m, f32, t(5, 2, 7), None),
        ("input_size_unbatched", m, f32, t(5, 7), None),
        ("input_size_zero", m, f32, t(5, 2, 0), None),
        ("h0_layers", m, f32, t(5, 2, 3), (t(3, 2, 4), t(2, 2, 4))),
        ("h0_batch", m, f32, t(5, 2, 3), (t(2, 3, 4), t(2, 2, 4))),
        ("h0_hidden", m, f32, t(5, 2, 3), (t(2, 2, 5), t(2, 2, 4))),
        ("c0_layers", m, f32, t(5, 2, 3), (t(2, 2, 4), t(3, 2, 4))),
        ("c0_batch", m, f32, t(5, 2, 3), (t(2, 2, 4), t(2, 3, 4))),
        ("c0_hidden", m, f32, t(5, 2, 3), (t(2, 2, 4), t(2, 2, 5))),
        ("states_bidirectional", c(num_layers=2, bidirectional=True), f32, t(5, 2, 3), (t(2, 2, 4), t(2, 2, 4))),
        ("c0_bidirectional", c(num_layers=2, bidirectional=True), f32, t(5, 2, 3), (t(4, 2, 4), t(2, 2, 4))),
        ("states_batch_first_layout", c(num_layers=2, batch_first=True), f32, t(3, 5, 3), (t(2, 5, 4), t(2, 5, 4))),
        ("h0_unbatched_layers", m, f32, t(5, 3), (t(3, 4), t(2, 4))),
        ("c0_unbatched_hidden", m, f32, t(5, 3), (t(2, 4), t(2, 5))),
        ("proj_h0_hidden_size", p, f32, t(5, 2, 3), (t(2, 2, 4), t(2, 2, 4))),
        ("proj_c0_proj_size", p, f32, t(5, 2, 3), (t(2, 2, 2), t(2, 2, 2))),
        ("proj_states_swapped", p, f32, t(5, 2, 3), (t(2, 2, 4), t(2, 2, 2))),
        ("proj_unbatched_h0_hidden_size", p, f32, t(5, 3), (t(2, 4), t(2, 4))),
        ("dtype_float64_input", m, f32, t(5, 2, 3, dtype=f64), None),
        ("dtype_float32_input", c(num_layers=2), f64, t(5, 2, 3), None),
        ("dtype_int64_input", m, f32, torch.zeros(5, 2, 3, dtype=torch.int64), None),
        ("dtype_float64_h0", m, f32, t(5, 2, 3), (t(2, 2, 4, dtype=f64), t(2, 2, 4))),
        ("dtype_float64_c0", m, f32, t(5, 2, 3), (t(2, 2, 4), t(2, 2, 4, dtype=f64))),
        ("dtype_int64_h0", m, f32, t(5, 2, 3), (torch.zeros(2, 2, 4, dtype=torch.int64), t(2, 2, 4))),
        ("dtype_float32_states", m, f64, t(5, 2, 3, dtype=f64), (t(2, 2, 4), t(2, 2, 4))),
        ("dtype_float64_h0_proj", p, f32, t(5, 2, 3), (t(2, 2, 2, dtype=f64), t(2, 2, 4))),
        ("empty_sequence", m, f32, t(0, 2, 3), None),
        ("empty_sequence_unbatched", m, f32, t(0, 3), None),
        ("empty_sequence_empty_batch", m, f32, t(0, 0, 3), None),
        ("empty_sequence_batch_first", c(batch_first=True), f32, t(2, 0, 3), None),
        ("order_rank_before_dtype", m, f32, t(3, dtype=f64), None),
        ("order_states_rank_before_dtype", m, f32, t(5, 2, 3, dtype=f64), (t(2, 4), t(2, 2, 4))),
        ("order_states_rank_before_input_size", m, f32, t(5, 2, 7), (t(2, 2, 4), t(2, 4))),
        ("order_input_size_before_h0", m, f32, t(5, 2, 7), (t(3, 2, 4), t(2, 2, 4))),
        ("order_h0_before_c0", m, f32, t(5, 2, 3), (t(3, 2, 4), t(2, 3, 4))),
        ("order_h0_before_length", m, f32, t(0, 2, 3), (t(3, 2, 4), t(2, 2, 4))),
        ("order_dtype_before_input_size", m, f32, t(5, 2, 7, dtype=f64), None),
        ("order_length_before_state_dtype", m, f32, t(0, 2, 3), (t(2, 2, 4, dtype=f64), t(2, 2, 4))),
    ]
    for name, config, dtype, x, states in forward:
        yield GivenCall(f"{PREFIX}_forward_{name}", config, dtype, x, states)


def packed_calls(spec, draws):
    """Packed calls: nn.LSTM checks nothing of a packed batch's states in Python, so these are the
    kernel's own messages."""
    t = draws.randn
    m, p = spec.config(num_layers=2), spec.config(num_layers=2, proj_size=2)
    errors = [
        ("h0_batch", m, [4, 2], True, ((2, 3, 4), (2, 2, 4)), 3),
        ("c0_batch", m, [4, 2], True, ((2, 2, 4), (2, 3, 4)), 3),
        ("states_two_dimensional", m, [4, 2], True, ((2, 4), (2, 4)), 3),
        ("states_narrower_unsorted", m, [2, 4, 3], False, ((2, 1, 4), (2, 1, 4)), 3),
        ("h0_layers", m, [4, 2], True, ((3, 2, 4), (3, 2, 4)), 3),
        ("h0_hidden", m, [4, 2], True, ((2, 2, 5), (2, 2, 4)), 3),
        ("c0_hidden", m, [4, 2], True, ((2, 2, 4), (2, 2, 5)), 3),
        ("proj_h0_hidden_size", p, [4, 2], True, ((2, 2, 4), (2, 2, 4)), 3),
        ("input_size", m, [4, 2], True, None, 5),
    ]
    for name, config, lengths, enforce, shapes, features in errors:
        x = t(max(lengths), len(lengths), features)
        packed = rnn_utils.pack_padded_sequence(x, lengths, enforce_sorted=enforce)
        yield GivenCall(f"error_{PREFIX}_{name}", config, input=packed,
                        states=None if shapes is None else tuple(t(*s) for s in shapes),
                        description="packed forward error")
    wide = rnn_utils.pack_padded_sequence(t(4, 2, 3), [2, 4], enforce_sorted=False)
    yield GivenCall(f"{PREFIX}_states_wider_unsorted_accepted", m, input=wide, states=(t(2, 3, 4), t(2, 3, 4)),
                    raises=False, description="states wider than an unsorted packed batch are accepted")


def checkpoint_inputs(spec):
    c = spec.config

    def run(name, config, **options):
        return ForwardInput(f"{PREFIX}_{name}", config, batch=3, steps=5, **options)
    yield CheckpointInput(run("nested_prefix", c(num_layers=2, bidirectional=True), with_state=True), f32,
                          container="model")
    yield CheckpointInput(run("bidirectional_l3", c(num_layers=3, bidirectional=True)), f32)
    yield CheckpointInput(run("proj_size", c(num_layers=2, bidirectional=True, proj_size=2), with_state=True), f32)
    yield CheckpointInput(run("float64_batch_first", c(num_layers=2, batch_first=True), with_state=True), f64)
    yield CheckpointInput(run("legacy_proj_size", c(num_layers=2, proj_size=3)), f32, serialization="legacy")
    yield CheckpointInput(run("safetensors_state_dict", c(num_layers=2, bidirectional=True)), f32,
                          serialization="safetensors")
    # What cuDNN's flatten_parameters() leaves: every parameter a view of one storage.
    yield CheckpointInput(run("flattened_shared_storage", c(num_layers=2, bidirectional=True, proj_size=2),
                              with_state=True), f32, layout="shared storage")
    yield CheckpointInput(packed_input(f"{PREFIX}_packed_lengths", c(num_layers=2, bidirectional=True), [5, 2, 4, 1],
                                       enforce_sorted=False, with_state=True), f32)


def live_error_inputs(spec, rng, draws, config, dtype, steps, batch):
    """Invalid calls around the live case's config: a wrong constructor argument (proj_size included),
    input rank, input size, h0 or c0 shape, sequence length or dtype."""
    other = f64 if dtype == f32 else f32
    t, call = partial(draws.randn, dtype=dtype), partial(GivenCall, "", config, dtype)
    I, H, P = config["input_size"], config["hidden_size"], config["proj_size"]
    D, L = 2 if config["bidirectional"] else 1, config["num_layers"]
    S = P or H
    x_shape = (batch, steps, I) if config["batch_first"] else (steps, batch, I)
    return gated_layers.live_constructor_errors(rng, config, dtype) + [
        GivenCall("", dict(config, proj_size=rng.choice([-1, H, H + 2])), dtype),
        call(t(*x_shape, 1)),
        call(t(I)),
        call(t(*x_shape[:-1], I + rng.randint(1, 5))),
        call(t(*x_shape), (t(D * L + 1, batch, S), t(D * L + 1, batch, H))),
        call(t(*x_shape), (t(D * L, batch + 1, S), t(D * L, batch, H))),
        call(t(*x_shape), (t(D * L, batch, S + 1), t(D * L, batch, H))),
        call(t(*x_shape), (t(D * L, batch, S), t(D * L, batch + 1, H))),
        call(t(*x_shape), (t(D * L, batch, S), t(D * L, batch, H + 1))),
        call(t(*x_shape), (t(D * L, S), t(D * L, batch, H))),
        call(t(steps, I), (t(D * L, 1, S), t(D * L, 1, H))),
        call(t(0, I)),
        call(t(*x_shape, dtype=other)),
    ]


LSTM = ModuleSpec(
    nn.LSTM,
    defaults=dict(input_size=3, hidden_size=4, num_layers=1, bias=True, batch_first=False, dropout=0.0,
                  bidirectional=False, proj_size=0),
    state_names=("h0", "c0"), result_names=("output", "h_n", "c_n"), sequence=True,
    input_shape=sequence_input_shape, state_shapes=lstm_state_shapes, tags=RECURRENT_TAGS,
    grid=GRID, edge_inputs=edge_inputs,
    saturation_inputs=partial(gated_layers.saturation_inputs, prefix=PREFIX, projected=projected),
    dropout_inputs=partial(gated_layers.dropout_inputs, prefix=PREFIX, projected=projected),
    special_inputs=partial(gated_layers.special_inputs, prefix=PREFIX), error_inputs=error_inputs,
    packed_grid=PACKED_GRID,
    packed_inputs=partial(gated_layers.packed_inputs, prefix=PREFIX, projected=projected),
    packed_calls=packed_calls, checkpoint_inputs=checkpoint_inputs, live_error_inputs=live_error_inputs)
