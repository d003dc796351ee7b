#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR MIT
#
# Inside the booted Debian guest (tests/system/systemd/run.sh), as root,
# with the packages qnnd, libqnn1, qnn-tools and qnn-oipd installed by dpkg, the lab's
# model at the shipped config's path, users alice (group qnn) and bob.
# Every check prints "QNN-SYSTEMD PASS|FAIL <what>"; the last line is
# "QNN-SYSTEMD N passed, M failed".
set -u
export QNN_DATA=/srv/qnn/data
passed=0 failed=0
ok() { passed=$((passed + 1)); echo "QNN-SYSTEMD PASS $*"; }
bad() { failed=$((failed + 1)); echo "QNN-SYSTEMD FAIL $*"; }
check() { # description, condition (a shell expression, evaluated here)
	if eval "$2"; then ok "$1"; else bad "$1"; fi
}
prop() { systemctl show -p "$1" --value "${2:-qnnd.service}"; }
wait_for() { # seconds, command...: poll until the command succeeds
	local end=$((SECONDS + $1))
	shift
	until "$@"; do
		[ $SECONDS -ge $end ] && return 1
		sleep 0.5
	done
}
active() { [ "$(systemctl is-active "$1")" = active ]; }
as_alice() { runuser -u alice -- env QNN_DATA="$QNN_DATA" "$@"; }
echo "QNN-SYSTEMD start: $(uname -r), systemd $(systemctl --version | head -1 | cut -d' ' -f2)"

# ---- 1. units up at boot, socket as packaged ----
if wait_for 120 active qnnd.service; then
	ok "qnnd.service active after boot (Type=notify: READY=1 after the self-test)"
else
	bad "qnnd.service not active: $(systemctl status qnnd.service --no-pager 2>&1 | head -20)"
fi
check "qnnd.socket active" \
	'active qnnd.socket'
perm=$(stat -c '%a %U %G' /run/qnn/qnnd.sock 2>&1)
check "socket /run/qnn/qnnd.sock is 660 root:qnn (got '$perm')" \
	'[ "$perm" = "660 root qnn" ]'
status=$(prop StatusText)
check "STATUS= reaches systemd: '$status'" \
	'[ -n "$status" ]'

# ---- 2. who qnnd runs as, and what it may do ----
pid=$(prop MainPID)
st=/proc/$pid/status
uid=$(awk '/^Uid:/ { print $2 }' "$st")
qnn_gid=$(getent group qnn | cut -d: -f3)
check "DynamicUser: qnnd runs as uid $uid ($(prop User)), not root" \
	'[ -n "$uid" ] && [ "$uid" != 0 ]'
check "supplementary group qnn ($qnn_gid) for /dev/qnn*: Groups '$(awk '/^Groups:/ { $1 = ""; print }' "$st")'" \
	'grep -qE "^Groups:.*\b$qnn_gid\b" "$st"'
check "no capabilities (CapEff $(awk '/^CapEff:/ { print $2 }' "$st"))" \
	'grep -qE "^CapEff:\s+0+\$" "$st"'
check "NoNewPrivileges" \
	'grep -qE "^NoNewPrivs:\s+1\$" "$st"'
check "seccomp filter (SystemCallFilter)" \
	'grep -qE "^Seccomp:\s+2\$" "$st"'
# The unit's filter lets io_uring through (qnnd rings the clients' doorbells with it).
bells=$(journalctl -u qnnd.service -b --no-pager -o cat | grep -o 'client doorbells: [^)]*' | tail -1)
check "seccomp allows the doorbells' io_uring ('$bells')" \
	'[ "${bells#client doorbells: io_uring}" != "$bells" ]'
rootfs=$(awk '$5 == "/" { print $6 }' "/proc/$pid/mountinfo" | head -1)
check "ProtectSystem=strict: / is read-only for qnnd ($rootfs)" \
	'grep -q "^ro" <<<"$rootfs"'
nofile=$(awk '/^Max open files/ { print $4, $5 }' "/proc/$pid/limits")
check "LimitNOFILE=4096 (unit: $(prop LimitNOFILE), qnnd's soft/hard: $nofile)" \
	'[ "$(prop LimitNOFILE)" = 4096 ] && [ "$nofile" = "4096 4096" ]'
home=$(awk '$5 == "/home" { print $6 }' "/proc/$pid/mountinfo" | head -1)
check "ProtectHome: /home hidden from qnnd ($home)" \
	'[ -n "$home" ]'
