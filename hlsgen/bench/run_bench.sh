#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0 OR MIT
# run_bench.sh BENCH_ENGINE MODEL IMAGES LABELS SECONDS PYTHON
# The engine-vs-PyTorch measurement behind `make bench-engine` (bench.mk).
set -euo pipefail
bin=$1 model=$2 images=$3 labels=$4 secs=$5 py=$6
here=$(dirname "$0")

echo "== engine: $model on $(basename "$images"), $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"
declare -A rate cpu
for b in 1 256; do
	for t in 1 2; do
		line=$("$bin" "$model" "$images" "$labels" -b "$b" -t "$t" -s "$secs")
		echo "$line"
		rate[$b,$t]=$(sed -n 's/.*img_per_s=\([0-9]*\).*/\1/p' <<<"$line")
		cpu[$b,$t]=$(sed -n 's/.*img_per_cpu_s=\([0-9]*\).*/\1/p' <<<"$line")
	done
done

# instructions per image: callgrind on N0 and N1 images, the difference
# removes model loading and image decoding
n0=20 n1=420
ir() {
	valgrind --tool=callgrind --callgrind-out-file=/dev/null "$bin" "$model" "$images" -n "$1" \
		2>&1 | sed -n 's/.*refs: *\([0-9,]*\).*/\1/p' | tr -d ,
}
if command -v valgrind >/dev/null; then
	i0=$(ir $n0)
	i1=$(ir $n1)
	echo "engine callgrind instructions_per_image=$(((i1 - i0) / (n1 - n0))) (AVX2 path; valgrind hides AVX-512)"
else
	echo "engine callgrind: valgrind not installed, skipped"
fi

echo "== PyTorch $("$py" -c 'import torch; print(torch.__version__)' 2>/dev/null) float32, same network"
torch_out=$("$py" "$here/torch_ref.py" --images "$images" --batch 1 256 --threads 2 \
	--seconds "$secs" 2> >(grep -v -i warn >&2))
echo "$torch_out"
ts=$(sed -n 's/.*mode=torchscript batch=256 threads=2 img_per_s=\([0-9]*\).*/\1/p' <<<"$torch_out")
ts_cpu=$(sed -n 's/.*mode=torchscript batch=256 threads=2 .*img_per_cpu_s=\([0-9]*\).*/\1/p' <<<"$torch_out")
eng=${rate[256,2]}
if [ -n "$ts" ] && [ -n "$eng" ] && [ "$ts" -gt 0 ]; then
	verdict=slower
	[ "$eng" -gt "$ts" ] && verdict=faster
	echo "== verdict: engine $eng img/s vs TorchScript $ts img/s at batch 256, 2 threads:" \
		"$verdict ($(awk -v a="$eng" -v b="$ts" 'BEGIN { printf "%.2fx", a / b }'))"
	echo "   per CPU-second: engine ${cpu[256,2]} vs TorchScript ${ts_cpu:-?}" \
		"(load average $(cut -d' ' -f1 /proc/loadavg): wall figures depend on other work)"
fi
