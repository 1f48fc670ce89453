"""The whole set: the families over the registry, in the order the set draws from its stream. The
order is part of the set: changing it changes every case drawn after the change."""
from .constants import DTYPES
from .draws import TensorDraws
from .families import checkpoints, dropout, edges, errors, option_grid, packed, relu_growth, saturation
from .families import gradients, special_values, utils
from .specs import FUNCTIONS, MODULES


def write_set(fs):
    for spec in MODULES:
        option_grid.generate(fs, spec)
        for dtype in DTYPES:
            edges.generate(fs, spec, dtype)
            saturation.generate(fs, spec, dtype)
            dropout.generate(fs, spec, dtype)
        for dtype in DTYPES:
            relu_growth.generate(fs, spec, dtype)
        for dtype in DTYPES:
            special_values.generate(fs, spec, dtype)
    errors.generate(fs, MODULES)
    for spec in MODULES:
        packed.generate(fs, spec)
    # The utilities' inputs and the packed calls' come from one generator.
    draws = TensorDraws(fs.case_seed)
    utils.generate(fs, FUNCTIONS, draws)
    for spec in MODULES:
        packed.generate_calls(fs, spec, draws)
    checkpoints.generate(fs, MODULES)
    # Families with streams of their own, after everything drawn from the main stream.
    for spec in MODULES:
        gradients.generate(fs, spec)
