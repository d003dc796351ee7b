#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0 OR MIT
#
# check-qnnctl: qnnctl against a real qnnd (software backend, the lab's CNN)
# on a private socket.
#   classify  every input format (.npy in 3 layouts, one-sample .npy, .f32,
#             idx, PGM P5/P2/16-bit, PNG 8/16-bit grey) gives the classes and
#             the outputs (%.9g, i.e. every float bit) of `hlsgen run` on the
#             same digits; bad files and NaN inputs fail with a clear message
#   status    daemon counters move by exactly what this test sent; devices
#             section explains their absence; unreachable socket -> exit 1
#   bench     accuracy identical to `hlsgen eval` (same engine), the lab's
#             "Classified N samples" line, N clients x S samples, cycling
set -euo pipefail
: "${QNN_SHARED:?}" "${QNN_BIN:?}" "${QNN_DATA:?}"
here=$(dirname "$0")
PY=/usr/bin/python3
Q=$QNN_BIN/qnnctl
tmp=$(mktemp -d)
. "$here/daemon.sh"
trap 'qnnd_stop >/dev/null 2>&1; rm -rf "$tmp"' EXIT
passed=0 failed=0
ok() { passed=$((passed + 1)); echo "PASS: $*"; }
bad() { failed=$((failed + 1)); echo "FAIL: $*"; }

qnn_make_model "$tmp/cnn.qnn"
S=$tmp/qnnd.sock
qnnd_start "$S" "$tmp/cnn.qnn" --backend sw --threads 2 --max-batch 64

# ---- inputs: 40 real test digits in every format, and the reference ----
"$PY" - "$QNN_DATA/mnist/test-images-idx3-ubyte" "$tmp" <<'PYEOF'
import struct, sys, zlib, numpy as np
raw = np.fromfile(sys.argv[1], dtype=np.uint8)[16:].reshape(-1, 28, 28)[:40]
d = sys.argv[2]
x = (raw / np.float32(255)).astype(np.float32)   # what the data-set loader computes
np.save(f"{d}/x_nhwc.npy", x.reshape(-1, 28, 28, 1))
np.save(f"{d}/x_nhw.npy", x.astype(np.float64))
np.save(f"{d}/x_flat.npy", x.reshape(-1, 784))
np.save(f"{d}/one.npy", x[3])                      # one sample, no N axis
np.save(f"{d}/x_u8.npy", raw)                      # as Keras loads MNIST: uint8 pixels
np.save(f"{d}/one_u8.npy", raw[3])
x.astype("<f4").tofile(f"{d}/x.f32")
# idx3 u8, as MNIST ships it
with open(f"{d}/x.idx", "wb") as f:
    f.write(bytes([0, 0, 8, 3]) + struct.pack(">III", 40, 28, 28) + raw.tobytes())
def pgm(path, img, maxval, ascii=False):
    with open(path, "wb") as f:
        f.write(f"{'P2' if ascii else 'P5'}\n# digit\n{img.shape[1]} {img.shape[0]}\n{maxval}\n".encode())
        if ascii:
            f.write("\n".join(" ".join(str(int(v)) for v in row) for row in img).encode() + b"\n")
        else:
            f.write(img.astype(">u2" if maxval > 255 else "u1").tobytes())
def png(path, img, depth):
    rows = img.astype(">u2" if depth == 16 else "u1")
    data = b"".join(b"\0" + r.tobytes() for r in rows)
    def chunk(t, b):
        return struct.pack(">I", len(b)) + t + b + struct.pack(">I", zlib.crc32(t + b))
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 28, 28, depth, 0, 0, 0, 0))
                + chunk(b"IDAT", zlib.compress(data)) + chunk(b"IEND", b""))
pgm(f"{d}/d0.pgm", raw[0], 255)
pgm(f"{d}/d1.pgm", raw[1], 255, ascii=True)
pgm(f"{d}/d2.pgm", raw[2].astype(np.uint32) * 257, 65535)
png(f"{d}/d3.png", raw[3], 8)
png(f"{d}/d4.png", raw[4].astype(np.uint32) * 257, 16)
pgm(f"{d}/small.pgm", raw[0][:10, :10], 255)
with open(f"{d}/trunc.pgm", "wb") as f:
    f.write(b"P5\n28 28\n255\n" + raw[0].tobytes()[:300])
nan = x.copy(); nan[5, 10, 10] = np.nan
nan.astype("<f4").tofile(f"{d}/nan.f32")
PYEOF
"$QNN_BIN/hlsgen" run "$tmp/cnn.qnn" --input "$tmp/x_nhwc.npy" --output "$tmp/ref.npy" --quiet
# The reference lines, as qnnctl prints them: class, then every output (%.9g).
"$PY" - "$tmp/ref.npy" "$tmp" <<'PYEOF'
import sys, numpy as np
y = np.load(sys.argv[1]).astype(np.float32)
with open(sys.argv[2] + "/ref.txt", "w") as f:
    for i, row in enumerate(y):
        c = int(np.argmax(row))                    # first maximum, as the engine
        f.write(f"{i}: class {c}  output {float(row[c]):.9g}\n")
        f.write("  outputs: " + " ".join(f"{float(v):.9g}" for v in row) + "\n")
