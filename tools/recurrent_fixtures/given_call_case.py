"""A case that makes a given call: PyTorch's exception is the expected result, or, for a call it
accepts, its output."""
import torch
from torch.nn.utils import rnn as rnn_utils

from .case_tensors import packed_fields, value_fields
from .construction import recorded_warnings
from .metadata import CaseMetadata, Raised, check_raised


def given_call_case(fs, spec, name, call):
    """Constructs the module (after torch.manual_seed of a fresh seed) and calls it as `call` says."""
    init_seed = fs.case_seed()
    torch.manual_seed(init_seed)
    stage, raised = "construct", None
    try:
        with recorded_warnings() as caught:
            module = spec.module_class(**call.config, dtype=call.dtype)
        stage = "forward"
        with torch.no_grad():
            results = spec.results(spec.call(module, call.input, call.states))
    except Exception as e:  # noqa: BLE001 - the exception is the expected result
        raised = Raised.of(stage, e)
    check_raised(name, raised, call.raises)
    tensors = {}
    packed = isinstance(call.input, rnn_utils.PackedSequence)
    if packed:
        tensors.update(packed_fields("packed", call.input))
    elif stage == "forward":
        tensors["input"] = call.input
    if stage == "forward" and call.states is not None:
        tensors.update(zip(spec.state_names, call.states))
    if raised is None:
        for result_name, value in results.items():
            tensors.update(value_fields(result_name, value))
    # The module is called as constructed, in training mode.
    fs.write(name, tensors, CaseMetadata(
        module=spec.name, config=call.config, dtype=call.dtype, training=True, description=call.description,
        raised=raised, warnings=caught, init_seed=init_seed, input_kind="packed" if packed else None))
