#!/usr/bin/env bash
# train_bench.sh HLSGEN DATA_DIR PYTHON "SEEDS" - the training benchmark
# (train_bench.mk). Every run is printed as it finishes; the summary at the
# end averages over the seeds and checks the issue's bars:
#   lab recipe accuracy >= PyTorch reference - 0.3 points (both data sets)
#   best recipe accuracy > PyTorch reference (lab recipe)
#   seconds per epoch <= PyTorch's (2 threads each)
# Accuracies compared are the QKeras-quantized forward pass on the test
# split (what the PyTorch reference computes); hlsgen's bit-exact accuracy
# is printed beside it. BENCH_TRAIN_SPECS (default "mnist:30 fashion:10")
# picks data sets and epochs for a quicker look.
set -euo pipefail
H=$1 DATA=$2 PY=$3 SEEDS=$4
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
results=$tmp/results.tsv
: >"$results"

echo "== training benchmark: $(nproc) CPUs, $(uname -m), PyTorch $("$PY" -c 'import torch; print(torch.__version__)'), seeds: $SEEDS"
echo "   (loadavg at start: $(cut -d' ' -f1-3 /proc/loadavg))"

# one run: impl data recipe seed epochs s_per_epoch quant_acc bitexact_acc cpu_s_per_epoch
# (the last: user + system CPU seconds of the whole process / epochs, which
# a busy machine disturbs far less than wall-clock time)
record() { printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$@" >>"$results"; \
	printf '%-6s %-8s %-11s seed %-2s %3s epochs  %6.3f s/epoch  acc %.4f  bit-exact %-6s  CPU %.3f s/epoch\n' "$@"; }
cpu_per_epoch() { "$PY" -c 'import sys; u, s = open(sys.argv[1]).read().split(); print((float(u) + float(s)) / float(sys.argv[2]))' "$1" "$2"; }

hl() { # data recipe seed epochs extra-args...
	local data=$1 recipe=$2 seed=$3 epochs=$4; shift 4
	local out
	out=$(/usr/bin/time -f '%U %S' -o "$tmp/cpu" "$H" train --data "$data" --epochs "$epochs" \
		--seed "$seed" --threads 2 --progress none --json -o "$tmp/m" "$@")
	record hlsgen "$data" "$recipe" "$seed" "$epochs" \
		"$("$PY" -c 'import json,sys; print(json.loads(sys.argv[1])["seconds_per_epoch"])' "$out")" \
		"$("$PY" -c 'import json,sys; print(json.loads(sys.argv[1])["quantized_acc"])' "$out")" \
		"$("$PY" -c 'import json,sys; print("%.4f" % json.loads(sys.argv[1])["bitexact_acc"])' "$out")" \
		"$(cpu_per_epoch "$tmp/cpu" "$epochs")"
}

pt() { # data recipe seed epochs extra-args...
	local data=$1 recipe=$2 seed=$3 epochs=$4; shift 4
	local out
	out=$(/usr/bin/time -f '%U %S' -o "$tmp/cpu" "$PY" "$here/torch_train_ref.py" \
		--data "$DATA/$data" --epochs "$epochs" --seed "$seed" --threads 2 "$@" 2>/dev/null |
		tail -1)
	record torch "$data" "$recipe" "$seed" "$epochs" \
		"$("$PY" -c 'import json,sys; print(json.loads(sys.argv[1])["sec_per_epoch"])' "$out")" \
		"$("$PY" -c 'import json,sys; print(json.loads(sys.argv[1])["test_acc"])' "$out")" "-" \
		"$(cpu_per_epoch "$tmp/cpu" "$epochs")"
}

# Equivalence first: from the same weights, without shuffling and dropout,
# the two trainers must follow the same loss curve (they differ only in
# float summation order, so they drift apart slowly).
echo "== equivalence: identical start, --no-shuffle, dropout 0, 3 epochs of the lab recipe on MNIST"
"$H" train --epochs 1 --train-limit 64 --lr 1e-9 --prune none --progress none -o "$tmp/w0" >/dev/null
"$PY" - "$tmp/w0.ckpt" "$tmp/w0nd.ckpt" <<'PYEOF'
import struct, sys, zlib
b = open(sys.argv[1], "rb").read()
jl, = struct.unpack("<I", b[8:12])
js = b[12:12 + jl].decode().replace('"rate":0.5', '"rate":0.0').replace('"rate": 0.5', '"rate": 0.0')
out = b[:8] + struct.pack("<I", len(js)) + js.encode() + b[12 + jl:-4]
open(sys.argv[2], "wb").write(out + struct.pack("<I", zlib.crc32(out) & 0xffffffff))
PYEOF
"$H" train --init "$tmp/w0nd.ckpt" --no-shuffle --epochs 3 --threads 2 --progress lines \
	-o "$tmp/eq" 2>&1 | grep '^epoch' | sed 's/^/hlsgen: /'
"$PY" "$here/torch_train_ref.py" --data "$DATA/mnist" --init-ckpt "$tmp/w0nd.ckpt" --no-shuffle \
	--dropout 0 --epochs 3 --threads 2 2>&1 | grep '^epoch' | sed 's/^/torch:  /'

for spec in ${BENCH_TRAIN_SPECS:-mnist:30 fashion:10}; do
	data=${spec%%:*} epochs=${spec##*:}
	echo "== $data, $epochs epochs, batch 32, Adam 1e-3, 10% validation, 6-bit weights/activations"
	for seed in $SEEDS; do
		hl "$data" lab "$seed" "$epochs" --prune constant --sparsity 0.75
		pt "$data" lab "$seed" "$epochs" --prune constant --sparsity 0.75
		hl "$data" gradual "$seed" "$epochs" --prune polynomial --sparsity 0.75 --frequency 50
	done
done

"$PY" - "$results" <<'PYEOF'
import statistics as st, sys
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1])]
def pick(impl, data, recipe):
    r = [x for x in rows if x[0] == impl and x[1] == data and x[2] == recipe]
    return [float(x[6]) for x in r], [float(x[5]) for x in r], [x[7] for x in r]
