"""The registry: every module and function the generator writes cases for. A module is one file here
and one entry in MODULES; the order of MODULES is the order in which the set draws their cases. The
training pieces (TRAINING_MODULES, LOSSES, OPTIMIZERS and clip_grad_norm_) draw from a stream of their
own, after everything else (schedule.py); so do the gated modules (GATED_MODULES: nn.LSTM, nn.GRU and
their cells), after the training pieces, so that adding them left every earlier case as it was."""
from .embedding import EMBEDDING
from .gru import GRU
from .gru_cell import GRU_CELL
from .linear import LINEAR
from .losses import LOSSES
from .lstm import LSTM
from .lstm_cell import LSTM_CELL
from .optimizers import OPTIMIZERS
from .rnn import RNN
from .rnn_cell import RNN_CELL
from .rnn_utils import FUNCTIONS

MODULES = (RNN, RNN_CELL)
TRAINING_MODULES = (LINEAR, EMBEDDING)
GATED_MODULES = (LSTM, GRU, LSTM_CELL, GRU_CELL)
__all__ = ["FUNCTIONS", "GATED_MODULES", "GRU", "GRU_CELL", "LOSSES", "LSTM", "LSTM_CELL", "MODULES", "OPTIMIZERS",
           "RNN", "RNN_CELL", "TRAINING_MODULES"]
