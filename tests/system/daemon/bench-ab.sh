#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0 OR MIT
# bench-ab.sh: two qnnd builds measured in the same run, interleaved, so that
# the machine's drift (2x between minutes on a shared VM) falls on both alike.
#
#   bench-ab.sh [--rounds N] [--seconds S] [--loads "null:1 null:8 sw:64"]
#               [--callgrind] [--requests "1000 5000"] A B
#
# A and B: a qnnd executable, or a git revision of this repository (its qnnd
# is built once, by that revision's own Makefile, into
# $QNN_BUILD/bench-ab/<commit>/). The clients (bench_qnnd, libqnn) and the
# model are this tree's, the same for both.
#
# Wall clock (default): N rounds (default 6); each round runs A and B, in the
# order A B, then B A in the next round (ABBA: a linear drift cancels). Each
# run of a variant starts a fresh qnnd per backend and runs the loads
# (backend:clients, 1-sample requests, S seconds each). Reported per load:
# requests/s, p50 and qnnd's CPU us per request, as median [min..max] over
# the rounds for A and B, and B/A paired within each round (median [min..max]).
#
# --callgrind: qnnd under callgrind (null backend, 1 client, sequential
# requests, busy polling off), once per request count and variant, N rounds;
# instructions per request = (Ir at the larger count - Ir at the smaller)
# / (difference of the counts): start-up and shut-down cancel.
#
# Holds the shared measurement lock (BENCH_LOCK, default /tmp/qnn-bench.lock)
# for the whole run so that other benchmarks on this machine do not overlap.
set -euo pipefail
cd "$(dirname "$0")/../../.."
BIN=${QNN_BIN:-build/bin}
BUILD=${QNN_BUILD:-build}
SHARED=${QNN_SHARED:-../shared}
BENCH=$BUILD/tests/system/bench_qnnd
MODEL=$BUILD/models/mnist_cnn.qnn
LOCK=${BENCH_LOCK:-/tmp/qnn-bench.lock}
ROUNDS=6 SECS=3 LOADS="null:1 null:8 sw:64" CALLGRIND=0 REQUESTS="1000 5000"

usage() {
	echo "usage: bench-ab.sh [--rounds N] [--seconds S] [--loads 'null:1 null:8 sw:64']" >&2
	echo "                   [--callgrind] [--requests 'LOW HIGH'] A B   (A, B: qnnd or git rev)" >&2
	exit 2
}
while [ $# -gt 2 ]; do
	case $1 in
	--rounds) ROUNDS=$2 && shift 2 ;;
	--seconds) SECS=$2 && shift 2 ;;
	--loads) LOADS=$2 && shift 2 ;;
	--requests) REQUESTS=$2 && shift 2 ;;
	--callgrind) CALLGRIND=1 && shift ;;
	*) usage ;;
	esac
done
[ $# -eq 2 ] || usage
case $ROUNDS in '' | *[!0-9]* | 0) echo "bench-ab: --rounds wants a positive integer" >&2 && exit 2 ;; esac

tmp=$(mktemp -d)
qnnd_pid=
cleanup() {
	[ -z "$qnnd_pid" ] || { kill -TERM "$qnnd_pid" 2>/dev/null && wait "$qnnd_pid" 2>/dev/null; } || true
	rm -rf "$tmp"
}
trap cleanup EXIT

