#!/usr/bin/env bash
# check-mnist-accuracy: the lab's CNN, imported with its published hls4ml
# config, must reach >= 0.92 bit-exact accuracy on the 2000 real MNIST test
# digits (build/data/mnist) and agree with the QKeras-quantized float path
# on >= 99% of them. Prints every measured number.
set -euo pipefail
: "${QNN_SHARED:?}" "${QNN_BIN:?}" "${QNN_DATA:?}"
PY=/usr/bin/python3 # Debian's python3 (json); not a pyenv shim
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
m=$QNN_SHARED/models

"$QNN_BIN/hlsgen" import "$m/qkeras_mnist_cnn.json" "$m/qkeras_mnist_cnn_weights.h5" \
	--config "$m/qkeras_mnist_cnn_config.yml" -o "$tmp/cnn.qnn"
"$QNN_BIN/hlsgen" eval "$tmp/cnn.qnn" --data mnist --json --quiet --roc "$tmp/roc.svg" \
	>"$tmp/eval.json"

"$PY" - "$tmp/eval.json" <<'PYEOF'
import json, sys
r = json.load(open(sys.argv[1]))
acc, agr, auc = r["accuracy"], r["agreement"], r["mean_auc"]
print(f"samples {r['samples']}  accuracy float {acc['float']:.4f}  qkeras {acc['qkeras']:.4f}  "
      f"bit-exact {acc['bitexact']:.4f}")
print(f"agreement float/qkeras {agr['float_qkeras']:.4f}  float/bit-exact {agr['float_bitexact']:.4f}  "
      f"qkeras/bit-exact {agr['qkeras_bitexact']:.4f}")
print(f"mean AUC float {auc['float']:.4f}  qkeras {auc['qkeras']:.4f}  bit-exact {auc['bitexact']:.4f}")
print(f"bit-exact engine {r['images_per_s']['bitexact']:.0f} images/s on {r['threads']} threads")
fails = []
if r["samples"] != 2000:
    fails.append(f"expected the 2000 test digits, got {r['samples']}")
if acc["bitexact"] < 0.92:
    fails.append(f"bit-exact accuracy {acc['bitexact']:.4f} < 0.92")
if agr["qkeras_bitexact"] < 0.99:
    fails.append(f"bit-exact/QKeras agreement {agr['qkeras_bitexact']:.4f} < 0.99")
for k in ("float", "qkeras", "bitexact"):
    if any(a is None or not 0.5 < a <= 1 for a in r["auc"][k]):
        fails.append(f"{k}: implausible per-class AUC {r['auc'][k]}")
for f in fails:
    print("FAIL:", f)
sys.exit(1 if fails else 0)
PYEOF
grep -q '<svg' "$tmp/roc.svg" || { echo "FAIL: no SVG ROC plot"; exit 1; }
echo "check-mnist-accuracy: ok"