sec=$(systemd-analyze security qnnd.service 2>&1 | sed -n 's/.*Overall exposure level for qnnd.service: \([0-9.]*\).*/\1/p')
check "systemd-analyze security (live): exposure $sec <= 2.0" \
	'awk -v s="${sec:-99}" "BEGIN { exit !(s <= 2.0) }"'

# ---- 2b. devices: qnn loaded at boot, DeviceAllow=char-qnn in qnnd's cgroup ----
# No accelerator exists in this guest, but the driver registers its char
# major ("qnn" in /proc/devices) when it loads. The device policy systemd
# attached to qnnd's cgroup is probed by a process moved into that cgroup:
# a qnn node must get past it (ENXIO: no device bound to that minor),
# /dev/mem must not (EPERM), while outside the cgroup root may read it.
major=$(awk '$2 == "qnn" { print $1 }' /proc/devices)
check "modules-load.d/qnn.conf: qnn.ko loaded at boot (char major '$major')" \
	'[ -n "$major" ]'
mknod -m 660 /dev/qnn-probe c "${major:-0}" 0 && chgrp qnn /dev/qnn-probe
mknod -m 600 /dev/mem-probe c 1 1
cg=/sys/fs/cgroup/system.slice/qnnd.service
in_qnnd_cgroup() { sh -c 'echo $$ >"$1/cgroup.procs" && exec head -c1 "$2" >/dev/null' sh "$cg" "$1" 2>&1; }
out_q=$(in_qnnd_cgroup /dev/qnn-probe)
out_m=$(in_qnnd_cgroup /dev/mem-probe)
out_o=$(head -c1 /dev/mem-probe 2>&1 >/dev/null) && orc=0 || orc=$?
check "DeviceAllow=char-qnn: a qnn node passes qnnd's device policy ('$out_q')" \
	'grep -q "No such device or address" <<<"$out_q"'
check "DevicePolicy=closed: /dev/mem is denied in qnnd's cgroup ('$out_m'), readable outside (exit $orc)" \
	'grep -q "Operation not permitted" <<<"$out_m" && [ $orc -eq 0 ]'
rm -f /dev/qnn-probe /dev/mem-probe
check "udev rule installed where udev reads it" '[ -f /lib/udev/rules.d/60-qnn.rules ]'

# ---- 3. clients: group qnn may, others may not ----
if as_alice qnnctl classify --probs /srv/qnn/digits.npy >/tmp/got.txt 2>&1 &&
	sed -E 's/^[^ ]*\[([0-9]+)\]:/\1:/' /tmp/got.txt | cmp -s - /srv/qnn/expected.txt; then
	ok "alice (group qnn): qnnctl classify of 20 digits bit-identical to hlsgen run on the host"
else
	bad "alice classify: $(head -5 /tmp/got.txt)"
fi
out=$(runuser -u bob -- qnnctl status --daemon-only 2>&1) && rc=0 || rc=$?
check "bob (not in qnn) is refused: exit $rc, '$out'" \
	'[ $rc -ne 0 ] && grep -q "Permission denied" <<<"$out"'
alice_uid=$(id -u alice)
peer() { journalctl -u qnnd.service -o export QNN_EVENT=connect "QNN_PEER_UID=$alice_uid" | grep -aq '^QNN_PEER_PID='; }
check "journal: connect record with alice's SO_PEERCRED (QNN_PEER_UID=$alice_uid)" \
	'wait_for 10 peer'
stats_rec() { journalctl -u qnnd.service -o export QNN_EVENT=stats | grep -aq '^QNN_SAMPLES_PER_S='; }
wait_for 30 stats_rec
rec=$(journalctl -u qnnd.service -o export QNN_EVENT=stats | grep -aE '^QNN_(SAMPLES_PER_S|BATCH_AVG|LATENCY_P99_US|BACKEND)=' | tail -4 | tr '\n' ' ')
check "journal: periodic throughput record: $rec" \
	'grep -q "QNN_SAMPLES_PER_S=" <<<"$rec" && grep -q "QNN_BACKEND=sw" <<<"$rec"'

