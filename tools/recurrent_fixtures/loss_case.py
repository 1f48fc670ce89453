"""Cases of a loss: its value and PyTorch's gradients for a random `cotangent.output`, and the calls it
refuses (or accepts against expectation)."""
import torch

from .constants import CONDITIONING_LIMIT, DTYPE_NAMES
from .construction import recorded_warnings
from .draws import randn
from .forward_case import ATTEMPTS
from .gradient_case import worst_ratio
from .metadata import CaseMetadata, Raised, check_raised


def loss_case(fs, spec, sample, dtype):
    """One gradient case, `NAME_DTYPE`; a float32 draw too ill-conditioned to ship is drawn again."""
    name = f"{sample.name}_{DTYPE_NAMES[dtype]}" if len(sample.dtypes) > 1 else sample.name
    for _ in range(ATTEMPTS):
        data_seed, cotangent_seed = fs.case_seed(), fs.case_seed()
        generator = torch.Generator().manual_seed(data_seed)
        x = randn(sample.input_shape, dtype, generator)
        target = spec.draw_target(sample, dtype, generator)
        config = {k: v for k, v in sample.config.items() if k != "weight"}
        weight = None
        if sample.config.get("weight"):
            classes = sample.input_shape[0 if len(sample.input_shape) == 1 else 1]
            weight = torch.rand(classes, generator=generator, dtype=torch.float64).add_(0.5).to(dtype)
        recorded, caught = backward(spec, config, x, target, weight, torch.Generator().manual_seed(cotangent_seed))
        ratio = 0.0
        if dtype == torch.float32:
            expected, _ = backward(spec, config, x.double(), target.double() if target.is_floating_point() else target,
                                   None if weight is None else weight.double(), None, cotangents_from=recorded)
            ratio = worst_ratio(recorded, expected)
            if ratio > CONDITIONING_LIMIT:
                continue
        tensors = {"input": x, "target": target, **recorded}
        if weight is not None:
            tensors["weight"] = weight
        fs.write(name, tensors, CaseMetadata(
            module=spec.name, config=config, dtype=dtype, training=True, warnings=caught,
            description=sample.description, conditioning=ratio, gradients=True))
        return
    raise AssertionError(f"{name}: no acceptable draw in {ATTEMPTS}")


def backward(spec, config, x, target, weight, generator, cotangents_from=None):
    """The loss (`output`), its cotangent and the gradients for the input (and a floating-point target),
    with the warnings the forward pass issued."""
    x = x.detach().clone().requires_grad_()
    target = target.detach().clone().requires_grad_(target.is_floating_point())
    loss = spec.module_class(**config, **({} if weight is None else {"weight": weight}))
    with recorded_warnings() as caught:
        output = loss(x, target)
    cotangent = (cotangents_from["cotangent.output"].to(x.dtype) if cotangents_from is not None
                 else randn(output.shape, x.dtype, generator))
    output.backward(cotangent)
    tensors = {"output": output.detach(), "cotangent.output": cotangent, "grad.input": x.grad}
    if target.is_floating_point():
        tensors["grad.target"] = target.grad
    return tensors, caught


def loss_call_case(fs, spec, call, name):
    """A loss called as `call` says: PyTorch's exception (raised in forward), or its output."""
    config = dict(call.config)
    stage, raised, tensors = "construct", None, {"input": call.input, "target": call.target}
    if call.weight is not None:
        tensors["weight"] = call.weight
    try:
        with recorded_warnings() as caught:
            loss = spec.module_class(**config, **({} if call.weight is None else {"weight": call.weight}))
            stage = "forward"
            output = loss(call.input, call.target)
    except Exception as e:  # noqa: BLE001 - the exception is the expected result
        raised = Raised.of(stage, e)
    check_raised(name, raised, call.raises)
    if raised is None:
        tensors["output"] = output
    fs.write(name, tensors, CaseMetadata(
        module=spec.name, config=config, dtype=call.dtype, training=True, description=call.description,
        raised=raised, warnings=caught))
