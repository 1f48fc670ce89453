"""What nn.LSTM and nn.GRU share beyond the layout: the inputs of the edge, saturation, dropout, special
value and packed families, written once over a module's case-name prefix (`lstm`, `gru`) and the extra
options some inputs take (`proj_size` for an LSTM). Every name starts with the prefix, so that
`conform --filter lstm` and `--filter gru` select one module each."""
from functools import partial

import torch

from ..spec import ForwardInput, GivenCall, packed_input
from .rnn import with_huge, with_nan

f32, f64 = torch.float32, torch.float64


def edge_inputs(spec, prefix, projected=lambda **options: {}, large=()):
    """Sizes at the edges under `PREFIX_edge_*`, then `PREFIX_large_*`: `large` lists (H_in, H, L, N,
    num_layers, bidirectional, extra options, dtypes). `projected(hidden_size=H)` gives the extra options
    of the inputs that take them."""
    c = spec.config
    yield ForwardInput(f"{prefix}_edge_all_ones", c(input_size=1, hidden_size=1), steps=1, batch=1,
                       description="L = N = H = H_in = 1")
    yield ForwardInput(f"{prefix}_edge_all_ones_bi_l2", c(input_size=1, hidden_size=1, num_layers=2,
                                                          bidirectional=True),
                       steps=1, batch=1, with_state=True, description="L = N = H = 1, two bidirectional layers")
    yield ForwardInput(f"{prefix}_edge_hidden1_l3", c(input_size=5, hidden_size=1, num_layers=3), steps=7, batch=3,
                       description="H = 1, three layers")
    yield ForwardInput(f"{prefix}_edge_wide_input", c(input_size=200, hidden_size=1), steps=3, batch=2,
                       description="H_in = 200, H = 1")
    yield ForwardInput(f"{prefix}_edge_empty_batch", c(num_layers=2), steps=5, batch=0, description="N = 0")
    yield ForwardInput(f"{prefix}_edge_empty_batch_bf_bi", c(batch_first=True, bidirectional=True), steps=5, batch=0,
                       description="N = 0, batch_first, bidirectional")
    yield ForwardInput(f"{prefix}_edge_empty_batch_h0", c(num_layers=2, **projected(hidden_size=4)), steps=3, batch=0,
                       with_state=True, description="N = 0 with explicit initial states")
    yield ForwardInput(f"{prefix}_edge_single_step_unbatched", c(num_layers=2, bidirectional=True), steps=1, batch=1,
                       unbatched=True, with_state=True, description="L = 1, unbatched, bidirectional")
    for i, (I, H, L, N, layers, bi, extra, dtypes) in enumerate(large):
        yield ForwardInput(f"{prefix}_large_{i}", c(input_size=I, hidden_size=H, num_layers=layers, bidirectional=bi,
                                                    **extra),
                           steps=L, batch=N, with_state=True, dtypes=dtypes,
                           description=f"H_in={I}, H={H}, L={L}, N={N}" + "".join(f", {k}={v}" for k, v in extra.items()))


def saturation_inputs(spec, prefix, projected=lambda **options: {}):
    """Gates saturated by large input weights (families/saturation.py), the second with the extra options."""
    for i, (layers, bi) in enumerate([(1, False), (2, True), (3, False)]):
        extra = projected(hidden_size=8) if i == 1 else {}
        yield ForwardInput(f"{prefix}_saturation_{i}", spec.config(input_size=6, hidden_size=8, num_layers=layers,
                                                                   bidirectional=bi, **extra),
                           steps=20, batch=3, with_state=True)


