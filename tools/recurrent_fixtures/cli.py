"""Writes Recurrent's golden fixtures from real PyTorch.

Every case is one safetensors file: the module's parameters, the inputs, and what PyTorch returned
for them (or the exception it raised), with the configuration, dtype, seeds, tolerances and the
torch version in the header's metadata. `fixtures/README.md` documents the format.

    python tools/generate_fixtures.py                       # rewrite fixtures/ (seed 0)
    python tools/generate_fixtures.py --seed 7 --out /tmp/f7

With the same seed on the same machine the files are identical byte for byte.
"""
import argparse
import os

import torch

from .fixture_set import FixtureSet
from .schedule import write_set

REPOSITORY = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seed", type=int, default=0, help="master seed of the case set (default 0)")
    parser.add_argument("--out", default=os.path.join(REPOSITORY, "fixtures"),
                        help="output directory (default: the repository's fixtures/)")
    args = parser.parse_args()
    torch.set_num_threads(1)
    os.makedirs(args.out, exist_ok=True)
    for old in os.listdir(args.out):
        if old.endswith(".safetensors"):
            os.remove(os.path.join(args.out, old))
    fs = FixtureSet(args.out, args.seed)
    write_set(fs)
    total = sum(os.path.getsize(os.path.join(args.out, n + ".safetensors")) for n in fs.names)
    print(f"wrote {len(fs.names)} cases ({total / 1e6:.2f} MB) to {os.path.normpath(args.out)} "
          f"with torch {torch.__version__}, seed {args.seed}")
