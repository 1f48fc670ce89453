"""Sizes at the edges: ones, zeros, empty batches, and large sizes and long sequences."""
from ..forward_case import forward_cases


def generate(fs, spec, dtype):
    forward_cases(fs, spec, spec.edge_inputs(spec), dtype)