def dropout_inputs(spec, prefix, projected=lambda **options: {}):
    """Training-mode dropout between three layers (the odd ones with the extra options), and eval mode."""
    for i, p in enumerate([0.1, 0.5, 0.9, 1.0]):
        extra = projected(hidden_size=6) if i % 2 == 1 else {}
        yield ForwardInput(f"{prefix}_dropout_{i}_p{p:g}", spec.config(
            input_size=5, hidden_size=6, num_layers=3, dropout=p, bidirectional=i % 2 == 1, batch_first=i >= 2,
            **extra), steps=6, batch=3, training=True, description=f"training-mode dropout p={p}")
    yield ForwardInput(f"{prefix}_dropout_eval", spec.config(num_layers=3, dropout=0.5), steps=4, batch=2,
                       training=False, description="dropout 0.5 in eval mode: no dropout")


def special_inputs(spec, prefix):
    yield with_nan, ForwardInput(f"{prefix}_special_nan", spec.config(), steps=4, batch=2, dtypes=(f32,),
                                 description="a NaN input propagates through the gates")
    yield with_huge, ForwardInput(f"{prefix}_special_inf", spec.config(), steps=4, batch=2,
                                  description="1e30 and inf inputs saturate the gates")


def packed_inputs(spec, rng, prefix, projected=lambda **options: {}):
    """Special lengths (the family prefixes `packed_`)."""
    c = spec.config
    two = c(num_layers=2, bidirectional=True)
    yield packed_input(f"{prefix}_equal_lengths", two, [4, 4, 4], enforce_sorted=True, with_state=True,
                       description="all lengths equal")
    yield packed_input(f"{prefix}_lengths_one", two, [1, 1, 1, 1], enforce_sorted=False, description="every length 1")
    yield packed_input(f"{prefix}_one_sequence", c(num_layers=2, bidirectional=True, **projected(hidden_size=4)), [6],
                       enforce_sorted=True, with_state=True, description="a batch of one")
    yield packed_input(f"{prefix}_ties_unsorted", c(num_layers=2, bidirectional=True, batch_first=True),
                       [rng.choice([2, 3, 5]) for _ in range(20)], enforce_sorted=False, with_state=True,
                       description="20 sequences with tied lengths: PyTorch's unstable sort order")
    yield packed_input(f"{prefix}_dropout_train", c(num_layers=3, dropout=0.4, bidirectional=True), [5, 2, 4, 1],
                       enforce_sorted=False, training=True, description="dropout on the packed data")
    yield packed_input(f"{prefix}_long", c(input_size=8, hidden_size=16, num_layers=2, **projected(hidden_size=16)),
                       [60, 45, 30, 12, 3, 1], enforce_sorted=True, with_state=True, description="longer sequences")


def constructor_errors(c):
    """(name, config) of the constructor calls nn.RNNBase refuses for an LSTM or a GRU, in its order."""
    return [
        ("dropout_negative", c(dropout=-0.1)),
        ("dropout_above_one", c(dropout=1.5)),
        ("dropout_nan", c(dropout=float("nan"))),
        ("input_size_zero", c(input_size=0)),
        ("input_size_negative", c(input_size=-2)),
        ("hidden_size_zero", c(hidden_size=0)),
        ("hidden_size_negative", c(hidden_size=-1)),
        ("num_layers_zero", c(num_layers=0)),
        ("num_layers_negative", c(num_layers=-1)),
        ("order_dropout_before_sizes", c(input_size=0, hidden_size=0, dropout=2.0)),
        ("order_input_before_hidden", c(input_size=0, hidden_size=0)),
        ("order_hidden_before_layers", c(hidden_size=0, num_layers=0)),
        ("warning_then_hidden_size", c(hidden_size=0, dropout=0.5)),
    ]


def live_constructor_errors(rng, config, dtype):
    """Wrong constructor arguments around a live config."""
    call = partial(GivenCall, "", dtype=dtype)
    wrong = rng.choice([0, -1, -7])
    return [
        call(dict(config, hidden_size=wrong)),
        call(dict(config, input_size=wrong)),
        call(dict(config, num_layers=wrong)),
        call(dict(config, dropout=rng.choice([-0.5, 1.5, float("nan")]))),
    ]
