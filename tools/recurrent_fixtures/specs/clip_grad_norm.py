"""torch.nn.utils.clip_grad_norm_: the norms, bounds and gradients its cases take, and what it refuses."""
import torch
from torch.nn.utils import clip_grad_norm_

from ..spec import ClipInput

SHAPES = ((3, 4), (5,), (), (2, 2))


def with_infinity(gradients):
    gradients[1][2] = float("inf")
    return gradients


def with_nan(gradients):
    gradients[0][1, 1] = float("nan")
    return gradients


def samples():
    for index, norm in enumerate((2.0, float("inf"), 1.0, 0.5, 3.0, 0.0, float("-inf"))):
        for clipped in (True, False):
            tag = f"{'clipped' if clipped else 'unclipped'}"
            # The drawn gradients' norms are a few units; a max_norm of 0.5 clips them, 1000 leaves them.
            arguments = {"max_norm": 0.5 if clipped else 1000.0, "norm_type": norm}
            yield ClipInput(f"clip_grad_norm_{index}_{tag}", arguments, SHAPES, missing=(2,) if index % 2 else (),
                            description=f"norm_type {norm}, {tag}")
    yield ClipInput("clip_grad_norm_default", {"max_norm": 1.0}, SHAPES, scale=3.0, description="the default 2-norm")
    # Without gradients PyTorch returns torch.tensor(0.0), float32 whatever the parameters' dtype.
    yield ClipInput("clip_grad_norm_none", {"max_norm": 1.0}, ((3,),), missing=(0,), dtypes=(torch.float32,),
                    description="no gradients: a norm of 0")
    yield ClipInput("clip_grad_norm_large", {"max_norm": 2.0}, ((64, 48), (48,), (300,)), description="3500 elements")
    yield ClipInput("clip_grad_norm_infinity", {"max_norm": 1.0}, SHAPES, edit=with_infinity, equal_nan=True,
                    description="an infinite gradient: the norm is infinite and the gradients NaN or zero")
    yield ClipInput("clip_grad_norm_nan_inf_norm", {"max_norm": 1.0, "norm_type": float("inf")}, SHAPES, edit=with_nan,
                    equal_nan=True, description="NaN in the infinity norm")


def error_inputs():
    yield ClipInput("clip_grad_norm_nonfinite", {"max_norm": 1.0, "error_if_nonfinite": True}, SHAPES,
                    edit=with_infinity, raises=True, description="error_if_nonfinite with an infinite gradient")
    yield ClipInput("clip_grad_norm_nonfinite_inf_norm",
                    {"max_norm": 1.0, "norm_type": float("inf"), "error_if_nonfinite": True}, SHAPES, edit=with_nan,
                    raises=True, description="error_if_nonfinite with NaN in the infinity norm")
    yield ClipInput("clip_grad_norm_empty_inf", {"max_norm": 1.0, "norm_type": float("inf")}, ((3,), (0,)),
                    raises=True, description="the infinity norm of an empty gradient")
    yield ClipInput("clip_grad_norm_empty_negative", {"max_norm": 1.0, "norm_type": -1.5}, ((0,),), raises=True,
                    description="a negative order over an empty gradient")


CLIP_GRAD_NORM = clip_grad_norm_
