"""torch.nn.utils.clip_grad_norm_ (`module=clip_grad_norm_`): the total norm it returns (`result`) and
the gradients it leaves (`clipped.N`), for gradients `gradients.N` (absent for a parameter without one),
or the exception it raises."""
import torch

from ..constants import CONDITIONING_LIMIT, DTYPE_NAMES, DTYPES
from ..draws import randn
from ..forward_case import ATTEMPTS
from ..gradient_case import worst_ratio
from ..metadata import CaseMetadata, Raised, check_raised
from ..specs.clip_grad_norm import CLIP_GRAD_NORM, error_inputs, samples


def generate(fs):
    for dtype in DTYPES:
        for sample in samples():
            if dtype in sample.dtypes:
                clip_case(fs, f"{sample.name}_{DTYPE_NAMES[dtype]}", sample, dtype)
    for sample in error_inputs():
        clip_case(fs, "error_" + sample.name, sample, torch.float32)


def clip(sample, gradients):
    """The call on parameters whose `.grad` are `gradients` (None where the sample says): its results
    as tensors, and the exception it raised."""
    parameters = []
    for index, gradient in enumerate(gradients):
        parameter = torch.nn.Parameter(torch.zeros_like(gradient))
        parameter.grad = None if index in sample.missing else gradient.clone()
        parameters.append(parameter)
    try:
        total = CLIP_GRAD_NORM(parameters, **sample.arguments)
    except Exception as e:  # noqa: BLE001 - the exception is the expected result
        return {}, Raised.of("call", e)
    return {"result": total, **{f"clipped.{i}": p.grad for i, p in enumerate(parameters) if p.grad is not None}}, None


def clip_case(fs, name, sample, dtype):
    """One case; a float32 draw too ill-conditioned to ship is drawn again."""
    for _ in range(ATTEMPTS):
        generator = torch.Generator().manual_seed(fs.case_seed())
        gradients = [randn(shape, dtype, generator, sample.scale) for shape in sample.shapes]
        if sample.edit is not None:
            gradients = sample.edit(gradients)
        results, raised = clip(sample, gradients)
        check_raised(name, raised, sample.raises)
        ratio = None
        if raised is None and dtype == torch.float32 and not sample.equal_nan:
            ratio = worst_ratio(results, clip(sample, [g.double() for g in gradients])[0])
            if ratio > CONDITIONING_LIMIT:
                continue
        break
    else:
        raise AssertionError(f"{name}: no acceptable draw in {ATTEMPTS}")
    tensors = {f"gradients.{i}": g for i, g in enumerate(gradients) if i not in sample.missing}
    tensors.update(results)
    fs.write(name, tensors, CaseMetadata(
        module="clip_grad_norm_", arguments=sample.arguments, dtype=dtype, training=False,
        description=sample.description, raised=raised, equal_nan=sample.equal_nan, conditioning=ratio,
        counts={"gradients": len(gradients)}))
