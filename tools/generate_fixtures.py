#!/usr/bin/env python3
"""Writes Recurrent's golden fixtures from real PyTorch: the entry point of the `recurrent_fixtures`
package beside this file (its cli.py documents the command line).

    python tools/generate_fixtures.py                       # rewrite fixtures/ (seed 0)
    python tools/generate_fixtures.py --seed 7 --out /tmp/f7

The live runner imports recurrent_fixtures.live for `live_case`.
"""
import sys

from recurrent_fixtures.cli import main

if __name__ == "__main__":
    sys.exit(main())
