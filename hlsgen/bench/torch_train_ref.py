#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0 OR MIT
"""PyTorch reference for `hlsgen train`: the lab's CNN with the same QKeras
fake quantization (straight-through estimator, round half to even), the same
TF-MOT magnitude pruning (ConstantSparsity / PolynomialDecay, update
frequency, re-masking before every forward pass), Keras' Adam formula,
ReduceLROnPlateau / EarlyStopping on val_loss, Keras' validation_split and
the same idx data, on the CPU with a fixed number of threads.

It is a benchmark reference, not part of the product: it prints one JSON
line with seconds per epoch (training only, validation excluded, like
hlsgen's figure) and the accuracies, for hlsgen/bench/train_bench.sh.

    torch_train_ref.py --data DIR [--epochs 30] [--bits 6] [--prune constant]
"""
import argparse
import json
import math
import os
import struct
import sys
import time
import zlib

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


def read_idx(path):
    with open(path, "rb") as f:
        magic, = struct.unpack(">I", f.read(4))
        ndim = magic & 0xFF
        dims = struct.unpack(">" + "I" * ndim, f.read(4 * ndim))
        return np.frombuffer(f.read(), dtype=np.uint8).reshape(dims)


def load(data_dir, split):
    x = read_idx(os.path.join(data_dir, f"{split}-images-idx3-ubyte"))
    y = read_idx(os.path.join(data_dir, f"{split}-labels-idx1-ubyte"))
    x = torch.from_numpy(x.astype(np.float32) / 255.0).unsqueeze(1)  # N,1,28,28
    return x, torch.from_numpy(y.astype(np.int64))


# ---- QKeras quantizers (docs/semantics.md section 2) with the STE ----

def quantized_bits(x, bits, integer=0):
    m = 2.0 ** (bits - 1)
    scale = m / 2.0 ** integer
    q = torch.clamp(torch.round(x * scale), -m, m - 1) / scale
    return x + (q - x).detach()


def quantized_relu(x, bits, integer=0):
    top = 2.0 ** integer - 2.0 ** (integer - bits)
    x_u = torch.where(x <= top, F.relu(x), torch.full_like(x, top))
    scale = 2.0 ** (bits - integer)
    q = torch.clamp(torch.round(x * scale), 0, 2.0 ** bits - 1) / scale
    return x_u + (q - x_u).detach()


class LabCNN(nn.Module):
    def __init__(self, bits):
        super().__init__()
        self.bits = bits
        self.conv1 = nn.Conv2d(1, 16, 3)
        self.conv2 = nn.Conv2d(16, 16, 3)
        self.dense = nn.Linear(400, 10)
        self.drop = nn.Dropout(0.5)

    def qw(self, t):
        return quantized_bits(t, self.bits) if self.bits else t

    def act(self, t):
        t = F.relu(t)  # QConv2D's own activation='relu'
        return quantized_relu(t, self.bits) if self.bits else F.relu(t)

    def forward(self, x):
        x = F.conv2d(x, self.qw(self.conv1.weight), self.qw(self.conv1.bias))
        x = F.max_pool2d(self.act(x), 2)
        x = F.conv2d(x, self.qw(self.conv2.weight), self.qw(self.conv2.bias))
        x = F.max_pool2d(self.act(x), 2)
        x = self.drop(torch.flatten(x, 1))
        return F.linear(x, self.qw(self.dense.weight), self.qw(self.dense.bias))

    def kernels(self):
        return [self.conv1.weight, self.conv2.weight, self.dense.weight]


def init_weights(model, bits, gen):
    """Keras HeNormal (truncated) + QKeras QInitializer scaling and clip."""
    for w, b in [(model.conv1.weight, model.conv1.bias), (model.conv2.weight, model.conv2.bias),
                 (model.dense.weight, model.dense.bias)]:
        fan_in = w[0].numel()
        scale = 1.0

        def sample(s):
            sd = math.sqrt(2.0 * s / fan_in) / 0.87962566103423978
            t = torch.empty_like(w)
            with torch.no_grad():
                flat = t.view(-1)
                filled = 0
                while filled < flat.numel():
                    z = torch.randn(flat.numel(), generator=gen)
                    z = z[(z >= -2) & (z <= 2)][: flat.numel() - filled]
                    flat[filled:filled + z.numel()] = z
                    filled += z.numel()
            return t * sd

        t = sample(scale)
        if bits:
            delta = 2.0 ** -bits
            if delta > t.std(unbiased=False).item():
                q = quantized_bits(t, bits)
                if q.abs().max() == 0:
                    scale *= 1.0 / math.sqrt((t * t).mean().item())
                else:
                    scale *= max((q * q).sum().item() / (q * t).sum().item(), 1.0)
                t = sample(scale)
            t = t.clamp(-1, 1)
        with torch.no_grad():
            w.copy_(t)
            b.zero_()


