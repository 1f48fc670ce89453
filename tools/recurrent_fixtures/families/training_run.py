"""A small character model trained end to end: Embedding -> RNN -> Linear -> CrossEntropyLoss, with
clip_grad_norm_ and Adam, for 100 steps on a short text, from seeded initial weights and batches. The
case records the initial parameters, every step's batch and PyTorch's loss at every step (and the
gradient norm before clipping), in float64 and float32 (`training_char_rnn_*`). Drawn from a stream of
its own."""
import torch
import torch.nn as nn

from ..constants import DTYPE_NAMES
from ..metadata import CaseMetadata

TEXT = (
    "It was the best of times, it was the worst of times, it was the age of wisdom, it was the age of "
    "foolishness, it was the epoch of belief, it was the epoch of incredulity, it was the season of Light, "
    "it was the season of Darkness, it was the spring of hope, it was the winter of despair."
)
COMPARED_FLOAT32_STEPS = 20
CONFIG = {"embedding_dim": 8, "hidden_size": 16, "num_layers": 2, "steps": 100, "sequence_length": 12,
          "batch_size": 4, "lr": 0.01, "betas": [0.9, 0.999], "eps": 1e-08, "max_norm": 1.0, "nonlinearity": "tanh"}


class CharRNN(nn.Module):
    """The model, named as people name it: `embedding.`, `rnn.`, `fc.`."""

    def __init__(self, vocabulary, config, dtype):
        super().__init__()
        self.embedding = nn.Embedding(vocabulary, config["embedding_dim"], dtype=dtype)
        self.rnn = nn.RNN(config["embedding_dim"], config["hidden_size"], config["num_layers"],
                          nonlinearity=config["nonlinearity"], dtype=dtype)
        self.fc = nn.Linear(config["hidden_size"], vocabulary, dtype=dtype)

    def forward(self, x):
        output, _ = self.rnn(self.embedding(x))
        return self.fc(output)


def generate(fs):
    fs = fs.stream("training_run")
    vocabulary = sorted(set(TEXT))
    indices = torch.tensor([vocabulary.index(c) for c in TEXT], dtype=torch.int64)
    config = dict(CONFIG, vocabulary_size=len(vocabulary))
    init_seed, batch_seed = fs.case_seed(), fs.case_seed()
    generator = torch.Generator().manual_seed(batch_seed)
    length, batch = config["sequence_length"], config["batch_size"]
    starts = torch.randint(0, len(TEXT) - length - 1, (config["steps"], batch), generator=generator)
    # (steps, L, N): time-major windows and the characters that follow them.
    inputs = torch.stack([torch.stack([indices[s:s + length] for s in row], dim=1) for row in starts])
    targets = torch.stack([torch.stack([indices[s + 1:s + length + 1] for s in row], dim=1) for row in starts])
    torch.manual_seed(init_seed)
    initial = CharRNN(len(vocabulary), config, torch.float64).state_dict()
    # float64 follows torch's loss curve to a relative 1e-9 at every step; float32 is compared with
    # assert_close's default over the first COMPARED_FLOAT32_STEPS steps (rounding differences then
    # grow, as they do between torch's own float32 runs on two CPUs), the later losses kept for reference.
    for dtype in (torch.float64, torch.float32):
        losses, norms = train(initial, inputs, targets, config, dtype)
        tensors = {"state." + k: v.to(dtype) for k, v in initial.items()}
        compared = config["steps"] if dtype == torch.float64 else COMPARED_FLOAT32_STEPS
        tensors.update({"inputs": inputs, "targets": targets, "losses": losses[:compared],
                        "gradient_norms": norms[:compared]})
        if compared < config["steps"]:
            tensors["later_losses"] = losses[compared:]
        fs.write(f"training_char_rnn_{DTYPE_NAMES[dtype]}", tensors, CaseMetadata(
            module="CharRNNTraining", config=config, dtype=dtype, training=True,
            tolerance=(1e-9, 0.0) if dtype == torch.float64 else None,
            description="Embedding -> RNN -> Linear -> CrossEntropyLoss, clip_grad_norm_, Adam: the loss at every step"))


def train(initial, inputs, targets, config, dtype):
    """Trains from `initial` (converted to `dtype`) on the batches; returns every step's loss and the
    gradients' total norm before clipping."""
    model = CharRNN(config["vocabulary_size"], config, dtype)
    model.load_state_dict({k: v.to(dtype) for k, v in initial.items()})
    optimizer = torch.optim.Adam(model.parameters(), lr=config["lr"], betas=tuple(config["betas"]), eps=config["eps"])
    criterion = nn.CrossEntropyLoss()
    losses, norms = [], []
    for x, y in zip(inputs, targets):
        optimizer.zero_grad()
        logits = model(x)
        loss = criterion(logits.reshape(-1, config["vocabulary_size"]), y.reshape(-1))
        loss.backward()
        norms.append(nn.utils.clip_grad_norm_(model.parameters(), config["max_norm"]).detach())
        optimizer.step()
        losses.append(loss.detach())
    return torch.stack(losses), torch.stack(norms)
