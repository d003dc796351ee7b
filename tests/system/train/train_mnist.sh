#!/usr/bin/env bash
# check-train-mnist: `hlsgen train` on the real MNIST digits (8000 training,
# 2000 test; build/data/mnist). A 6-bit QAT CNN trained for 6 epochs must
# reach >= 90% bit-exact test accuracy within 180 s on the 2 shared cores;
# `hlsgen eval` of the written .qnn must reproduce the reported accuracies;
# the Keras JSON + HDF5 must import again (also with the published hls4ml
# config); two runs with the same seed and threads must write identical
# files; --init must fine-tune from the checkpoint; bad input must fail
# cleanly. Prints every measured number.
set -euo pipefail
: "${QNN_SHARED:?}" "${QNN_BIN:?}" "${QNN_DATA:?}"
PY=/usr/bin/python3
H="$QNN_BIN/hlsgen"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

start=$(date +%s)
"$H" train --epochs 6 --prune none --threads 2 --progress lines --json -o "$tmp/m" \
	>"$tmp/train.json"
secs=$(( $(date +%s) - start ))
cat "$tmp/train.json"
echo "training + export + evaluation took ${secs} s"
[ "$secs" -le 180 ] || fail "took ${secs} s (> 180 s budget)"
for f in m.json m_weights.h5 m.qnn m.ckpt; do [ -s "$tmp/$f" ] || fail "$f missing"; done

"$H" eval "$tmp/m.qnn" --data mnist --json --quiet >"$tmp/eval.json"
"$PY" - "$tmp/train.json" "$tmp/eval.json" <<'PYEOF'
import json, sys
t = json.load(open(sys.argv[1]))
e = json.load(open(sys.argv[2]))
acc = e["accuracy"]
print(f"train reported: float {t['float_acc']:.4f} quantized {t['quantized_acc']:.4f} "
      f"bit-exact {t['bitexact_acc']:.4f}; {t['seconds_per_epoch']:.2f} s/epoch")
print(f"hlsgen eval:    float {acc['float']:.4f} qkeras {acc['qkeras']:.4f} "
      f"bit-exact {acc['bitexact']:.4f}; agreement qkeras/bit-exact "
      f"{e['agreement']['qkeras_bitexact']:.4f}")
fails = []
if t["bitexact_acc"] < 0.90:
    fails.append(f"bit-exact accuracy {t['bitexact_acc']:.4f} < 0.90")
if abs(t["bitexact_acc"] - acc["bitexact"]) > 1e-4:
    fails.append("eval's bit-exact accuracy differs from train's")
# the trainer (float32) and hlsgen/ref (float64 sums) run the same QKeras math
if abs(t["quantized_acc"] - acc["qkeras"]) > 0.002 or abs(t["float_acc"] - acc["float"]) > 0.002:
    fails.append("eval's float/QKeras accuracies differ from train's")
if e["agreement"]["qkeras_bitexact"] < 0.98:
    fails.append("QKeras vs bit-exact agreement below 0.98")
for f in fails:
    print("FAIL:", f)
sys.exit(1 if fails else 0)
PYEOF

# the Keras pair goes through the importer again, also with hls4ml's published config
"$H" import "$tmp/m.json" "$tmp/m_weights.h5" -o "$tmp/again.qnn" >/dev/null
cmp -s "$tmp/again.qnn" "$tmp/m.qnn" || fail "re-import differs from the written .qnn"
"$H" import "$tmp/m.json" "$tmp/m_weights.h5" --config "$QNN_SHARED/models/qkeras_mnist_cnn_config.yml" \
	-o "$tmp/cfg.qnn" >/dev/null
"$H" eval "$tmp/cfg.qnn" --data mnist --quiet --json >"$tmp/cfg.json"
"$PY" -c "import json,sys; a=json.load(open('$tmp/cfg.json'))['accuracy']['bitexact']; print(f'with the published hls4ml config: bit-exact {a:.4f}'); sys.exit(0 if a >= 0.88 else 1)" ||
	fail "published-config conversion lost too much accuracy"

# determinism: same seed and threads -> byte-identical outputs
for k in 1 2; do
	"$H" train --epochs 1 --train-limit 2000 --test-limit 200 --seed 5 --threads 2 \
		--progress none -o "$tmp/d$k" >/dev/null
done
for ext in qnn ckpt json _weights.h5; do
	f1="$tmp/d1${ext/#[a-z]/.&}"; f2="$tmp/d2${ext/#[a-z]/.&}"
	cmp -s "$f1" "$f2" || fail "same seed, different $(basename "$f1")"
done
"$H" train --epochs 1 --train-limit 2000 --test-limit 200 --seed 6 --threads 2 \
	--progress none -o "$tmp/new/sub/d3" >/dev/null # -o's directories are created
! cmp -s "$tmp/d1.ckpt" "$tmp/new/sub/d3.ckpt" || fail "another seed gave an identical checkpoint"
echo "determinism: seed 5 twice -> identical .qnn/.ckpt/.json/.h5; seed 6 differs"

# fine-tuning from the checkpoint keeps the model's accuracy level
"$H" train --init "$tmp/m.ckpt" --epochs 1 --lr 1e-4 --prune none --progress none --json \
	-o "$tmp/ft" >"$tmp/ft_result.json"
"$PY" -c "import json,sys; a=json.load(open('$tmp/ft_result.json'))['bitexact_acc']; print(f'fine-tuned 1 epoch from the checkpoint: bit-exact {a:.4f}'); sys.exit(0 if a >= 0.90 else 1)" ||
	fail "fine-tuning from the checkpoint lost accuracy"

# bad input: a clear message and a failing exit status, nothing half-written
if "$H" train --epochs 0 -o "$tmp/bad" 2>"$tmp/err"; then fail "--epochs 0 accepted"; fi
grep -q "epochs" "$tmp/err" || fail "no message for --epochs 0: $(cat "$tmp/err")"
if "$H" train --bits 6/x -o "$tmp/bad" 2>"$tmp/err"; then fail "--bits 6/x accepted"; fi
printf 'garbage' >"$tmp/bad.ckpt"
if "$H" train --init "$tmp/bad.ckpt" -o "$tmp/bad" 2>"$tmp/err"; then fail "garbage checkpoint accepted"; fi
grep -q "checkpoint" "$tmp/err" || fail "no message for a garbage checkpoint: $(cat "$tmp/err")"
if "$H" train --data nosuchset -o "$tmp/bad" 2>"$tmp/err"; then fail "unknown data set accepted"; fi
# an output directory that cannot exist: refused before any training, naming it and errno
if timeout 30 "$H" train --epochs 3 -o "$tmp/bad.ckpt/sub/m" 2>"$tmp/err"; then fail "-o under a file accepted"; fi
grep -q "cannot create directory $tmp/bad.ckpt/sub: Not a directory" "$tmp/err" ||
	fail "-o under a file: '$(cat "$tmp/err")'"
[ ! -e "$tmp/bad.qnn" ] || fail "a failed run left bad.qnn behind"
echo "bad inputs refused: $(wc -l <"$tmp/err") line(s) of message for the last one"
echo "check-train-mnist: ok"