def load_hlsgen_ckpt(model, path):
    """Weights of an hlsgen checkpoint (README there) of the lab CNN, NHWC -> NCHW."""
    b = open(path, "rb").read()
    jl, = struct.unpack("<I", b[8:12])
    at = 12 + jl
    nt, = struct.unpack("<I", b[at:at + 4])
    at += 4
    t = {}
    for _ in range(nt):
        layer, kind, count = struct.unpack("<III", b[at:at + 12])
        at += 12
        t[(layer, kind)] = torch.from_numpy(np.frombuffer(b[at:at + 4 * count], dtype="<f4").copy())
        at += 4 * count
    with torch.no_grad():
        model.conv1.weight.copy_(t[(0, 0)].reshape(3, 3, 1, 16).permute(3, 2, 0, 1))
        model.conv1.bias.copy_(t[(0, 1)])
        model.conv2.weight.copy_(t[(3, 0)].reshape(3, 3, 16, 16).permute(3, 2, 0, 1))
        model.conv2.bias.copy_(t[(3, 1)])
        model.dense.weight.copy_(t[(8, 0)].reshape(5, 5, 16, 10).permute(3, 2, 0, 1).reshape(10, 400))
        model.dense.bias.copy_(t[(8, 1)])


def save_hlsgen_ckpt(model, template, path):
    """This model's weights as an hlsgen checkpoint (NCHW -> NHWC), the model
    JSON taken from TEMPLATE (an hlsgen checkpoint of the lab CNN), so that
    `hlsgen train --init` can start from PyTorch's initial weights."""
    b = open(template, "rb").read()
    jl, = struct.unpack("<I", b[8:12])
    t = [(0, 0, model.conv1.weight.permute(2, 3, 1, 0)), (0, 1, model.conv1.bias),
         (3, 0, model.conv2.weight.permute(2, 3, 1, 0)), (3, 1, model.conv2.bias),
         (8, 0, model.dense.weight.reshape(10, 16, 5, 5).permute(2, 3, 1, 0)),
         (8, 1, model.dense.bias)]
    out = b[:12 + jl] + struct.pack("<I", len(t))
    for layer, kind, v in t:
        v = v.detach().contiguous().numpy().astype("<f4").ravel()
        out += struct.pack("<III", layer, kind, v.size) + v.tobytes()
    with open(path, "wb") as f:
        f.write(out + struct.pack("<I", zlib.crc32(out) & 0xffffffff))


class Pruner:
    """TF-MOT prune_low_magnitude on the kernels (pruning_impl.py)."""

    def __init__(self, kind, target, begin, end, freq, initial=0.0, power=3.0):
        self.kind, self.target, self.begin, self.end = kind, target, begin, end
        self.freq, self.initial, self.power = freq, initial, power

    def schedule(self, step):
        in_range = step >= self.begin and (step <= self.end or self.end < 0)
        turn = (step - self.begin) % self.freq == 0
        if self.kind == "constant":
            s = self.target
        else:
            p = min(1.0, max(0.0, (step - self.begin) / (self.end - self.begin)))
            s = (self.initial - self.target) * (1 - p) ** self.power + self.target
        return in_range and turn, s

    @staticmethod
    def mask(w, sparsity):
        a = w.detach().abs().flatten()
        k = max(int(round(a.numel() * (1 - sparsity))), 1)
        thr = torch.topk(a, k).values[k - 1]
        return (w.detach().abs() >= thr).to(w.dtype)


def keras_adam_step(params, state, lr, b1=0.9, b2=0.999, eps=1e-7):
    state["t"] += 1
    t = state["t"]
    lr_t = lr * math.sqrt(1 - b2 ** t) / (1 - b1 ** t)
    with torch.no_grad():
        for p in params:
            m, v = state["m"][p], state["v"][p]
            m.mul_(b1).add_(p.grad, alpha=1 - b1)
            v.mul_(b2).addcmul_(p.grad, p.grad, value=1 - b2)
            p.sub_(lr_t * m / (v.sqrt() + eps))


