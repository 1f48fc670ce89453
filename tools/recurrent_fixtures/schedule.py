"""The whole set: the families over the registry, in the order the set draws from its stream. The
order is part of the set: changing it changes every case drawn after the change."""
from .constants import DTYPES
from .draws import TensorDraws
from .families import checkpoints, clip_grad_norm, dropout, edges, errors, gradients, losses, optimizers, option_grid
from .families import packed, relu_growth, saturation, special_values, training_run, utils
from .specs import FUNCTIONS, GATED_MODULES, LOSSES, MODULES, OPTIMIZERS, TRAINING_MODULES


def write_set(fs):
    for spec in MODULES:
        option_grid.generate(fs, spec)
        for dtype in DTYPES:
            edges.generate(fs, spec, dtype)
            saturation.generate(fs, spec, dtype)
            dropout.generate(fs, spec, dtype)
        for dtype in DTYPES:
            relu_growth.generate(fs, spec, dtype)
        for dtype in DTYPES:
            special_values.generate(fs, spec, dtype)
    errors.generate(fs, MODULES)
    for spec in MODULES:
        packed.generate(fs, spec)
    # The utilities' inputs and the packed calls' come from one generator.
    draws = TensorDraws(fs.case_seed)
    utils.generate(fs, FUNCTIONS, draws)
    for spec in MODULES:
        packed.generate_calls(fs, spec, draws)
    checkpoints.generate(fs, MODULES)
    # Families with random streams of their own, after everything drawn from the main stream.
    for spec in MODULES:
        gradients.generate(fs, spec)
    write_training_set(fs.stream("training"))
    training_run.generate(fs)
    write_gated_set(fs.stream("gated"))


def write_training_set(fs):
    """The training pieces (Linear, Embedding, the losses, the optimizers, clip_grad_norm_), drawn from
    their own stream so that the cases above stay as they were."""
    for spec in TRAINING_MODULES:
        for dtype in DTYPES:
            gradients.generate_listed(fs, spec, dtype)
    errors.generate(fs, TRAINING_MODULES)
    losses.generate(fs, LOSSES)
    optimizers.generate(fs, OPTIMIZERS)
    clip_grad_norm.generate(fs)


def write_gated_set(fs):
    """nn.LSTM, nn.GRU and their cells through the families RNN and RNNCell go through, drawn from their own
    stream (each module's gradients from one under it) so that the cases above stay as they were."""
    for spec in GATED_MODULES:
        option_grid.generate(fs, spec)
        for dtype in DTYPES:
            edges.generate(fs, spec, dtype)
            saturation.generate(fs, spec, dtype)
            dropout.generate(fs, spec, dtype)
        for dtype in DTYPES:
            special_values.generate(fs, spec, dtype)
    errors.generate(fs, GATED_MODULES)
    for spec in GATED_MODULES:
        packed.generate(fs, spec)
    draws = TensorDraws(fs.case_seed)
    for spec in GATED_MODULES:
        packed.generate_calls(fs, spec, draws)
    checkpoints.write_cases(fs, GATED_MODULES)
    for spec in GATED_MODULES:
        gradients.generate(fs.stream(spec.name), spec)
