"""`conform --live`: one random case, drawn from (seed, index) alone, through the registry's specs and
the same case writers as the fixture set. The sequence of draws below is what replays a case: keep it."""
import random
from dataclasses import replace

import torch

from .constants import DTYPE_NAMES
from .draws import TensorDraws
from .families.packed import draw_lengths
from .fixture_set import FixtureSet
from .forward_case import NoAcceptableDraw, forward_case
from .given_call_case import given_call_case
from .gradient_case import gradient_case
from .spec import ForwardInput, packed_input
from .specs import GRU, GRU_CELL, LSTM, LSTM_CELL, RNN, RNN_CELL

# A case's module (its name's first word) -> the sequence module and its cell.
FAMILIES = {"rnn": (RNN, RNN_CELL), "lstm": (LSTM, LSTM_CELL), "gru": (GRU, GRU_CELL)}


def live_case(seed, index, dtype="all", numeric_only=False):
    """One case of `conform --live`: returns (name, safetensors bytes) in the fixture format. The draw
    covers nn.RNN, nn.LSTM (proj_size included) and nn.GRU with every constructor option, batched,
    unbatched and batch-first input, initial states given or not, packed batches sorted and unsorted,
    their cells, both dtypes, sizes from 1 to 300, gradients (names with `_grad`), and invalid calls
    (unless `numeric_only`), whose exceptions the Swift side must reproduce. The name is
    `live_sSEED_INDEX_MODULE[_KIND][_grad]_DTYPE`: MODULE `rnn`, `lstm` or `gru` (`lstm_cell` for a cell),
    KIND `packed`, `error` or none (a padded sequence)."""
    rng = random.Random(f"live:{seed}:{index}")
    fs = FixtureSet(None, seed, rng=rng)
    dtypes = {"float32": [torch.float32], "float64": [torch.float64]}.get(dtype, [torch.float32, torch.float64])
    dt = rng.choice(dtypes)
    family = rng.choice(list(FAMILIES))
    layer, cell = FAMILIES[family]
    kinds = ["sequence"] * 6 + ["packed"] * 2 + ["cell"] * 2 + ([] if numeric_only else ["error"] * 2)
    kind = rng.choice(kinds)
    large = rng.random() < 0.08

    def size():
        return rng.randint(17, 300) if large else rng.choice([1, 2, 3, 4, 5, 6, 8, 12, 16])
    steps = rng.randint(1, 8) if large else rng.randint(1, 12)
    batch = rng.randint(1, 3) if large else rng.randint(1, 5)
    options = dict(input_size=size(), hidden_size=size(), num_layers=rng.randint(1, 2 if large else 3),
                   bias=rng.random() < 0.7, batch_first=rng.random() < 0.4, dropout=rng.choice([0.0, 0.0, 0.3, 0.7]),
                   bidirectional=rng.random() < 0.4)
    if layer.has_option("nonlinearity"):
        options["nonlinearity"] = rng.choice(["tanh", "relu"])
    if layer.has_option("proj_size"):
        # A third of the LSTMs project, to a size below hidden_size (none is possible for hidden_size 1).
        hidden = options["hidden_size"]
        options["proj_size"] = rng.randint(1, hidden - 1) if hidden > 1 and rng.random() < 1 / 3 else 0
    config = layer.config(**options)
    # A sixth of the cases with an output are gradient cases (about a seventh of all): decided by a
    # stream of their own, so that a seed's other draws are what they were.
    gradients = kind != "error" and random.Random(f"live-gradients:{seed}:{index}").random() < 1 / 6
    write = gradient_or_forward_case if gradients else forward_case
    module_name = f"{family}_cell" if kind == "cell" else family
    suffix = {"sequence": "", "packed": "_packed", "cell": "", "error": "_error"}[kind]
    if kind == "error":
        # An invalid call of the layer, or (a quarter of the time) of its cell with the same sizes.
        draws = TensorDraws.seeded(rng.getrandbits(31))
        spec, call = layer, rng.choice(layer.live_error_inputs(layer, rng, draws, config, dt, steps, batch))
        if rng.random() < 0.25:
            spec, module_name = cell, f"{family}_cell"
            call = rng.choice(cell.live_error_inputs(cell, rng, draws, config, dt, steps, batch))
    name = f"live_s{seed}_{index:05d}_{module_name}{suffix}{'_grad' if gradients else ''}_{DTYPE_NAMES[dt]}"
    if kind == "sequence":
        write(fs, layer, name, ForwardInput(
            name, config, batch=batch, steps=steps, unbatched=rng.random() < 0.25, with_state=rng.random() < 0.5,
            training=rng.random() < 0.4, description="live"), dt)
    elif kind == "packed":
        lengths = draw_lengths(rng, batch, steps)
        enforce = rng.random() < 0.4
        if enforce:
            lengths.sort(reverse=True)
        write(fs, layer, name, packed_input(
            name, config, lengths, enforce_sorted=enforce, with_state=rng.random() < 0.5,
            training=rng.random() < 0.4, description="live"), dt)
    elif kind == "cell":
        cell_options = dict(input_size=size(), hidden_size=size(), bias=config["bias"])
        if cell.has_option("nonlinearity"):
            cell_options["nonlinearity"] = config["nonlinearity"]
        write(fs, cell, name, ForwardInput(
            name, cell.config(**cell_options), batch=batch, unbatched=rng.random() < 0.3,
            with_state=rng.random() < 0.5, training=True, description="live"), dt)
    else:
        given_call_case(fs, spec, name, replace(call, description="live"))
    return fs.written[-1]


def gradient_or_forward_case(fs, spec, name, sample, dtype):
    """A gradient case; where no float32 draw of it is conditioned well enough to compare gradients
    (a long relu chain can amplify float32's rounding past the tolerance every time), the forward case
    of the same input, named without `_grad`."""
    try:
        gradient_case(fs, spec, name, sample, dtype)
    except NoAcceptableDraw:
        plain = name.replace("_grad_", "_")
        forward_case(fs, spec, plain, replace(sample, name=plain), dtype)
