#!/usr/bin/env bash
# `make demo`: the main job on the embedded default.
#  1. the lab's comparison: import the QKeras MNIST CNN with its published
#     hls4ml config and evaluate it on the real MNIST test digits three ways
#     (Keras float, QKeras-quantized float, bit-exact FPGA) with ROC AUCs and
#     an ROC plot (build/demo/roc.svg);
#  2. the product path: start qnnd (bit-exact sw backend) on a temporary
#     socket, classify the digits through qnn_classify() from client
#     threads, print accuracy and throughput, stop the daemon
#     (scripts/demo-daemon.sh).
set -euo pipefail
cd "$(dirname "$0")/.."

SHARED=${QNN_SHARED:-../shared}
BIN=${QNN_BIN:-build/bin}
BUILD=${QNN_BUILD:-build}
MODELS=$SHARED/models
MODEL=$BUILD/models/mnist_cnn.qnn

mkdir -p "$BUILD/models" "$BUILD/demo"
"$BIN/hlsgen" import "$MODELS/qkeras_mnist_cnn.json" "$MODELS/qkeras_mnist_cnn_weights.h5" \
	--config "$MODELS/qkeras_mnist_cnn_config.yml" -o "$MODEL" >/dev/null
echo "== the lab's three accuracies (hlsgen eval)"
"$BIN/hlsgen" eval "$MODEL" --data mnist --roc "$BUILD/demo/roc.svg" 2>/dev/null
echo
exec bash scripts/demo-daemon.sh "$@"
