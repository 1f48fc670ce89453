"""What a file's `__metadata__` says, as dataclasses: the only place that turns a case's facts into the
string map `fixtures/README.md` documents."""
import json
import math
import platform
from dataclasses import dataclass, field
from typing import Mapping, Optional, Sequence

import torch

from .constants import CHECKPOINT_FORMAT, DTYPE_NAMES, FORMAT, GENERATOR, TOLERANCES


def json_safe(value):
    """A non-finite float as the string `fixtures/README.md` writes it ("nan", "inf", "-inf"); any other
    value as it is."""
    if isinstance(value, float) and not math.isfinite(value):
        return "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf")
    return value


def json_config(config):
    """The constructor arguments as JSON; non-finite floats are written as strings."""
    return json.dumps({k: json_safe(v) for k, v in config.items()}, separators=(",", ":"))


def flag(value):
    return str(value).lower()


def tolerance_strings(dtype):
    rtol, atol = TOLERANCES[dtype]
    return {"rtol": repr(rtol), "atol": repr(atol)}


@dataclass(frozen=True)
class Provenance:
    """Who wrote a file: the versions and the set's master seed."""
    seed: int
    torch_version: str = field(default_factory=lambda: torch.__version__)
    python_version: str = field(default_factory=platform.python_version)

    def strings(self):
        return {"generator": GENERATOR, "torch_version": self.torch_version,
                "python_version": self.python_version, "seed": str(self.seed)}


@dataclass(frozen=True)
class Raised:
    """An exception PyTorch raised: the expected result of an error case."""
    stage: str  # "construct", "forward" or "call"
    type: str
    message: str

    @classmethod
    def of(cls, stage, exception):
        return cls(stage, type(exception).__name__, str(exception))


def check_raised(name, raised, raises):
    """Fails unless PyTorch raised (`raised` is not None) exactly when the input says it does."""
    if (raised is not None) != raises:
        raise AssertionError(f"{name}: torch {'raised ' + raised.message if raised else 'raised nothing'}")


@dataclass(frozen=True)
class CaseMetadata:
    """The metadata of one case. A field left at None is absent from the file; `rtol` and `atol` are
    the dtype's tolerances for every case that expects a result."""
    module: str  # the torch class's name, or "utils"
    dtype: torch.dtype
    training: bool
    description: str
    raised: Optional[Raised] = None
    expects_state: bool = False  # the module is only built; its state is the result
    config: Optional[Mapping] = None
    warnings: Optional[Sequence[str]] = None
    init_seed: Optional[int] = None
    dropout_seed: Optional[int] = None
    conditioning: Optional[float] = None
    equal_nan: bool = False
    input_kind: Optional[str] = None
    enforce_sorted: Optional[bool] = None
    function: Optional[str] = None
    arguments: Optional[Mapping] = None
    inputs: Optional[Sequence[str]] = None
    counts: Mapping[str, int] = field(default_factory=dict)  # `<name>_count`: lengths of tensor lists
    gradients: bool = False  # the case records gradients (`cotangent.*`, `grad.*`)
    tolerance: Optional[tuple] = None  # (rtol, atol) stricter than the dtype's default, where a case asks for it
    optimizer: Optional[str] = None  # for module=optim: the torch.optim class
    steps: Optional[int] = None  # for module=optim: the number of steps recorded

    def strings(self, name, provenance):
        """The `__metadata__` map of the case called `name`."""
        meta = dict(provenance.strings(), format=FORMAT, name=name, module=self.module,
                    dtype=DTYPE_NAMES[self.dtype], training=flag(self.training), description=self.description)
        if self.raised is not None:
            meta.update(expect="error", error_stage=self.raised.stage, error_type=self.raised.type,
                        error_message=self.raised.message)
        else:
            meta.update(expect="state" if self.expects_state else "output", **tolerance_strings(self.dtype))
            if self.tolerance is not None:
                meta.update(rtol=repr(self.tolerance[0]), atol=repr(self.tolerance[1]))
        optional = {
            "config": None if self.config is None else json_config(self.config),
            "warnings": None if self.warnings is None else json.dumps(list(self.warnings)),
            "init_seed": self.init_seed,
            "dropout_seed": self.dropout_seed,
            "conditioning": None if self.conditioning is None else f"{self.conditioning:.3g}",
            "equal_nan": "true" if self.equal_nan else None,
            "input_kind": self.input_kind,
            "enforce_sorted": None if self.enforce_sorted is None else flag(self.enforce_sorted),
            "function": self.function,
            "arguments": (None if self.arguments is None
                          else json.dumps({k: json_safe(v) for k, v in self.arguments.items()})),
            "inputs": None if self.inputs is None else json.dumps(list(self.inputs)),
            "gradients": "true" if self.gradients else None,
            "optimizer": self.optimizer,
            "steps": self.steps,
        }
        meta.update({k: str(v) for k, v in optional.items() if v is not None})
        meta.update({f"{k}_count": str(v) for k, v in self.counts.items()})
        return meta


@dataclass(frozen=True)
class CheckpointMetadata:
    """The metadata of a checkpoint's `NAME.expected.safetensors`: how to load the checkpoint file."""
    checkpoint: str  # the file name
    prefix: str  # the module's key prefix in the state dict
    nonlinearity: Optional[str]  # an nn.RNN's; None for a module without one
    batch_first: bool
    dtype: torch.dtype
    key: Optional[str] = None  # the sub-dictionary of a training checkpoint
    module: Optional[str] = None  # `LSTM`, `GRU`; None for nn.RNN

    def strings(self, name, provenance):
        meta = dict(provenance.strings(), format=CHECKPOINT_FORMAT, name=name, checkpoint=self.checkpoint,
                    prefix=self.prefix, batch_first=flag(self.batch_first),
                    dtype=DTYPE_NAMES[self.dtype], **tolerance_strings(self.dtype))
        optional = {"nonlinearity": self.nonlinearity, "key": self.key, "module": self.module}
        meta.update({k: v for k, v in optional.items() if v})
        return meta


@dataclass(frozen=True)
class OptimizerCheckpointMetadata:
    """The metadata of an optimizer's `NAME.expected.safetensors`: the `torch.save`d state dict to
    resume from, the optimizer, and the steps taken after it."""
    checkpoint: str
    optimizer: str
    config: Mapping
    dtype: torch.dtype
    steps: int
    parameters: int

    def strings(self, name, provenance):
        return dict(provenance.strings(), format=CHECKPOINT_FORMAT, name=name, checkpoint=self.checkpoint,
                    module="optim", optimizer=self.optimizer, config=json_config(self.config),
                    dtype=DTYPE_NAMES[self.dtype], steps=str(self.steps), parameters_count=str(self.parameters),
                    **tolerance_strings(self.dtype))
