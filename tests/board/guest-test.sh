#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR MIT
#
# The user's scenario, inside the booted emulated board (tests/board/run.sh),
# as root, run by qnn-board-test.service once the system is up, at every
# boot. The boot number lives in /var/lib/qnn-board/boot:
#   boot 1  overlay applied by U-Boot: everything the user does (module
#           and daemon up by themselves, an app built here and run as
#           alice, sysfs and journald records, qnnctl, refusals); reboot
#   boot 2  the same state again after a reboot; then the overlay is
#           moved away; reboot
#   boot 3  no overlay: no device, qnnd on the sw backend and says so;
#           the overlay is put back; power off
# Every check prints "QNN-BOARD PASS|FAIL <what>"; each boot ends with
# "QNN-BOARD boot N: P passed, F failed" (the host adds them up).
set -u
S=/var/lib/qnn-board
D=/srv/qnn
OVL=/boot/qnn/qemu-virt-qnn.dtbo
mkdir -p $S
boot=$(($(cat $S/boot 2>/dev/null || echo 0) + 1))
echo $boot >$S/boot
next=poweroff
# Whatever happens below, the board does not stay up: the host waits.
trap 'echo "QNN-BOARD boot $boot: $passed passed, $failed failed"; sync; systemctl --no-block $next' EXIT
passed=0 failed=0
ok() { passed=$((passed + 1)); echo "QNN-BOARD PASS $*"; }
bad() { failed=$((failed + 1)); echo "QNN-BOARD FAIL $*"; }
check() { if eval "$2"; then ok "$1"; else bad "$1"; fi; }
wait_for() { # seconds, command...
	local end=$((SECONDS + $1))
	shift
	until "$@"; do
		[ $SECONDS -ge $end ] && return 1
		sleep 0.5
	done
}
as_alice() { runuser -u alice -- "$@"; }
prop() { systemctl show -p "$1" --value "${2:-qnnd.service}"; }
active() { [ "$(systemctl is-active "$1")" = active ]; }
sysfs() { cat "/sys/class/qnn/qnn0/$1" 2>/dev/null; }
# The node the overlay adds (its simulated DMA is /dma-controller).
DT_NODE=/proc/device-tree/accelerator
echo "QNN-BOARD boot $boot start: $(uname -r), $(systemctl --version | head -1)"

