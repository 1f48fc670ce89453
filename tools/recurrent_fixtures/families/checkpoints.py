"""Real torch.save files in checkpoints/, each with the output torch computes for it: NAME.pt (or
NAME.safetensors) beside NAME.expected.safetensors, whose metadata says how to load it."""
import os

import torch
import torch.nn as nn
from torch.nn.utils import rnn as rnn_utils

from ..construction import build
from ..forward_case import draw_inputs, unpacked
from ..metadata import CheckpointMetadata
from ..safetensors_writer import safetensors_bytes
from .legacy_pickle import stable_legacy_keys

def nested_prefix(spec):
    """Where a model holds the module: `encoder.rnn.` (`encoder.lstm.`, `encoder.gru.`)."""
    return f"encoder.{spec.name.lower()}."


class Model(nn.Module):
    """A model with the module nested under `encoder.<name>`, between two linear layers."""
    def __init__(self, rnn, name):
        super().__init__()
        dtype = rnn.weight_ih_l0.dtype
        self.embedding = nn.Linear(2, 3, dtype=dtype)
        self.encoder = nn.Module()
        setattr(self.encoder, name, rnn)
        features = rnn.proj_size or rnn.hidden_size
        self.head = nn.Linear(features * (2 if rnn.bidirectional else 1), 2, dtype=dtype)


def non_contiguous(state):
    state = dict(state)
    state["weight_hh_l0"] = state["weight_hh_l0"].t().contiguous().t()
    return state


def shared_storage(state):
    names = list(state)
    flat = torch.cat([state[n].reshape(-1) for n in names])
    shared, offset = {}, 0
    for n in names:
        count = state[n].numel()
        shared[n] = flat[offset:offset + count].view(state[n].shape)
        offset += count
    assert len({t.untyped_storage().data_ptr() for t in shared.values()}) == 1, "not one storage"
    return shared


LAYOUTS = {"contiguous": lambda state: state, "non-contiguous": non_contiguous, "shared storage": shared_storage}


def generate(fs, specs):
    """Empties checkpoints/ of the files an earlier run wrote, then writes the specs' checkpoints."""
    directory = os.path.join(fs.out, "checkpoints")
    os.makedirs(directory, exist_ok=True)
    for old in os.listdir(directory):
        if old.endswith((".pt", ".safetensors")):
            os.remove(os.path.join(directory, old))
    write_cases(fs, specs)


def write_cases(fs, specs):
    """The specs' checkpoints, beside those already in checkpoints/."""
    directory = os.path.join(fs.out, "checkpoints")
    for spec in specs:
        for item in spec.checkpoint_inputs(spec):
            checkpoint_case(fs, spec, directory, item)


def checkpoint_case(fs, spec, directory, item):
    sample, dtype, config = item.call, item.dtype, item.call.config
    rnn, _ = build(spec, config, dtype, fs.case_seed())
    rnn.train(sample.training)
    x, argument, states = draw_inputs(spec, sample, dtype, fs.case_seed())
    with torch.no_grad():
        results = spec.results(spec.call(rnn, argument, states))
    # The reader compares a packed run's output padded again.
    results = {k: unpacked(spec, sample, v)[0] if isinstance(v, rnn_utils.PackedSequence) else v
               for k, v in results.items()}
    trained = item.container == "training checkpoint"
    nested = trained or item.container == "model"
    state = Model(rnn, nested_prefix(spec).split(".")[1]).state_dict() if nested else rnn.state_dict()
    # Copies: the training step below must not change what is saved.
    state = LAYOUTS[item.layout](type(state)((k, v.clone()) for k, v in state.items()))
    saved = state
    if trained:
        optimizer = torch.optim.Adam(rnn.parameters())
        next(iter(spec.results(spec.call(rnn, x, None)).values())).sum().backward()
        optimizer.step()
        saved = {"epoch": 7, "model": state, "optimizer": optimizer.state_dict(), "loss": 0.25,
                 "history": [1.0, 0.5], "note": "trained", "flags": (True, None)}
    file = sample.name + (".safetensors" if item.serialization == "safetensors" else ".pt")
    path = os.path.join(directory, file)
    if item.serialization == "safetensors":
        with open(path, "wb") as f:
            f.write(safetensors_bytes({k: v.contiguous() for k, v in saved.items()}, {}))
    else:
        torch.save(saved, path, _use_new_zipfile_serialization=item.serialization == "zip")
        if item.serialization == "legacy":
            stable_legacy_keys(path, torch.finfo(dtype).bits // 8)
    tensors = {"input": x, **results}
    if states is not None:
        tensors.update(zip(spec.state_names, states))
    if sample.lengths is not None:
        tensors["lengths"] = torch.tensor(sample.lengths, dtype=torch.int64)
    # An RNN's file names no module (the first checkpoints were all nn.RNN's); the others name theirs.
    gated = not spec.has_option("nonlinearity")
    metadata = CheckpointMetadata(
        checkpoint=file, prefix=nested_prefix(spec) if nested else "",
        nonlinearity=None if gated else spec.option(config, "nonlinearity"),
        batch_first=spec.option(config, "batch_first"), dtype=dtype, key="model" if trained else None,
        module=spec.name if gated else None)
    with open(os.path.join(directory, sample.name + ".expected.safetensors"), "wb") as f:
        f.write(safetensors_bytes(tensors, metadata.strings(sample.name, fs.provenance)))
