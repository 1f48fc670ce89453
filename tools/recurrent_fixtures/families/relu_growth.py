"""relu growth over long sequences: a nonnegative W_hh of spectral radius above 1, so that relu passes
the growth on and the state grows like radius ** L."""
from functools import partial

import torch

from ..forward_case import forward_cases

# A draw whose output stays below this has died out instead of growing; it is drawn again.
GROWN = 100


def set_spectral_radius(module, radius):
    for name, p in module.named_parameters():
        if name.startswith("weight_hh"):
            p.abs_()
            p.mul_(radius / torch.linalg.eigvals(p.double()).abs().max().item())


def died_out(results):
    return next(iter(results.values())).abs().max().item() < GROWN


def generate(fs, spec, dtype):
    for radius, sample in spec.growth_inputs(spec):
        forward_cases(fs, spec, [sample], dtype, prepare=partial(set_spectral_radius, radius=radius), reject=died_out)