kernel_clean() { # no kernel warnings in this boot's kernel log
	local w
	w=$(journalctl -k -b 0 --no-pager -o cat | grep -E 'WARNING:|BUG:|Oops|Call trace|Call Trace' | head -5)
	check "boot $boot: no WARNING/BUG/Oops/Call trace in the kernel log${w:+: $w}" '[ -z "$w" ]'
}
ready_record() { # qnnd's "ready" journal message of this boot
	journalctl -b 0 -u qnnd.service --no-pager -o cat | grep -m1 '^ready ('
}
qnnd_up() {
	if wait_for 180 active qnnd.service; then
		ok "boot $boot: qnnd.service started by systemd at boot ($(prop StatusText))"
	else
		bad "boot $boot: qnnd.service not active: $(systemctl status qnnd.service --no-pager 2>&1 | head -20)"
	fi
	# ActiveEnterTimestampMonotonic: when READY=1 arrived, since the kernel started.
	local t
	t=$(prop ActiveEnterTimestampMonotonic)
	echo "QNN-BOARD time boot $boot: qnnd READY=1 at $(awk -v t="${t:-0}" 'BEGIN { printf "%.1f", t / 1e6 }') s after the kernel started"
}
overlay_node() { # boot with the overlay: the node is there, from U-Boot
	check "boot $boot: /proc/device-tree has the overlay's qnn node (compatible '$(tr '\0' ' ' <$DT_NODE/compatible 2>/dev/null)')" \
		'[ "$(tr -d "\0" <$DT_NODE/compatible 2>/dev/null)" = qnn,hls4ml-accel ]'
	check "boot $boot: and its simulated DMA ($(tr -d '\0' </proc/device-tree/dma-controller/compatible 2>/dev/null))" \
		'[ "$(tr -d "\0" </proc/device-tree/dma-controller/compatible 2>/dev/null)" = qnn,sim-axi-dma ]'
}
# modules-load.d names both modules; with the overlay udev may load them
# first (the nodes' modaliases), so here the check is that they are loaded
# and systemd-modules-load succeeded. Without the overlay (boot 3) only
# modules-load.d can have loaded qnn: there its record is required.
# (Early in the boot its records reach the journal through the kernel's
# log: found by identifier, not by unit.)
modload_records() {
	journalctl -b 0 -t systemd-modules-load -o cat --no-pager | grep -o "Inserted module .*" | sort -u | tr '\n' ' '
}
modules_loaded() {
	local ins
	ins=$(modload_records)
	check "boot $boot: qnn and qnn_sim loaded at boot (modules-load.d: $(cat /usr/lib/modules-load.d/qnn.conf /etc/modules-load.d/qnn-sim.conf | grep -v '^#' | tr '\n' ' '); systemd-modules-load $(prop Result systemd-modules-load.service); ${ins:-udev was first})" \
		'[ -d /sys/module/qnn ] && [ -d /sys/module/qnn_sim ] && [ "$(prop Result systemd-modules-load.service)" = success ]'
}
device_bound() {
	modules_loaded
	local drv node
	drv=$(readlink /sys/class/qnn/qnn0/device/driver 2>/dev/null)
	node=$(readlink -f /sys/class/qnn/qnn0/device/of_node 2>/dev/null)
	check "boot $boot: qnn0 is the overlay's node ($node) bound by driver ${drv##*/}" \
		'[ "${drv##*/}" = qnn ] && [ "$node" = /sys/firmware/devicetree/base/accelerator ]'
	local perm
	perm=$(stat -c '%F %a %U %G' /dev/qnn0 2>&1)
	check "boot $boot: /dev/qnn0 is '$perm' (character special file 660 root qnn)" \
		'[ "$perm" = "character special file 660 root qnn" ]'
	local mod
	mod=$(modinfo -n qnn 2>&1)
	check "boot $boot: qnn.ko is DKMS's build for $(uname -r) ($mod)" \
		'[ "${mod#*/updates/dkms/}" != "$mod" ]'
}
dev_backend() {
	local r
	r=$(ready_record)
	check "boot $boot: qnnd chose the dev backend by itself, self-test passed: '$r'" \
		'grep -q "^ready (dev: /dev/qnn0" <<<"$r"'
}
classify_20() { # a short run as alice through qnnctl, compared with the host
	local out
	out=$(as_alice qnnctl classify --probs $D/digits20.npy 2>&1 | sed -E 's/^[^ ]*\[([0-9]+)\]:/\1:/')
	check "boot $boot: alice: qnnctl classify of 20 digits bit-identical to hlsgen run on the host" \
		'cmp -s - $D/expected20.txt <<<"$out"'
}

