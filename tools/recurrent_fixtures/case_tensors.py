"""How a case's values are named among its tensors (`fixtures/README.md`, Tensors)."""
import torch
from torch.nn.utils import rnn as rnn_utils


def packed_fields(prefix, ps):
    """A PackedSequence as tensors: data, batch_sizes and the indices that are not None."""
    fields = {prefix + ".data": ps.data, prefix + ".batch_sizes": ps.batch_sizes}
    if ps.sorted_indices is not None:
        fields[prefix + ".sorted_indices"] = ps.sorted_indices
        fields[prefix + ".unsorted_indices"] = ps.unsorted_indices
    return fields


def value_fields(name, value):
    """A tensor under its name, a PackedSequence as its fields."""
    if isinstance(value, rnn_utils.PackedSequence):
        return packed_fields(name, value)
    return {name: value}


def state_fields(module):
    """The module's parameters as `state.<name>`."""
    return {"state." + k: v for k, v in module.state_dict().items()}


def call_fields(spec, module, sample, x, argument, states):
    """What a forward call was given: the input, the module's parameters (`state.<name>`), the lengths
    and packed fields of a packed batch, and the initial states."""
    tensors = {"input": x, **state_fields(module)}
    if sample.lengths is not None:
        tensors["lengths"] = torch.tensor(sample.lengths, dtype=torch.int64)
        tensors.update(packed_fields("packed", argument))
    if states is not None:
        tensors.update(zip(spec.state_names, states))
    return tensors
