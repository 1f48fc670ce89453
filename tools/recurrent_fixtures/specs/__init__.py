"""The registry: every module and function the generator writes cases for. A module is one file here
and one entry in MODULES; the order of MODULES is the order in which the set draws their cases. The
training pieces (TRAINING_MODULES, LOSSES, OPTIMIZERS and clip_grad_norm_) draw from a stream of their
own, after everything else (schedule.py)."""
from .embedding import EMBEDDING
from .linear import LINEAR
from .losses import LOSSES
from .optimizers import OPTIMIZERS
from .rnn import RNN
from .rnn_cell import RNN_CELL
from .rnn_utils import FUNCTIONS

MODULES = (RNN, RNN_CELL)
TRAINING_MODULES = (LINEAR, EMBEDDING)
__all__ = ["FUNCTIONS", "LOSSES", "MODULES", "OPTIMIZERS", "RNN", "RNN_CELL", "TRAINING_MODULES"]
