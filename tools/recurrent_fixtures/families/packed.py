"""Packed batches through the sequence modules: an option grid with random lengths, special lengths,
and packed calls refused or accepted. Every case's name starts with `packed_`."""
from dataclasses import replace

from ..constants import DTYPES
from ..forward_case import forward_case, forward_cases
from ..given_call_case import given_call_case
from ..spec import packed_input
from .option_grid import grid_rows


def draw_lengths(rng, batch, longest):
    """`batch` random lengths up to `longest`, one of them `longest`."""
    values = [rng.randint(1, longest) for _ in range(batch)]
    values[rng.randrange(batch)] = longest
    return values


def grid_samples(fs, spec, description):
    """(row name, packed ForwardInput, dtype) for every row of the spec's packed grid, with random
    lengths (sorted where the row enforces it) and sizes drawn from the set's stream."""
    grid, rng = spec.packed_grid, fs.rng
    if grid is None:
        return
    for name, options, call, dtype in grid_rows(fs, spec, grid):
        batch = rng.randint(*grid.sizes["batch"])
        lengths = draw_lengths(rng, batch, rng.randint(*grid.sizes["steps"]))
        if call["enforce_sorted"]:
            lengths.sort(reverse=True)
        config = spec.config(**options, input_size=rng.randint(*grid.sizes["input_size"]),
                             hidden_size=rng.randint(*grid.sizes["hidden_size"]))
        yield name, packed_input(name, config, lengths, description=description, **call), dtype


def generate(fs, spec):
    """The grid, then for each dtype the spec's packed inputs."""
    if spec.packed_grid is not None:
        for name, sample, dtype in grid_samples(fs, spec, spec.packed_grid.description):
            forward_case(fs, spec, "packed_" + name, sample, dtype)
    rng = fs.rng
    for dtype in DTYPES:
        forward_cases(fs, spec, (replace(sample, name="packed_" + sample.name)
                                 for sample in spec.packed_inputs(spec, rng)), dtype)


def generate_calls(fs, spec, draws):
    """The spec's packed calls, with tensors from `draws`."""
    for call in spec.packed_calls(spec, draws):
        given_call_case(fs, spec, "packed_" + call.name, call)
