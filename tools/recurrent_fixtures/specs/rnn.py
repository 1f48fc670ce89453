"""nn.RNN: its options, its layout, and the inputs each family writes for it."""
from functools import partial

import torch
import torch.nn as nn
from torch.nn.utils import rnn as rnn_utils

from ..spec import (Axis, CheckpointInput, ForwardInput, GivenCall, Grid, ModuleSpec, WarningInput, one_state_call,
                    packed_input)
from .recurrent_layout import RECURRENT_TAGS, layered_state_shapes, sequence_input_shape

f32, f64 = torch.float32, torch.float64


GRID = Grid(
    name="rnn", index_digits=3, description="option product",
    axes=(Axis("num_layers", (1, 2, 3)), Axis("nonlinearity", ("tanh", "relu")), Axis("bias", (True, False)),
          Axis("batch_first", (False, True)), Axis("bidirectional", (False, True)), Axis("unbatched", (False, True)),
          Axis("with_state", (False, True)), Axis("dtype", (f32, f64))),
    paired=(Axis("dropout", (0.0, 0.25, 0.5)), Axis("training", (False, True))),
    sizes={"input_size": (1, 6), "hidden_size": (1, 6), "steps": (1, 6), "batch": (1, 4)})

PACKED_GRID = Grid(
    name="rnn", index_digits=2, description="packed option product",
    axes=(Axis("enforce_sorted", (True, False)), Axis("batch_first", (False, True)),
          Axis("bidirectional", (False, True)), Axis("num_layers", (1, 2)), Axis("dtype", (f32, f64))),
    paired=(Axis("nonlinearity", ("tanh", "relu")), Axis("bias", (True, False)), Axis("with_state", (False, True))),
    tag_order=("enforce_sorted", "batch_first", "bidirectional", "num_layers", "nonlinearity", "bias",
               "with_state", "dtype"),
    sizes={"input_size": (1, 5), "hidden_size": (1, 5), "steps": (1, 7), "batch": (1, 5)})


def edge_inputs(spec):
    c = spec.config
    yield ForwardInput("edge_all_ones", c(input_size=1, hidden_size=1), steps=1, batch=1,
                       description="L = N = H = H_in = 1")
    yield ForwardInput("edge_all_ones_bi_l2", c(input_size=1, hidden_size=1, num_layers=2, bidirectional=True),
                       steps=1, batch=1, with_state=True, description="L = N = H = 1, two bidirectional layers")
    yield ForwardInput("edge_hidden1_l3", c(input_size=5, hidden_size=1, num_layers=3), steps=7, batch=3,
                       description="H = 1, three layers")
    yield ForwardInput("edge_wide_input", c(input_size=200, hidden_size=1), steps=3, batch=2,
                       description="H_in = 200, H = 1")
    yield ForwardInput("edge_empty_batch", c(num_layers=2), steps=5, batch=0, description="N = 0")
    yield ForwardInput("edge_empty_batch_bf_bi", c(batch_first=True, bidirectional=True), steps=5, batch=0,
                       description="N = 0, batch_first, bidirectional")
    yield ForwardInput("edge_empty_batch_h0", c(num_layers=2), steps=3, batch=0, with_state=True,
                       description="N = 0 with an explicit (2, 0, 4) h0")
    yield ForwardInput("edge_single_step_unbatched", c(num_layers=2, bidirectional=True), steps=1, batch=1,
                       unbatched=True, with_state=True, description="L = 1, unbatched, bidirectional")
    # Long dot products and long sequences in the default (well-conditioned) range.
    for i, (I, H, L, N, layers, bi) in enumerate([(32, 64, 50, 4, 2, False), (16, 48, 30, 3, 2, True),
                                                  (64, 128, 20, 2, 1, False), (8, 32, 120, 2, 1, False)]):
        for act in ["tanh", "relu"]:
            yield ForwardInput(f"large_{i}_{act}", c(input_size=I, hidden_size=H, num_layers=layers, bidirectional=bi,
                                                     nonlinearity=act),
                               steps=L, batch=N, with_state=True, description=f"H_in={I}, H={H}, L={L}, N={N}")


def saturation_inputs(spec):
    for i, (layers, bi) in enumerate([(1, False), (2, True), (3, False)]):
        yield ForwardInput(f"saturation_{i}", spec.config(input_size=6, hidden_size=8, num_layers=layers,
                                                          bidirectional=bi),
                           steps=20, batch=3, with_state=True)


