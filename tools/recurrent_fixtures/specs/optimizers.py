"""torch.optim's SGD, Adam and AdamW: the option sets their cases step with, the options they refuse,
and the state dicts they resume from."""
import torch

from ..spec import OptimizerInput, OptimizerSpec

# Three parameters (a matrix, a vector, a scalar) over four steps; the second parameter has no
# gradient at the third step, the third none at the first (its state then starts a step late).
SHAPES = ((4, 3), (5,), ())
STEPS = 4
MISSING = ((2, 1), (0, 2))


def inputs(prefix, option_sets):
    for index, (tag, config) in enumerate(option_sets):
        yield OptimizerInput(f"optim_{prefix}_{index:02d}_{tag}", config, SHAPES, STEPS, MISSING,
                             description=f"{prefix} {config}")


def sgd_samples(spec):
    yield from inputs("sgd", [
        ("plain", {"lr": 0.1}),
        ("momentum", {"lr": 0.05, "momentum": 0.9}),
        ("dampening", {"lr": 0.05, "momentum": 0.8, "dampening": 0.5}),
        ("nesterov", {"lr": 0.02, "momentum": 0.9, "nesterov": True}),
        ("weight_decay", {"lr": 0.1, "weight_decay": 0.05}),
        ("all", {"lr": 0.03, "momentum": 0.7, "weight_decay": 0.01, "nesterov": True}),
        ("default_lr", {}),
    ])


def sgd_errors(spec):
    yield "sgd_lr_negative", {"lr": -0.1}
    yield "sgd_momentum_negative", {"lr": 0.1, "momentum": -0.5}
    yield "sgd_weight_decay_negative", {"lr": 0.1, "weight_decay": -1e-4}
    yield "sgd_nesterov_without_momentum", {"lr": 0.1, "nesterov": True}
    yield "sgd_nesterov_with_dampening", {"lr": 0.1, "momentum": 0.9, "dampening": 0.1, "nesterov": True}


def adam_samples(spec):
    yield from inputs("adam", [
        ("default", {}),
        ("lr", {"lr": 0.05}),
        ("amsgrad", {"lr": 0.01, "amsgrad": True}),
        ("weight_decay", {"lr": 0.01, "weight_decay": 0.1}),
        ("weight_decay_amsgrad", {"lr": 0.02, "weight_decay": 0.05, "amsgrad": True}),
        ("betas_eps", {"lr": 0.01, "betas": (0.5, 0.9), "eps": 1e-3}),
        ("decoupled", {"lr": 0.01, "weight_decay": 0.1, "decoupled_weight_decay": True}),
    ])


def adam_errors(spec):
    yield "adam_lr_negative", {"lr": -1e-3}
    yield "adam_lr_nan", {"lr": float("nan")}
    yield "adam_eps_negative", {"eps": -1e-8}
    yield "adam_beta0_one", {"betas": (1.0, 0.999)}
    yield "adam_beta1_negative", {"betas": (0.9, -0.5)}
    yield "adam_weight_decay_negative", {"weight_decay": -0.1}
    yield "adam_order_lr_before_eps", {"lr": -1.0, "eps": -1.0}


def adamw_samples(spec):
    yield from inputs("adamw", [
        ("default", {}),
        ("weight_decay_amsgrad", {"lr": 0.01, "weight_decay": 0.1, "amsgrad": True}),
        ("betas", {"lr": 0.02, "betas": (0.8, 0.99), "weight_decay": 0.0}),
    ])


def adamw_errors(spec):
    yield "adamw_weight_decay_negative", {"weight_decay": -0.01}
    yield "adamw_beta0_negative", {"betas": (-0.1, 0.999)}


def resume(prefix, config):
    """Saved after two steps, resumed for two more."""
    yield OptimizerInput(f"optim_resume_{prefix}", config, SHAPES, STEPS, MISSING, dtypes=(torch.float32,),
                         description=f"{prefix} {config}, saved by torch.save after two steps"), 2


SGD = OptimizerSpec(torch.optim.SGD, samples=sgd_samples, error_configs=sgd_errors,
                    resume_inputs=lambda spec: resume("sgd", {"lr": 0.05, "momentum": 0.9, "weight_decay": 0.01}))
ADAM = OptimizerSpec(torch.optim.Adam, samples=adam_samples, error_configs=adam_errors,
                     resume_inputs=lambda spec: resume("adam", {"lr": 0.01, "amsgrad": True}))
ADAMW = OptimizerSpec(torch.optim.AdamW, samples=adamw_samples, error_configs=adamw_errors,
                      resume_inputs=lambda spec: resume("adamw", {"lr": 0.01, "weight_decay": 0.1}))
OPTIMIZERS = (SGD, ADAM, ADAMW)