# A qnnd executable for an argument: a path as it is, a revision built once.
resolve() {
	if [ -f "$1" ] && [ -x "$1" ]; then
		readlink -f "$1"
		return
	fi
	local sha out
	sha=$(git rev-parse --verify --quiet "$1^{commit}") ||
		{ echo "bench-ab: '$1' is neither a qnnd executable nor a git revision" >&2 && return 1; }
	out=$(readlink -f "$BUILD")/bench-ab/$sha
	if [ ! -x "$out/qnnd" ]; then
		echo "bench-ab: building qnnd of $1 (${sha:0:12}) in $out" >&2
		rm -rf "$out/src" && mkdir -p "$out/src"
		git archive "$sha" | tar -x -C "$out/src"
		make -C "$out/src" -j"$(nproc)" build/bin/qnnd >"$out/build.log" 2>&1 ||
			{ tail -20 "$out/build.log" >&2 && return 1; }
		cp "$out/src/build/bin/qnnd" "$out/qnnd" && rm -rf "$out/src"
	fi
	echo "$out/qnnd"
}
QA=$(resolve "$1")
QB=$(resolve "$2")
if [ ! -s "$MODEL" ]; then
	mkdir -p "$(dirname "$MODEL")"
	"$BIN/hlsgen" import "$SHARED/models/qkeras_mnist_cnn.json" \
		"$SHARED/models/qkeras_mnist_cnn_weights.h5" \
		--config "$SHARED/models/qkeras_mnist_cnn_config.yml" -o "$MODEL" >/dev/null
fi

start_qnnd() { # qnnd backend conf-text [wrapper...]
	local q=$1 backend=$2 conf=$3
	shift 3
	rm -f "$tmp/qnnd.sock"
	printf '%s\n' "$conf" >"$tmp/qnnd.conf"
	"$@" "$q" --config "$tmp/qnnd.conf" --socket "$tmp/qnnd.sock" --model "$MODEL" \
		--backend "$backend" --max-inflight 256 --max-queue 65536 --log stderr \
		2>>"$tmp/qnnd.log" &
	qnnd_pid=$!
	for _ in $(seq 1200); do [ -S "$tmp/qnnd.sock" ] && return 0; sleep 0.1; done
	cat "$tmp/qnnd.log" >&2
	return 1
}
stop_qnnd() {
	kill -TERM "$qnnd_pid"
	wait "$qnnd_pid" || true
	qnnd_pid=
}

# "median min max" of the numbers on stdin.
stats() {
	sort -g | awk '{ v[NR] = $1 } END {
		if (!NR) { print "- - -"; exit }
		m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
		print m, v[1], v[NR] }'
}