# ---- 4. reload under load: no client sees an error ----
# (2400 samples take ~8 s under TCG: long enough for the reload to land mid-run.)
pid0=$(prop MainPID)
as_alice qnnctl bench -d mnist -n 2400 -c 4 -b 4 --kv >/tmp/bench.txt 2>&1 &
bench=$!
sleep 0.5
systemctl reload qnnd.service # ExecReload=qnnd --reload: returns once the reload ran
kill -0 $bench 2>/dev/null && during=yes || during=no
wait $bench && brc=0 || brc=$?
kv=$(grep '^bench ' /tmp/bench.txt)
check "reload (SIGHUP) during a 4-client bench (still running after the reload: $during): bench exit $brc, $(grep -o 'samples=[0-9]* .*errors=[0-9]*' <<<"$kv" | cut -d' ' -f1,11,12)" \
	'[ $during = yes ] && [ $brc -eq 0 ] && grep -q " errors=0 " <<<"$kv" && grep -q "samples=2400 " <<<"$kv"'
reloads=$(as_alice qnnctl status --daemon-only | awk '$1 == "reloads" { print $2 }')
check "same process after reload (MainPID $pid0 -> $(prop MainPID)), reloads counter $reloads" \
	'[ "$(prop MainPID)" = "$pid0" ] && [ "${reloads:-0}" -ge 1 ]'
check "bench through the daemon: $(grep '^Classified' /tmp/bench.txt)" \
	'grep -q "^Classified 2400 samples" /tmp/bench.txt'

# ---- 4b. systemctl reload returns once the reload took effect, or fails with the reason ----
# systemd 252 has no Type=notify-reload: ExecReload=qnnd --reload asks qnnd over its socket
# and waits for the answer, so the new setting is visible the moment systemctl returns.
conf=/etc/qnn/qnnd.conf
cp "$conf" /tmp/qnnd.conf.orig
max_batch() { as_alice qnnctl status --daemon-only | awk '$1 == "max_batch" { print $2 }'; }
reload_recs() { journalctl -u qnnd.service -o export QNN_EVENT=reload | grep -ac '^QNN_RELOAD_RESULT='; }
recs0=$(reload_recs)
printf 'max_batch: 17\n' >>"$conf"
systemctl reload qnnd.service && rc=0 || rc=$?
got=$(max_batch)
check "systemctl reload (exit $rc) returns with the new max_batch in effect: $got" \
	'[ $rc -eq 0 ] && [ "$got" = 17 ]'
printf 'max_batch: 0\n' >>"$conf"
out=$(systemctl reload qnnd.service 2>&1) && rc=0 || rc=$?
got=$(max_batch)
why=$(journalctl -u qnnd.service -o export QNN_EVENT=reload QNN_RELOAD_RESULT=refused | grep -a '^QNN_RELOAD_ERROR=' | tail -1)
check "a refused reload fails systemctl reload (exit $rc), keeps max_batch $got, journal: $why" \
	'[ $rc -ne 0 ] && [ "$got" = 17 ] && grep -q "max_batch" <<<"$why"'
cp /tmp/qnnd.conf.orig "$conf"
systemctl reload qnnd.service && rc=0 || rc=$?
gen=$(journalctl -u qnnd.service -o export QNN_EVENT=reload | grep -a '^QNN_RELOAD_GENERATION=' | tail -1)
recs=$(reload_recs)
check "config restored, reload exit $rc; each reload one journal record ($recs0 -> $recs, last $gen)" \
	'[ $rc -eq 0 ] && [ $((recs - recs0)) -eq 3 ] && [ "$(max_batch)" != 17 ]'

# ---- 5. socket activation: a client starts the stopped service ----
systemctl stop qnnd.service
check "stop: SIGTERM drain, clean exit (Result=$(prop Result), status $(prop ExecMainStatus))" \
	'[ "$(prop Result)" = success ] && [ "$(prop ExecMainStatus)" = 0 ]'
check "socket stays active while the service is stopped" \
	'active qnnd.socket'
out=$(as_alice qnnctl status --daemon-only 2>&1) && rc=0 || rc=$?
check "a client's connect starts qnnd.service again (qnnctl exit $rc)" \
	'[ $rc -eq 0 ] && active qnnd.service'
pid1=$(prop MainPID)
check "new process after activation ($pid0 -> $pid1)" \
	'[ "$pid1" != "$pid0" ] && [ "$pid1" != 0 ]'

# ---- 6. watchdog: a hung qnnd is killed and restarted ----
n0=$(prop NRestarts)
check "no watchdog restarts while healthy (NRestarts $n0)" \
	'[ "$n0" = 0 ]'
