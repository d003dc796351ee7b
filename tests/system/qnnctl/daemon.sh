# SPDX-License-Identifier: GPL-2.0 OR MIT
# Sourced by the qnnctl and systemd system tests: the lab's model and a
# real qnnd (software backend) on a private socket.
#   qnn_make_model OUT.qnn          import the lab's QKeras CNN with hlsgen
#   qnnd_start SOCK MODEL [ARGS..]  start qnnd, wait until it answers
#   qnnd_stop                       SIGTERM it and wait (fails on a bad exit)
# Needs QNN_BIN and QNN_SHARED.

qnn_make_model() {
	local m=$QNN_SHARED/models
	"$QNN_BIN/hlsgen" import "$m/qkeras_mnist_cnn.json" "$m/qkeras_mnist_cnn_weights.h5" \
		--config "$m/qkeras_mnist_cnn_config.yml" -o "$1" >/dev/null
}

qnnd_start() {
	local sock=$1 model=$2
	shift 2
	QNND_LOG=${QNND_LOG:-$(dirname "$sock")/qnnd.log}
	"$QNN_BIN/qnnd" --config /dev/null --socket "$sock" --model "$model" --log stderr "$@" \
		>"$QNND_LOG" 2>&1 &
	QNND_PID=$!
	for _ in $(seq 100); do
		"$QNN_BIN/qnnctl" -s "$sock" status --daemon-only >/dev/null 2>&1 && return 0
		kill -0 "$QNND_PID" 2>/dev/null || break
		sleep 0.1
	done
	echo "qnnd did not come up; its log:" >&2
	cat "$QNND_LOG" >&2
	return 1
}

qnnd_stop() {
	[ -n "${QNND_PID:-}" ] || return 0
	local rc=0
	kill -TERM "$QNND_PID" 2>/dev/null || true
	wait "$QNND_PID" || rc=$?
	QNND_PID=
	[ $rc -eq 0 ] || { echo "qnnd exited with status $rc; its log:" >&2; cat "$QNND_LOG" >&2; }
	return $rc
}