# ---- the BPF tools (qnn-trace) on the board's kernel, while known work runs ----
# Two client processes (alice's qnnctl bench) x TR requests of TB samples
# through qnnd on /dev/qnn0. qnnlat --daemon -p $(pidof qnnd) must count every
# request in every stage, the device's ones included (each batch joined to
# its driver job through qnnd's batch_dev_job probe); the driver's jobs
# (qnnlat's qnn0 histograms, qnnsnoop's lines, qnntop's row) must be
# exactly sysfs' count, all of them qnnd's; each tool ends on SIGINT or its
# count with status 0 and leaves no BPF program behind.
TR=40 TB=4
bpf_progs() { bpftool prog show 2>/dev/null | grep -cE ' name (qnnd_|qnnlat_|qnntop_|qnnsnoop_)'; }
tool_started() { grep -q '^Tracing' "$1"; }
stop_tool() { # pid: SIGINT, then its exit status in $stopped (124: it would not end)
	kill -INT "$1" 2>/dev/null
	if ! wait_for 60 eval "! kill -0 $1 2>/dev/null"; then
		kill -KILL "$1"
		wait "$1"
		stopped=124
		return
	fi
	wait "$1" && stopped=0 || stopped=$?
}
stage_count() { # qnnlat output, line prefix: the count at its end
	grep -F "$2" "$1" | head -1 | sed -n 's/.*: \([0-9]*\) \(requests\|jobs\)$/\1/p'
}
trace_tools() {
	local T=$S/trace qpid lat snoop top stopped
	rm -rf $T && mkdir -p $T
	qpid=$(pidof qnnd)
	echo "QNN-BOARD trace: kernel $(uname -r); /sys/kernel/btf/vmlinux $([ -e /sys/kernel/btf/vmlinux ] && echo present || echo absent), /sys/kernel/btf/qnn $([ -e /sys/kernel/btf/qnn ] && echo present || echo absent); $(bpftool version 2>&1 | head -1)"
	check "qnn-trace installed by apt with Debian's libbpf1 and bpftool ($(dpkg-query -W -f '${Package} ${Version} ${Architecture}, ' qnn-trace libbpf1 bpftool 2>&1))" \
		'command -v qnnlat && command -v qnntop && command -v qnnsnoop && command -v bpftool >/dev/null' 
	check "pidof qnnd ($qpid) is qnnd.service's main process" '[ -n "$qpid" ] && [ "$qpid" = "$(prop MainPID)" ]'
	local p0
	p0=$(bpf_progs)
	qnnlat --daemon -p "$qpid" >$T/lat.out 2>$T/lat.err &
	lat=$!
	qnnsnoop -p "$qpid" >$T/snoop.out 2>$T/snoop.err &
	snoop=$!
	qnntop --json 3600 >$T/top.out 2>$T/top.err &
	top=$!
	wait_for 300 tool_started $T/lat.err && wait_for 300 tool_started $T/snoop.err &&
		wait_for 300 tool_started $T/top.err
	check "qnnlat --daemon, qnnsnoop, qnntop attached ($(cat $T/lat.err $T/snoop.err $T/top.err | tr '\n' ' '))" \
		'tool_started $T/lat.err && tool_started $T/snoop.err && tool_started $T/top.err'
	local b_jobs b_samples c1 c2 r1 r2
	b_jobs=$(sysfs jobs) b_samples=$(sysfs samples)
	as_alice env QNN_DATA=$D/data qnnctl bench -d mnist -n $((TR * TB)) -b $TB -c 1 >$T/c1.out 2>&1 &
	c1=$!
	as_alice env QNN_DATA=$D/data qnnctl bench -d mnist -n $((TR * TB)) -b $TB -c 1 >$T/c2.out 2>&1 &
	c2=$!
	wait $c1 && r1=0 || r1=$?
	wait $c2 && r2=0 || r2=$?
	check "2 client processes (alice's qnnctl bench) x $TR requests of $TB samples through qnnd: exit $r1, $r2" \
		'[ $r1 -eq 0 ] && [ $r2 -eq 0 ]'
	sleep 2
	local jobs=$(($(sysfs jobs) - b_jobs)) samples=$(($(sysfs samples) - b_samples))
	local rl rs rt
	stop_tool $lat && rl=$stopped
	stop_tool $snoop && rs=$stopped
	stop_tool $top && rt=$stopped
	sed 's/^/QNN-BOARD qnnlat: /' $T/lat.out
	check "qnnlat, qnnsnoop, qnntop end on SIGINT with status 0 (got $rl, $rs, $rt)" \
		'[ "$rl" = 0 ] && [ "$rs" = 0 ] && [ "$rt" = 0 ]'
	check "sysfs: the clients' $((2 * TR * TB)) samples went to the device as $jobs jobs ($samples samples)" \
		'[ $samples -eq $((2 * TR * TB)) ] && [ $jobs -ge 1 ]'
	local want=$((2 * TR)) st n
	for st in "request (received" "queue wait" "batch formation" "backend (" "device queue (" \
		"device (its batch" "reply (" "total (received"; do
		n=$(stage_count $T/lat.out "qnnd $st")
		check "qnnlat --daemon: qnnd stage '$st': ${n:-none} requests ($want)" '[ "${n:-0}" -eq $want ]'
	done
	for st in "queue (" "device (" "total ("; do
		n=$(stage_count $T/lat.out "qnn0 $st")
		check "qnnlat: qnn0 stage '$st': ${n:-none} jobs of qnnd's (sysfs: $jobs)" '[ "${n:-0}" -eq $jobs ]'
	done
	local sum
	sum=$(grep '^qnnd: ' $T/lat.out | tail -1)
	check "qnnlat --daemon: batch_dev_job fired once a batch, each joined to the driver's job: '$sum'" \
		'grep -q "^qnnd: $want requests answered (0 failed), $((2 * TR * TB)) samples, $jobs batches dispatched, $jobs device jobs, $jobs joined" <<<"$sum"'
	local lines ok_lines
	lines=$(tail -n +2 $T/snoop.out | grep -c .)
	ok_lines=$(tail -n +2 $T/snoop.out | grep -c ' OK$')
	check "qnnsnoop -p qnnd: $lines lines, $ok_lines OK (sysfs: $jobs jobs)" \
		'[ $lines -eq $jobs ] && [ $ok_lines -eq $jobs ]'
	local rows
	rows=$(grep -o '"pid": *[0-9]*, *"comm": *"[^"]*", *"dev": *[0-9]*, *"jobs": *[0-9]*, *"samples": *[0-9]*' $T/top.out | tr -d ' "' | tr '\n' ' ')
	check "qnntop --json (all processes): one row, qnnd's (pid $qpid), $jobs jobs, $((2 * TR * TB)) samples: [$rows]" \
		'[ "$(wc -w <<<"$rows")" -eq 1 ] && [[ "$rows" == "pid:$qpid,comm:"*",dev:0,jobs:$jobs,samples:$((2 * TR * TB)) " ]]'
	# On their count, without a signal.
	qnnsnoop -c 3 -p "$qpid" >$T/snoop3.out 2>$T/snoop3.err &
	snoop=$!
	timeout 300 qnnlat 1 2 >$T/lat2.out 2>$T/lat2.err &
	lat=$!
	wait_for 300 tool_started $T/snoop3.err && wait_for 300 tool_started $T/lat2.err
	as_alice env QNN_DATA=$D/data qnnctl bench -d mnist -n 40 -b 4 -c 1 >/dev/null 2>&1
	wait_for 120 eval "! kill -0 $snoop 2>/dev/null"
	stop_tool $snoop && rs=$stopped
	wait $lat && rl=0 || rl=$?
	check "qnnsnoop -c 3 ends by itself after 3 lines (status $rs, $(($(wc -l <$T/snoop3.out) - 1)) lines)" \
		'[ "$rs" = 0 ] && [ $(($(wc -l <$T/snoop3.out) - 1)) -eq 3 ]'
	check "qnnlat 1 2 ends by itself after 2 intervals (status $rl)" '[ "$rl" = 0 ]'
	local p1
	p1=$(bpf_progs)
	check "bpftool prog show: no qnn BPF program left ($p1 now, $p0 before)" '[ "$p1" -eq 0 ] && [ "$p0" -eq 0 ]'
}

