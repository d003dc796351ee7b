#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0 OR MIT
# qnn-oipd's systemd units as the qnn-oipd package installs them
# (packaging/debian/qnn-oipd.install): systemd-analyze verify must be
# clean, systemd-analyze security's exposure at most 2.0 (as qnnd's), and
# the sandbox must keep the promises the unit's comments make.
set -euo pipefail
BIN=${QNN_BIN:-build/bin}
MAX_EXPOSURE=2.0
fail=0
ok() { echo "  ok   $*"; }
bad() { echo "  FAIL $*"; fail=1; }

vr=$(mktemp -d)
trap 'rm -rf "$vr"' EXIT
mkdir -p "$vr/lib/systemd/system" "$vr/usr/sbin" "$vr/usr/share/man/man8" "$vr/bin"
while read -r src dst; do
	case $src in
	build/bin/qnn-oipd) cp "$BIN/qnn-oipd" "$vr/$dst" ;;
	*) mkdir -p "$vr/$dst" && cp "$src" "$vr/$dst" ;;
	esac
done <packaging/debian/qnn-oipd.install
gzip -c daemon/oipd/qnn-oipd.8 >"$vr/usr/share/man/man8/qnn-oipd.8.gz"
cp -a /lib/systemd/system/*.target "$vr/lib/systemd/system/"
# After=/Wants= name qnnd.socket: give verify the real one.
cp packaging/systemd/qnnd.socket "$vr/lib/systemd/system/"
out=$(MANPATH="$vr/usr/share/man" systemd-analyze verify --root="$vr" qnn-oipd.socket \
	qnn-oipd.service 2>&1) && rc=0 || rc=$?
if [ $rc -eq 0 ] && [ -z "$out" ]; then
	ok "systemd-analyze verify qnn-oipd.socket qnn-oipd.service: clean"
else
	bad "systemd-analyze verify (exit $rc): $out"
fi
sec=$(systemd-analyze security --offline=yes --root="$vr" qnn-oipd.service 2>&1)
score=$(sed -n 's/.*Overall exposure level for qnn-oipd.service: \([0-9.]*\).*/\1/p' <<<"$sec")
if [ -n "$score" ] && awk -v s="$score" -v m="$MAX_EXPOSURE" 'BEGIN { exit !(s <= m) }'; then
	ok "systemd-analyze security qnn-oipd.service: exposure $score (<= $MAX_EXPOSURE)"
else
	bad "systemd-analyze security: exposure '$score' > $MAX_EXPOSURE"
fi
unit=$vr/lib/systemd/system/qnn-oipd.service
for want in DynamicUser=yes PrivateDevices=yes DevicePolicy=closed IPAddressDeny=any \
	'RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6' NoNewPrivileges=yes; do
	grep -qx "$want" "$unit" && ok "qnn-oipd.service: $want" || bad "qnn-oipd.service lacks $want"
done
grep -q '^DeviceAllow=' "$unit" && bad "qnn-oipd.service allows a device" ||
	ok "qnn-oipd.service: no DeviceAllow= (no device at all)"
grep -qx 'ListenStream=127.0.0.1:8000' "$vr/lib/systemd/system/qnn-oipd.socket" &&
	ok "qnn-oipd.socket: loopback only" || bad "qnn-oipd.socket listens beyond loopback"
# Socket activation for real: systemd-socket-activate passes the socket
# (LISTEN_FDS) as systemd does; the front serves on it without binding.
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
systemd-socket-activate -l "127.0.0.1:$port" "$BIN/qnn-oipd" --listen 127.0.0.1:1 \
	--socket "$vr/no-qnnd.sock" 2>"$vr/activate.log" &
act=$!
live=000
for _ in $(seq 100); do
	live=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/v2/health/live" || true)
	[ "$live" = 200 ] && break
	sleep 0.1
done
ready=$(curl -s -w ' %{http_code}' "http://127.0.0.1:$port/v2/health/ready" || true)
kill -TERM $act 2>/dev/null || true
wait $act 2>/dev/null || true
[ "$live" = 200 ] && ok "socket-activated (LISTEN_FDS) qnn-oipd answers /v2/health/live" ||
	bad "socket activation: live $live ($(cat "$vr/activate.log"))"
[ "$ready" = '{"ready":false} 400' ] && ok "without qnnd: /v2/health/ready is $ready" ||
	bad "without qnnd: /v2/health/ready answered '$ready'"
exit $fail
