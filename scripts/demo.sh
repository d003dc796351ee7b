#!/usr/bin/env bash
# `make demo`: the main job on the embedded default, through the daemon:
# import the lab's QKeras MNIST CNN, start qnnd (bit-exact sw backend) on a
# temporary socket, classify the MNIST test digits with qnn_classify() from
# a client program, print accuracy and throughput, stop the daemon.
# (The lab's accuracy/ROC table: `hlsgen eval build/models/mnist_cnn.qnn --data mnist`.)
set -euo pipefail
cd "$(dirname "$0")/.."
exec bash scripts/demo-daemon.sh "$@"
