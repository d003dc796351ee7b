#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0 OR MIT
# docs/fleet/*.yaml and prometheus.yml, checked with what Debian has
# (no kubeconform/kubeval here): yamllint; the structural check
# (fleet_check.py: the Kubernetes client's models, cross-references, the
# real qnn-oipd/qnnd parsing their command lines); promtool for the
# Prometheus configuration (Debian's Prometheus is built without Kubernetes
# service discovery, so promtool checks a copy without that job; its
# relabelling is checked by fleet_check.py). Then the checker is shown a
# broken copy and must refuse it.
set -euo pipefail
BIN=${QNN_BIN:-build/bin}
MODEL=${QNN_OIPD_MODEL:?the MNIST CNN .qnn}
docs=docs/fleet
fail=0
ok() { echo "  ok   $*"; }
bad() { echo "  FAIL $*"; fail=1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

lint='{extends: default, rules: {line-length: {max: 100}, document-start: disable}}'
if out=$(yamllint -f parsable -d "$lint" "$docs"); then
	ok "yamllint $docs: clean"
else
	bad "yamllint: $out"
fi
/usr/bin/python3 tests/system/oipd/fleet_check.py "$docs" "$BIN" "$MODEL" || fail=1
/usr/bin/python3 - "$docs/prometheus.yml" "$tmp/static.yml" <<'PY'
import sys, yaml
c = yaml.safe_load(open(sys.argv[1]))
c["scrape_configs"] = [j for j in c["scrape_configs"] if "kubernetes_sd_configs" not in j]
yaml.safe_dump(c, open(sys.argv[2], "w"))
PY
if out=$(promtool check config "$tmp/static.yml" 2>&1); then
	ok "promtool check config (static jobs of prometheus.yml): $(tail -1 <<<"$out" | xargs)"
else
	bad "promtool: $out"
fi
# The checker must catch a misspelled field, a dangling mount, an unknown flag.
mkdir -p "$tmp/broken"
cp "$docs"/*.yaml "$docs/prometheus.yml" "$tmp/broken/"
sed -i 's/^          readinessProbe:/          readinesProbe:/' "$tmp/broken/qnn-node.yaml"
sed -i 's/--idle-timeout/--idle-timeuot/' "$tmp/broken/qnn-node.yaml"
sed -i 's/mountPath: \/etc\/qnn$/mountPath: \/etc\/qnn\n            subPathh: x/' "$tmp/broken/inferenceservice.yaml"
n=$(/usr/bin/python3 tests/system/oipd/fleet_check.py "$tmp/broken" "$BIN" "$MODEL" 2>&1 |
	grep -c FAIL || true)
[ "$n" -ge 3 ] && ok "a broken copy (misspelled field, unknown flag, unknown mount field): $n failures" ||
	bad "the checker missed errors in a broken copy ($n failures)"
exit $fail
