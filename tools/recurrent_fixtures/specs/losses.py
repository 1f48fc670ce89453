"""The losses: nn.MSELoss and nn.CrossEntropyLoss (class-index targets), the inputs their gradient
cases take and the calls they refuse."""
import itertools

import torch
import torch.nn as nn

from ..constants import DTYPE_NAMES
from ..draws import randn
from ..spec import LossCall, LossInput, LossSpec

f32, f64 = torch.float32, torch.float64
REDUCTIONS = ("mean", "sum", "none")


def mse_target(sample, dtype, generator):
    return randn(sample.target_shape, dtype, generator)


def mse_samples(spec, rng):
    # (input shape, target shape): the same, a target that broadcasts, an input that broadcasts.
    shapes = {"same": ((4, 3), (4, 3)), "target_broadcast": ((3, 4), (4,)), "input_broadcast": ((3, 1), (3, 5))}
    for index, (reduction, (kind, (input_shape, target_shape))) in enumerate(
            itertools.product(REDUCTIONS, shapes.items())):
        yield LossInput(f"mse_loss_grad_{index:02d}_{reduction}_{kind}", {"reduction": reduction}, input_shape,
                        target_shape, description=f"MSELoss(reduction={reduction}), shapes {kind}")
    yield LossInput("mse_loss_grad_scalar", {}, (), (), description="0-D input and target")
    yield LossInput("mse_loss_grad_large", {}, (16, 32), (16, 32), description="512 elements")


def mse_errors(spec, draws):
    t = draws.randn
    yield LossCall("mse_loss_reduction_unknown", {"reduction": "average"}, t(2, 3), t(2, 3))
    yield LossCall("mse_loss_not_broadcastable", {}, t(3, 4), t(5), description="warns, then refuses")


# Input layouts: unbatched (C), a batch (N, C), one spatial dimension (N, C, d), two (N, C, d1, d2).
KINDS = {"unbatched": ((5,), ()), "batched": ((6, 5), (6,)), "spatial1": ((3, 4, 5), (3, 5)),
         "spatial2": ((2, 3, 2, 3), (2, 2, 3))}
IGNORE = {"noignore": {}, "ignored": {"ignore_index": -100}, "ignore1": {"ignore_index": 1}}


def cross_entropy_target(sample, dtype, generator):
    """Class indices; a third of them (at least one, when there are several) set to ignore_index -100
    when the case ignores -100 (ignore_index 1 is drawn as a class like the others)."""
    classes = sample.input_shape[0 if len(sample.input_shape) == 1 else 1]
    target = torch.randint(0, classes, sample.target_shape, generator=generator, dtype=torch.int64)
    if sample.config.get("ignore_index") == -100 and target.numel() > 1:
        mask = torch.rand(sample.target_shape, generator=generator) < 0.34
        mask.view(-1)[0] = True
        target[mask] = -100
    # A mean over targets that are all ignored is 0 / 0: torch's NaN from finite inputs, which
    # assert_close cannot compare without equal_nan (and the runner grants that only for non-finite
    # inputs). Such a draw counts its first target instead, without drawing again, so that every other
    # draw is what it was.
    if sample.config.get("ignore_index") == 1 and sample.config.get("reduction", "mean") == "mean" and bool((target == 1).all()):
        target.view(-1)[0] = 0
    return target


