#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Boots Debian's kernel with the test initramfs and judges the guest log:
#   arm64  qemu-system-aarch64 -M virt (TCG, cortex-a53 like the ZCU104);
#          <platform> is a DT overlay, merged onto QEMU's own virt DTB
#   amd64  qemu-system-x86_64 -M q35, TCG (QNN_GUEST_KVM=1: KVM, which hangs
#          before the kernel's first message in this project's nested VM);
#          <platform> is an ACPI table (.aml) that QEMU adds (Debian's amd64
#          kernel has no CONFIG_OF)
# The log must hold:
#   - the guest's last result line "N passed, M failed" with M = 0, N > 0;
#   - no WARNING:, BUG:, Oops or Call trace from the kernel.
#
# Usage: run-qemu.sh <vmlinuz> <initramfs> <platform> <log> <mode> [timeout s] [arm64|amd64]
set -uo pipefail
vmlinuz=$1 initrd=$2 platform=$3 log=$4 mode=$5 limit=${6:-420} arch=${7:-arm64}
work=$(dirname "$log")

case $arch in
arm64)
	QEMU=qemu-system-aarch64 MACH=(-M virt -cpu cortex-a53 -smp 2 -m 1024) console=ttyAMA0
	# The DTB depends on the machine options: dump it with the same ones.
	$QEMU "${MACH[@]}" -M virt,dumpdtb="$work/virt.dtb" -nographic \
		</dev/null >/dev/null 2>&1 || { echo "run-qemu: dumpdtb failed" >&2; exit 1; }
	fdtoverlay -i "$work/virt.dtb" -o "$work/test.dtb" "$platform" ||
		{ echo "run-qemu: fdtoverlay failed" >&2; exit 1; }
	DESC=(-dtb "$work/test.dtb")
	;;
amd64)
	QEMU=qemu-system-x86_64 MACH=(-M q35 -smp 2 -m 1024) console=ttyS0
	if [ "${QNN_GUEST_KVM:-0}" = 1 ] && [ -r /dev/kvm ] && [ -w /dev/kvm ]; then
		MACH+=(-accel kvm -cpu host)
	else
		MACH+=(-accel tcg -cpu max)
	fi
	DESC=(-acpitable "file=$platform")
	;;
*) echo "run-qemu: unknown arch $arch" >&2; exit 2 ;;
esac
echo "run-qemu: $QEMU ${MACH[*]}"

# loglevel=5: kernel warnings and errors reach the console as they happen
# (the full dmesg is dumped by /init at the end).
# The tests run with the slab allocator's checks on; the benchmark measures
# the driver, not those checks.
slub=slub_debug=FZPU
[ "$mode" = bench ] && slub=
# QNN_BTF_EXPECT: Debian's kernel has BTF, our modules (built against its
# headers, no vmlinux for pahole) have none (test_trace_fallbacks checks it).
append="console=$console loglevel=5 panic=-1 oops=panic $slub QNN_MODE=$mode QNN_BTF_EXPECT=vmlinux-only"
start=$(date +%s)
timeout --kill-after=10 "$limit" $QEMU "${MACH[@]}" \
	-nographic -no-reboot -kernel "$vmlinuz" -initrd "$initrd" \
	"${DESC[@]}" -append "$append" </dev/null >"$log" 2>&1
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