def cpu(impl, data, recipe):
    return [float(x[8]) for x in rows if x[0] == impl and x[1] == data and x[2] == recipe]
print("\n== summary (mean over seeds; accuracy in %, QKeras-quantized test accuracy)")
ok = True
for data in ("mnist", "fashion"):
    ha, hs, hb = pick("hlsgen", data, "lab")
    ta, ts, _ = pick("torch", data, "lab")
    ga, gs, gb = pick("hlsgen", data, "gradual")
    if not (ha and ta and ga):
        continue
    m = lambda v: 100 * st.mean(v)
    print(f"{data:8s} lab recipe:  hlsgen {m(ha):6.2f} (bit-exact {', '.join(hb)})  "
          f"torch {m(ta):6.2f}   delta {m(ha) - m(ta):+.2f} points")
    print(f"{data:8s} best recipe (PolynomialDecay 0 -> 75%): hlsgen {m(ga):6.2f} "
          f"(bit-exact {', '.join(gb)})   vs torch lab {m(ta):6.2f}: {m(ga) - m(ta):+.2f} points")
    print(f"{data:8s} seconds/epoch: hlsgen {st.mean(hs):.3f}  torch {st.mean(ts):.3f}  "
          f"(x{st.mean(ts) / st.mean(hs):.2f}); CPU s/epoch (whole run): hlsgen "
          f"{st.mean(cpu('hlsgen', data, 'lab')):.3f}  torch {st.mean(cpu('torch', data, 'lab')):.3f}")
    bars = [(m(ha) >= m(ta) - 0.3, "lab recipe >= torch - 0.3"),
            (m(ga) > m(ta), "best recipe > torch"),
            (st.mean(hs) <= st.mean(ts), "epoch time <= torch")]
    for good, what in bars:
        print(f"{data:8s}   {'PASS' if good else 'MISS'}: {what}")
        ok = ok and good
print("verdict:", "all bars met" if ok else "some bars missed (see MISS lines)")
PYEOF
