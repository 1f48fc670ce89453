"""Values every part of the generator shares: the formats it writes, the dtypes and their tolerances."""
import torch

FORMAT = "recurrent-fixture/1"
CHECKPOINT_FORMAT = "recurrent-checkpoint/1"
# The `generator` provenance field: the entry point that writes the set (the Swift tests check it).
GENERATOR = "tools/generate_fixtures.py"
DTYPES = (torch.float32, torch.float64)
DTYPE_NAMES = {torch.float32: "float32", torch.float64: "float64"}
# torch.testing.assert_close's defaults; a case never ships with looser ones.
TOLERANCES = {torch.float32: (1.3e-06, 1e-05), torch.float64: (1e-07, 1e-07)}
# A float32 case ships only if PyTorch's own float32 result is within this share of the tolerance of
# the float64 result: then an independent implementation has room for its own rounding.
CONDITIONING_LIMIT = 0.25
