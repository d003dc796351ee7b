#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0 OR MIT
# A real Prometheus (Debian's) scrapes qnn-oipd while a known load runs;
# afterwards Prometheus's own HTTP API (/api/v1/query) must report exactly
# the requests and samples that were sent, for the front's counters and
# for qnnd's (which the front reads from qnnd), to the sample.
#
# Everything on loopback ports, in a temporary directory: qnnd (sw
# backend, the real MNIST CNN), qnn-oipd, prometheus (1 s scrape
# interval, its own config and TSDB directory).
set -euo pipefail
BIN=${QNN_BIN:-build/bin}
LOAD=${QNN_OIPD_LOAD:?oip_load}
MODEL=${QNN_OIPD_MODEL:?the MNIST CNN .qnn}
fail=0
ok() { echo "  ok   $*"; }
bad() { echo "  FAIL $*"; fail=1; }

tmp=$(mktemp -d /tmp/qnn-oipd-prom-XXXXXX)
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
	for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
	[ -n "${QNN_KEEP_TEST_DIRS:-}" ] || rm -rf "$tmp"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
wait_http() { # url seconds
	for _ in $(seq $(($2 * 10))); do
		curl -sf -o /dev/null "$1" && return 0
		sleep 0.1
	done
	return 1
}

echo '{}' >"$tmp/qnnd.conf"
"$BIN/qnnd" --config "$tmp/qnnd.conf" --socket "$tmp/qnnd.sock" --model "$MODEL" --backend sw \
	--log stderr 2>"$tmp/qnnd.log" &
pids+=($!)
for _ in $(seq 200); do [ -S "$tmp/qnnd.sock" ] && break; sleep 0.1; done
front=$(free_port)
"$BIN/qnn-oipd" --listen "127.0.0.1:$front" --socket "$tmp/qnnd.sock" 2>"$tmp/oipd.log" &
pids+=($!)
wait_http "http://127.0.0.1:$front/v2/health/ready" 20 || { cat "$tmp"/*.log; exit 1; }
model=$(curl -s "http://127.0.0.1:$front/v2" >/dev/null &&
	curl -s "http://127.0.0.1:$front/metrics" | sed -n 's/^qnnd_info{backend="[^"]*",model="\([^"]*\)"} 1$/\1/p')
infer="http://127.0.0.1:$front/v2/models/$model/infer"

prom=$(free_port)
cat >"$tmp/prometheus.yml" <<YML
global:
  scrape_interval: 1s
  scrape_timeout: 900ms
scrape_configs:
  - job_name: qnn-oipd
    static_configs:
      - targets: ["127.0.0.1:$front"]
YML
prometheus --config.file="$tmp/prometheus.yml" --storage.tsdb.path="$tmp/tsdb" \
	--web.listen-address="127.0.0.1:$prom" --log.level=warn 2>"$tmp/prometheus.log" &
pids+=($!)
wait_http "http://127.0.0.1:$prom/-/ready" 60 || { bad "prometheus not ready"; cat "$tmp/prometheus.log"; exit 1; }
api() { curl -s --get "http://127.0.0.1:$prom/api/v1/query" --data-urlencode "query=$1"; }
value() { # PromQL -> its one value, or "none"
	api "$1" | python3 -c 'import json, sys
r = json.load(sys.stdin)["data"]["result"]
print(r[0]["value"][1] if len(r) == 1 else "none")'
}
# Prometheus has scraped the front at least once before the load starts.
for _ in $(seq 100); do [ "$(value 'up{job="qnn-oipd"}')" = 1 ] && break; sleep 0.2; done
[ "$(value 'up{job="qnn-oipd"}')" = 1 ] && ok "prometheus scrapes qnn-oipd (up == 1)" || bad "up != 1"

# The known load, while Prometheus scrapes every second.
echo "  load: 8 clients x 1000 requests x 3 samples (binary), 4 x 40 x 16 (JSON), 1 x 40 x 1, 9 bad"
"$LOAD" http "$infer" 8 1000 3 binary | sed 's/^/    /' &
l1=$!
"$LOAD" http "$infer" 4 40 16 json | sed 's/^/    /' &
l2=$!
"$LOAD" http "$infer" 1 40 1 binary | sed 's/^/    /'
wait $l1 && wait $l2 || bad "the load generator saw failed requests"
for i in $(seq 9); do
	curl -s -o /dev/null -X POST --data-binary '{"inputs": "bad"}' "$infer"
done
want_req=$((8 * 1000 + 4 * 40 + 40)) want_samples=$((8 * 1000 * 3 + 4 * 40 * 16 + 40))
sleep 0.2
# Wait for a scrape that started after the load ended.
end=$(date +%s.%N)
for _ in $(seq 150); do
	# the latest scrape's time
	ts=$(api 'timestamp(up{job="qnn-oipd"})' | python3 -c 'import json, sys
r = json.load(sys.stdin)["data"]["result"]; print(r[0]["value"][1] if r else 0)')
	awk -v a="$ts" -v b="$end" 'BEGIN { exit !(a > b + 0.5) }' && break
	sleep 0.2
done
check() { # PromQL want what
	local got
	got=$(value "$1")
	if [ "$got" = "$2" ]; then ok "$3: $1 = $got"; else bad "$3: $1 = $got, sent $2"; fi
}
check 'qnn_oip_infer_samples_total{outcome="ok"}' $want_samples "front samples"
check 'qnn_oip_infer_requests_total{outcome="ok"}' $want_req "front requests"
check 'qnn_oip_infer_requests_total{outcome="invalid"}' 9 "front bad requests"
check 'qnnd_samples_total' $want_samples "qnnd samples (through the front)"
check 'qnnd_requests_total' $want_req "qnnd requests"
check 'qnn_oip_queue_seconds_count' $want_req "queue-time histogram observations"
check 'sum(qnn_oip_infer_requests_total{outcome=~"busy|timeout|failed"})' 0 "nothing failed"
check 'qnnd_errors_total + qnnd_busy_rejects_total + qnnd_timeouts_total' 0 "qnnd errors"
# The series grew during the load (Prometheus saw it happen, not only the end).
n=$(value 'count_over_time(qnn_oip_infer_samples_total{outcome="ok"}[5m])')
mid=$(value "count_over_time((qnn_oip_infer_samples_total{outcome=\"ok\"} > 0 < $want_samples)[5m:1s])")
[ "$mid" != none ] && [ "$mid" -ge 1 ] &&
	ok "prometheus scraped the counter mid-load ($mid of $n samples between 0 and the total)" ||
	bad "no scrape saw the load in progress (mid-load samples: $mid)"
b=$(value 'qnnd_batches_total')
echo "  qnnd ran $b batches for $want_req requests (batched across HTTP clients)"
exit $fail