def dropout_inputs(spec):
    for i, p in enumerate([0.1, 0.5, 0.9, 1.0]):
        yield ForwardInput(f"dropout_{i}_p{p:g}", spec.config(input_size=5, hidden_size=6, num_layers=3, dropout=p,
                                                              bidirectional=i % 2 == 1, batch_first=i >= 2),
                           steps=6, batch=3, training=True, description=f"training-mode dropout p={p}")
    yield ForwardInput("dropout_eval", spec.config(num_layers=3, dropout=0.5), steps=4, batch=2, training=False,
                       description="dropout 0.5 in eval mode: no dropout")


def growth_inputs(spec):
    # float64 only: float32 cannot follow geometric growth to the tolerance.
    for i, (radius, L) in enumerate([(1.05, 150), (1.1, 120), (1.04, 250)]):
        yield radius, ForwardInput(
            f"relu_growth_{i}", spec.config(input_size=4, hidden_size=16, nonlinearity="relu"), steps=L, batch=2,
            dtypes=(f64,), description=f"relu, nonnegative W_hh of spectral radius {radius}, L={L}: geometric growth")


def with_nan(x):
    x = x.clone()
    x[1, 0, 0] = float("nan")
    return x


def with_huge(x):
    x = x.clone()
    x[0, 0, 0] = 1e30
    x[1, 0, 1] = -float("inf")
    x[2, 1, 2] = float("inf")
    return x


def special_inputs(spec):
    yield with_nan, ForwardInput("special_nan_relu", spec.config(nonlinearity="relu"), steps=4, batch=2, dtypes=(f32,),
                                 description="NaN input propagates through relu")
    yield with_huge, ForwardInput("special_inf_tanh", spec.config(), steps=4, batch=2,
                                  description="1e30 and inf inputs saturate tanh")


def error_inputs(spec, draws):
    c = spec.config
    constructor = [
        ("nonlinearity_capitalised", c(nonlinearity="Tanh")),
        ("nonlinearity_sigmoid", c(nonlinearity="sigmoid")),
        ("nonlinearity_empty", c(nonlinearity="")),
        ("dropout_negative", c(dropout=-0.1)),
        ("dropout_above_one", c(dropout=1.5)),
        ("dropout_nan", c(dropout=float("nan"))),
        ("input_size_zero", c(input_size=0)),
        ("input_size_negative", c(input_size=-2)),
        ("hidden_size_zero", c(hidden_size=0)),
        ("hidden_size_negative", c(hidden_size=-1)),
        ("num_layers_zero", c(num_layers=0)),
        ("num_layers_negative", c(num_layers=-1)),
        ("order_nonlinearity_before_dropout", c(nonlinearity="x", dropout=2.0)),
        ("order_dropout_before_sizes", c(input_size=0, hidden_size=0, dropout=2.0)),
        ("order_input_before_hidden", c(input_size=0, hidden_size=0)),
        ("order_hidden_before_layers", c(hidden_size=0, num_layers=0)),
        ("warning_then_hidden_size", c(hidden_size=0, dropout=0.5)),
    ]
    for name, config in constructor:
        yield GivenCall(f"init_{name}", config)
    yield WarningInput("dropout_one_layer", c(dropout=0.5), "dropout > 0 with one layer warns")
    yield WarningInput("dropout_tiny", c(dropout=1e-7), "the warning prints dropout as Python's repr")
    yield WarningInput("dropout_one", c(dropout=1.0), "dropout = 1 is accepted, with the warning")

    for name, config, dtype, x, h in forward_error_calls(c, draws):
        yield one_state_call(f"forward_{name}", config, x, h, dtype)


