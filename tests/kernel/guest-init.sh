#!/bin/busybox sh
# SPDX-License-Identifier: GPL-2.0
#
# /init of the test initramfs (busybox sh, PID 1). Loads the modules, runs
# every /tests/test_* program in name order (or /tests/bench_* when the
# kernel command line says QNN_MODE=bench), cycles the modules, and ends
# with the one line the host reads: "N passed, M failed". Each program
# exits 0 on success and prints PASS/FAIL lines of its own.
/bin/busybox --install -s /bin
export PATH=/bin:/sbin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t debugfs debugfs /sys/kernel/debug
mount -t tracefs tracefs /sys/kernel/tracing
mkdir -p /tmp && mount -t tmpfs tmpfs /tmp

MODE=${QNN_MODE:-check}
TEST_TIMEOUT=${QNN_TEST_TIMEOUT:-180}
CYCLES=${QNN_CYCLES:-10}
passed=0
failed=0

result() { # name status [reason]
	if [ "$2" -eq 0 ]; then
		passed=$((passed + 1))
		echo "QNN-RESULT PASS $1"
	else
		failed=$((failed + 1))
		echo "QNN-RESULT FAIL $1${3:+: $3}"
	fi
}

# Modules in dependency order: the simulated DMA provider first.
MODS=""
for m in qnn_sim qnn; do
	[ -f /lib/modules/$m.ko ] && MODS="$MODS $m"
done

load_all() {
	for m in $MODS; do
		insmod /lib/modules/$m.ko || return 1
	done
}

unload_all() {
	rev=""
	for m in $MODS; do rev="$m $rev"; done
	for m in $rev; do
		rmmod "$m" || return 1
	done
}

# Memory in kB: a module that leaks on every load/unload cycle shows up as
# steady loss across the cycles (large buffers bypass the slab, hence both).
slab_kb() { awk '/^Slab:/ { print $2 }' /proc/meminfo; }
avail_kb() { awk '/^MemAvailable:/ { print $2 }' /proc/meminfo; }
# A coarse guard (Debian's kernel has no kmemleak): MemAvailable drifts by
# 100-250 kB a cycle here even for the sim alone; a leaked buffer set per
# cycle is far more.
LEAK_LIMIT_KB=${QNN_LEAK_LIMIT_KB:-16384}

echo "QNN-GUEST: kernel $(uname -r), mode $MODE, modules:$MODS"
load_all
result modules_load $?

case $MODE in
bench) progs=$(ls /tests/bench_* 2>/dev/null) ;;
*) progs=$(ls /tests/test_* 2>/dev/null) ;;
esac
for t in $progs; do
	name=${t##*/}
	echo "QNN-GUEST: running $name"
	start=$(date +%s)
	timeout "$TEST_TIMEOUT" "$t"
	rc=$?
	echo "QNN-GUEST: $name exit $rc after $(( $(date +%s) - start )) s"
	reason=""
	[ $rc -eq 124 ] && reason="killed after ${TEST_TIMEOUT}s"
	[ $rc -ne 0 ] && [ -z "$reason" ] && reason="exit status $rc"
	result "$name" $rc "$reason"
done

if [ "$MODE" = check ]; then
	unload_all
	result modules_unload $?
	slab0=$(slab_kb)
	avail0=$(avail_kb)
	ok=0
	i=0
	while [ $i -lt "$CYCLES" ]; do
		i=$((i + 1))
		load_all || { ok=1; echo "QNN-GUEST: load failed in cycle $i"; break; }
		# Give deferred probes (the driver waits for its DMA
		# provider) a chance to run before tearing down again.
		sleep 0.2
		unload_all || { ok=1; echo "QNN-GUEST: unload failed in cycle $i"; break; }
	done
	slab1=$(slab_kb)
	avail1=$(avail_kb)
	echo "QNN-GUEST: after $i cycles: slab ${slab0} -> ${slab1} kB, available ${avail0} -> ${avail1} kB"
	if [ $((avail0 - avail1)) -gt "$LEAK_LIMIT_KB" ]; then
		echo "QNN-GUEST: $((avail0 - avail1)) kB lost over the cycles (limit $LEAK_LIMIT_KB)"
		ok=1
	fi
	result load_unload_cycles $ok
fi

echo "QNN-GUEST: dmesg follows"
dmesg | sed 's/^/QNN-DMESG /'
echo "$passed passed, $failed failed"
sync
echo o >/proc/sysrq-trigger
sleep 10