# One variant, one round: every load; rows "round variant load req/s p50 cpu".
run_variant() { # round variant qnnd
	local backend load clients out
	for backend in $(tr ' ' '\n' <<<"$LOADS" | cut -d: -f1 | awk 'NF && !seen[$0]++'); do
		start_qnnd "$3" "$backend" '{}'
		for load in $LOADS; do
			[ "${load%%:*}" = "$backend" ] || continue
			clients=${load#*:}
			out=$("$BENCH" --socket "$tmp/qnnd.sock" --clients "$clients" --seconds "$SECS" \
				--daemon-pid "$qnnd_pid")
			echo "$out" | awk -v r="$1" -v v="$2" -v l="$load" '
				/requests\/s/ { for (i = 2; i <= NF; i++) {
					if ($i == "requests/s") q = $(i - 1)
					if ($i == "p50") p = $(i + 1) } }
				/qnnd CPU/ { c = $3 }
				END { printf "%s\t%s\t%s\t%s\t%s\t%s\n", r, v, l, q, p, c }'
		done
		stop_qnnd
	done
}

wallclock() {
	local r first second
	: >"$tmp/rows"
	for r in $(seq "$ROUNDS"); do
		if [ $((r % 2)) -eq 1 ]; then first=A second=B; else first=B second=A; fi
		for v in $first $second; do
			if [ "$v" = A ]; then q=$QA; else q=$QB; fi
			run_variant "$r" "$v" "$q" | tee -a "$tmp/rows" |
				awk -F'\t' '{ printf "round %s %s %-8s %10.0f req/s  p50 %7.1f us  qnnd CPU %6.2f us/req\n", $1, $2, $3, $4, $5, $6 }'
		done
	done
	echo "== summary: median [min..max] over $ROUNDS rounds; B/A paired within a round"
	local load col name
	for load in $LOADS; do
		for col in 4:req/s 5:p50_us 6:qnnd_cpu_us; do
			name=${col#*:} col=${col%%:*}
			read -r am amin amax < <(awk -F'\t' -v l="$load" -v c="$col" '$3 == l && $2 == "A" { print $c }' "$tmp/rows" | stats)
			read -r bm bmin bmax < <(awk -F'\t' -v l="$load" -v c="$col" '$3 == l && $2 == "B" { print $c }' "$tmp/rows" | stats)
			read -r rm rmin rmax < <(awk -F'\t' -v l="$load" -v c="$col" '$3 == l { x[$1, $2] = $c; n[$1] = 1 }
				END { for (r in n) if (x[r, "A"] > 0) print x[r, "B"] / x[r, "A"] }' "$tmp/rows" | stats)
			printf '%-8s %-12s A %10.2f [%.2f..%.2f]  B %10.2f [%.2f..%.2f]  B/A %.3f [%.3f..%.3f]\n' \
				"$load" "$name" "$am" "$amin" "$amax" "$bm" "$bmin" "$bmax" "$rm" "$rmin" "$rmax"
		done
	done
}

# Ir of one qnnd life under callgrind serving n sequential requests.
callgrind_ir() { # qnnd n
	rm -f "$tmp"/cg.out.*
	start_qnnd "$1" null "$(printf 'busy_poll_us: 0\n')" \
		valgrind --tool=callgrind --callgrind-out-file="$tmp/cg.out.%p" -q
	"$BENCH" --socket "$tmp/qnnd.sock" --clients 1 --requests "$2" >/dev/null
	stop_qnnd
	# summary line of the main process's dump (no --separate-threads: one file)
	cat "$tmp"/cg.out.* | awk '/^summary:/ { s += $2 } END { print s }'
}

callgrind() {
	command -v valgrind >/dev/null || { echo "bench-ab: --callgrind needs valgrind" >&2 && exit 1; }
	local lo hi r v q i_lo i_hi
	read -r lo hi <<<"$REQUESTS"
	if [ -z "$hi" ] || [ "$hi" -le "$lo" ]; then
		echo "bench-ab: --requests wants 'LOW HIGH'" >&2
		exit 2
	fi
	: >"$tmp/rows"
	for r in $(seq "$ROUNDS"); do
		for v in A B; do
			if [ "$v" = A ]; then q=$QA; else q=$QB; fi
			i_lo=$(callgrind_ir "$q" "$lo")
			i_hi=$(callgrind_ir "$q" "$hi")
			awk -v r="$r" -v v="$v" -v a="$i_lo" -v b="$i_hi" -v lo="$lo" -v hi="$hi" 'BEGIN {
				printf "round %s %s Ir %d at %d requests, %d at %d: %.1f instructions per request\n",
					r, v, a, lo, b, hi, (b - a) / (hi - lo)
				printf "%s\t%s\t%.1f\n", r, v, (b - a) / (hi - lo) > "/dev/stderr" }' 2>>"$tmp/rows"
		done
	done
	echo "== summary: instructions per request, median [min..max] over $ROUNDS rounds"
	for v in A B; do
		read -r m mn mx < <(awk -F'\t' -v v="$v" '$2 == v { print $3 }' "$tmp/rows" | stats)
		printf '%s %.1f [%.1f..%.1f]\n' "$v" "$m" "$mn" "$mx"
	done
}

exec 9>"$LOCK"
flock -w 3600 9 || { echo "bench-ab: waited an hour for $LOCK" >&2 && exit 1; }
echo "== bench-ab: A = $1 ($QA), B = $2 ($QB); $(nproc) CPUs, loadavg $(cut -d' ' -f1-3 /proc/loadavg)"
if [ "$CALLGRIND" = 1 ]; then callgrind; else wallclock; fi
echo "   (loadavg at the end: $(cut -d' ' -f1-3 /proc/loadavg))"
