"""The torch.nn.utils.rnn functions: inputs each accepts and inputs each refuses."""
import torch
from torch.nn.utils import rnn as rnn_utils

from ..spec import FunctionSpec, UtilityInput


def padded_batch(draws):
    """The (4, 3, 2) padded batch that most pack_padded_sequence cases pack."""
    return draws.shared("padded batch", lambda: draws.randn(4, 3, 2))


def unsorted_packed(draws):
    """A batch of lengths 2, 5, 3 packed unsorted, which every case that unpacks uses."""
    return draws.shared("unsorted packed batch", lambda: rnn_utils.pack_padded_sequence(
        draws.randn(5, 3, 2), [2, 5, 3], enforce_sorted=False))


def pack_padded_samples(draws):
    t, x = draws.randn, padded_batch(draws)
    yield UtilityInput("pack_padded_sorted", {}, {"input": x, "lengths": [4, 2, 1]})
    yield UtilityInput("pack_padded_unsorted_bf", {"batch_first": True, "enforce_sorted": False},
                       {"input": t(3, 4, 2), "lengths": [2, 4, 1]})
    yield UtilityInput("pack_padded_ties_17", {"enforce_sorted": False}, {"input": t(3, 17), "lengths": [3] * 17})
    yield UtilityInput("pack_padded_fewer_lengths_unsorted", {"enforce_sorted": False}, {"input": x, "lengths": [2, 4]})


def pack_padded_errors(draws):
    t, x = draws.randn, padded_batch(draws)
    yield UtilityInput("unsorted_enforced", {}, {"input": x, "lengths": [2, 4, 1]})
    yield UtilityInput("length_zero", {}, {"input": x, "lengths": [4, 2, 0]})
    yield UtilityInput("length_negative", {}, {"input": x, "lengths": [4, 2, -1]})
    yield UtilityInput("length_zero_unsorted", {"enforce_sorted": False}, {"input": x, "lengths": [0, 4, 1]})
    yield UtilityInput("zero_before_sorted_check", {}, {"input": x, "lengths": [4, 0, 1]})
    yield UtilityInput("lengths_count", {}, {"input": x, "lengths": [4, 2]})
    yield UtilityInput("lengths_empty", {}, {"input": x, "lengths": []})
    yield UtilityInput("lengths_too_many_unsorted", {"enforce_sorted": False}, {"input": x, "lengths": [2, 4, 1, 1]})
    yield UtilityInput("empty_input", {}, {"input": t(0, 3), "lengths": [1, 1, 1]})
    yield UtilityInput("one_dimensional_input", {}, {"input": t(4), "lengths": [4]})


def pad_samples(draws):
    t = draws.randn
    yield UtilityInput("pad_sequence", {}, {"sequences": [t(3, 2), t(1, 2), t(4, 2)]})
    yield UtilityInput("pad_sequence_bf_value", {"batch_first": True, "padding_value": -1.5},
                       {"sequences": [t(2, 3), t(4, 3)]})
    yield UtilityInput("pad_sequence_left", {"padding_side": "left"}, {"sequences": [t(2), t(4), t(0)]})
    yield UtilityInput("pad_sequence_broadcast", {}, {"sequences": [t(3, 4), t(2, 1)]})


def pad_errors(draws):
    t = draws.randn
    yield UtilityInput("pad_empty_list", {}, {"sequences": []})
    yield UtilityInput("pad_trailing_mismatch", {}, {"sequences": [t(3, 2), t(2, 3)]})
    yield UtilityInput("pad_rank_mismatch", {}, {"sequences": [t(3, 4, 2), t(2, 4)]})


def pack_samples(draws):
    t = draws.randn
    yield UtilityInput("pack_sequence", {}, {"sequences": [t(3), t(2), t(1)]})
    yield UtilityInput("pack_sequence_unsorted", {"enforce_sorted": False}, {"sequences": [t(2, 2), t(3, 2), t(1, 2)]})


def pack_errors(draws):
    t = draws.randn
    yield UtilityInput("pack_sequence_empty", {}, {"sequences": []})
    yield UtilityInput("pack_sequence_unsorted", {}, {"sequences": [t(2), t(3)]})
    yield UtilityInput("pack_sequence_scalar", {}, {"sequences": [torch.tensor(1.0), torch.tensor(2.0)]})


def pad_packed_samples(draws):
    packed = unsorted_packed(draws)
    yield UtilityInput("pad_packed_unsorted", {}, {"sequence": packed})
    yield UtilityInput("pad_packed_total_length_bf", {"batch_first": True, "padding_value": 7.0, "total_length": 8},
                       {"sequence": packed})


def pad_packed_errors(draws):
    packed = unsorted_packed(draws)
    yield UtilityInput("total_length_short", {"total_length": 2}, {"sequence": packed})
    yield UtilityInput("total_length_zero", {"total_length": 0}, {"sequence": packed})


def unpack_samples(draws):
    yield UtilityInput("unpack_sequence", {}, {"packed_sequences": unsorted_packed(draws)})


def unpad_samples(draws):
    yield UtilityInput("unpad_sequence_bf", {"batch_first": True},
                       {"padded_sequences": draws.randn(3, 5, 2), "lengths": torch.tensor([5, 2, 7])})


def unpad_errors(draws):
    t = draws.randn
    yield UtilityInput("unpad_too_many_lengths", {"batch_first": True},
                       {"padded_sequences": t(2, 3, 1), "lengths": torch.tensor([3, 2, 1])})
    yield UtilityInput("unpad_too_few_lengths", {"batch_first": True},
                       {"padded_sequences": t(2, 3, 1), "lengths": torch.tensor([3])})


FUNCTIONS = (
    FunctionSpec(rnn_utils.pack_padded_sequence, pack_padded_samples, pack_padded_errors),
    FunctionSpec(rnn_utils.pad_sequence, pad_samples, pad_errors),
    FunctionSpec(rnn_utils.pack_sequence, pack_samples, pack_errors),
    FunctionSpec(rnn_utils.pad_packed_sequence, pad_packed_samples, pad_packed_errors),
    FunctionSpec(rnn_utils.unpack_sequence, unpack_samples),
    FunctionSpec(rnn_utils.unpad_sequence, unpad_samples, unpad_errors),
)
