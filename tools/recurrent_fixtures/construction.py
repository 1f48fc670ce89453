"""Building a module the way every case does: torch's generator seeded first, warnings recorded."""
import contextlib
import warnings

import torch


@contextlib.contextmanager
def recorded_warnings():
    """Yields a list that holds, on exit (an exception included), the messages of the warnings issued."""
    messages = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            yield messages
        finally:
            messages.extend(str(w.message) for w in caught)


def build(spec, config, dtype, init_seed):
    """Constructs the module after torch.manual_seed(init_seed); returns it and its warnings."""
    torch.manual_seed(init_seed)
    with recorded_warnings() as caught:
        module = spec.module_class(**config, dtype=dtype)
    return module, caught