def cross_entropy_samples(spec, rng):
    from ..families.covering import covering_assignment
    rows = list(itertools.product(REDUCTIONS, KINDS, (f32, f64)))
    extra = covering_assignment(rng, rows, [(False, True), (0.0, 0.15), tuple(IGNORE)])
    for index, ((reduction, kind, dtype), (weighted, smoothing, ignore)) in enumerate(zip(rows, extra)):
        input_shape, target_shape = KINDS[kind]
        config = {"reduction": reduction, **IGNORE[ignore]}
        if smoothing:
            config["label_smoothing"] = smoothing
        if weighted:
            config["weight"] = True
        tags = [reduction, kind, "weight" if weighted else "noweight", f"ls{round(smoothing * 100)}", ignore,
                DTYPE_NAMES[dtype]]
        yield LossInput(f"cross_entropy_loss_grad_{index:02d}_" + "_".join(tags), config, input_shape, target_shape,
                        dtypes=(dtype,), description=f"CrossEntropyLoss, input {kind}")
    yield LossInput("cross_entropy_loss_grad_large", {"label_smoothing": 0.1}, (32, 40), (32,),
                    description="32 rows of 40 classes")


def cross_entropy_errors(spec, draws):
    t = draws.randn

    def ints(*values, dtype=torch.int64):
        return torch.tensor(values, dtype=dtype)

    def zeros(*shape):
        return torch.zeros(shape, dtype=torch.int64)
    x = t(3, 4)
    calls = [
        ("target_high", {}, x, ints(0, 4, 1)),
        ("target_negative", {}, x, ints(0, -1, 1)),
        ("batch_mismatch", {}, x, ints(0, 1)),
        ("target_rank2", {}, x, zeros(3, 2)),
        ("spatial1_target_size", {}, t(2, 4, 3), zeros(2, 4)),
        ("spatial1_target_rank1", {}, t(2, 4, 3), zeros(2)),
        ("spatial2_target_rank2", {}, t(3, 4, 2, 2), zeros(3, 2)),
        ("spatial2_target_size", {}, t(3, 4, 2, 2), zeros(3, 2, 3)),
        ("spatial3_target_size", {}, t(3, 4, 2, 2, 2), zeros(3, 2, 2, 3)),
        ("label_smoothing_above_one", {"label_smoothing": 1.5}, x, ints(0, 1, 2)),
        ("label_smoothing_before_shapes", {"label_smoothing": 1.25}, x, ints(0, 1)),
        ("target_int32", {}, x, ints(0, 1, 2, dtype=torch.int32)),
        ("target_float", {}, x, torch.zeros(3)),
        ("target_indices_of_input_shape", {}, x, zeros(3, 4)),
        ("unbatched_target_size", {}, t(4), ints(1, 2)),
        ("unbatched_one_target_smoothing_none", {"label_smoothing": 0.1, "reduction": "none"}, t(4), ints(1)),
        ("input_rank0", {}, t(), ints(1)),
        ("reduction_unknown", {"reduction": "elementwise"}, x, ints(0, 1, 2)),
    ]
    for name, config, x_, target in calls:
        yield LossCall(f"cross_entropy_loss_{name}", config, x_, target)
    yield LossCall("cross_entropy_loss_weight_size", {}, x, ints(0, 1, 2), weight=torch.ones(2))
    yield LossCall("cross_entropy_loss_weight_rank2", {}, x, ints(0, 1, 2), weight=torch.ones(2, 2))
    accepted = [
        ("unbatched_one_target", {"reduction": "none"}, t(4), ints(2)),
        ("target_uint8", {"reduction": "sum"}, x, ints(0, 3, 1, dtype=torch.uint8)),
        ("label_smoothing_negative", {"label_smoothing": -0.1}, x, ints(0, 3, 1)),
        ("empty_batch_sum", {"reduction": "sum"}, t(0, 4), zeros(0)),
    ]
    for name, config, x_, target in accepted:
        yield LossCall(f"cross_entropy_loss_{name}_accepted", config, x_, target, raises=False)


MSE_LOSS = LossSpec(nn.MSELoss, draw_target=mse_target, samples=mse_samples, error_inputs=mse_errors)
CROSS_ENTROPY_LOSS = LossSpec(nn.CrossEntropyLoss, draw_target=cross_entropy_target, samples=cross_entropy_samples,
                              error_inputs=cross_entropy_errors)
LOSSES = (MSE_LOSS, CROSS_ENTROPY_LOSS)
