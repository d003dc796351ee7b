#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The files the guest tests read, made on the host:
#   firmware/qnn/mnist_cnn.qnn   the MNIST CNN compiled by `hlsgen import`
#                                from ../shared/models with its published
#                                hls4ml config (loaded by request_firmware)
#   data/mnist_test_1000.f32     the first 1000 MNIST test digits, float32
#   data/mnist_test_1000.expected.f32
#                                the host engine's outputs for them
#                                (`hlsgen run`): the guest compares bit for bit
# A missing tool or input is reported, not papered over: the guest tests
# that need the file then fail.
#
# Usage: prepare-guest-data.sh <out dir> <bin dir> <data dir>
set -uo pipefail
out=$1 bin=$2 data=$3
shared=${QNN_SHARED:-../shared}
mkdir -p "$out/firmware/qnn" "$out/data"
model=$out/firmware/qnn/mnist_cnn.qnn
digits=$out/data/mnist_test_1000.f32
expected=$out/data/mnist_test_1000.expected.f32
hlsgen=$bin/hlsgen
m=$shared/models/qkeras_mnist_cnn

fresh() { # target sources...: target exists and is newer than all sources
	local t=$1
	shift
	[ -s "$t" ] || return 1
	for s in "$@"; do [ "$s" -nt "$t" ] && return 1; done
	return 0
}

if [ ! -x "$hlsgen" ]; then
	echo "prepare-guest-data: $hlsgen missing: no model, no expected outputs" >&2
	exit 0
fi
if ! fresh "$model" "$hlsgen" "$m.json" "$m"_weights.h5 "$m"_config.yml; then
	"$hlsgen" import --json "$m.json" --weights "${m}_weights.h5" \
		--config "${m}_config.yml" -o "$model" >"$out/import.log" 2>&1 ||
		{ echo "prepare-guest-data: hlsgen import failed:" >&2; cat "$out/import.log" >&2; rm -f "$model"; }
fi
if [ -s "$data/mnist_test_1000.f32" ]; then
	cp "$data/mnist_test_1000.f32" "$digits"
else
	echo "prepare-guest-data: $data/mnist_test_1000.f32 missing" >&2
fi
if [ -s "$model" ] && [ -s "$digits" ] && ! fresh "$expected" "$model" "$digits"; then
	"$hlsgen" run -m "$model" -i "$digits" -o "$expected" >"$out/run.log" 2>&1 ||
		{ echo "prepare-guest-data: hlsgen run failed:" >&2; cat "$out/run.log" >&2; rm -f "$expected"; }
fi
ls -l "$out"/firmware/qnn "$out"/data | sed 's/^/  /'
