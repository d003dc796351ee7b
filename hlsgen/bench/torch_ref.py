#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0 OR MIT
"""PyTorch float CPU inference of the lab's MNIST CNN, for comparison with
the bit-exact engine (hlsgen/bench/bench.mk runs both in the same session).

Network (same shapes and operations as shared/models/qkeras_mnist_cnn, in
float32): conv3x3 1->16 + ReLU, maxpool 2, conv3x3 16->16 + ReLU, maxpool 2,
flatten (400), dense 400->10, softmax. Weights are random: speed does not
depend on their values. Input: real MNIST test digits (idx) if given,
otherwise random images.

Measures images/s for eager mode and for TorchScript (torch.jit.script,
frozen, then torch.jit.optimize_for_inference) at the given batch sizes and
thread count, each for about --seconds of wall time after a warm-up.
Prints one line per measurement (img_per_cpu_s: per second of process CPU
time, less disturbed by other load on a shared machine):
    torch mode=eager batch=256 threads=2 img_per_s=24000 img_per_cpu_s=12000
"""
import argparse
import struct
import time

import torch
import torch.nn as nn


class MnistCnn(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 16, 3)
        self.conv2 = nn.Conv2d(16, 16, 3)
        self.pool = nn.MaxPool2d(2)
        self.dense = nn.Linear(400, 10)

    def forward(self, x):
        x = self.pool(torch.relu(self.conv1(x)))
        x = self.pool(torch.relu(self.conv2(x)))
        x = torch.flatten(x, 1)
        return torch.softmax(self.dense(x), dim=1)


def load_idx_images(path):
    with open(path, "rb") as f:
        magic, n, h, w = struct.unpack(">IIII", f.read(16))
        if magic != 0x803:
            raise SystemExit(f"{path}: not an idx3 image file")
        data = f.read(n * h * w)
    x = torch.frombuffer(bytearray(data), dtype=torch.uint8).reshape(n, 1, h, w)
    return x.float() / 255.0


def measure(fn, x, batch, seconds):
    """(images per wall second, images per process CPU second)"""
    n = x.shape[0]
    done, start = 0, 0
    with torch.no_grad():
        for _ in range(3):  # warm-up (allocator, TorchScript profiling runs)
            fn(x[:batch])
        t0, c0 = time.perf_counter(), time.process_time()
        while True:
            if start + batch > n:
                start = 0
            fn(x[start:start + batch])
            start += batch
            done += batch
            if time.perf_counter() - t0 >= seconds:
                break
        return done / (time.perf_counter() - t0), done / (time.process_time() - c0)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--images", help="MNIST idx3 image file")
    ap.add_argument("--batch", type=int, nargs="+", default=[1, 256])
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--seconds", type=float, default=3.0)
    args = ap.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    x = load_idx_images(args.images) if args.images else torch.rand(2048, 1, 28, 28)
    model = MnistCnn().eval()
    with torch.no_grad():
        scripted = torch.jit.optimize_for_inference(torch.jit.freeze(torch.jit.script(model)))
    for name, fn in (("eager", model), ("torchscript", scripted)):
        for b in args.batch:
            r, c = measure(fn, x, b, args.seconds)
            print(f"torch mode={name} batch={b} threads={args.threads} img_per_s={r:.0f} "
                  f"img_per_cpu_s={c:.0f}", flush=True)


if __name__ == "__main__":
    main()
