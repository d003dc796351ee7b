#!/usr/bin/env bash
# `make demo`: the main job on the embedded default. Imports the lab's
# QKeras MNIST CNN (hls4ml config as published), starts qnnd with the
# bit-exact software backend on a temporary socket, classifies the MNIST
# test digits through qnn_classify() from 16 client threads sending one
# image per request (the daemon batches them), prints accuracy and
# throughput, and stops the daemon (SIGTERM: drain, then exit).
set -euo pipefail
cd "$(dirname "$0")/.."

SHARED=${QNN_SHARED:-../shared}
BIN=${QNN_BIN:-build/bin}
BUILD=${QNN_BUILD:-build}
DATA=${QNN_DATA:-$BUILD/data}
MODELS=$SHARED/models
MODEL=$BUILD/models/mnist_cnn.qnn
THREADS=${DEMO_THREADS:-16}

mkdir -p "$BUILD/models"
if [ ! -s "$MODEL" ] || [ "$MODEL" -ot "$BIN/hlsgen" ]; then
	"$BIN/hlsgen" import "$MODELS/qkeras_mnist_cnn.json" "$MODELS/qkeras_mnist_cnn_weights.h5" \
		--config "$MODELS/qkeras_mnist_cnn_config.yml" -o "$MODEL" >/dev/null
fi

tmp=$(mktemp -d)
qnnd_pid=
cleanup() {
	if [ -n "$qnnd_pid" ] && kill -0 "$qnnd_pid" 2>/dev/null; then
		kill -TERM "$qnnd_pid"
		wait "$qnnd_pid" || true
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT

echo '{}' >"$tmp/qnnd.conf" # defaults + the flags below, not /etc/qnn
"$BIN/qnnd" --config "$tmp/qnnd.conf" --socket "$tmp/qnnd.sock" --model "$MODEL" \
	--backend sw --log stderr 2>"$tmp/qnnd.log" &
qnnd_pid=$!
# qnnd creates its socket only after the backend's self-test passed.
for _ in $(seq 300); do
	[ -S "$tmp/qnnd.sock" ] && break
	kill -0 "$qnnd_pid" 2>/dev/null || { cat "$tmp/qnnd.log" >&2; exit 1; }
	sleep 0.1
done
grep -h 'model\|ready' "$tmp/qnnd.log" | sed 's/^/  /'

echo "== qnn_classify(): $THREADS client threads, 1 image per request"
QNN_DATA=$DATA "$BIN/qnn-classify-mnist" --socket "$tmp/qnnd.sock" --threads "$THREADS" --samples 1
echo "== qnn_classify(): 1 client, 256 images per call (split into pipelined requests)"
QNN_DATA=$DATA "$BIN/qnn-classify-mnist" --socket "$tmp/qnnd.sock" --threads 1 --samples 256

kill -TERM "$qnnd_pid"
wait "$qnnd_pid"
qnnd_pid=
echo "qnnd stopped cleanly"
