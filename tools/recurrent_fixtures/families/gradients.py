"""Forward and backward through a module: its output and PyTorch's gradients for a random cotangent
(`gradients=true`, names containing `grad`)."""
from ..gradient_case import gradient_cases


def generate(fs, spec, dtype):
    gradient_cases(fs, spec, spec.gradient_inputs(spec), dtype)
