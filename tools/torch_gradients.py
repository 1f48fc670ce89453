#!/usr/bin/env python3
"""torch's gradients for the RNN, LSTM or GRU inside a checkpoint, to compare with `conform forward --grads-out`.

    torch_gradients.py CHECKPOINT OUT_DIR [--key K] [--prefix P] [--lengths 6,2,4] [--seed S] [--module M]

Reads the module's parameters (under P, in the sub-dictionary K); its class is `--module` (`RNN`, `LSTM`,
`GRU`) or, by default, what the shapes say: weight_hh_l0's rows are 1, 3 or 4 times its columns for an
RNN, a GRU or an LSTM, and weight_hr_l0 makes it an LSTM with projections. Draws an input (6, 3, H_in),
an h0 (and for an LSTM a c0) and the gradients of output and h_n (and c_n): `x.npy`, `h0.npy`, `c0.npy`,
`go.npy`, `gh.npy`, `gc.npy` in OUT_DIR, in that order from one generator. Runs the module in eval mode
(packed with enforce_sorted=False and padded again with --lengths), backward() through it, and writes
torch's gradients to OUT_DIR/torch_grads.npz under conform's keys: `input`, `h0` (`c0`) and each
parameter under its name in the checkpoint.
"""
import argparse
from pathlib import Path

import numpy as np
import torch
from torch.nn.utils import rnn as rnn_utils

GATES = {1: "RNN", 3: "GRU", 4: "LSTM"}


def module_class(state, name):
    """The torch.nn class of a recurrent module's state dict: `name`, or the one its shapes imply."""
    if name is None:
        if "weight_hr_l0" in state:
            name = "LSTM"
        else:
            rows, columns = state["weight_hh_l0"].shape
            if rows % columns or rows // columns not in GATES:
                raise SystemExit(f"weight_hh_l0 of shape {(rows, columns)} is no RNN's, GRU's or LSTM's: pass --module")
            name = GATES[rows // columns]
    return getattr(torch.nn, name)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("checkpoint")
    parser.add_argument("out", type=Path)
    parser.add_argument("--key")
    parser.add_argument("--prefix", default="")
    parser.add_argument("--lengths")
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--module", choices=sorted(GATES.values()))
    args = parser.parse_args()
    value = torch.load(args.checkpoint, weights_only=True)
    state = value[args.key] if args.key else value
    rnn_state = {k[len(args.prefix):]: v for k, v in state.items() if k.startswith(args.prefix)}
    cls = module_class(rnn_state, args.module)
    layers = 1 + max(int(k.split("_l")[1].split("_")[0]) for k in rnn_state if k.startswith("weight_ih"))
    directions = 2 if any(k.endswith("_reverse") for k in rnn_state) else 1
    rows, features = rnn_state["weight_ih_l0"].shape
    hidden = rows // {torch.nn.RNN: 1, torch.nn.GRU: 3, torch.nn.LSTM: 4}[cls]
    dtype = rnn_state["weight_ih_l0"].dtype
    options = dict(bidirectional=directions == 2, bias="bias_ih_l0" in rnn_state, dtype=dtype)
    projected = rnn_state["weight_hr_l0"].shape[0] if "weight_hr_l0" in rnn_state else 0
    if projected:
        options["proj_size"] = projected
    model = cls(features, hidden, layers, **options)
    model.load_state_dict(rnn_state)
    model.eval()

    generator = torch.Generator().manual_seed(args.seed)
    x = torch.randn(6, 3, features, generator=generator, dtype=dtype, requires_grad=True)
    h0 = torch.randn(layers * directions, 3, projected or hidden, generator=generator, dtype=dtype, requires_grad=True)
    states = {"h0": h0}
    if cls is torch.nn.LSTM:
        states["c0"] = torch.randn(layers * directions, 3, hidden, generator=generator, dtype=dtype, requires_grad=True)
    initial = tuple(states.values()) if len(states) > 1 else h0
    if args.lengths:
        lengths = [int(v) for v in args.lengths.split(",")]
        output, final = model(rnn_utils.pack_padded_sequence(x, lengths, enforce_sorted=False), initial)
        output, _ = rnn_utils.pad_packed_sequence(output)
    else:
        output, final = model(x, initial)
    finals = final if isinstance(final, tuple) else (final,)
    results = [output, *finals]
    cotangents = [torch.randn(r.shape, generator=generator, dtype=dtype) for r in results]
    torch.autograd.backward(results, cotangents)

    args.out.mkdir(parents=True, exist_ok=True)
    arrays = [("x", x), *states.items(), *zip(["go", "gh", "gc"], cotangents)]
    for name, array in arrays:
        np.save(args.out / f"{name}.npy", array.detach().numpy())
    gradients = {"input": x.grad.numpy(), **{name: s.grad.numpy() for name, s in states.items()}}
    gradients.update({args.prefix + name: p.grad.numpy() for name, p in model.named_parameters()})
    np.savez(args.out / "torch_grads.npz", **gradients)


if __name__ == "__main__":
    main()
