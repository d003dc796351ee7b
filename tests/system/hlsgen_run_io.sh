#!/usr/bin/env bash
# check-hlsgen-run: `hlsgen run` on inputs saved the way the lab saves them
# (numpy's np.save: float64 and float32, (N, 28, 28, 1), (N, 28, 28) and
# (N, 784)) and as raw .f32, all giving identical outputs; thread count,
# --trace and the engine's scalar reference kernels do not change them; the trace's last layer is the output; bad
# inputs (NaN, wrong shape, Fortran order) and bad option numbers are refused with a clear error.
set -euo pipefail
: "${QNN_SHARED:?}" "${QNN_BIN:?}" "${QNN_DATA:?}"
PY=/usr/bin/python3 # Debian's python3 with python3-numpy
H=$QNN_BIN/hlsgen
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
m=$QNN_SHARED/models
fail() { echo "FAIL: $*"; exit 1; }

"$H" import "$m/qkeras_mnist_cnn.json" "$m/qkeras_mnist_cnn_weights.h5" \
	--config "$m/qkeras_mnist_cnn_config.yml" -o "$tmp/cnn.qnn"

# 300 test digits from the idx files, saved in every accepted layout
"$PY" - "$QNN_DATA/mnist/test-images-idx3-ubyte" "$tmp" <<'PYEOF'
import sys, numpy as np
raw = np.fromfile(sys.argv[1], dtype=np.uint8)[16:].reshape(-1, 28, 28)[:300]
x = raw / 255.0
d = sys.argv[2]
np.save(f"{d}/x64.npy", x.reshape(-1, 28, 28, 1))
np.save(f"{d}/x32_hw.npy", x.astype(np.float32))
np.save(f"{d}/x32_flat.npy", x.astype(np.float32).reshape(-1, 784))
x.astype("<f4").tofile(f"{d}/x.f32")
bad = x.astype(np.float32).copy(); bad[7, 3, 4] = np.nan
np.save(f"{d}/nan.npy", bad)
np.save(f"{d}/shape.npy", x[:, :27, :].astype(np.float32))
np.save(f"{d}/fortran.npy", np.asfortranarray(x.reshape(-1, 784)))
# the input rule (hlsgen_io.h): uint8/uint16 are pixels / dtype max, floats as they are
np.save(f"{d}/x_u8.npy", raw)
np.save(f"{d}/x_u16.npy", raw.astype(np.uint16) * 257)
np.save(f"{d}/unscaled.npy", raw.astype(np.float32))
np.save(f"{d}/int64.npy", raw.astype(np.int64))
PYEOF

for f in x64.npy x32_hw.npy x32_flat.npy x.f32 x_u8.npy x_u16.npy; do
	"$H" run "$tmp/cnn.qnn" --input "$tmp/$f" --output "$tmp/y_$f.npy" --quiet
done
"$H" run "$tmp/cnn.qnn" --input "$tmp/x64.npy" --output "$tmp/y.f32" --threads 1 --quiet
"$H" run "$tmp/cnn.qnn" --input "$tmp/x64.npy" --output "$tmp/y_trace.npy" --trace "$tmp/trace" --quiet
"$H" run "$tmp/cnn.qnn" --input "$tmp/x64.npy" --output "$tmp/y_reference.npy" --reference --quiet

"$PY" - "$tmp" "$QNN_DATA/mnist/test-labels-idx1-ubyte" <<'PYEOF'
import glob, sys, numpy as np
d = sys.argv[1]
ref = np.load(f"{d}/y_x64.npy.npy")
assert ref.dtype == np.float32 and ref.shape == (300, 10), (ref.dtype, ref.shape)
for f in ("x32_hw.npy", "x32_flat.npy", "x.f32", "x_u8.npy", "x_u16.npy"):
    assert np.array_equal(np.load(f"{d}/y_{f}.npy"), ref), f
assert np.array_equal(np.fromfile(f"{d}/y.f32", dtype="<f4").reshape(300, 10), ref), "1 thread, .f32"
assert np.array_equal(np.load(f"{d}/y_trace.npy"), ref), "--trace changed the output"
assert np.array_equal(np.load(f"{d}/y_reference.npy"), ref), "SIMD and scalar reference kernels differ"
layers = sorted(glob.glob(f"{d}/trace/*.npy"))
assert len(layers) >= 8, layers
last = np.load(layers[-1])
assert np.array_equal(last.reshape(300, -1), ref), f"{layers[-1]} differs from the output"
first = np.load(layers[0])
assert first.shape == (300, 26, 26, 16), (layers[0], first.shape)
# softmax outputs: non-negative, and the classes mostly right
labels = np.fromfile(sys.argv[2], dtype=np.uint8)[8:][:300]
acc = float((ref.argmax(axis=1) == labels).mean())
assert (ref >= 0).all() and acc > 0.9, acc
print(f"run: outputs identical across 4 input layouts and uint8/uint16 pixels, .f32 output, 1 vs all threads and "
      f"--trace ({len(layers)} trace files), SIMD = scalar reference kernels; accuracy on 300 digits {acc:.3f}")
