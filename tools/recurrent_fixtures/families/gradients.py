"""Gradients through autograd (`gradients=true`, names containing `grad`): over a sequence module's
option grid, packed grid and training-mode dropout (`generate`), and over the inputs a spec lists for
gradients (`generate_listed`)."""
from ..constants import DTYPE_NAMES
from ..gradient_case import gradient_case, gradient_cases
from ..spec import ForwardInput
from .option_grid import grid_rows
from .packed import grid_samples


def generate(fs, spec):
    """The option grid (`grad_` + the grid's names), the packed grid (`packed_grad_...`) and every
    training-mode dropout input, from a stream of the family's own, so that adding it left every other
    case as it was."""
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
        for name, sample, dtype in grid_samples(fs, spec, "gradients, " + spec.packed_grid.description):
            gradient_case(fs, spec, "packed_grad_" + name, sample, dtype)
    for sample in spec.dropout_inputs(spec):
        if sample.training:
            for dtype in sample.dtypes:
                gradient_case(fs, spec, f"grad_{sample.name}_{DTYPE_NAMES[dtype]}", sample, dtype)


def generate_listed(fs, spec, dtype):
    """The spec's gradient inputs in `dtype`."""
    gradient_cases(fs, spec, spec.gradient_inputs(spec), dtype)
