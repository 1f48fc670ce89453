"""nn.Linear: its options, the inputs its gradient cases take (any leading dimensions), and what it
refuses."""
import itertools

import torch
import torch.nn as nn

from ..spec import ForwardInput, GivenCall, ModuleSpec, WarningInput

f32, f64 = torch.float32, torch.float64

# The input's leading dimensions: unbatched, a batch, two leading dimensions, an empty batch.
LEADING = {"unbatched": (), "batched": (5,), "leading2": (2, 3), "empty": (0,)}


def input_shape(spec, sample):
    return tuple(sample.leading_shape) + (spec.option(sample.config, "in_features"),)


def gradient_inputs(spec):
    c = spec.config
    for index, (bias, (kind, leading)) in enumerate(itertools.product((True, False), LEADING.items())):
        yield ForwardInput(f"linear_grad_{index:02d}_{'bias' if bias else 'nobias'}_{kind}",
                           c(in_features=3 + index % 3, out_features=2 + index % 4, bias=bias), batch=0,
                           leading_shape=leading, description=f"Linear forward and backward, input {kind}")
    yield ForwardInput("linear_grad_large", c(in_features=64, out_features=48), batch=0, leading_shape=(16,),
                       description="in_features 64, out_features 48, a batch of 16")
    yield ForwardInput("linear_grad_in_features0", c(in_features=0, out_features=3), batch=0, leading_shape=(4,),
                       description="in_features 0: a zero-element weight (PyTorch warns) and a bias of zeros")
    yield ForwardInput("linear_grad_out_features0", c(in_features=3, out_features=0), batch=0, leading_shape=(4,),
                       description="out_features 0: an empty output")


def error_inputs(spec, draws):
    t, c = draws.randn, spec.config
    yield GivenCall("linear_negative_in_features", c(in_features=-1))
    yield GivenCall("linear_negative_out_features", c(out_features=-2))
    yield WarningInput("linear_in_features0", c(in_features=0, out_features=3),
                       "a zero-element weight is left alone, with PyTorch's warning; the bias is drawn with bound 0")
    calls = [
        ("features", c(), f32, t(2, 4)),
        ("features_unbatched", c(), f32, t(4)),
        ("features_leading", c(), f32, t(2, 5, 4)),
        ("features_nobias", c(bias=False), f32, t(5, 4)),
        ("rank0", c(), f32, t()),
        ("dtype_float64_input", c(), f32, t(2, 3, dtype=f64)),
        ("dtype_float64_input_nobias", c(bias=False), f32, t(2, 3, dtype=f64)),
        ("dtype_float32_input", c(), f64, t(2, 3)),
        ("dtype_before_features", c(), f32, t(2, 5, dtype=f64)),
    ]
    for name, config, dtype, x in calls:
        yield GivenCall(f"linear_{name}", config, dtype, x)


LINEAR = ModuleSpec(
    nn.Linear,
    defaults=dict(in_features=3, out_features=4, bias=True),
    state_names=(), result_names=("output",), sequence=False,
    input_shape=input_shape, state_shapes=lambda spec, sample: (),
    error_inputs=error_inputs, gradient_inputs=gradient_inputs)
