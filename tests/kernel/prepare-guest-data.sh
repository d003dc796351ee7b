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
	"$hlsgen" import "$m.json" "${m}_weights.h5" --config "${m}_config.yml" \
		-q -o "$model" >"$out/import.log" 2>&1 ||
		{ echo "prepare-guest-data: hlsgen import failed:" >&2; cat "$out/import.log" >&2; rm -f "$model"; }
fi
# The first 1000 test digits as float32 x = u8 / 255 (rounded from double,
# as hlsgen's data set loader does), raw little-endian, 784 per digit.
idx=$data/mnist/test-images-idx3-ubyte
if [ ! -s "$idx" ]; then
	echo "prepare-guest-data: $idx missing (scripts/prepare-data.sh)" >&2
elif ! fresh "$digits" "$idx"; then
	perl -e 'open(my $f, "<", $ARGV[0]) or die "$ARGV[0]: $!\n"; binmode $f;
		read($f, my $h, 16) == 16 or die "short idx header\n";
		my ($magic, $n, $r, $c) = unpack("N4", $h);
		$magic == 0x803 && $n >= 1000 && $r * $c == 784 or die "not 28x28 idx3 images\n";
		read($f, my $d, 1000 * 784) == 1000 * 784 or die "short idx data\n";
		binmode STDOUT; print pack("f<*", map { $_ / 255 } unpack("C*", $d));' \
		"$idx" >"$digits.tmp" && mv "$digits.tmp" "$digits" ||
		{ echo "prepare-guest-data: cannot convert $idx" >&2; rm -f "$digits.tmp"; }
fi
if [ -s "$model" ] && [ -s "$digits" ] && ! fresh "$expected" "$model" "$digits"; then
	"$hlsgen" run "$model" --input "$digits" --output "$expected" --quiet \
		>"$out/run.log" 2>&1 ||
		{ echo "prepare-guest-data: hlsgen run failed:" >&2; cat "$out/run.log" >&2; rm -f "$expected"; }
fi
ls -l "$out"/firmware/qnn "$out"/data | sed 's/^/  /'
