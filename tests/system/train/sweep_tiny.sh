#!/usr/bin/env bash
# check-train-sweep: `hlsgen sweep` end to end on a tiny grid (2 bit
# settings x {unpruned, 75% constant} + the float baseline, 1 epoch on 2000
# real MNIST digits): every row trained, exported, measured three ways and
# estimated; the Markdown and CSV tables and the SVG plot written and
# consistent with what the rows' .qnn files say.
set -euo pipefail
: "${QNN_BIN:?}" "${QNN_DATA:?}"
PY=/usr/bin/python3
H="$QNN_BIN/hlsgen"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

"$H" sweep --settings 8/8,3/3 --pruning none,constant --epochs 1 --train-limit 2000 \
	--test-limit 500 --threads 2 --progress none --plot plot.svg -o "$tmp/sw"
# --plot is relative to -o DIR (issue 13); the title says what was limited
for f in sweep.md sweep.csv plot.svg; do
	[ -s "$tmp/sw/$f" ] || { echo "FAIL: $f missing"; exit 1; }
done
grep -q "<svg" "$tmp/sw/plot.svg" || { echo "FAIL: plot.svg is not SVG"; exit 1; }
grep -q "1 epoch, first 2000 training samples, first 500 test samples" "$tmp/sw/sweep.md" ||
	{ echo "FAIL: the title does not say what was limited: $(head -3 "$tmp/sw/sweep.md")"; exit 1; }
"$H" eval "$tmp/sw/3w3a-p75.qnn" --data mnist --limit 500 --json --quiet >"$tmp/eval.json"
"$PY" - "$tmp/sw/sweep.csv" "$tmp/sw/sweep.md" "$tmp/eval.json" <<'PYEOF'
import csv, json, sys
rows = list(csv.DictReader(open(sys.argv[1])))
md = open(sys.argv[2]).read()
ev = json.load(open(sys.argv[3]))
fails = []
tags = [r["setting"] for r in rows]
print("rows:", ", ".join(tags))
if tags != ["float", "8w8a", "8w8a-p75", "3w3a", "3w3a-p75"]:
    fails.append(f"unexpected settings {tags}")
by = {r["setting"]: r for r in rows}
for r in rows:
    for k in ("float_acc", "quantized_acc", "bitexact_acc"):
        if not 0.0 <= float(r[k]) <= 1.0:
            fails.append(f"{r['setting']}: {k} = {r[k]}")
    if abs(float(r["quantized_acc"]) - float(r["bitexact_acc"])) > 0.05:
        fails.append(f"{r['setting']}: QKeras and bit-exact accuracies differ by > 5 points")
    if r["setting"] not in md:
        fails.append(f"{r['setting']} missing from sweep.md")
    print(f"{r['setting']:10s} bit-exact {float(r['bitexact_acc']):.3f} size {r['size_bits']} bits "
          f"({r['size_bytes']} bytes) sparsity {float(r['sparsity']):.3f} widest {r['widest_multiplier']} "
          f"LUT(est) {r['est_lut']}")
for p in ("8w8a-p75", "3w3a-p75"):
    if abs(float(by[p]["sparsity"]) - 0.75) > 0.002:
        fails.append(f"{p}: sparsity {by[p]['sparsity']} is not 75%")
if not int(by["3w3a"]["size_bits"]) < int(by["8w8a"]["size_bits"]) < int(by["float"]["size_bits"]):
    fails.append("model size does not shrink with the bits")
if not int(by["8w8a-p75"]["size_bits"]) < int(by["8w8a"]["size_bits"]):
    fails.append("pruning does not shrink the model")
if by["8w8a"]["widest_multiplier"] != "16x8" or by["3w3a"]["widest_multiplier"] != "16x3":
    fails.append("widest multipliers are not input 16 bits x weight bits")
if not float(by["3w3a-p75"]["est_lut"]) < float(by["8w8a"]["est_lut"]):
    fails.append("estimated LUTs do not shrink with bits and pruning")
if abs(ev["accuracy"]["bitexact"] - float(by["3w3a-p75"]["bitexact_acc"])) > 1e-4:
    fails.append("hlsgen eval disagrees with the sweep's bit-exact accuracy")
if "ESTIMATE" not in md:
    fails.append("sweep.md does not label the resources as estimates")
for f in fails:
    print("FAIL:", f)
sys.exit(1 if fails else 0)
PYEOF
echo "check-train-sweep: ok"
