"""A case that runs forward and backward through a module: its output and PyTorch's gradients with
respect to the input, the initial states and the parameters, for a random cotangent of each result."""
import copy

import torch

from .case_tensors import state_fields
from .constants import CONDITIONING_LIMIT, DTYPE_NAMES, TOLERANCES
from .construction import build
from .draws import randn
from .forward_case import ATTEMPTS, draw_inputs
from .metadata import CaseMetadata


def gradient_cases(fs, spec, inputs, dtype):
    """`gradient_case` for each of `inputs` written in `dtype`, named `NAME_DTYPE`."""
    for sample in inputs:
        if dtype in sample.dtypes:
            gradient_case(fs, spec, f"{sample.name}_{DTYPE_NAMES[dtype]}", sample, dtype)


def gradient_case(fs, spec, name, sample, dtype):
    """One gradient case. A float32 draw too ill-conditioned to ship (its outputs or gradients farther
    from float64's than CONDITIONING_LIMIT of the tolerance) is replaced by a new draw."""
    for _ in range(ATTEMPTS):
        if try_draw(fs, spec, name, sample, dtype):
            return
    raise AssertionError(f"{name}: no acceptable draw in {ATTEMPTS}")


def try_draw(fs, spec, name, sample, dtype):
    init_seed, data_seed, cotangent_seed = fs.case_seed(), fs.case_seed(), fs.case_seed()
    module, caught = build(spec, sample.config, dtype, init_seed)
    module.train(sample.training)
    x, _, states = draw_inputs(spec, sample, dtype, data_seed)
    tensors = {"input": x, **state_fields(module)}
    if states is not None:
        tensors.update(zip(spec.state_names, states))
    recorded = backward(spec, module, x, states, torch.Generator().manual_seed(cotangent_seed))
    ratio = 0.0
    if dtype == torch.float32:
        expected = backward(spec, copy.deepcopy(module).double(), x.double() if x.is_floating_point() else x,
                            None if states is None else tuple(s.double() for s in states),
                            torch.Generator().manual_seed(cotangent_seed), cotangents_from=recorded)
        ratio = worst_ratio(recorded, expected)
        if ratio > CONDITIONING_LIMIT:
            return False
    tensors.update(recorded)
    fs.write(name, tensors, CaseMetadata(
        module=spec.name, config=sample.config, dtype=dtype, training=sample.training, warnings=caught,
        description=sample.description, conditioning=ratio, init_seed=init_seed, gradients=True))
    return True


def backward(spec, module, x, states, generator, cotangents_from=None):
    """The results, a cotangent of each (`cotangent.NAME`, drawn from `generator`, or those of
    `cotangents_from` in this dtype) and the gradients autograd computes for them: `grad.input` (for a
    floating-point input), `grad.STATE` and `grad.PARAMETER` (zeros for a parameter autograd did not
    reach)."""
    dtype = next(module.parameters()).dtype
    differentiable = x.is_floating_point()
    x = x.detach().clone().requires_grad_(differentiable)
    if states is not None:
        states = tuple(s.detach().clone().requires_grad_() for s in states)
    module.zero_grad(set_to_none=True)
    results = spec.results(spec.call(module, x, states))
    tensors = {}
    for result_name, value in results.items():
        key = "cotangent." + result_name
        tensors[key] = (cotangents_from[key].to(dtype) if cotangents_from is not None
                        else randn(value.shape, dtype, generator))
        tensors[result_name] = value.detach()
    torch.autograd.backward([results[n] for n in results], [tensors["cotangent." + n] for n in results])
    if differentiable:
        tensors["grad.input"] = x.grad
    if states is not None:
        tensors.update({"grad." + n: s.grad for n, s in zip(spec.state_names, states)})
    for parameter_name, parameter in module.named_parameters():
        tensors["grad." + parameter_name] = (parameter.grad if parameter.grad is not None
                                             else torch.zeros_like(parameter)).detach()
    return tensors


def worst_ratio(actual, expected):
    """max |float32 - float64| / (atol + rtol |float64|) over the results and gradients."""
    rtol, atol = TOLERANCES[torch.float32]
    worst = 0.0
    for key, value in actual.items():
        if key.startswith("cotangent.") or not value.numel():
            continue
        e = expected[key]
        worst = max(worst, ((value.double() - e).abs() / (atol + rtol * e.abs())).max().item())
    return worst
