"""python -m recurrent_fixtures (from tools/): the same as tools/generate_fixtures.py."""
import sys

from .cli import main

sys.exit(main())
