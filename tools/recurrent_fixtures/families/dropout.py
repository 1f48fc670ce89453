"""Dropout between layers: in training mode (its masks reproduced from `dropout_seed`) and in eval mode."""
from ..forward_case import forward_cases


def generate(fs, spec, dtype):
    forward_cases(fs, spec, spec.dropout_inputs(spec), dtype)
