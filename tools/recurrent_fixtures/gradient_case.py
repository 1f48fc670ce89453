"""A case that runs forward and backward through autograd: random cotangents for the module's results
and torch's gradients of the input, the initial states and every parameter."""
import copy

import torch
from torch.nn.utils import rnn as rnn_utils

from .case_tensors import packed_fields, state_fields
from .constants import CONDITIONING_LIMIT, TOLERANCES
from .construction import build
from .draws import randn
from .forward_case import ATTEMPTS, data_of, draw_inputs
from .metadata import CaseMetadata


def gradient_case(fs, spec, name, sample, dtype):
    """One gradient case; a float32 draw too ill-conditioned to ship is replaced, as forward cases are."""
    for _ in range(ATTEMPTS):
        if try_draw(fs, spec, name, sample, dtype):
            return
    raise AssertionError(f"{name}: no acceptable draw in {ATTEMPTS}")


def try_draw(fs, spec, name, sample, dtype):
    init_seed, data_seed, cotangent_seed = fs.case_seed(), fs.case_seed(), fs.case_seed()
    dropout_seed = fs.case_seed() if spec.has_option("dropout") else None
    # Which results the loss depends on: all of them, or (for a sequence module) one alone.
    given = spec.result_names
    if len(given) > 1:
        given = fs.rng.choice([given, given, given[:1], given[1:]])
    module, caught = build(spec, sample.config, dtype, init_seed)
    module.train(sample.training)
    x, argument, states = draw_inputs(spec, sample, dtype, data_seed)
    uses_dropout = sample.training and spec.has_option("dropout") and spec.option(sample.config, "dropout") > 0
    seed = dropout_seed if uses_dropout else None
    results, cotangents, gradients = backward(spec, module, argument, states, seed, cotangent_seed, given)
    ratio = 0.0
    if dtype == torch.float32:
        double_states = None if states is None else tuple(s.double() for s in states)
        _, _, expected = backward(spec, copy.deepcopy(module).double(), double(argument), double_states, seed,
                                  cotangent_seed, given)
        ratio = worst_ratio(gradients, expected)
        if ratio > CONDITIONING_LIMIT:
            return False
    packed = sample.lengths is not None
    tensors = {"input": x, **state_fields(module)}
    if packed:
        tensors["lengths"] = torch.tensor(sample.lengths, dtype=torch.int64)
        tensors.update(packed_fields("packed", argument))
    if states is not None:
        tensors.update(zip(spec.state_names, states))
    for result_name, value in results.items():
        tensors[result_name + (".data" if isinstance(value, rnn_utils.PackedSequence) else "")] = data_of(value)
    tensors.update({"cotangent." + k: v for k, v in cotangents.items()})
    tensors.update({"grad." + k: v for k, v in gradients.items()})
    fs.write(name, tensors, CaseMetadata(
        module=spec.name, config=sample.config, dtype=dtype, training=sample.training, warnings=caught,
        description=sample.description, conditioning=ratio, init_seed=init_seed,
        dropout_seed=dropout_seed if uses_dropout else None, input_kind="packed" if packed else None,
        enforce_sorted=sample.enforce_sorted if packed else None, gradients=True))
    return True


def double(argument):
    if isinstance(argument, rnn_utils.PackedSequence):
        return argument._replace(data=argument.data.double())
    return argument.double()


def backward(spec, module, argument, states, dropout_seed, cotangent_seed, given):
    """Runs forward with gradients and `torch.autograd.grad` for random cotangents of the `given` results.
    Returns (results, cotangents by name, gradients by name): `input` (or `packed.data`), the states, and
    each parameter; a gradient autograd leaves out (None) is zeros."""
    if isinstance(argument, rnn_utils.PackedSequence):
        leaf = argument.data.detach().requires_grad_()
        call_argument, leaf_name = argument._replace(data=leaf), "packed.data"
    else:
        leaf = argument.detach().requires_grad_()
        call_argument, leaf_name = leaf, "input"
    state_leaves = None if states is None else tuple(s.detach().requires_grad_() for s in states)
    if dropout_seed is not None:
        torch.manual_seed(dropout_seed)
    results = spec.results(spec.call(module, call_argument, state_leaves))
    generator = torch.Generator().manual_seed(cotangent_seed)
    outputs, cotangents = [], {}
    for result_name in spec.result_names:
        value = data_of(results[result_name])
        cotangent = randn(value.shape, value.dtype, generator)
        if result_name in given:
            outputs.append(value)
            packed = isinstance(results[result_name], rnn_utils.PackedSequence)
            cotangents[result_name + (".data" if packed else "")] = cotangent
    names = [leaf_name] + list(spec.state_names if states is not None else ())
    leaves = [leaf] + list(state_leaves or ())
    parameters = list(module.named_parameters())
    names += [n for n, _ in parameters]
    leaves += [p for _, p in parameters]
    grads = torch.autograd.grad(outputs, leaves, list(cotangents.values()), allow_unused=True)
    gradients = {n: (torch.zeros_like(t) if g is None else g).detach() for n, t, g in zip(names, leaves, grads)}
    results = {k: (v if isinstance(v, rnn_utils.PackedSequence) else v.detach()) for k, v in results.items()}
    return results, {k: v.detach() for k, v in cotangents.items()}, gradients


def worst_ratio(actual, expected):
    """max |torch f32 - torch f64| / (atol + rtol |f64|) over the gradients."""
    rtol, atol = TOLERANCES[torch.float32]
    worst = 0.0
    for name, a in actual.items():
        e = expected[name]
        if a.numel():
            worst = max(worst, ((a.double() - e).abs() / (atol + rtol * e.abs())).max().item())
    return worst
