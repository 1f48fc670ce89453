"""nn.Embedding: its options, the tables and index tensors its gradient cases take, and what it refuses."""
import itertools

import torch
import torch.nn as nn

from ..spec import ForwardInput, GivenCall, ModuleSpec

f32, f64 = torch.float32, torch.float64

# (num_embeddings, embedding_dim): a table of 6 elements (normal draws one by one), 15 (one by one, an
# odd count) and 176 (Box-Muller in blocks of 16, the last block redrawn).
TABLES = ((3, 2), (5, 3), (11, 16))
# The index tensor's shape.
SHAPES = {"batched": (4, 3), "flat": (7,), "scalar": (), "empty": (0,)}


def draw_indices(spec, sample, dtype, generator):
    """Indices in range, with repeats (so that scale_grad_by_freq divides) and the padding index among them."""
    count = spec.option(sample.config, "num_embeddings")
    return torch.randint(0, count, sample.leading_shape, generator=generator, dtype=torch.int64)


def input_shape(spec, sample):
    return tuple(sample.leading_shape)


def gradient_inputs(spec):
    c = spec.config
    options = itertools.cycle(itertools.product((None, 0, -1), (False, True)))
    for index, ((table, kind), (padding, scale)) in enumerate(zip(itertools.product(TABLES, SHAPES), options)):
        number, dim = table
        tags = f"pad{'none' if padding is None else padding}_{'freq' if scale else 'nofreq'}_{kind}"
        yield ForwardInput(
            f"embedding_grad_{index:02d}_{tags}",
            c(num_embeddings=number, embedding_dim=dim, padding_idx=padding, scale_grad_by_freq=scale), batch=0,
            leading_shape=SHAPES[kind], description=f"Embedding({number}, {dim}) forward and backward, indices {kind}")
    for index, table in enumerate(TABLES):
        number, dim = table
        yield ForwardInput(f"embedding_grad_table{index}_pad1_freq", c(num_embeddings=number, embedding_dim=dim,
                                                                       padding_idx=1, scale_grad_by_freq=True),
                           batch=0, leading_shape=(3, 5), description=f"Embedding({number}, {dim}), padding 1")
    yield ForwardInput("embedding_grad_large", c(num_embeddings=200, embedding_dim=32, padding_idx=0), batch=0,
                       leading_shape=(8, 20), description="a 200 x 32 table (6400 normal draws)")


def error_inputs(spec, draws):
    c = spec.config
    yield GivenCall("embedding_padding_idx_high", c(padding_idx=10))
    yield GivenCall("embedding_padding_idx_low", c(padding_idx=-11))
    yield GivenCall("embedding_negative_num_embeddings", c(num_embeddings=-1))
    yield GivenCall("embedding_negative_embedding_dim", c(embedding_dim=-3))
    yield GivenCall("embedding_padding_idx0_empty_table", c(num_embeddings=0, padding_idx=0))
    calls = [
        ("index_high", torch.tensor([1, 10])),
        ("index_negative", torch.tensor([[-1, 2]])),
        ("indices_float32", torch.tensor([1.0, 2.0])),
        ("indices_float64", torch.tensor([1.0], dtype=f64)),
        ("indices_int16", torch.tensor([1], dtype=torch.int16)),
        ("indices_uint8", torch.tensor([1], dtype=torch.uint8)),
        ("indices_bool", torch.tensor([True])),
    ]
    for name, x in calls:
        yield GivenCall(f"embedding_{name}", c(), f32, x)
    yield GivenCall("embedding_indices_int32_accepted", c(), f64, torch.tensor([[3, 0]], dtype=torch.int32),
                    raises=False, description="int32 indices are accepted")


EMBEDDING = ModuleSpec(
    nn.Embedding,
    defaults=dict(num_embeddings=10, embedding_dim=3, padding_idx=None, scale_grad_by_freq=False),
    state_names=(), result_names=("output",), sequence=False,
    input_shape=input_shape, state_shapes=lambda spec, sample: (), draw_input=draw_indices,
    error_inputs=error_inputs, gradient_inputs=gradient_inputs)
