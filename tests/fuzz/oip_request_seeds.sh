#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0 OR MIT
# Seeds for fuzz_oip_request: valid Open Inference Protocol requests (JSON
# and binary-tensor forms) in the target's input layout: 2 bytes saying
# where the JSON ends (ff ff = the whole body), then the body.
set -euo pipefail
out=$1
python3 - "$out" <<'PY'
import json, struct, sys
out = sys.argv[1]
def seed(name, js, binary=b"", whole=True):
    j = json.dumps(js).encode()
    head = b"\xff\xff" if whole else struct.pack("<H", len(j))
    open(f"{out}/{name}", "wb").write(head + j + binary)
inp = lambda shape, dt, **kw: {"name": "input", "shape": shape, "datatype": dt, **kw}
seed("fp32_flat", {"id": "a", "inputs": [inp([1, 784], "FP32", data=[0.5] * 784)]})
seed("u8_nhwc", {"inputs": [inp([2, 28, 28, 1], "UINT8", data=[i % 256 for i in range(1568)])],
                 "outputs": [{"name": "class"}, {"name": "output", "parameters": {"binary_data": True}}]})
seed("fp32_nested", {"inputs": [inp([1, 28, 28, 1], "FP32", data=[[[[0.25]] * 28] * 28])]})
seed("u8_binary", {"inputs": [inp([1, 784], "UINT8", parameters={"binary_data_size": 784})],
                   "parameters": {"binary_data_output": True}}, bytes(range(256)) * 3 + bytes(16), whole=False)
seed("fp32_binary", {"inputs": [inp([1, 784], "FP32", parameters={"binary_data_size": 3136})]},
     struct.pack("<784f", *([0.125] * 784)), whole=False)
PY