if [ $boot -eq 1 ]; then
	qnnd_up
	overlay_node
	device_bound
	dev_backend
	# ---- the app: built here against libqnn-dev, run by alice ----
	cflags=$(as_alice pkg-config --cflags --libs qnn 2>&1)
	check "pkg-config --cflags --libs qnn: '$cflags'" 'grep -q -- "-lqnn" <<<"$cflags"'
	rm -rf /home/alice/app && cp -r $D/app /home/alice/app && chown -R alice: /home/alice/app
	if as_alice sh -c 'cd ~/app && gcc -O2 -Wall -o classify_digits classify_digits.c $(pkg-config --cflags --libs qnn)' >$S/build.log 2>&1; then
		ok "alice built classify_digits.c on the board with gcc and pkg-config qnn"
	else
		bad "building the app: $(head -5 $S/build.log)"
	fi
	# Counters before (nothing else uses the device from here on).
	for a in samples jobs bytes_in bytes_out errors timeouts; do eval "b_$a=$(sysfs $a)"; done
	t_start=$(date +%s%N)
	app=$(as_alice /home/alice/app/classify_digits $D/mnist_test_1000.f32 /tmp/probs.f32 \
		$D/data/mnist/test-labels-idx1-ubyte 2>&1)
	arc=$?
	t_end=$(date +%s%N)
	echo "QNN-BOARD app: $app"
	check "alice's app (uid $(id -u alice), not root, group qnn) classified 1000 digits through qnnd (exit $arc)" \
		'[ $arc -eq 0 ] && grep -q "1000 digits, backend dev" <<<"$app"'
	check "its 1000 x 10 outputs are bit-identical to hlsgen run on the host" \
		'cmp /tmp/probs.f32 $D/mnist_test_1000.expected.f32'
	for a in samples jobs bytes_in bytes_out errors timeouts; do eval "d_$a=\$(( \$(sysfs $a) - b_$a ))"; done
	check "sysfs /sys/class/qnn/qnn0: samples +$d_samples (1000), bytes_in +$d_bytes_in (3136000), bytes_out +$d_bytes_out (40000), jobs +$d_jobs, errors +$d_errors, timeouts +$d_timeouts" \
		'[ $d_samples = 1000 ] && [ $d_bytes_in = 3136000 ] && [ $d_bytes_out = 40000 ] && [ $d_jobs -ge 1 ] && [ $d_errors = 0 ] && [ $d_timeouts = 0 ]'
	# journald: the stats records written since the app started (their
	# windows hold nothing else: nothing else runs meanwhile) add up to
	# exactly the app's samples once qnnd has written the last of them.
	stats_since() { journalctl -b 0 -u qnnd.service QNN_EVENT=stats -o export --no-pager |
		awk -F= -v s="$t_start" '$1 == "__REALTIME_TIMESTAMP" { t = $2 * 1000 } t > s && /^QNN_/ { print }'; }
	summed() { stats_since | awk -F= '$1 == "QNN_SAMPLES" { n += $2 } END { print n + 0 }'; }
	enough() { [ "$(summed)" -ge 1000 ]; }
	wait_for 60 enough
	sum=$(summed)
	recs=$(stats_since | grep -E '^QNN_(SAMPLES|SAMPLES_PER_S|BATCH_AVG|LATENCY_P99_US|BACKEND)=' | tr '\n' ' ')
	echo "QNN-BOARD journal stats records: $recs"
	check "journald: qnnd's stats records since the app started add up to QNN_SAMPLES=$sum (1000), QNN_BACKEND=dev" \
		'[ "$sum" = 1000 ] && grep -q "QNN_BACKEND=dev" <<<"$recs" && grep -q "QNN_SAMPLES_PER_S=" <<<"$recs"'
	# ---- qnnctl ----
	st=$(as_alice qnnctl status 2>&1) && src=0 || src=$?
	echo "$st" | sed 's/^/QNN-BOARD status: /' # all of it: a cut hid the netlink block
	check "qnnctl status (alice): daemon, sysfs and netlink sections (exit $src)" \
		'[ $src -eq 0 ] && grep -qE "^  backend +dev" <<<"$st" && grep -q "qnn0" <<<"$st" && grep -q "(netlink)" <<<"$st"'
	bench=$(as_alice env QNN_DATA=$D/data qnnctl bench -d mnist -n 2000 -c 2 -b 8 --kv 2>&1) && brc=0 || brc=$?
	echo "$bench" | sed 's/^/QNN-BOARD bench: /'
	check "qnnctl bench -d mnist (alice): exit $brc, $(grep '^Classified' <<<"$bench")" \
		'[ $brc -eq 0 ] && grep -q "^Classified 2000 samples" <<<"$bench"'
	trace_tools
	# ---- outside group qnn: refused by the socket and the device ----
	out=$(runuser -u bob -- qnnctl status --daemon-only 2>&1) && rc=0 || rc=$?
	check "bob (not in qnn): the socket refuses him (exit $rc, '$out')" \
		'[ $rc -ne 0 ] && grep -q "Permission denied" <<<"$out"'
	out=$(runuser -u bob -- head -c1 /dev/qnn0 2>&1) && rc=0 || rc=$?
	check "bob: /dev/qnn0 refuses him (exit $rc, '$out')" \
		'[ $rc -ne 0 ] && grep -q "Permission denied" <<<"$out"'
	classify_20
	kernel_clean
	next=reboot
elif [ $boot -eq 2 ]; then
	qnnd_up
	overlay_node
	device_bound
	dev_backend
	classify_20
	kernel_clean
	# The next boot goes without the overlay, as a board whose boot
	# script does not apply it.
	mv $OVL $OVL.off && sync
	next=reboot
else
	qnnd_up
	check "boot $boot: no qnn node in /proc/device-tree (the overlay was not applied)" '[ ! -e $DT_NODE ]'
	ins=$(modload_records)
	check "boot $boot: no node to match, so modules-load.d loaded qnn ($ins), and there is no /dev/qnn0" \
		'[ -d /sys/module/qnn ] && grep -q "Inserted module .qnn." <<<"$ins" && [ ! -e /dev/qnn0 ]'
	r=$(ready_record)
	check "boot $boot: qnnd fell back to the sw backend by itself: '$r'" 'grep -q "^ready (sw:" <<<"$r"'
	why=$(journalctl -b 0 -u qnnd.service --no-pager -o cat QNN_EVENT=backend)
	check "boot $boot: journald says why: '$why'" 'grep -q "no /dev/qnn" <<<"$why"'
	classify_20
	kernel_clean
	mv $OVL.off $OVL
fi
