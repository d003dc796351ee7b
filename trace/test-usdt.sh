#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# `make check-trace-usdt`: qnnd's USDT probes on this host, through
# qnnlat --daemon (the real qnnd, sw backend, a real socket, qnnctl bench as
# the clients). Known load: R1 requests of B1 samples over the shared-memory
# ring and R2 requests of B2 samples over the socket alone (QNN_NO_SHM=1);
# then qnnlat, stopped by SIGINT, must have joined every request through all
# of qnnd's stages (each stage histogram counts R1 + R2 requests: received,
# queued, batched and answered match by connection and request id, batched
# and dispatched/done by the batch), count R1*B1 + R2*B2 samples, exit 0 and
# leave no BPF program behind; the sw backend has no device jobs to join
# (the dev backend's join is tested on the board: tests/board). Requests
# refused for NaN/Inf (ring and socket) are answered once each, as failed.
# Bad arguments and a machine without the driver give clear errors.
#
# Needs root and a kernel that runs BPF with uprobes; otherwise it says so
# and skips (the driver side is tested in the arm64 guest: test_trace_tools).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${QNN_BIN:-build/bin}
BUILD=${QNN_BUILD:-build}
MODEL=$BUILD/models/mnist_cnn.qnn
R1=100 B1=4 R2=50 B2=3
fail=0
check() { # description, then a command that must succeed
	local what=$1
	shift
	if "$@"; then echo "  ok   $what"; else echo "  FAIL $what"; fail=1; fi
}

if [ "$(id -u)" -ne 0 ] || ! bpftool prog show >/dev/null 2>&1 ||
	[ ! -e /sys/bus/event_source/devices/uprobe/type ]; then
	echo "check-trace-usdt: SKIP: needs root, BPF and uprobes on this kernel" \
		"($(uname -r)); the BPF tools are tested in the arm64 guest"
	exit 0
fi
[ -s "$MODEL" ] || bash scripts/demo-daemon.sh >/dev/null # imports the model

tmp=$(mktemp -d)
qnnd_pid= lat_pid=
cleanup() {
	for p in $lat_pid $qnnd_pid; do kill -TERM "$p" 2>/dev/null && wait "$p" 2>/dev/null || true; done
	rm -rf "$tmp"
}
trap cleanup EXIT
progs_left() { bpftool prog show | grep -cE ' name (qnnd_|qnnlat_)' || true; }
before=$(progs_left)

echo '{}' >"$tmp/qnnd.conf"
"$BIN/qnnd" --config "$tmp/qnnd.conf" --socket "$tmp/qnnd.sock" --model "$MODEL" \
	--backend sw --threads 2 --log stderr 2>"$tmp/qnnd.log" &
qnnd_pid=$!
for _ in $(seq 300); do [ -S "$tmp/qnnd.sock" ] && break; sleep 0.1; done
[ -S "$tmp/qnnd.sock" ] || { cat "$tmp/qnnd.log"; exit 1; }

"$BIN/qnnlat" --daemon -p "$qnnd_pid" >"$tmp/lat.out" 2>"$tmp/lat.err" &
lat_pid=$!
for _ in $(seq 600); do grep -q Tracing "$tmp/lat.err" && break; sleep 0.1; done
check "qnnlat --daemon attached" grep -q Tracing "$tmp/lat.err"
QNN_SOCKET=$tmp/qnnd.sock "$BIN/qnnctl" bench -n $((R1 * B1)) -b $B1 -c 2 >/dev/null
QNN_SOCKET=$tmp/qnnd.sock QNN_NO_SHM=1 "$BIN/qnnctl" bench -n $((R2 * B2)) -b $B2 >/dev/null
sleep 0.5
kill -INT "$lat_pid" 2>/dev/null || true
rc=0
wait "$lat_pid" || rc=$?
lat_pid=
check "qnnlat exits 0 on SIGINT (got $rc)" [ "$rc" -eq 0 ]
cat "$tmp/lat.out"