PYEOF

# qnnctl's lines with the file name stripped: "<i>: class ..." and "  outputs: ..."
norm() { sed -E 's/^[^ ]*\[([0-9]+)\]:/\1:/'; }
ref_of() { # digit i -> its two reference lines, numbered as a one-sample file
	sed -n "$((2 * $1 + 1)),$((2 * $1 + 2))p" "$tmp/ref.txt" | sed -E "s/^$1: /X: /"
}

st0=$("$Q" -s "$S" status --daemon-only)
for f in x_nhwc.npy x_nhw.npy x_flat.npy x.f32 x.idx x_u8.npy; do
	if "$Q" -s "$S" classify --probs "$tmp/$f" | norm >"$tmp/out_$f.txt" &&
		cmp -s "$tmp/out_$f.txt" "$tmp/ref.txt"; then
		ok "classify $f: 40 classes and 400 outputs bit-identical to hlsgen run"
	else
		bad "classify $f differs from hlsgen run"
		diff "$tmp/out_$f.txt" "$tmp/ref.txt" | head -5
	fi
done
for pair in one.npy:3 one_u8.npy:3 d0.pgm:0 d1.pgm:1 d2.pgm:2 d3.png:3 d4.png:4; do
	f=${pair%:*} i=${pair#*:}
	got=$("$Q" -s "$S" classify --probs "$tmp/$f" 2>&1 | sed -E 's/^[^ ]*: class/X: class/') || true
	if [ "$got" = "$(ref_of "$i")" ]; then
		ok "classify $f: digit $i, class and outputs identical to hlsgen run"
	else
		bad "classify $f: got '$got', want '$(ref_of "$i")'"
	fi
done

expect_fail() { # name, pattern, command...
	local name=$1 pat=$2 out rc=0
	shift 2
	out=$("$@" 2>&1) || rc=$?
	if [ $rc -ne 0 ] && grep -q -- "$pat" <<<"$out"; then
		ok "$name: exit $rc, '$(head -1 <<<"$out")'"
	else
		bad "$name: exit $rc, output '$out' (want failure matching '$pat')"
	fi
}
expect_fail "wrong image size" "image is 10x10, the model 'sequential' wants 28x28" \
	"$Q" -s "$S" classify "$tmp/small.pgm"
expect_fail "truncated PGM" "truncated" "$Q" -s "$S" classify "$tmp/trunc.pgm"
expect_fail "missing file" "No such file" "$Q" -s "$S" classify "$tmp/nope.npy"
expect_fail "NaN input" "NaN" "$Q" -s "$S" classify "$tmp/nan.f32"
expect_fail "unreachable daemon" "$tmp/none.sock" "$Q" -s "$tmp/none.sock" status --daemon-only
expect_fail "bad option value" "wants a whole number" "$Q" bench --clients 0x1
expect_fail "usage error" "usage: qnnctl bench" "$Q" bench --nope
expect_fail "unknown command" "unknown command" "$Q" frobnicate

# ---- status: counters moved by exactly what was sent above ----
st1=$("$Q" -s "$S" status --daemon-only)
val() { awk -v k="$1" '$1 == k { print $2 }' <<<"$2"; }
# 6 files x 40 + 7 single samples; the NaN file is refused by libqnn before sending.
want=$((6 * 40 + 7))
got=$(($(val samples "$st1") - $(val samples "$st0")))
if [ "$got" -eq "$want" ] && [ "$(val backend "$st1")" = sw ] && [ "$(val errors "$st1")" = 0 ]; then
	ok "status: samples +$got (= sent), backend sw, errors 0"
else
	bad "status: samples +$got, want +$want; $(grep -E 'backend|errors' <<<"$st1" | tr -s ' ')"
fi
# --json: the same counters, one object; the text says which window the rates cover
if "$Q" -s "$S" status --json >"$tmp/status.json" &&
	"$PY" -c 'import json,sys; r=json.load(open(sys.argv[1])); sys.exit(0 if r["samples"] == int(sys.argv[2]) and r["backend"] == "sw" and r["model"]["n_out"] == 10 and isinstance(r["samples_per_s"], (int, float)) else 1)' \
		"$tmp/status.json" "$(val samples "$st1")" && grep -q "completed statistics interval" <<<"$st1"; then
	ok "status --json: samples $(val samples "$st1") as in the text; the text names the rates' window"
else
	bad "status --json: $(cat "$tmp/status.json")"
fi
devs=$("$Q" -s "$S" status --devices-only) && rc=0 || rc=$?
if [ $rc -eq 0 ] && grep -q '^devices: none' <<<"$devs" && grep -q '^netlink: ' <<<"$devs"; then
	ok "status --devices-only without a driver: says why, exit 0"
else
	bad "status --devices-only: exit $rc, '$devs'"
fi

# ---- bench: the lab's board test through the daemon ----
"$QNN_BIN/hlsgen" eval "$tmp/cnn.qnn" --data mnist --json --quiet >"$tmp/eval.json"
want_acc=$("$PY" -c 'import json,sys; r=json.load(open(sys.argv[1])); print("%.4f" % r["accuracy"]["bitexact"])' "$tmp/eval.json")
n_test=$("$PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))["samples"])' "$tmp/eval.json")
for cfg in "1 1" "8 1" "4 16" "3 7"; do
	set -- $cfg
	out=$("$Q" -s "$S" bench -d mnist -c "$1" -b "$2" --kv) || { bad "bench -c $1 -b $2 failed: $out"; continue; }
	kv=$(grep '^bench ' <<<"$out")
	acc=$(sed -E 's/.*accuracy=([0-9.]+).*/\1/' <<<"$kv")
	if grep -qE "^Classified $n_test samples in [0-9.]+ s \([0-9.]+ inferences/s\)$" <<<"$out" &&
		[ "$acc" = "$want_acc" ] && grep -q ' errors=0 ' <<<"$kv"; then
		ok "bench -c $1 -b $2: accuracy $acc = hlsgen eval's; $(grep '^Classified' <<<"$out")"
	else
		bad "bench -c $1 -b $2: accuracy $acc (hlsgen eval: $want_acc); $out"
	fi
done
out=$("$Q" -s "$S" bench -d mnist -n 4500 -c 8 -b 5 --kv)
if grep -q '^Classified 4500 samples' <<<"$out" && grep -q 'Latency per request: p50 ' <<<"$out"; then
	ok "bench -n 4500 cycles through the $n_test-digit set; $(grep '^Latency' <<<"$out")"
else
	bad "bench -n 4500: $out"
fi

# perf_analyzer/FINN-style rows: 2 concurrencies x 2 request sizes, queue/run split, the fit;
# from / without $QNN_DATA: the data set is found beside the executable (build/bin -> build/data)
if (cd / && env -u QNN_DATA "$Q" -s "$S" bench -n 600 --concurrency-range 1:3:2 \
	--per-request-range 1:8:7 --json) >"$tmp/bench.json" 2>"$tmp/bench.err" &&
	"$PY" - "$tmp/bench.json" "$want_acc" <<'PYEOF'
import json, sys
r = json.load(open(sys.argv[1]))
rows = r["rows"]
assert [(w["clients"], w["per_request"]) for w in rows] == [(1, 1), (3, 1), (1, 8), (3, 8)], rows
for w in rows:
    assert w["samples"] == 600 and w["errors"] == 0, w
    assert f"{w['accuracy']:.4f}" == sys.argv[2] or w["samples"] != 2000, w
    assert w["p50_us"] <= w["p90_us"] <= w["p95_us"] <= w["p99_us"] <= w["max_us"], w
    assert w["run_mean_us"] > 0 and w["queue_mean_us"] >= 0, w
    assert w["run_mean_us"] + w["queue_mean_us"] <= w["mean_us"] + 1, w
# two request sizes: the least-squares line passes through both rows' medians
f = r["fit"]
assert f["clients"] == 1, f
for w in rows[0], rows[2]:
    y = f["overhead_us"] + w["per_request"] * f["per_sample_us"]
    assert abs(y - w["p50_us"]) <= 1e-6 * max(1.0, w["p50_us"]), (f, w)
print(f"fit: overhead {f['overhead_us']:.1f} us, per sample {f['per_sample_us']:.2f} us")
PYEOF
then
	ok "bench --concurrency-range/--per-request-range --json from /: 4 rows, p50<=p90<=p95<=p99, queue+run <= request time, FINN fit"
else
	bad "bench ranges/json: $(cat "$tmp/bench.err") $(head -c 600 "$tmp/bench.json")"
fi
csv=$("$Q" -s "$S" bench -n 100 -b 4 --csv)
if [ "$(wc -l <<<"$csv")" -eq 2 ] && grep -q '^clients,per_request,samples,.*,p95_us,.*queue_mean_us' <<<"$csv" &&
	grep -q '^1,4,100,' <<<"$csv"; then
	ok "bench --csv: header and one row"
else
	bad "bench --csv: '$csv'"
fi

if qnnd_stop; then ok "qnnd stopped cleanly (SIGTERM, exit 0)"; else bad "qnnd exit status"; fi
echo "check-qnnctl: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
