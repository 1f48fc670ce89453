#!/usr/bin/env python3
"""torch's gradients for the RNN inside a checkpoint, to compare with `conform forward --grads-out`.

    torch_gradients.py CHECKPOINT OUT_DIR [--key K] [--prefix P] [--lengths 6,2,4] [--seed S]

Draws an input (6, 3, H_in), an h0 and the gradients of output and h_n (`x.npy`, `h0.npy`, `go.npy`,
`gh.npy` in OUT_DIR), runs the checkpoint's nn.RNN in eval mode (packed with enforce_sorted=False and
padded again with --lengths) and backward() through it, and writes torch's gradients to
OUT_DIR/torch_grads.npz under conform's keys: `input`, `h0` and each parameter under its name in the
checkpoint.
"""
import argparse
from pathlib import Path

import numpy as np
import torch
from torch.nn.utils import rnn as rnn_utils


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("checkpoint")
    parser.add_argument("out", type=Path)
    parser.add_argument("--key")
    parser.add_argument("--prefix", default="")
    parser.add_argument("--lengths")
    parser.add_argument("--seed", type=int, default=5)
    args = parser.parse_args()
    value = torch.load(args.checkpoint, weights_only=True)
    state = value[args.key] if args.key else value
    rnn_state = {k[len(args.prefix):]: v for k, v in state.items() if k.startswith(args.prefix)}
    layers = 1 + max(int(k.split("_l")[1].split("_")[0]) for k in rnn_state if k.startswith("weight_ih"))
    bidirectional = any(k.endswith("_reverse") for k in rnn_state)
    hidden, features = rnn_state["weight_ih_l0"].shape
    dtype = rnn_state["weight_ih_l0"].dtype
    model = torch.nn.RNN(features, hidden, layers, bidirectional=bidirectional, dtype=dtype)
    model.load_state_dict(rnn_state)
    model.eval()

    generator = torch.Generator().manual_seed(args.seed)
    x = torch.randn(6, 3, features, generator=generator, dtype=dtype, requires_grad=True)
    h0 = torch.randn(layers * (2 if bidirectional else 1), 3, hidden, generator=generator, dtype=dtype,
                     requires_grad=True)
    if args.lengths:
        lengths = [int(v) for v in args.lengths.split(",")]
        output, hn = model(rnn_utils.pack_padded_sequence(x, lengths, enforce_sorted=False), h0)
        output, _ = rnn_utils.pad_packed_sequence(output)
    else:
        output, hn = model(x, h0)
    output_gradient = torch.randn(output.shape, generator=generator, dtype=dtype)
    hn_gradient = torch.randn(hn.shape, generator=generator, dtype=dtype)
    torch.autograd.backward([output, hn], [output_gradient, hn_gradient])

    args.out.mkdir(parents=True, exist_ok=True)
    for name, array in [("x", x), ("h0", h0), ("go", output_gradient), ("gh", hn_gradient)]:
        np.save(args.out / f"{name}.npy", array.detach().numpy())
    gradients = {"input": x.grad.numpy(), "h0": h0.grad.numpy()}
    gradients.update({args.prefix + name: p.grad.numpy() for name, p in model.named_parameters()})
    np.savez(args.out / "torch_grads.npz", **gradients)


if __name__ == "__main__":
    main()
