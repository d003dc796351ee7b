#!/usr/bin/env bash
# `make bench-daemon` (part of `make bench`): qnnd's protocol and batching
# figures.
#  1. null backend (replies at once): 1-sample requests/s and p50/p99 for
#     1, 8 and 64 concurrent clients, next to redis-benchmark (GET) against
#     a local redis-server with the same number of clients, both over a
#     Unix socket, same run.
#  2. sw backend, MNIST CNN: 1-sample requests from 64 clients vs the
#     engine's own batch-256 throughput (target >= 80%), with the CPU time
#     per sample of the engine, qnnd and the client: the clients share the
#     machine's cores with qnnd, so on a busy machine the CPU figures are the
#     comparable ones.
# libqnn uses the daemon's shared-memory ring for small requests (the
# default); the last sw line repeats the 64-client run over the socket
# alone (QNN_NO_SHM=1) to show what the ring buys.
set -euo pipefail
cd "$(dirname "$0")/../../.."
BIN=${QNN_BIN:-build/bin}
BUILD=${QNN_BUILD:-build}
BENCH=$BUILD/tests/system/bench_qnnd
SECS=${BENCH_SECONDS:-3}
MODEL=$BUILD/models/mnist_cnn.qnn
tmp=$(mktemp -d)
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null && wait "$p" 2>/dev/null || true; done
	rm -rf "$tmp"
}
trap cleanup EXIT

start_qnnd() { # backend model
	rm -f "$tmp/qnnd.sock"
	echo '{}' >"$tmp/qnnd.conf"
	"$BIN/qnnd" --config "$tmp/qnnd.conf" --socket "$tmp/qnnd.sock" --model "$2" --backend "$1" \
		--max-inflight 256 --max-queue 65536 --log stderr 2>>"$tmp/qnnd.log" &
	qnnd_pid=$!
	pids+=("$qnnd_pid")
	for _ in $(seq 300); do [ -S "$tmp/qnnd.sock" ] && return 0; sleep 0.1; done
	cat "$tmp/qnnd.log" >&2
	return 1
}
stop_qnnd() { kill -TERM "$qnnd_pid"; wait "$qnnd_pid" || true; }

[ -s "$MODEL" ] || bash scripts/demo-daemon.sh >/dev/null # imports the model
echo "== null backend vs redis-benchmark (Unix socket, 1 request outstanding per client)"
redis-server --port 0 --unixsocket "$tmp/redis.sock" --save '' --appendonly no \
	--logfile "$tmp/redis.log" &
pids+=("$!")
for _ in $(seq 100); do [ -S "$tmp/redis.sock" ] && break; sleep 0.1; done
start_qnnd null "$MODEL"
for n in 1 8 64; do
	"$BENCH" --socket "$tmp/qnnd.sock" --clients "$n" --seconds "$SECS"
	printf 'redis-benchmark clients %3d: ' "$n"
	redis-benchmark -s "$tmp/redis.sock" -c "$n" -n $((30000 * SECS)) -t get -q | tr '\r' '\n' |
		grep 'requests per second' || true
done
stop_qnnd

echo "== sw backend (bit-exact engine), MNIST CNN"
# The machine's speed drifts: the engine is measured before and after the
# daemon, and the ratio uses their mean.
rate() { # the samples/s figure of a bench_qnnd line
	awk '{ for (i = 2; i <= NF; i++) if ($i == "samples/s" || $i == "samples/s,") { print $(i - 1); exit } }'
}
shown() { tee "$tmp/out.txt" >&2 && rate <"$tmp/out.txt"; } # print for the reader, keep the rate
e0=$("$BENCH" --engine "$MODEL" --batch 256 --threads "$(nproc)" --seconds "$SECS" | shown)
start_qnnd sw "$MODEL"
d=$("$BENCH" --socket "$tmp/qnnd.sock" --clients 64 --seconds "$SECS" --daemon-pid "$qnnd_pid" | shown)
"$BENCH" --socket "$tmp/qnnd.sock" --clients 4 --samples 64 --seconds "$SECS" --daemon-pid "$qnnd_pid"
echo "socket only (QNN_NO_SHM=1):"
QNN_NO_SHM=1 "$BENCH" --socket "$tmp/qnnd.sock" --clients 64 --seconds "$SECS" --daemon-pid "$qnnd_pid"
stop_qnnd
e1=$("$BENCH" --engine "$MODEL" --batch 256 --threads "$(nproc)" --seconds "$SECS" | shown)
awk -v d="$d" -v a="$e0" -v b="$e1" 'BEGIN {
	printf "sw, 64 clients x 1 sample: %.0f samples/s = %.1f%% of the engine at batch 256 " \
	       "(%.0f, mean of %.0f before and %.0f after; target >= 80%%)\n",
	       d, 100 * d / ((a + b) / 2), (a + b) / 2, a, b }'
echo "== the same shape with no per-request work (tests/system/daemon/bench_floor.c)"
"$BUILD/tests/system/bench_floor" --sample-ns "$(awk -v a="$e0" -v b="$e1" 'BEGIN { printf "%.0f", 2e9 / ((a + b) / 2) }')" \
	--seconds "$SECS"
