"""Where a run's cases go, and the random stream they are drawn from."""
import copy
import os
import random

from .metadata import Provenance
from .safetensors_writer import safetensors_bytes


class FixtureSet:
    """Cases written as files in `out`, or, with no `out`, kept in `written` as (name, bytes). Every
    random choice of the run comes from `rng`, so the set depends on its seed alone."""

    def __init__(self, out, seed, rng=None):
        self.out, self.seed = out, seed
        self.rng = rng or random.Random(seed)
        self.provenance = Provenance(seed)
        self.names = set()
        self.written = []
        self.label = None  # the stream's label; None for the set's own stream

    def stream(self, label):
        """This set with a random stream of its own, `Random(f"{seed}:{label}")`: families scheduled
        after the shipped ones draw from it, so that adding them leaves every earlier case as it was. A
        stream's own streams are labelled under it (`Random(f"{seed}:gated:gradients")`)."""
        view = copy.copy(self)
        view.label = label if self.label is None else f"{self.label}:{label}"
        view.rng = random.Random(f"{self.seed}:{view.label}")
        return view

    def case_seed(self):
        """A seed for torch's generators, the next number of the set's stream."""
        return self.rng.getrandbits(31)

    def write(self, name, tensors, metadata):
        """Writes the case `name`: its tensors and its `CaseMetadata`."""
        assert name not in self.names, name
        self.names.add(name)
        data = safetensors_bytes(tensors, metadata.strings(name, self.provenance))
        if self.out is None:
            self.written.append((name, data))
        else:
            with open(os.path.join(self.out, name + ".safetensors"), "wb") as f:
                f.write(data)