kill -STOP "$pid1"
restarted() { active qnnd.service && [ "$(prop MainPID)" != "$pid1" ] && [ "$(prop MainPID)" != 0 ]; }
if wait_for 60 restarted; then
	ok "SIGSTOPped qnnd: watchdog fired, restarted (NRestarts $(prop NRestarts), MainPID $(prop MainPID))"
else
	bad "watchdog: still $(prop MainPID), $(systemctl is-active qnnd.service)"
fi
check "journal names the watchdog timeout" \
	'journalctl -u qnnd.service | grep -qi "watchdog timeout"'
out=$(as_alice qnnctl classify /srv/qnn/digits.npy 2>&1 | head -1) && rc=0 || rc=$?
check "serving again after the watchdog restart: '$out'" \
	'grep -q "class" <<<"$out"'

# ---- 6b. qnn-oipd: the HTTP front, socket-activated, no device ----
# bash's /dev/tcp is the HTTP client (the guest has no curl).
http() { # METHOD PATH [BODY]: the whole response (status line, headers, body)
	local body=${3:-}
	exec 9<>/dev/tcp/127.0.0.1/8000 || return 1
	printf '%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Length: %d\r\n\r\n%s' \
		"$1" "$2" "${#body}" "$body" >&9
	timeout 30 cat <&9
	exec 9<&-
}
oprop() { systemctl show -p "$1" --value qnn-oipd.service; }
check "qnn-oipd.socket active at boot on $(systemctl show -p Listen --value qnn-oipd.socket)" \
	'active qnn-oipd.socket && systemctl show -p Listen --value qnn-oipd.socket | grep -q "^127.0.0.1:8000 "'
check "qnn-oipd.service not started before the first connection" \
	'! active qnn-oipd.service'
ready=$(http GET /v2/health/ready | tr -d '\r')
check "the first connection starts qnn-oipd, which reaches qnnd: $(head -1 <<<"$ready") $(tail -1 <<<"$ready")" \
	'grep -q "^HTTP/1.1 200" <<<"$ready" && grep -q "{\"ready\":true}" <<<"$ready" && active qnn-oipd.service'
model=$(http GET /metrics | sed -n 's/^qnnd_info{backend="[^"]*",model="\([^"]*\)"} 1.*$/\1/p')
# The first digit of digits.npy (test image 100) as raw UINT8 pixels: the class must be the one
# hlsgen computed on the host for the same image scaled by 1/255.
px=$(od -An -v -tu1 -j $((16 + 100 * 784)) -N 784 "$QNN_DATA/mnist/test-images-idx3-ubyte" |
	tr -s ' \n' ',' | sed 's/^,//; s/,$//')
want=$(sed -n 's/^0: class \([0-9]*\) .*/\1/p' /srv/qnn/expected.txt)
got=$(http POST "/v2/models/$model/infer" \
	"{\"inputs\":[{\"name\":\"input\",\"shape\":[1,28,28,1],\"datatype\":\"UINT8\",\"data\":[$px]}],\"outputs\":[{\"name\":\"class\"}]}" |
	tr -d '\r' | tail -1)
check "POST /v2/models/$model/infer (UINT8 digit): class as hlsgen on the host ($want): $got" \
	'[ -n "$want" ] && grep -q "\"data\":\[$want\]" <<<"$got"'
opid=$(oprop MainPID)
ost=/proc/$opid/status
check "qnn-oipd: dynamic user uid $(awk '/^Uid:/ { print $2 }' "$ost"), no capabilities, NoNewPrivs, seccomp" \
	'[ "$(awk "/^Uid:/ { print \$2 }" "$ost")" != 0 ] && grep -qE "^CapEff:\s+0+\$" "$ost" &&
	 grep -qE "^NoNewPrivs:\s+1\$" "$ost" && grep -qE "^Seccomp:\s+2\$" "$ost"'
check "qnn-oipd: private /dev without qnn nodes" \
	'! ls /proc/$opid/root/dev/ | grep -q "^qnn"'
if [ -n "$major" ]; then
	mknod -m 660 /dev/qnn-probe c "$major" 0 && chgrp qnn /dev/qnn-probe
	ocg=/sys/fs/cgroup/system.slice/qnn-oipd.service
	out_o=$(sh -c 'echo $$ >"$1/cgroup.procs" && exec head -c1 "$2" >/dev/null' sh "$ocg" /dev/qnn-probe 2>&1)
	check "DevicePolicy=closed: a qnn node is denied in qnn-oipd's cgroup, group qnn or not ('$out_o')" \
		'grep -q "Operation not permitted" <<<"$out_o"'
	rm -f /dev/qnn-probe
