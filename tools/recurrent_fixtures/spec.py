"""The registry's entries and the inputs they list, in the manner of PyTorch's ModuleInfo and OpInfo
tables (torch/testing/_internal/common_modules.py): a spec says what is particular to one module or
function, and the families (families/) turn what it lists into cases.

A spec's input functions are generators: the families consume them one input at a time, and an input
that draws from the set's stream draws when the family reaches it."""
from dataclasses import dataclass, field
from typing import Callable, Iterable, Mapping, NamedTuple, Optional

import torch
from torch.nn.utils import rnn as rnn_utils

from .constants import DTYPES


@dataclass(frozen=True)
class ForwardInput:
    """One valid call: the constructor's arguments and the forward call's shape. For a packed batch,
    `lengths` are those given to `pack_padded_sequence` (see `packed_input`)."""
    name: str
    config: Mapping
    batch: int
    steps: int = 1  # the sequence length; a one-step module ignores it
    unbatched: bool = False
    with_state: bool = False  # pass initial states (else None)
    training: bool = False  # the module's mode during forward
    lengths: Optional[tuple] = None
    enforce_sorted: bool = True
    dtypes: tuple = DTYPES  # the dtypes the case is written in
    description: str = ""
    leading_shape: Optional[tuple] = None  # the input's dimensions before its features, for a layer taking any


def packed_input(name, config, lengths, **options):
    """A ForwardInput over the padded batch that `lengths` describe."""
    return ForwardInput(name, config, batch=len(lengths), steps=max(lengths), lengths=tuple(lengths), **options)


@dataclass(frozen=True)
class GivenCall:
    """A call with given arguments: `input` None fails at construction. `raises` says what PyTorch does,
    and the generator checks it."""
    name: str
    config: Mapping
    dtype: torch.dtype = torch.float32
    input: object = None  # a tensor or a PackedSequence
    states: Optional[tuple] = None
    raises: bool = True
    description: str = ""


def one_state_call(name, config, input=None, state=None, dtype=torch.float32, **options):
    """A GivenCall with one initial state or none."""
    return GivenCall(name, config, dtype, input, None if state is None else (state,), **options)


@dataclass(frozen=True)
class WarningInput:
    """A constructor call PyTorch accepts with a warning."""
    name: str
    config: Mapping
    description: str


@dataclass(frozen=True)
class CheckpointInput:
    """A module saved with torch.save (or as safetensors), and the run of it the reader must reproduce."""
    call: ForwardInput  # its name is the file's
    dtype: torch.dtype
    container: str = "state dict"  # "state dict", "model" (nested in a model) or "training checkpoint"
    serialization: str = "zip"  # "zip", "legacy" or "safetensors"
    layout: str = "contiguous"  # "contiguous", "non-contiguous" or "shared storage"


class Axis(NamedTuple):
    """A dimension of an option grid: a constructor option or a ForwardInput field, or "dtype"."""
    field: str
    values: tuple


@dataclass(frozen=True)
class Grid:
    """An option grid: every combination of `axes`, with the `paired` axes assigned so that every pair
    of values of any two axes appears. Case names are `name_INDEX_tags`, the tags in `tag_order`."""
    name: str
    index_digits: int
    axes: tuple
    sizes: Mapping[str, tuple]  # inclusive ranges of input_size, hidden_size, steps and batch
    paired: tuple = ()
    fixed: Mapping = field(default_factory=dict)  # ForwardInput fields the grid holds fixed
    tag_order: Optional[tuple] = None  # default: axes, then paired
    description: str = ""


def nothing(*_):
    return ()


@dataclass(frozen=True)
class ModuleSpec:
    """A torch.nn module under test. Every input function takes the spec first; one the module has
    no use for lists nothing."""
    module_class: type
    # The constructor's options in the order they are written, at the values a case starts from:
    # torch's defaults, and sizes for the arguments torch requires.
    defaults: Mapping
    state_names: tuple  # forward's initial states, as stored (`h0`; `h0`, `c0` for an LSTM)
    result_names: tuple  # forward's results, flattened (`output`, `h_n`)
    sequence: bool  # forward takes a sequence (a float32 case is then checked for conditioning)
    input_shape: Callable  # (spec, ForwardInput) -> the input's shape
    state_shapes: Callable  # (spec, ForwardInput) -> the initial states' shapes
    tags: Mapping[str, Callable] = field(default_factory=dict)  # option -> its value's tag in case names
    grid: Optional[Grid] = None
    edge_inputs: Callable[..., Iterable[ForwardInput]] = nothing  # (spec)
    saturation_inputs: Callable[..., Iterable[ForwardInput]] = nothing  # (spec)
    dropout_inputs: Callable[..., Iterable[ForwardInput]] = nothing  # (spec)
    growth_inputs: Callable[..., Iterable[tuple]] = nothing  # (spec) -> (spectral radius, ForwardInput)
    special_inputs: Callable[..., Iterable[tuple]] = nothing  # (spec) -> (edit of the input, ForwardInput)
    error_inputs: Callable[..., Iterable] = nothing  # (spec, TensorDraws) -> GivenCall | WarningInput
    packed_grid: Optional[Grid] = None
    packed_inputs: Callable[..., Iterable[ForwardInput]] = nothing  # (spec, rng)
    packed_calls: Callable[..., Iterable[GivenCall]] = nothing  # (spec, TensorDraws)
    checkpoint_inputs: Callable[..., Iterable[CheckpointInput]] = nothing  # (spec)
    # (spec, rng, TensorDraws, live config, dtype, steps, batch) -> the invalid calls one is drawn from
    live_error_inputs: Callable[..., list] = nothing
    # (spec, ForwardInput, dtype, torch.Generator) -> the input, for a module whose input is not normal
    # floats (an Embedding's indices); None draws it from N(0, 1)
    draw_input: Optional[Callable] = None
    gradient_inputs: Callable[..., Iterable[ForwardInput]] = nothing  # (spec): gradient cases (families/gradients.py)

    @property
    def name(self):
        return self.module_class.__name__

    def has_option(self, key):
        return key in self.defaults

    def option(self, config, key):
        """An option's value in `config`, or its default when `config` leaves it out."""
        return config[key] if key in config else self.defaults[key]

    def config(self, **options):
        """Every option, at its default unless given."""
        unknown = set(options) - set(self.defaults)
        if unknown:
            raise TypeError(f"{self.name} has no option {sorted(unknown)}")
        return {**self.defaults, **options}

    def call(self, module, input, states):
        """forward(input, states): one state as itself, several as a tuple, none as None; a module
        without states (nn.Linear) is called on its input alone."""
        if not self.state_names:
            return module(input)
        if states is not None and len(self.state_names) == 1:
            states = states[0]
        return module(input, states)

    def results(self, value):
        """forward's result by `result_names`."""
        flat = list(flatten(value))
        assert len(flat) == len(self.result_names), (self.name, len(flat))
        return dict(zip(self.result_names, flat))


