"""A case that runs forward on drawn weights and inputs and records what PyTorch returned."""
import copy

import torch
from torch.nn.utils import rnn as rnn_utils

from .case_tensors import call_fields, value_fields
from .constants import CONDITIONING_LIMIT, DTYPE_NAMES, TOLERANCES
from .construction import build
from .draws import randn
from .metadata import CaseMetadata

ATTEMPTS = 20


class NoAcceptableDraw(AssertionError):
    """No draw of a case's weights and inputs in ATTEMPTS was well-conditioned enough to ship."""


def forward_cases(fs, spec, inputs, dtype, **options):
    """`forward_case` for each of `inputs` written in `dtype`, named `NAME_DTYPE`."""
    for sample in inputs:
        if dtype in sample.dtypes:
            forward_case(fs, spec, f"{sample.name}_{DTYPE_NAMES[dtype]}", sample, dtype, **options)


def forward_case(fs, spec, name, sample, dtype, **options):
    """One forward case. A draw that is refused (a float32 one too ill-conditioned to ship, or one that
    `reject` refuses) is replaced by a new draw of weights and inputs, deterministically from the set's
    stream. `options` are those of `try_draw`."""
    for _ in range(ATTEMPTS):
        if try_draw(fs, spec, name, sample, dtype, **options):
            return
    raise NoAcceptableDraw(f"{name}: no acceptable draw in {ATTEMPTS}")


def try_draw(fs, spec, name, sample, dtype, *, input_scale=1.0, prepare=None, reject=None, edit_input=None,
             equal_nan=False, check_conditioning=True):
    """Draws and writes one case; returns False when the draw is refused. `prepare(module)` changes the
    weights (then `init_seed` is not recorded); `edit_input(x)` puts special values in the input."""
    init_seed, data_seed = fs.case_seed(), fs.case_seed()
    dropout_seed = fs.case_seed() if spec.has_option("dropout") else None
    module, caught = build(spec, sample.config, dtype, init_seed)
    if prepare is not None:
        with torch.no_grad():
            prepare(module)
    module.train(sample.training)
    x, argument, states = draw_inputs(spec, sample, dtype, data_seed, input_scale, edit_input)
    uses_dropout = sample.training and spec.has_option("dropout") and spec.option(sample.config, "dropout") > 0
    if uses_dropout:
        torch.manual_seed(dropout_seed)
    with torch.no_grad():
        results = spec.results(spec.call(module, argument, states))
    if reject is not None and reject(results):
        return False
    ratio = None
    if spec.sequence:
        ratio = 0.0
        if dtype == torch.float32 and check_conditioning:
            ratio = conditioning(spec, module, argument, states, dropout_seed if uses_dropout else None, results)
            if ratio > CONDITIONING_LIMIT:
                return False
    packed = sample.lengths is not None
    tensors = call_fields(spec, module, sample, x, argument, states)
    for result_name, value in results.items():
        tensors.update(value_fields(result_name, value))
        if isinstance(value, rnn_utils.PackedSequence):
            padded, lengths = unpacked(spec, sample, value)
            tensors.update({result_name + ".padded": padded, result_name + ".lengths": lengths})
    fs.write(name, tensors, CaseMetadata(
        module=spec.name, config=sample.config, dtype=dtype, training=sample.training, warnings=caught,
        description=sample.description, conditioning=ratio, init_seed=init_seed if prepare is None else None,
        dropout_seed=dropout_seed if uses_dropout else None, equal_nan=equal_nan,
        input_kind="packed" if packed else None, enforce_sorted=sample.enforce_sorted if packed else None))
    return True


def draw_inputs(spec, sample, dtype, data_seed, input_scale=1.0, edit_input=None):
    """(input, what forward gets, initial states or None), drawn from `data_seed`. For a packed sample
    the input is the padded batch, and forward gets it packed."""
    gen = torch.Generator().manual_seed(data_seed)
    if spec.draw_input is not None:
        x = spec.draw_input(spec, sample, dtype, gen)
    else:
        x = randn(spec.input_shape(spec, sample), dtype, gen, input_scale)
    states = None
    if sample.with_state:
        states = tuple(randn(shape, dtype, gen) for shape in spec.state_shapes(spec, sample))
    if edit_input is not None:
        x = edit_input(x)
    if sample.lengths is None:
        return x, x, states
    return x, rnn_utils.pack_padded_sequence(x, list(sample.lengths), enforce_sorted=sample.enforce_sorted,
                                             batch_first=spec.option(sample.config, "batch_first")), states


def unpacked(spec, sample, packed):
    """pad_packed_sequence of a packed result, in the sample's layout: (padded, lengths)."""
    return rnn_utils.pad_packed_sequence(packed, batch_first=spec.option(sample.config, "batch_first"))


def conditioning(spec, module, argument, states, dropout_seed, results):
    """max |torch f32 - torch f64| / (atol + rtol |f64|) over the results, the same case run in float64."""
    rtol, atol = TOLERANCES[torch.float32]
    m64 = copy.deepcopy(module).double()
    if dropout_seed is not None:
        torch.manual_seed(dropout_seed)
    with torch.no_grad():
        expected = spec.results(spec.call(m64, argument.double(),
                                          None if states is None else tuple(s.double() for s in states)))
    worst = 0.0
    for result_name, value in results.items():
        a, e = data_of(value), data_of(expected[result_name])
        if a.numel():
            worst = max(worst, ((a.double() - e).abs() / (atol + rtol * e.abs())).max().item())
    return worst


def data_of(value):
    return value.data if isinstance(value, rnn_utils.PackedSequence) else value
