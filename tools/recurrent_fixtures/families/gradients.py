"""Gradients through autograd: the option grid, the packed grid and training-mode dropout, each case
named `grad_...` (`packed_grad_...` for a packed batch). The family draws from a stream of its own, so adding it left every other case as it
was."""
from ..constants import DTYPE_NAMES
from ..gradient_case import gradient_case
from ..spec import ForwardInput, packed_input
from .option_grid import grid_rows
from .packed import draw_lengths


def generate(fs, spec):
    fs = fs.stream("gradients")
    rng = fs.rng
    if spec.grid is not None:
        grid = spec.grid
        for name, options, call, dtype in grid_rows(fs, spec, grid):
            steps = rng.randint(*grid.sizes["steps"]) if spec.sequence else 1
            sample = ForwardInput(
                "grad_" + name,
                spec.config(**options, input_size=rng.randint(*grid.sizes["input_size"]),
                            hidden_size=rng.randint(*grid.sizes["hidden_size"])),
                batch=rng.randint(*grid.sizes["batch"]), steps=steps, description="gradients, " + grid.description,
                **call)
            gradient_case(fs, spec, sample.name, sample, dtype)
    if spec.packed_grid is not None:
        grid = spec.packed_grid
        for name, options, call, dtype in grid_rows(fs, spec, grid):
            batch = rng.randint(*grid.sizes["batch"])
            lengths = draw_lengths(rng, batch, rng.randint(*grid.sizes["steps"]))
            if call["enforce_sorted"]:
                lengths.sort(reverse=True)
            config = spec.config(**options, input_size=rng.randint(*grid.sizes["input_size"]),
                                 hidden_size=rng.randint(*grid.sizes["hidden_size"]))
            sample = packed_input("packed_grad_" + name, config, lengths, description="gradients, " + grid.description,
                                  **call)
            gradient_case(fs, spec, sample.name, sample, dtype)
    for sample in spec.dropout_inputs(spec):
        if sample.training:
            for dtype in sample.dtypes:
                gradient_case(fs, spec, f"grad_{sample.name}_{DTYPE_NAMES[dtype]}", sample, dtype)
