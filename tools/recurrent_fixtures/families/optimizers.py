"""torch.optim: each optimizer stepped over its option sets in both dtypes (`optim_*`), the options it
refuses (`error_optim_*`), and runs resumed from a torch.save'd state dict (`checkpoints/optim_resume_*`)."""
import os

from ..constants import DTYPES
from ..optimizer_case import optimizer_case, optimizer_error_case, resume_case


def generate(fs, specs):
    for spec in specs:
        for dtype in DTYPES:
            for sample in spec.samples(spec):
                if dtype in sample.dtypes:
                    optimizer_case(fs, spec, sample, dtype)
    for spec in specs:
        for name, config in spec.error_configs(spec):
            optimizer_error_case(fs, spec, "error_optim_" + name, config)
    if fs.out is None:
        return
    directory = os.path.join(fs.out, "checkpoints")
    os.makedirs(directory, exist_ok=True)
    for spec in specs:
        for sample, saved_after in spec.resume_inputs(spec):
            resume_case(fs, spec, directory, sample, saved_after)