PYEOF

expect_error() { # file, pattern
	if "$H" run "$tmp/cnn.qnn" --input "$tmp/$1" --output "$tmp/bad.npy" --quiet 2>"$tmp/err"; then
		fail "$1 accepted"
	fi
	grep -q -- "$2" "$tmp/err" || fail "$1: message '$(cat "$tmp/err")' lacks '$2'"
	echo "refused $1: $(cat "$tmp/err")"
}
expect_error nan.npy "sample 7"
expect_error shape.npy "(N, 28, 28, 1)"
expect_error fortran.npy "Fortran"
expect_error int64.npy "int64 arrays are not model inputs"
# unscaled 0..255 floats run (a model may want them) but never silently
"$H" run "$tmp/cnn.qnn" --input "$tmp/unscaled.npy" --output "$tmp/u.npy" --quiet 2>"$tmp/err" ||
	fail "unscaled.npy refused: $(cat "$tmp/err")"
grep -q "^hlsgen: warning: .*unscaled.npy: float32 values are whole numbers in 0..255" "$tmp/err" ||
	fail "unscaled.npy: no warning: '$(cat "$tmp/err")'"
echo "warned on unscaled.npy: $(cat "$tmp/err")"
"$H" run "$tmp/cnn.qnn" --input "$tmp/nan.npy" --output "$tmp/nan_out.npy" --allow-nonfinite --quiet \
	2>/dev/null || fail "--allow-nonfinite refused"
# Numeric options are whole numbers in range, or a clear error.
for t in 2x -1 "" 0 99999999999999999999; do
	if "$H" run "$tmp/cnn.qnn" --input "$tmp/x.f32" --output "$tmp/bad.npy" --threads "$t" \
		--quiet 2>"$tmp/err"; then
		fail "--threads '$t' accepted"
	fi
	grep -q -- "--threads: \"$t\" is not a whole number" "$tmp/err" ||
		fail "--threads '$t': message '$(cat "$tmp/err")'"
done
echo "refused --threads 2x, -1, '', 0, 2^66"
# issue 13: the data sets from any directory (../data beside the executable), eval -o,
# JSON numbers in their shortest round-trip form
(cd / && env -u QNN_DATA "$H" eval "$tmp/cnn.qnn" --data mnist --limit 200 --json --quiet \
	-o "$tmp/ev.json") || fail "eval --data mnist from / without QNN_DATA"
"$PY" - "$tmp/ev.json" <<'PYEOF'
import json, sys
text = open(sys.argv[1]).read()
# every float as Python's repr writes it: the shortest string that reads back the same
def shortest(s):
    assert s == repr(float(s)) or "e" in s, f"{s} is not the shortest round trip ({float(s)!r})"
    return float(s)
r = json.loads(text, parse_float=shortest)
assert r["samples"] == 200 and 0.9 < r["accuracy"]["bitexact"] <= 1, r
print("eval from / without QNN_DATA:", r["accuracy"]["bitexact"], "(shortest JSON floats)")
PYEOF
# import --json: the per-layer summary as one object
"$H" import "$m/qkeras_mnist_cnn.json" "$m/qkeras_mnist_cnn_weights.h5" \
	--config "$m/qkeras_mnist_cnn_config.yml" --json -o "$tmp/cnn_j.qnn" >"$tmp/import.json" 2>/dev/null
"$PY" - "$tmp/import.json" <<'PYEOF'
import json, sys
r = json.load(open(sys.argv[1]))
assert r["input"] == [28, 28, 1] and r["n_out"] == 10, r
sm = r["layers"][-1]
assert sm["kind"] == "softmax" and sm["table_size"] == 1024, sm
assert sm["inv_table_t"] == "ap_fixed<18,4,AP_RND,AP_SAT>", sm
print("import --json:", len(r["layers"]), "layers, softmax", sm["implementation"])
PYEOF
cmp -s "$tmp/cnn.qnn" "$tmp/cnn_j.qnn" || fail "--json changed the model file"
# conventions: --version, the missing option named, getopt errors name the program
"$H" --version | grep -qE '^hlsgen [0-9]' || fail "hlsgen --version"
if "$H" run "$tmp/cnn.qnn" --input "$tmp/x64.npy" 2>"$tmp/err"; then fail "run without -o accepted"; fi
grep -q "^hlsgen run: --output FILE is required" "$tmp/err" || fail "missing -o: $(head -1 "$tmp/err")"
if "$H" run --bogus 2>"$tmp/err"; then fail "--bogus accepted"; fi
grep -q "^hlsgen run: unrecognized option '--bogus'" "$tmp/err" || fail "getopt: $(head -1 "$tmp/err")"
"$H" run --help | grep -q -- "-o, --output FILE" || fail "run --help lacks -o"
echo "--version, missing option named, getopt errors prefixed"
echo "check-hlsgen-run: ok"