def flatten(value):
    if isinstance(value, tuple) and not isinstance(value, rnn_utils.PackedSequence):
        for item in value:
            yield from flatten(item)
    else:
        yield value


@dataclass(frozen=True)
class UtilityInput:
    """The positional `inputs` (in order) and keyword `arguments` of a torch.nn.utils.rnn call."""
    name: str
    arguments: Mapping
    inputs: Mapping
    dtype: torch.dtype = torch.float32
    description: str = ""


@dataclass(frozen=True)
class FunctionSpec:
    """A torch.nn.utils.rnn function under test: inputs it accepts and inputs it refuses."""
    function: Callable
    sample_inputs: Callable[..., Iterable[UtilityInput]]  # (TensorDraws)
    error_inputs: Callable[..., Iterable[UtilityInput]] = nothing  # (TensorDraws)

    @property
    def name(self):
        return self.function.__name__


@dataclass(frozen=True)
class LossInput:
    """A loss called on an input of `input_shape` and a target the spec draws for it (class indices or
    floats of `target_shape`), with a random `cotangent.output`."""
    name: str
    config: Mapping  # the constructor's keyword arguments, `weight` as True (drawn) or left out
    input_shape: tuple
    target_shape: tuple
    dtypes: tuple = DTYPES
    description: str = ""


@dataclass(frozen=True)
class LossCall:
    """A loss call PyTorch refuses (or, with `raises` False, accepts: a quirk worth pinning)."""
    name: str
    config: Mapping
    input: object
    target: object
    weight: object = None
    dtype: torch.dtype = torch.float32
    raises: bool = True
    description: str = ""


@dataclass(frozen=True)
class LossSpec:
    """A torch.nn loss under test: its options, how its target is drawn, and the calls it refuses."""
    module_class: type
    draw_target: Callable  # (LossInput, dtype, torch.Generator) -> the target
    samples: Callable[..., Iterable[LossInput]]  # (spec, random.Random)
    error_inputs: Callable[..., Iterable[LossCall]] = nothing  # (spec, TensorDraws)

    @property
    def name(self):
        return self.module_class.__name__


@dataclass(frozen=True)
class OptimizerInput:
    """An optimizer stepped `steps` times over parameters of `shapes`, with gradients drawn at each step
    except where `missing` lists (step, parameter): those are None, as after zero_grad()."""
    name: str
    config: Mapping
    shapes: tuple
    steps: int
    missing: tuple = ()
    dtypes: tuple = DTYPES
    description: str = ""


@dataclass(frozen=True)
class OptimizerSpec:
    """A torch.optim optimizer under test: the option sets it is stepped with, the options it refuses
    (constructor keyword arguments), and the state dicts it resumes from."""
    optimizer_class: type
    samples: Callable[..., Iterable[OptimizerInput]]  # (spec)
    error_configs: Callable[..., Iterable[tuple]] = nothing  # (spec) -> (name, config)
    resume_inputs: Callable[..., Iterable[tuple]] = nothing  # (spec) -> (OptimizerInput, steps before saving)

    @property
    def name(self):
        return self.optimizer_class.__name__


@dataclass(frozen=True)
class ClipInput:
    """torch.nn.utils.clip_grad_norm_ over gradients of `shapes` (None where `missing` lists),
    drawn from N(0, scale) and changed by `edit` (special values), with keyword `arguments`."""
    name: str
    arguments: Mapping
    shapes: tuple
    missing: tuple = ()
    scale: float = 1.0
    edit: Optional[Callable] = None
    equal_nan: bool = False
    raises: bool = False
    dtypes: tuple = DTYPES
    description: str = ""