def forward_error_calls(c, draws):
    """(name, config, dtype, input, initial state) of the forward calls a one-state sequence module
    (nn.RNN, nn.GRU) refuses, over the configs `c` makes; the tensors drawn from `draws` in order."""
    t = draws.randn
    m = c(num_layers=2)
    return [
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
        ("h0_bidirectional", c(num_layers=2, bidirectional=True), f32, t(5, 2, 3), t(2, 2, 4)),
        ("h0_batch_first_layout", c(num_layers=2, batch_first=True), f32, t(3, 5, 3), t(3, 2, 4)),
        ("h0_unbatched_layers", m, f32, t(5, 3), t(3, 4)),
        ("h0_unbatched_hidden", m, f32, t(5, 3), t(2, 5)),
        ("dtype_float64_input", m, f32, t(5, 2, 3, dtype=f64), None),
        ("dtype_float32_input", m, f64, t(5, 2, 3), None),
        ("dtype_int64_input", m, f32, torch.zeros(5, 2, 3, dtype=torch.int64), None),
        ("dtype_float64_h0", m, f32, t(5, 2, 3), t(2, 2, 4, dtype=f64)),
        ("dtype_int64_h0", m, f32, t(5, 2, 3), torch.zeros(2, 2, 4, dtype=torch.int64)),
        ("dtype_float32_h0", m, f64, t(5, 2, 3, dtype=f64), t(2, 2, 4)),
        ("dtype_float64_h0_nobias", c(num_layers=2, bias=False), f32, t(5, 2, 3), t(2, 2, 4, dtype=f64)),
        ("dtype_int64_h0_nobias", c(bias=False), f32, t(5, 2, 3), torch.zeros(1, 2, 4, dtype=torch.int64)),
        ("empty_sequence", m, f32, t(0, 2, 3), None),
        ("empty_sequence_unbatched", m, f32, t(0, 3), None),
        ("empty_sequence_empty_batch", m, f32, t(0, 0, 3), None),
        ("empty_sequence_batch_first", c(batch_first=True), f32, t(2, 0, 3), None),
        ("order_rank_before_dtype", m, f32, t(3, dtype=f64), None),
        ("order_h0_rank_before_input_size", m, f32, t(5, 2, 7), t(2, 4)),
        ("order_input_size_before_h0", m, f32, t(5, 2, 7), t(3, 2, 4)),
        ("order_h0_before_length", m, f32, t(0, 2, 3), t(3, 2, 4)),
        ("order_h0_rank_before_dtype", m, f32, t(5, 2, 3, dtype=f64), t(2, 4)),
        ("order_dtype_before_input_size", m, f32, t(5, 2, 7, dtype=f64), None),
        ("order_length_before_h0_dtype", m, f32, t(0, 2, 3), t(2, 2, 4, dtype=f64)),
    ]


def packed_inputs(spec, rng):
    c = spec.config
    two = c(num_layers=2, bidirectional=True)
    yield packed_input("equal_lengths", two, [4, 4, 4], enforce_sorted=True, with_state=True,
                       description="all lengths equal")
    yield packed_input("lengths_one", two, [1, 1, 1, 1], enforce_sorted=False, description="every length 1")
    yield packed_input("one_sequence", two, [6], enforce_sorted=True, with_state=True, description="a batch of one")
    yield packed_input("ties_unsorted", c(num_layers=2, bidirectional=True, batch_first=True),
                       [rng.choice([2, 3, 5]) for _ in range(20)], enforce_sorted=False, with_state=True,
                       description="20 sequences with tied lengths: PyTorch's unstable sort order")
    yield packed_input("dropout_train", c(num_layers=3, dropout=0.4, bidirectional=True), [5, 2, 4, 1],
                       enforce_sorted=False, training=True, description="dropout on the packed data")
    yield packed_input("long", c(input_size=8, hidden_size=24, num_layers=2, nonlinearity="relu"),
                       [60, 45, 30, 12, 3, 1], enforce_sorted=True, with_state=True, description="longer sequences")


def packed_calls(spec, draws):
    return one_state_packed_calls(spec, draws, "rnn")


def one_state_packed_calls(spec, draws, prefix):
    """The packed calls a one-state sequence module refuses (`error_PREFIX_*`), and an h0 wider than an
    unsorted batch, which it accepts."""
    t = draws.randn
    m = spec.config(num_layers=2)
    errors = [
        ("h0_batch", [4, 2], True, (2, 3, 4), 3),
        ("h0_two_dimensional", [4, 2], True, (2, 4), 3),
        ("h0_narrower_unsorted", [2, 4, 3], False, (2, 1, 4), 3),
        ("h0_one_dimensional_unsorted", [2, 4], False, (4,), 3),
        ("input_size", [4, 2], True, None, 5),
    ]
    for name, lengths, enforce, h0_shape, features in errors:
        x = t(max(lengths), len(lengths), features)
        packed = rnn_utils.pack_padded_sequence(x, lengths, enforce_sorted=enforce)
        yield one_state_call(f"error_{prefix}_{name}", m, packed, None if h0_shape is None else t(*h0_shape),
                             description="packed forward error")
    # PyTorch permutes h0 before checking it, so an h0 wider than an unsorted batch is accepted.
    wide = rnn_utils.pack_padded_sequence(t(4, 2, 3), [2, 4], enforce_sorted=False)
    yield one_state_call(f"{prefix}_h0_wider_unsorted_accepted", m, wide, t(2, 3, 4), raises=False,
                         description="an h0 wider than an unsorted packed batch is accepted")