want=$((R1 + R2))
for stage in "request (received" "queue wait" "batch formation" "backend (" "reply (" "total (received"; do
	n=$(grep -F "qnnd $stage" "$tmp/lat.out" | sed -n 's/.*: \([0-9]*\) requests$/\1/p')
	check "stage '$stage': ${n:-none} requests, want $want" [ "${n:-0}" -eq "$want" ]
done
summary=$(grep '^qnnd: ' "$tmp/lat.out" | tail -1)
check "summary: $want requests, $((R1 * B1 + R2 * B2)) samples ($summary)" \
	grep -q "^qnnd: $want requests answered (0 failed), $((R1 * B1 + R2 * B2)) samples" \
	<<<"$summary"
nb=$(sed -n 's/.* \([0-9]*\) batches dispatched.*/\1/p' <<<"$summary")
check "batches dispatched: ${nb:-none}, between 1 and $want" [ "${nb:-0}" -ge 1 ] && [ "${nb:-0}" -le "$want" ]
# The sw backend makes no driver jobs: nothing to join, no device stages.
check "sw backend: 0 device jobs, no device stages" grep -q "0 device jobs, 0 joined" <<<"$summary"
check "sw backend: no 'qnnd device' histograms" bash -c "! grep -q '^qnnd device' $tmp/lat.out"
kill -TERM "$qnnd_pid" 2>/dev/null && wait "$qnnd_pid" 2>/dev/null || true
qnnd_pid=

# Refused requests are answered too, once: NaN/Inf over the ring (found at dispatch) and
# over the socket (on receipt), sent by the system test that checks their counters
# (test_shm's nonfinite test: 3 requests, its own qnnd, traced by binary, no -p).
"$BIN/qnnlat" --daemon="$BIN/qnnd" >"$tmp/lat2.out" 2>"$tmp/lat2.err" &
lat_pid=$!
for _ in $(seq 600); do grep -q Tracing "$tmp/lat2.err" && break; sleep 0.1; done
check "qnnlat --daemon=QNND attached" grep -q Tracing "$tmp/lat2.err"
check "the NaN/Inf system test passes" "$BUILD/tests/system/test_shm" --jobs 1 \
	--filter 'shm/nonfinite_refused_alike_on_ring_and_socket'
sleep 0.5
kill -INT "$lat_pid" 2>/dev/null || true
rc=0
wait "$lat_pid" || rc=$?
lat_pid=
summary=$(grep '^qnnd: ' "$tmp/lat2.out" | tail -1)
check "NaN/Inf: 3 requests answered, 3 failed ($summary, exit $rc)" \
	grep -q "^qnnd: 3 requests answered (3 failed), 0 samples" <<<"$summary"
check "no BPF program left behind" [ "$(progs_left)" -eq "$before" ]

# Clear errors.
err_of() { "$@" 2>&1 >/dev/null && echo "(exit 0)" || true; }
check "no such binary" grep -q "cannot read the qnnd binary" \
	<<<"$(err_of "$BIN/qnnlat" --daemon=/nonexistent/qnnd 1 1)"
check "a binary without the probes" grep -q "cannot attach to qnnd:request_received" \
	<<<"$(err_of "$BIN/qnnlat" --daemon=/bin/true 1 1)"
if [ ! -d /sys/kernel/tracing/events/qnn ] && [ ! -d /sys/kernel/debug/tracing/events/qnn ]; then
	check "no driver here: qnnsnoop says what is missing" grep -qE "qnn.ko|tracefs" \
		<<<"$(err_of "$BIN/qnnsnoop" -c 1)"
fi
check "bad interval" grep -q "bad interval" <<<"$(err_of "$BIN/qnnlat" --daemon 0)"
[ "$fail" -eq 0 ] && echo "check-trace-usdt: passed" || echo "check-trace-usdt: FAILED"
exit "$fail"
