#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0 OR MIT
# bench-oipd: the HTTP front's cost. One qnnd (sw backend, the real MNIST
# CNN) and one qnn-oipd; for 1, 8 and 64 clients sending 1-sample requests
# one after another, requests/s and p50/p99 latency through the front (FP32
# binary tensor data, and JSON at 64 clients) beside the same load through
# qnn_classify() on one libqnn connection, in the same run. Prints a table
# and the ratio front / direct.
set -euo pipefail
BIN=${QNN_BIN:-build/bin}
LOAD=${QNN_OIPD_LOAD:?oip_load}
MODEL=${QNN_OIPD_MODEL:?the MNIST CNN .qnn}
tmp=$(mktemp -d /tmp/qnn-oipd-bench-XXXXXX)
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
	for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
	rm -rf "$tmp"
}
trap cleanup EXIT
echo '{}' >"$tmp/qnnd.conf"
"$BIN/qnnd" --config "$tmp/qnnd.conf" --socket "$tmp/qnnd.sock" --model "$MODEL" --backend sw \
	--log stderr 2>"$tmp/qnnd.log" &
pids+=($!)
for _ in $(seq 200); do [ -S "$tmp/qnnd.sock" ] && break; sleep 0.1; done
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$BIN/qnn-oipd" --listen "127.0.0.1:$port" --socket "$tmp/qnnd.sock" 2>"$tmp/oipd.log" &
pids+=($!)
for _ in $(seq 200); do curl -sf -o /dev/null "http://127.0.0.1:$port/v2/health/ready" && break; sleep 0.1; done
model=$(curl -s "http://127.0.0.1:$port/metrics" | sed -n 's/^qnnd_info{backend="[^"]*",model="\([^"]*\)"} 1$/\1/p')
url="http://127.0.0.1:$port/v2/models/$model/infer"
field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<"$2"; }
printf '%-8s %-12s %10s %9s %9s   %s\n' clients path req/s p50_us p99_us "front/direct"
for c in 1 8 64; do
	per=$((3000 / c)); [ $per -lt 100 ] && per=100
	d=$("$LOAD" direct "$tmp/qnnd.sock" $c $per 1)
	printf '%-8s %-12s %10s %9s %9s\n' $c qnn_classify "$(field rps "$d")" "$(field p50_us "$d")" \
		"$(field p99_us "$d")"
	for fmt in binary json; do
		[ $fmt = json ] && [ $c != 64 ] && continue
		h=$("$LOAD" http "$url" $c $per 1 $fmt)
		ratio=$(awk -v a="$(field rps "$h")" -v b="$(field rps "$d")" 'BEGIN { printf "%.2f", a / b }')
		printf '%-8s %-12s %10s %9s %9s   %s\n' $c "http-$fmt" "$(field rps "$h")" \
			"$(field p50_us "$h")" "$(field p99_us "$h")" "$ratio"
	done
done
