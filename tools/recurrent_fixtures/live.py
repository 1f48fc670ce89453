"""`conform --live`: one random case, drawn from (seed, index) alone, through the registry's specs and
the same case writers as the fixture set. The sequence of draws below is what replays a case: keep it."""
import random
from dataclasses import replace

import torch

from .constants import DTYPE_NAMES
from .draws import TensorDraws
from .families.packed import draw_lengths
from .fixture_set import FixtureSet
from .forward_case import forward_case
from .given_call_case import given_call_case
from .gradient_case import gradient_case
from .spec import ForwardInput, packed_input
from .specs import RNN, RNN_CELL


def live_case(seed, index, dtype="all", numeric_only=False):
    """One case of `conform --live`: returns (name, safetensors bytes) in the fixture format. The draw
    covers every constructor option, batched, unbatched and batch-first input, h0 given or not, packed
    batches sorted and unsorted, RNNCell, both dtypes, sizes from 1 to 300, gradients (names with
    `_grad`), and invalid calls (unless `numeric_only`), whose exceptions the Swift side must reproduce."""
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
    config = RNN.config(input_size=size(), hidden_size=size(), num_layers=rng.randint(1, 2 if large else 3),
                        nonlinearity=rng.choice(["tanh", "relu"]), bias=rng.random() < 0.7,
                        batch_first=rng.random() < 0.4, dropout=rng.choice([0.0, 0.0, 0.3, 0.7]),
                        bidirectional=rng.random() < 0.4)
    # A sixth of the cases with an output are gradient cases (about a seventh of all): decided by a
    # stream of their own, so that a seed's other draws are what they were.
    gradients = kind != "error" and random.Random(f"live-gradients:{seed}:{index}").random() < 1 / 6
    write = gradient_case if gradients else forward_case
    name = f"live_s{seed}_{index:05d}_{kind}{'_grad' if gradients else ''}_{DTYPE_NAMES[dt]}"
    if kind == "rnn":
        write(fs, RNN, name, ForwardInput(
            name, config, batch=batch, steps=steps, unbatched=rng.random() < 0.25, with_state=rng.random() < 0.5,
            training=rng.random() < 0.4, description="live"), dt)
    elif kind == "packed":
        lengths = draw_lengths(rng, batch, steps)
        enforce = rng.random() < 0.4
        if enforce:
            lengths.sort(reverse=True)
        write(fs, RNN, name, packed_input(
            name, config, lengths, enforce_sorted=enforce, with_state=rng.random() < 0.5,
            training=rng.random() < 0.4, description="live"), dt)
    elif kind == "cell":
        cell = RNN_CELL.config(input_size=size(), hidden_size=size(), bias=config["bias"],
                               nonlinearity=config["nonlinearity"])
        write(fs, RNN_CELL, name, ForwardInput(
            name, cell, batch=batch, unbatched=rng.random() < 0.3, with_state=rng.random() < 0.5, training=True,
            description="live"), dt)
    else:
        # An invalid call of nn.RNN, or (a quarter of the time) of nn.RNNCell with the same sizes.
        draws = TensorDraws.seeded(rng.getrandbits(31))
        spec, call = RNN, rng.choice(RNN.live_error_inputs(RNN, rng, draws, config, dt, steps, batch))
        if rng.random() < 0.25:
            spec = RNN_CELL
            call = rng.choice(RNN_CELL.live_error_inputs(RNN_CELL, rng, draws, config, dt, steps, batch))
        given_call_case(fs, spec, name, replace(call, description="live"))
    return fs.written[-1]
