"""What the modules refuse, at construction and in forward (in the order PyTorch checks), and the
constructor calls they accept with a warning."""
import torch

from ..case_tensors import state_fields
from ..construction import build
from ..draws import TensorDraws
from ..given_call_case import given_call_case
from ..metadata import CaseMetadata
from ..spec import WarningInput


def generate(fs, specs):
    draws = TensorDraws(fs.case_seed)
    for spec in specs:
        for item in spec.error_inputs(spec, draws):
            if isinstance(item, WarningInput):
                warning_case(fs, spec, "warning_" + item.name, item)
            else:
                given_call_case(fs, spec, "error_" + item.name, item)


def warning_case(fs, spec, name, item):
    """The module is built and its state compared; the warning is part of the expected result."""
    init_seed = fs.case_seed()
    module, caught = build(spec, item.config, torch.float32, init_seed)
    assert caught, name
    fs.write(name, state_fields(module), CaseMetadata(
        module=spec.name, config=item.config, dtype=torch.float32, training=True, description=item.description,
        expects_state=True, warnings=caught, init_seed=init_seed))
