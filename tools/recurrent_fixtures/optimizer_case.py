"""Cases of a torch.optim optimizer: parameters stepped with drawn gradients (`optim_*`), the options it
refuses (`error_optim_*`), and runs resumed from a state dict torch.save wrote (`checkpoints/optim_resume_*`)."""
import os

import torch

from .constants import CONDITIONING_LIMIT, DTYPE_NAMES
from .draws import randn
from .forward_case import ATTEMPTS
from .gradient_case import worst_ratio
from .metadata import CaseMetadata, OptimizerCheckpointMetadata, Raised
from .safetensors_writer import safetensors_bytes


def draw(sample, dtype, seed):
    """The initial parameters and each step's gradients (None where the sample says so)."""
    generator = torch.Generator().manual_seed(seed)
    parameters = [randn(shape, dtype, generator) for shape in sample.shapes]
    gradients = [[None if (step, index) in sample.missing else randn(shape, dtype, generator)
                  for index, shape in enumerate(sample.shapes)] for step in range(sample.steps)]
    return parameters, gradients


def step_fields(step, last, index):
    """The name of parameter `index` after `step`: `output.N` after the last step, else `step.K.param.N`."""
    return f"output.{index}" if step == last else f"step.{step}.param.{index}"


def run(spec, config, parameters, gradients, save=None):
    """Steps a fresh optimizer; returns the inputs and results as tensors (`param.N`, `step.K.grad.N`, the
    parameters after each step, the final `optimizer.N.KEY` state). With `save` (steps, path), the state
    dict is saved with torch.save after that many steps, and only the steps after it are recorded."""
    saved_after, path = save or (0, None)
    tensors = {}
    live = [torch.nn.Parameter(p.clone()) for p in parameters]
    optimizer = spec.optimizer_class(live, **config)
    for step, step_gradients in enumerate(gradients):
        if step == saved_after:
            if path is not None:
                torch.save(optimizer.state_dict(), path)
            tensors.update({f"param.{i}": p.detach().clone() for i, p in enumerate(live)})
        for parameter, gradient in zip(live, step_gradients):
            parameter.grad = None if gradient is None else gradient.clone()
        optimizer.step()
        if step >= saved_after:
            recorded = step - saved_after
            last = len(gradients) - 1 - saved_after
            for index, (parameter, gradient) in enumerate(zip(live, step_gradients)):
                if gradient is not None:
                    tensors[f"step.{recorded}.grad.{index}"] = gradient
                tensors[step_fields(recorded, last, index)] = parameter.detach().clone()
    for index, state in optimizer.state_dict()["state"].items():
        tensors.update({f"optimizer.{index}.{key}": value.clone() for key, value in state.items()})
    return tensors


def conditioning(spec, config, parameters, gradients, recorded):
    """The float32 run's worst distance from the same run in float64, in shares of the tolerance."""
    expected = run(spec, config, [p.double() for p in parameters],
                   [[None if g is None else g.double() for g in step] for step in gradients])
    return worst_ratio({k: v for k, v in recorded.items() if not k.endswith(".step")}, expected)


def optimizer_case(fs, spec, sample, dtype):
    """One case, `NAME_DTYPE`; a float32 draw too ill-conditioned to ship is drawn again."""
    name = f"{sample.name}_{DTYPE_NAMES[dtype]}"
    for _ in range(ATTEMPTS):
        parameters, gradients = draw(sample, dtype, fs.case_seed())
        tensors = run(spec, sample.config, parameters, gradients)
        ratio = conditioning(spec, sample.config, parameters, gradients, tensors) if dtype == torch.float32 else 0.0
        if ratio > CONDITIONING_LIMIT:
            continue
        fs.write(name, tensors, CaseMetadata(
            module="optim", optimizer=spec.name, config=sample.config, dtype=dtype, training=True,
            description=sample.description, conditioning=ratio, steps=sample.steps,
            counts={"parameters": len(sample.shapes)}))
        return
    raise AssertionError(f"{name}: no acceptable draw in {ATTEMPTS}")


def optimizer_error_case(fs, spec, name, config):
    """The constructor called with `config` (on one parameter): PyTorch's exception."""
    try:
        spec.optimizer_class([torch.nn.Parameter(torch.zeros(1))], **config)
    except Exception as e:  # noqa: BLE001 - the exception is the expected result
        raised = Raised.of("construct", e)
    else:
        raise AssertionError(f"{name}: torch raised nothing")
    fs.write(name, {}, CaseMetadata(
        module="optim", optimizer=spec.name, config=config, dtype=torch.float32, training=True,
        description="an option torch.optim refuses", raised=raised))


def resume_case(fs, spec, directory, sample, saved_after):
    """`NAME.pt`, the state dict after `saved_after` steps, beside `NAME.expected.safetensors`: the
    parameters then, the later steps' gradients and the parameters after each."""
    dtype = sample.dtypes[0]
    parameters, gradients = draw(sample, dtype, fs.case_seed())
    file = sample.name + ".pt"
    tensors = run(spec, sample.config, parameters, gradients, save=(saved_after, os.path.join(directory, file)))
    metadata = OptimizerCheckpointMetadata(
        checkpoint=file, optimizer=spec.name, config=sample.config, dtype=dtype, steps=sample.steps - saved_after,
        parameters=len(sample.shapes))
    with open(os.path.join(directory, sample.name + ".expected.safetensors"), "wb") as f:
        f.write(safetensors_bytes(tensors, metadata.strings(sample.name, fs.provenance)))
