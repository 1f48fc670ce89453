"""The registry: every module and function the generator writes cases for. A module is one file here
and one entry in MODULES; the order of MODULES is the order in which the set draws their cases."""
from .rnn import RNN
from .rnn_cell import RNN_CELL
from .rnn_utils import FUNCTIONS

MODULES = (RNN, RNN_CELL)
__all__ = ["FUNCTIONS", "MODULES", "RNN", "RNN_CELL"]
