"""The torch.nn.utils.rnn functions: what each returns for the inputs it accepts, and what it raises
for those it refuses. Case names start with `packed_util_` and `packed_error_`."""
import torch
from torch.nn.utils import rnn as rnn_utils

from ..case_tensors import packed_fields
from ..metadata import CaseMetadata, Raised, check_raised


def generate(fs, functions, draws):
    for spec in functions:
        for sample in spec.sample_inputs(draws):
            utility_case(fs, spec, "packed_util_" + sample.name, sample, raises=False)
    for spec in functions:
        for sample in spec.error_inputs(draws):
            utility_case(fs, spec, "packed_error_" + sample.name, sample, raises=True)


def utility_case(fs, spec, name, sample, raises):
    """The function called on the sample's inputs (tensors, lists of tensors, PackedSequences): its
    result, or the exception it raised."""
    tensors, counts = {}, {}
    for key, value in sample.inputs.items():
        if isinstance(value, rnn_utils.PackedSequence):
            tensors.update(packed_fields(key, value))
        elif isinstance(value, list) and key != "lengths":
            tensors.update({f"{key}.{i}": v for i, v in enumerate(value)})
            counts[key] = len(value)
        elif isinstance(value, list):
            tensors[key] = torch.tensor(value, dtype=torch.int64)
        else:
            tensors[key] = value
    call_inputs = [v.clone() if torch.is_tensor(v) else v for v in sample.inputs.values()]
    raised = None
    try:
        result = spec.function(*call_inputs, **sample.arguments)
    except Exception as e:  # noqa: BLE001 - the exception is the expected result
        raised = Raised.of("call", e)
    else:
        if isinstance(result, rnn_utils.PackedSequence):
            tensors.update(packed_fields("result", result))
        elif isinstance(result, tuple):
            tensors["result"], tensors["result.lengths"] = result
        elif isinstance(result, list):
            tensors.update({f"result.{i}": v for i, v in enumerate(result)})
            counts["result"] = len(result)
        else:
            tensors["result"] = result
    check_raised(name, raised, raises)
    fs.write(name, tensors, CaseMetadata(
        module="utils", function=spec.name, arguments=sample.arguments, inputs=list(sample.inputs),
        dtype=sample.dtype, training=False, description=sample.description, raised=raised, counts=counts))
