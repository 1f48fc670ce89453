"""The losses: their values and gradients over the spec's inputs (`*_loss_grad_*`), then the calls they
refuse (`error_*_loss_*`) and accept against expectation (`*_accepted`)."""
from ..constants import DTYPES
from ..draws import TensorDraws
from ..loss_case import loss_call_case, loss_case


def generate(fs, specs):
    for spec in specs:
        samples = list(spec.samples(spec, fs.rng))
        for dtype in DTYPES:
            for sample in samples:
                if dtype in sample.dtypes:
                    loss_case(fs, spec, sample, dtype)
    draws = TensorDraws(fs.case_seed)
    for spec in specs:
        for call in spec.error_inputs(spec, draws):
            loss_call_case(fs, spec, call, call.name if not call.raises else "error_" + call.name)