def checkpoint_inputs(spec):
    c = spec.config

    def run(name, config, **options):
        return ForwardInput(name, config, batch=3, steps=5, **options)
    yield CheckpointInput(run("zip_state_dict", c(num_layers=2)), f32)
    yield CheckpointInput(run("legacy_state_dict", c(num_layers=2, bidirectional=True)), f32, serialization="legacy")
    yield CheckpointInput(run("nested_prefix", c(bidirectional=True), with_state=True), f32, container="model")
    yield CheckpointInput(run("training_checkpoint", c(num_layers=2)), f32, container="training checkpoint")
    yield CheckpointInput(run("non_contiguous", c(hidden_size=5)), f32, layout="non-contiguous")
    yield CheckpointInput(run("shared_storage", c(num_layers=2, bidirectional=True)), f32, layout="shared storage")
    yield CheckpointInput(run("float64_relu_batch_first", c(nonlinearity="relu", batch_first=True, num_layers=2),
                              with_state=True), f64)
    yield CheckpointInput(run("legacy_float64_nested", c(bidirectional=True, num_layers=2)), f64, container="model",
                          serialization="legacy")
    yield CheckpointInput(packed_input("packed_lengths", c(num_layers=2, bidirectional=True), [5, 2, 4, 1],
                                       enforce_sorted=False, with_state=True), f32)
    yield CheckpointInput(run("safetensors_state_dict", c(num_layers=2, bias=False)), f32, serialization="safetensors")


def live_error_inputs(spec, rng, draws, config, dtype, steps, batch):
    """Invalid calls around the live case's config: a wrong constructor argument, input rank, input
    size, h0 shape, sequence length or dtype."""
    other = f64 if dtype == f32 else f32
    t, call = partial(draws.randn, dtype=dtype), partial(one_state_call, "", dtype=dtype)
    I, H = config["input_size"], config["hidden_size"]
    D, L = 2 if config["bidirectional"] else 1, config["num_layers"]
    x_shape = (batch, steps, I) if config["batch_first"] else (steps, batch, I)
    wrong = rng.choice([0, -1, -7])
    return [
        call(dict(config, hidden_size=wrong)),
        call(dict(config, input_size=wrong)),
        call(dict(config, num_layers=wrong)),
        call(dict(config, dropout=rng.choice([-0.5, 1.5, float("nan")]))),
        call(dict(config, nonlinearity=rng.choice(["Tanh", "sigmoid", "RELU"]))),
        call(config, t(*x_shape, 1)),
        call(config, t(I)),
        call(config, t(*x_shape[:-1], I + rng.randint(1, 5))),
        call(config, t(*x_shape), t(D * L + 1, batch, H)),
        call(config, t(*x_shape), t(D * L, batch + 1, H)),
        call(config, t(*x_shape), t(D * L, batch, H + 1)),
        call(config, t(*x_shape), t(D * L, H)),
        call(config, t(steps, I), t(D * L, 1, H)),
        call(config, t(0, I)),
        call(config, t(*x_shape, dtype=other)),
        call(config, t(*x_shape), t(D * L, batch, H, dtype=other)),
    ]


RNN = ModuleSpec(
    nn.RNN,
    defaults=dict(input_size=3, hidden_size=4, num_layers=1, nonlinearity="tanh", bias=True, batch_first=False,
                  dropout=0.0, bidirectional=False),
    state_names=("h0",), result_names=("output", "h_n"), sequence=True,
    input_shape=sequence_input_shape, state_shapes=layered_state_shapes, tags=RECURRENT_TAGS,
    grid=GRID, edge_inputs=edge_inputs, saturation_inputs=saturation_inputs, dropout_inputs=dropout_inputs,
    growth_inputs=growth_inputs, special_inputs=special_inputs, error_inputs=error_inputs,
    packed_grid=PACKED_GRID, packed_inputs=packed_inputs, packed_calls=packed_calls,
    checkpoint_inputs=checkpoint_inputs, live_error_inputs=live_error_inputs)