def evaluate(model, x, y, bits, quantized=True):
    model.eval()
    saved = model.bits
    if not quantized:
        model.bits = 0
    with torch.no_grad():
        logits = torch.cat([model(x[i:i + 1000]) for i in range(0, len(x), 1000)])
    model.bits = saved
    return F.cross_entropy(logits, y).item(), (logits.argmax(1) == y).float().mean().item()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", required=True)
    ap.add_argument("--epochs", type=int, default=30)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--bits", type=int, default=6, help="0 = float")
    ap.add_argument("--prune", choices=["none", "constant", "polynomial"], default="constant")
    ap.add_argument("--sparsity", type=float, default=0.75)
    ap.add_argument("--frequency", type=int, default=100)
    ap.add_argument("--begin-step", type=int, default=0)
    ap.add_argument("--end-step", type=int, default=-1)
    ap.add_argument("--val-split", type=float, default=0.1)
    ap.add_argument("--lr-patience", type=int, default=3)
    ap.add_argument("--stop-patience", type=int, default=10)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--no-shuffle", action="store_true", help="batches in data order")
    ap.add_argument("--dropout", type=float, default=0.0,
                    help="Dropout rate in front of the Dense layer; 0 is the lab recipe's "
                    "training choice, as hlsgen's (hlsgen/train/README.md)")
    ap.add_argument("--init-ckpt", help="start from an hlsgen .ckpt of the lab CNN "
                    "(to compare the two trainers from identical weights)")
    ap.add_argument("--save-init-ckpt", nargs=2, metavar=("TEMPLATE", "OUT"),
                    help="write this seed's initial weights as an hlsgen checkpoint "
                    "(model JSON from TEMPLATE) and exit")
    a = ap.parse_args()

    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    gen = torch.Generator().manual_seed(a.seed)
    x, y = load(a.data, "train")
    xt, yt = load(a.data, "test")
    split = int(len(x) * (1 - a.val_split))
    xv, yv, x, y = x[split:], y[split:], x[:split], y[:split]

    model = LabCNN(a.bits)
    model.drop.p = a.dropout
    init_weights(model, a.bits, gen)
    if a.init_ckpt:
        load_hlsgen_ckpt(model, a.init_ckpt)
    if a.save_init_ckpt:
        save_hlsgen_ckpt(model, *a.save_init_ckpt)
        return
    params = list(model.parameters())
    state = {"t": 0, "m": {p: torch.zeros_like(p) for p in params},
             "v": {p: torch.zeros_like(p) for p in params}}
    steps_per_epoch = (len(x) + a.batch - 1) // a.batch
    end = a.end_step
    if a.prune == "polynomial" and end < 0:
        end = steps_per_epoch * a.epochs * 2 // 3
    pruner = Pruner(a.prune, a.sparsity, a.begin_step, end, a.frequency) \
        if a.prune != "none" else None
    masks = [torch.ones_like(w) for w in model.kernels()]
    lr, best_lr_loss, wait_lr = a.lr, math.inf, 0
    best_stop, wait_stop = math.inf, 0
    step, epoch_times, hist = 0, [], []
    for epoch in range(a.epochs):
        model.train()
        perm = torch.arange(len(x)) if a.no_shuffle else torch.randperm(len(x), generator=gen)
        t0 = time.perf_counter()
        tot_loss, tot_ok = 0.0, 0
        for i in range(0, len(x), a.batch):
            idx = perm[i:i + a.batch]
            if pruner:
                do, s = pruner.schedule(step)
                if do:
                    masks = [Pruner.mask(w, s) for w in model.kernels()]
                with torch.no_grad():
                    for w, m in zip(model.kernels(), masks):
                        w.mul_(m)
            out = model(x[idx])
            loss = F.cross_entropy(out, y[idx])
            for p in params:
                p.grad = None
            loss.backward()
            keras_adam_step(params, state, lr)
            if a.bits:
                with torch.no_grad():
                    for p in params:
                        p.clamp_(-1, 1)  # QKeras' Clip(-1, 1) constraint
            step += 1
            tot_loss += loss.item() * len(idx)
            tot_ok += (out.argmax(1) == y[idx]).sum().item()
        if pruner:
            with torch.no_grad():
                for w, m in zip(model.kernels(), masks):
                    w.mul_(m)
        epoch_times.append(time.perf_counter() - t0)
        vl, va = evaluate(model, xv, yv, a.bits)
        hist.append({"loss": tot_loss / len(x), "acc": tot_ok / len(x), "val_loss": vl,
                     "val_acc": va, "lr": lr})
        print(f"epoch {epoch + 1}/{a.epochs} {epoch_times[-1]:.2f}s loss {tot_loss / len(x):.4f} "
              f"val_loss {vl:.4f} val_acc {va:.4f} lr {lr:.3g}", file=sys.stderr)
        # ReduceLROnPlateau(factor 0.5, min_delta 1e-4, min_lr 1e-6), then EarlyStopping
        if vl < best_lr_loss - 1e-4:
            best_lr_loss, wait_lr = vl, 0
        else:
            wait_lr += 1
            if a.lr_patience > 0 and wait_lr >= a.lr_patience and lr > 1e-6:
                lr, wait_lr = max(lr * 0.5, 1e-6), 0
        wait_stop += 1
        if vl < best_stop:
            best_stop, wait_stop = vl, 0
        if a.stop_patience > 0 and wait_stop >= a.stop_patience and epoch > 0:
            break
    tl, ta = evaluate(model, xt, yt, a.bits)
    fl, fa = evaluate(model, xt, yt, a.bits, quantized=False)
    nz = sum(int((w != 0).sum()) for w in model.kernels())
    tot = sum(w.numel() for w in model.kernels())
    print(json.dumps({
        "impl": "torch", "torch": torch.__version__, "threads": a.threads, "bits": a.bits,
        "prune": a.prune, "epochs_run": len(epoch_times),
        "sec_per_epoch": sum(epoch_times) / len(epoch_times),
        "sec_per_epoch_min": min(epoch_times),
        "test_acc": ta, "test_loss": tl, "float_acc": fa, "sparsity": 1 - nz / tot}))


if __name__ == "__main__":
    main()
