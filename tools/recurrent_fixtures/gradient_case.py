"""A case that runs forward and backward through autograd: random cotangents for the module's results
and torch's gradients of the input (when it is floating-point), the initial states and every
parameter. Packed batches (the gradient of the packed data) and training-mode dropout (the masks of
`dropout_seed`) included."""
import copy

import torch
from torch.nn.utils import rnn as rnn_utils

from .case_tensors import call_fields
from .constants import CONDITIONING_LIMIT, DTYPE_NAMES, TOLERANCES
from .construction import build
from .draws import randn
from .forward_case import ATTEMPTS, NoAcceptableDraw, data_of, draw_inputs
from .metadata import CaseMetadata


def gradient_cases(fs, spec, inputs, dtype):
    """`gradient_case` for each of `inputs` written in `dtype`, named `NAME_DTYPE`."""
    for sample in inputs:
        if dtype in sample.dtypes:
            gradient_case(fs, spec, f"{sample.name}_{DTYPE_NAMES[dtype]}", sample, dtype)


def gradient_case(fs, spec, name, sample, dtype):
    """One gradient case. A float32 draw too ill-conditioned to ship (its results or gradients farther
    from float64's than CONDITIONING_LIMIT of the tolerance) is replaced by a new draw."""
    for _ in range(ATTEMPTS):
        if try_draw(fs, spec, name, sample, dtype):
            return
    raise NoAcceptableDraw(f"{name}: no acceptable draw in {ATTEMPTS}")


def try_draw(fs, spec, name, sample, dtype):
    init_seed, data_seed, cotangent_seed = fs.case_seed(), fs.case_seed(), fs.case_seed()
    dropout_seed = fs.case_seed() if spec.has_option("dropout") else None
    # Which results the loss depends on: all of them, or (for a module with several) one alone.
    given = spec.result_names
    if len(given) > 1:
        given = fs.rng.choice([given, given, given[:1], given[1:]])
    module, caught = build(spec, sample.config, dtype, init_seed)
    module.train(sample.training)
    x, argument, states = draw_inputs(spec, sample, dtype, data_seed)
    uses_dropout = sample.training and spec.has_option("dropout") and spec.option(sample.config, "dropout") > 0
    seed = dropout_seed if uses_dropout else None
    recorded = backward(spec, module, argument, states, seed, given, torch.Generator().manual_seed(cotangent_seed))
    ratio = 0.0
    if dtype == torch.float32:
        expected = backward(spec, copy.deepcopy(module).double(), double(argument),
                            None if states is None else tuple(s.double() for s in states), seed, given,
                            cotangents_from=recorded)
        ratio = worst_ratio(recorded, expected)
        if ratio > CONDITIONING_LIMIT:
            return False
    packed = sample.lengths is not None
    tensors = call_fields(spec, module, sample, x, argument, states)
    tensors.update(recorded)
    fs.write(name, tensors, CaseMetadata(
        module=spec.name, config=sample.config, dtype=dtype, training=sample.training, warnings=caught,
        description=sample.description, conditioning=ratio, init_seed=init_seed,
        dropout_seed=dropout_seed if uses_dropout else None, input_kind="packed" if packed else None,
        enforce_sorted=sample.enforce_sorted if packed else None, gradients=True))
    return True


def double(argument):
    """A floating-point input (or packed batch) in float64; indices stay as they are."""
    if isinstance(argument, rnn_utils.PackedSequence):
        return argument._replace(data=argument.data.double())
    return argument.double() if argument.is_floating_point() else argument


def backward(spec, module, argument, states, dropout_seed, given, generator=None, cotangents_from=None):
    """Runs forward with autograd and `torch.autograd.grad` for cotangents of the `given` results, drawn
    from `generator` (or those of `cotangents_from`, in this dtype, so that a float64 rerun sees the
    float32 case's values). Returns the tensors to record: each result (`output`, or `output.data` for a
    packed one), `cotangent.<result>`, `grad.input` (`grad.packed.data` for a packed batch; none for an
    integer input), `grad.<state>` and `grad.<parameter>` (zeros where autograd did not reach)."""
    dtype = next(module.parameters()).dtype
    if isinstance(argument, rnn_utils.PackedSequence):
        leaf = argument.data.detach().requires_grad_()
        call_argument, leaf_name = argument._replace(data=leaf), "packed.data"
    elif argument.is_floating_point():
        leaf = argument.detach().requires_grad_()
        call_argument, leaf_name = leaf, "input"
    else:
        leaf, call_argument, leaf_name = None, argument, None
    state_leaves = None if states is None else tuple(s.detach().requires_grad_() for s in states)
    if dropout_seed is not None:
        torch.manual_seed(dropout_seed)
    results = spec.results(spec.call(module, call_argument, state_leaves))
    tensors, outputs, cotangents = {}, [], []
    for result_name in spec.result_names:
        is_packed = isinstance(results[result_name], rnn_utils.PackedSequence)
        key = result_name + (".data" if is_packed else "")
        value = data_of(results[result_name])
        tensors[key] = value.detach()
        # Every result's cotangent is drawn, given or not, so that the draws do not depend on `given`.
        if cotangents_from is None:
            cotangent = randn(value.shape, dtype, generator)
        elif result_name in given:
            cotangent = cotangents_from["cotangent." + key].to(dtype)
        if result_name in given:
            tensors["cotangent." + key] = cotangent
            outputs.append(value)
            cotangents.append(cotangent)
    names = ([leaf_name] if leaf is not None else []) + list(spec.state_names if states is not None else ())
    leaves = ([leaf] if leaf is not None else []) + list(state_leaves or ())
    parameters = list(module.named_parameters())
    names += [n for n, _ in parameters]
    leaves += [p for _, p in parameters]
    grads = torch.autograd.grad(outputs, leaves, cotangents, allow_unused=True)
    tensors.update({"grad." + n: (torch.zeros_like(t) if g is None else g).detach() for n, t, g in zip(names, leaves, grads)})
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
