"""What the recurrent modules share: the layout of their inputs and states, and the tags of their
common options in case names. nn.RNN, nn.GRU and nn.LSTM lay out a sequence alike, as do the cells a
step."""


def sequence_input_shape(spec, sample):
    """(L, H_in) unbatched, else (L, N, H_in), or (N, L, H_in) with batch_first."""
    size = spec.option(sample.config, "input_size")
    if sample.unbatched:
        return (sample.steps, size)
    if spec.option(sample.config, "batch_first"):
        return (sample.batch, sample.steps, size)
    return (sample.steps, sample.batch, size)


def layered_state_shapes(spec, sample):
    """One state of (D * num_layers, H) unbatched, else (D * num_layers, N, H); D is 2 for a
    bidirectional module."""
    directions = 2 if spec.option(sample.config, "bidirectional") else 1
    layers = directions * spec.option(sample.config, "num_layers")
    size = spec.option(sample.config, "hidden_size")
    return ((layers, size) if sample.unbatched else (layers, sample.batch, size),)


def lstm_state_shapes(spec, sample):
    """h0 of (D * num_layers, N, H_out) and c0 of (D * num_layers, N, H), without N unbatched; H_out is
    proj_size when it is positive, else H."""
    (cell,) = layered_state_shapes(spec, sample)
    projected = spec.option(sample.config, "proj_size")
    return (cell[:-1] + (projected or cell[-1],), cell)


def step_input_shape(spec, sample):
    """(H_in) unbatched, else (N, H_in)."""
    size = spec.option(sample.config, "input_size")
    return (size,) if sample.unbatched else (sample.batch, size)


def step_state_shapes(spec, sample):
    """One state of (H) unbatched, else (N, H)."""
    size = spec.option(sample.config, "hidden_size")
    return ((size,) if sample.unbatched else (sample.batch, size),)


def lstm_step_state_shapes(spec, sample):
    """hx and cx, each (H) unbatched, else (N, H)."""
    return step_state_shapes(spec, sample) * 2


def switch(on, off):
    return lambda value: on if value else off


RECURRENT_TAGS = {
    "num_layers": lambda value: f"l{value}",
    "bias": switch("bias", "nobias"),
    "batch_first": switch("bf", "tm"),
    "bidirectional": switch("bi", "uni"),
    "dropout": lambda value: f"p{value:g}",
    "nonlinearity": str,
    "proj_size": lambda value: f"proj{value}",
}