fi
osec=$(systemd-analyze security qnn-oipd.service 2>&1 | sed -n 's/.*Overall exposure level for qnn-oipd.service: \([0-9.]*\).*/\1/p')
check "systemd-analyze security qnn-oipd.service (live): exposure $osec <= 2.0" \
	'[ -n "$osec" ] && awk -v s="$osec" "BEGIN { exit !(s <= 2.0) }"'
met=$(http GET /metrics | tr -d '\r')
check "/metrics: qnnd_up 1, one sample answered: $(grep -E '^qnn_oip_infer_samples_total\{outcome="ok"\}' <<<"$met")" \
	'grep -qx "qnnd_up 1" <<<"$met" && grep -qx "qnn_oip_infer_samples_total{outcome=\"ok\"} 1" <<<"$met"'
systemctl stop qnn-oipd.service
check "qnn-oipd stop: clean exit (Result=$(oprop Result), status $(oprop ExecMainStatus))" \
	'[ "$(oprop Result)" = success ] && [ "$(oprop ExecMainStatus)" = 0 ]'
live=$(http GET /v2/health/live | head -1 | tr -d '\r')
check "socket activation again after the stop: '$live'" \
	'[ "$live" = "HTTP/1.1 200 OK" ] && active qnn-oipd.service'
systemctl stop qnn-oipd.socket qnn-oipd.service

# ---- 6c. a node udev has not yet given to group qnn (the boot race) ----
# At boot the driver's node can exist, root:root 0600, before udev applies 60-qnn.rules:
# qnnd must wait for the rule (boundedly, saying so), not fail on EACCES. A real qnn node
# (no device bound: open() past the permission check says ENXIO) made by hand stands in
# for it, with the rule's chgrp/chmod done once qnnd says it waits (or after 30 s: then
# qnnd did not wait and the checks fail); the start then fails on ENXIO,
# which shows the open got past EACCES. A boot without any node must not wait at all.
waits() { journalctl -u qnnd.service --no-pager -o cat | grep -c "waiting up to .* for udev" || true; }
check "no /dev/qnn* at boot: qnnd did not wait for udev ($(waits) waits)" \
	'[ "$(waits)" = 0 ]'
if [ -n "$major" ]; then
	systemctl stop qnnd.service
	mknod -m 600 /dev/qnn0 c "$major" 0
	said_wait() { [ "$(waits)" -ge 1 ]; }
	(wait_for 30 said_wait; chgrp qnn /dev/qnn0 && chmod 660 /dev/qnn0) &
	late=$!
	t0=$SECONDS
	systemctl start qnnd.service >/dev/null 2>&1 && rc=0 || rc=$?
	took=$((SECONDS - t0))
	wait $late
	systemctl stop qnnd.service
	rm -f /dev/qnn0
	jn=$(journalctl -u qnnd.service --no-pager -o cat)
	check "qnnd waits for udev on a 0600 node, says so ($(grep -o 'waiting up to [0-9]* ms' <<<"$jn" | tail -1))" \
		'[ "$(waits)" -ge 1 ]'
	check "and opens it once the rule's group/mode land: '$(grep -o 'accessible after [0-9]* ms' <<<"$jn" | tail -1)', then ENXIO not EACCES (start exit $rc after ${took}s)" \
		'grep -q "/dev/qnn0: accessible after" <<<"$jn" && grep -q "/dev/qnn0: No such device or address" <<<"$jn" && [ $rc -ne 0 ]'
	systemctl reset-failed qnnd.service
	systemctl start qnnd.service && rc=0 || rc=$?
	check "node gone: qnnd starts again on sw (exit $rc, $(prop StatusText))" \
		'[ $rc -eq 0 ] && active qnnd.service'
fi

# ---- 7. final stop ----
systemctl stop qnnd.socket qnnd.service
check "final stop clean (Result=$(prop Result))" \
	'[ "$(prop Result)" = success ]'

echo "QNN-SYSTEMD journal of qnnd.service follows"
journalctl -u qnnd.service -u qnnd.socket --no-pager -o short-monotonic | tail -60 | sed 's/^/QNN-JOURNAL /'
echo "QNN-SYSTEMD $passed passed, $failed failed"
