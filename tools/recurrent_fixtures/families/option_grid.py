"""The option grid: every combination of a spec's grid axes, the paired axes covering every pair of
values, with small random sizes."""
import itertools

from ..constants import DTYPE_NAMES
from ..forward_case import forward_case
from ..spec import ForwardInput
from ..specs.recurrent_layout import switch
from .covering import covering_assignment

CALL_TAGS = {
    "unbatched": switch("unbatched", "batched"),
    "training": switch("train", "eval"),
    "enforce_sorted": switch("sorted", "unsorted"),
    "dtype": DTYPE_NAMES.get,
}


def tag(spec, field, value):
    """A value's tag in a case name: the spec's for its options, the state's name (h0, hx) or `zeros`."""
    if spec.has_option(field):
        return spec.tags[field](value)
    if field == "with_state":
        return spec.state_names[0] if value else "zeros"
    return CALL_TAGS[field](value)


def grid_rows(fs, spec, grid):
    """(name, module options, ForwardInput fields, dtype) for every row of `grid`."""
    rows = list(itertools.product(*(axis.values for axis in grid.axes)))
    paired = [()] * len(rows)
    if grid.paired:
        paired = covering_assignment(fs.rng, rows, [axis.values for axis in grid.paired])
    fields = [axis.field for axis in grid.axes + grid.paired]
    for index, (row, extra) in enumerate(zip(rows, paired)):
        values = dict(zip(fields, row + tuple(extra)))
        tags = [tag(spec, f, values[f]) for f in grid.tag_order or fields]
        name = f"{grid.name}_{index:0{grid.index_digits}d}_" + "_".join(tags)
        options = {k: v for k, v in values.items() if spec.has_option(k)}
        call = {k: v for k, v in values.items() if not spec.has_option(k) and k != "dtype"}
        yield name, options, dict(grid.fixed, **call), values["dtype"]


def generate(fs, spec):
    grid = spec.grid
    if grid is None:
        return
    rng = fs.rng
    for name, options, call, dtype in grid_rows(fs, spec, grid):
        input_size = rng.randint(*grid.sizes["input_size"])
        hidden_size = rng.randint(*grid.sizes["hidden_size"])
        steps = rng.randint(*grid.sizes["steps"]) if spec.sequence else 1
        batch = rng.randint(*grid.sizes["batch"])
        sample = ForwardInput(name, spec.config(**options, input_size=input_size, hidden_size=hidden_size),
                              batch=batch, steps=steps, description=grid.description, **call)
        forward_case(fs, spec, name, sample, dtype)
