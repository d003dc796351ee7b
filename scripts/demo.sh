#!/usr/bin/env bash
# `make demo` until the daemon exists: import the lab's QKeras MNIST CNN
# with its published hls4ml config, then evaluate it on the real MNIST
# test digits: accuracy of Keras float / QKeras / bit-exact FPGA, their
# agreement, ROC AUC (plot in build/models/) and images/s.
set -euo pipefail
cd "$(dirname "$0")/.."

SHARED=${QNN_SHARED:-../shared}
BIN=${QNN_BIN:-build/bin}
OUT=${QNN_BUILD:-build}/models
MODELS=$SHARED/models

mkdir -p "$OUT"
"$BIN/hlsgen" import "$MODELS/qkeras_mnist_cnn.json" "$MODELS/qkeras_mnist_cnn_weights.h5" \
	--config "$MODELS/qkeras_mnist_cnn_config.yml" -o "$OUT/mnist_cnn.qnn"
"$BIN/hlsgen" eval "$OUT/mnist_cnn.qnn" --data mnist --roc "$OUT/mnist_cnn_roc.png"
echo "ROC curves: $OUT/mnist_cnn_roc.png"
