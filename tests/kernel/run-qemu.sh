#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Boots Debian's arm64 kernel in qemu-system-aarch64 (TCG, cortex-a53 like
# the ZCU104) with the test initramfs and QEMU's own virt DTB merged with a
# DT overlay, then judges the guest log:
#   - the guest's last result line "N passed, M failed" must be there with
#     M = 0 and N > 0;
#   - any WARNING:, BUG:, Oops or Call trace from the kernel fails the run.
#
# Usage: run-qemu.sh <vmlinuz> <initramfs> <overlay.dtbo> <log> <mode> [timeout s]
set -uo pipefail
vmlinuz=$1 initrd=$2 dtbo=$3 log=$4 mode=$5 limit=${6:-420}
work=$(dirname "$log")
MACH=(-M virt -cpu cortex-a53 -smp 2 -m 1024)

# The DTB depends on the machine options: dump it with the same ones.
qemu-system-aarch64 "${MACH[@]}" -M virt,dumpdtb="$work/virt.dtb" -nographic \
	</dev/null >/dev/null 2>&1 || { echo "run-qemu: dumpdtb failed" >&2; exit 1; }
fdtoverlay -i "$work/virt.dtb" -o "$work/test.dtb" "$dtbo" ||
	{ echo "run-qemu: fdtoverlay failed" >&2; exit 1; }

# loglevel=5: kernel warnings and errors reach the console as they happen
# (the full dmesg is dumped by /init at the end).
# The tests run with the slab allocator's checks on; the benchmark measures
# the driver, not those checks.
slub=slub_debug=FZPU
[ "$mode" = bench ] && slub=
append="console=ttyAMA0 loglevel=5 panic=-1 oops=panic $slub QNN_MODE=$mode"
start=$(date +%s)
timeout --kill-after=10 "$limit" qemu-system-aarch64 "${MACH[@]}" \
	-nographic -no-reboot -kernel "$vmlinuz" -initrd "$initrd" \
	-dtb "$work/test.dtb" -append "$append" </dev/null >"$log" 2>&1
rc=$?
secs=$(( $(date +%s) - start ))
tr -d '\r' <"$log" >"$log.txt" && mv "$log.txt" "$log"

fail=0
if [ $rc -eq 124 ] || [ $rc -eq 137 ]; then
	echo "run-qemu: guest did not finish within ${limit}s" >&2
	fail=1
fi
if grep -nE 'WARNING:|BUG:|Oops|Call trace|Kernel panic' "$log" >&2; then
	echo "run-qemu: the kernel reported a problem (see $log)" >&2
	fail=1
fi
grep -E '^QNN-RESULT ' "$log" | sed 's/^QNN-RESULT /  /'
summary=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$log" | tail -1)
if [ -z "$summary" ]; then
	echo "run-qemu: no result line from the guest (log: $log)" >&2
	tail -30 "$log" >&2
	fail=1
else
	read -r np _ nf _ <<<"$summary"
	[ "$nf" -eq 0 ] && [ "$np" -gt 0 ] || fail=1
fi
echo "run-qemu: guest ran ${secs}s, ${summary:-no summary} (log: $log)"
exit $fail
