#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0 OR MIT
# check-tsan-hlsgen: hlsgen built with ThreadSanitizer ($QNN_TSAN_HLSGEN) runs
# everything that runs on hlsgen's thread pool (hlsgen/host/threads/thread_pool.c) on
# 3 threads: `run` (the engine over a batch), `eval` (engine + float
# reference batches) and `train` (the fork-join steps, hundreds of pool runs).
# Any race report fails (halt_on_error), and the results must equal the
# normal build's: `run`/`eval` on 1 thread (the pool must not change what is
# computed), `train` on the same 3 threads (TSan's very different scheduling
# must not change the float sums' order: the same bytes). Float results are
# compared across the two compilers only on x86_64, where neither emits FMA
# without -march; elsewhere the TSan build's train runs twice instead.
set -euo pipefail
: "${QNN_SHARED:?}" "${QNN_BIN:?}" "${QNN_DATA:?}" "${QNN_TSAN_HLSGEN:?}"
PY=/usr/bin/python3 # Debian's python3 with python3-numpy
H=$QNN_BIN/hlsgen
T=$QNN_TSAN_HLSGEN
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
m=$QNN_SHARED/models
fail() { echo "FAIL: $*"; exit 1; }
export TSAN_OPTIONS="halt_on_error=1 exitcode=66 log_path=$tmp/race"
tsan() {
	local rc=0
	"$T" "$@" || rc=$?
	if ls "$tmp"/race.* >/dev/null 2>&1; then
		cat "$tmp"/race.*
		fail "ThreadSanitizer: hlsgen $1"
	fi
	[ "$rc" -eq 0 ] || fail "TSan build: hlsgen $1 exited $rc"
}

"$H" import "$m/qkeras_mnist_cnn.json" "$m/qkeras_mnist_cnn_weights.h5" \
	--config "$m/qkeras_mnist_cnn_config.yml" -o "$tmp/cnn.qnn" >/dev/null 2>&1
"$PY" - "$QNN_DATA/mnist/test-images-idx3-ubyte" "$tmp/x.f32" <<'PYEOF'
import sys, numpy as np
raw = np.fromfile(sys.argv[1], dtype=np.uint8)[16:].reshape(-1, 784)[:1000]
(raw / np.float32(255)).astype("<f4").tofile(sys.argv[2])
PYEOF

# the engine over a batch: 1000 digits in chunks of 64 on 3 threads
tsan run "$tmp/cnn.qnn" -i "$tmp/x.f32" -o "$tmp/tsan.f32" --threads 3 --quiet
"$H" run "$tmp/cnn.qnn" -i "$tmp/x.f32" -o "$tmp/one.f32" --threads 1 --quiet
cmp "$tmp/tsan.f32" "$tmp/one.f32" || fail "run on 3 threads (TSan build) differs from 1 thread"
echo "run: 1000 digits on 3 threads, no race, outputs identical to 1 thread"

# eval: engine batch and both float reference passes
tsan eval "$tmp/cnn.qnn" --data mnist --limit 1000 --threads 3 --json --quiet -o "$tmp/tsan.json"
"$H" eval "$tmp/cnn.qnn" --data mnist --limit 1000 --threads 1 --json --quiet -o "$tmp/one.json"
float_keys=""
[ "$(uname -m)" = x86_64 ] && float_keys="auc mean_auc"
"$PY" - "$tmp/tsan.json" "$tmp/one.json" $float_keys <<'PYEOF'
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
for k in ["accuracy", "agreement"] + sys.argv[3:]:
    if k in a or k in b:
        assert a.get(k) == b.get(k), f"eval {k}: {a.get(k)} (3 threads, TSan) != {b.get(k)} (1 thread)"
print("eval: accuracy", a["accuracy"], "on 3 threads, no race, identical to 1 thread")
PYEOF

# train: every step is two pool runs (shards, then the gradient reduction)
train=(train --epochs 1 --train-limit 1200 --test-limit 200 --seed 5 --threads 3 --progress none)
tsan "${train[@]}" -o "$tmp/t" >/dev/null
if [ "$(uname -m)" = x86_64 ]; then
	"$H" "${train[@]}" -o "$tmp/n" >/dev/null
	other="the normal build"
else
	tsan "${train[@]}" -o "$tmp/n" >/dev/null
	other="a second TSan run"
fi
for f in .json _weights.h5 .qnn .ckpt; do
	[ -s "$tmp/t$f" ] || fail "train: t$f missing"
	cmp -s "$tmp/t$f" "$tmp/n$f" || fail "train on 3 threads: t$f differs from $other's"
done
echo "train: 1 epoch on 3 threads, no race, files identical to $other's"
echo "check-tsan-hlsgen: passed"
