"""Special values in the input (NaN, infinities, huge numbers): NaN must come out where PyTorch's
does, and there is no conditioning to check."""
from ..forward_case import forward_cases


def generate(fs, spec, dtype):
    for edit, sample in spec.special_inputs(spec):
        forward_cases(fs, spec, [sample], dtype, edit_input=edit, equal_nan=True, check_conditioning=False)
