"""Random tensors: drawn in float64 and rounded, so that both dtypes of a case see the same values."""
import torch


def randn(shape, dtype, generator, scale=1.0):
    return torch.randn(shape, dtype=torch.float64, generator=generator).mul_(scale).to(dtype)


class TensorDraws:
    """Tensors from a torch.Generator of their own, for the cases whose inputs are listed rather than
    drawn per case. The generator is seeded by `seed()` at the first draw, so a family that draws no
    tensor takes nothing from the set's stream."""

    def __init__(self, seed):
        self._seed = seed
        self._generator = None
        self._shared = {}

    @classmethod
    def seeded(cls, seed):
        return cls(lambda: seed)

    def randn(self, *shape, dtype=torch.float32):
        if self._generator is None:
            self._generator = torch.Generator().manual_seed(self._seed())
        return randn(shape, dtype, self._generator)

    def shared(self, key, make):
        """The value `make()` returned the first time `key` was asked for: one input several cases use."""
        if key not in self._shared:
            self._shared[key] = make()
        return self._shared[key]
