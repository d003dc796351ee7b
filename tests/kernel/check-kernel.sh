#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# `make check-kernel` / `make bench-kernel`: proves qnn.ko and qnn_sim.ko in
# Debian's real arm64 kernel under qemu-system-aarch64.
#   1. fetch Debian's arm64 kernel, headers, busybox, libnl (cached)
#   2. cross-build the modules (arm64) and compile-check them (amd64),
#      checkpatch --strict on kernel/ (warnings and checks fail the run)
#   3. cross-build the guest programs and trace/'s BPF tools (static arm64)
#   4. guest data: the MNIST model (.qnn), 1000 test digits and the host
#      engine's expected outputs for them
#   5. initramfs + QEMU virt DTB merged with dts/qemu-virt-qnn.dtso, boot,
#      judge the log (tests/kernel/run-qemu.sh)
#
# Usage: check-kernel.sh check|bench
# Environment: BUILD (default build), QNN_BIN, QNN_DATA, QNN_SHARED,
# QNN_GUEST_TIMEOUT (seconds for the whole guest run), QNN_GUEST_ONLY (a glob:
# run only the guest programs it matches).
set -euo pipefail
cd "$(dirname "$0")/../.."
mode=${1:-check}
BUILD=${BUILD:-build}
KB=$BUILD/kernel
BIN=${QNN_BIN:-$BUILD/bin}
DATA=${QNN_DATA:-$BUILD/data}
T0=$(date +%s)
step() { echo "check-kernel: [$(( $(date +%s) - T0 ))s] $*"; }

step "fetching Debian arm64 packages"
bash tests/kernel/fetch-debian-arm64.sh "$KB"
# shellcheck source=/dev/null
. "$KB/env.sh"

step "building modules for arm64 and amd64 ($KREL)"
mapfile -t kos < <(bash tests/kernel/build-modules.sh arm64 "$KB")
bash tests/kernel/build-modules.sh amd64 "$KB" >/dev/null
[ ${#kos[@]} -gt 0 ] && printf "  %s\n" "${kos[@]}"

step "checkpatch --strict on kernel/"
bash tests/kernel/checkpatch.sh "$KB"

step "building guest programs"
# A guest program that does not build must fail the run, not vanish from it.
if ! bash tests/kernel/build-guest.sh "$KB/guest" "$KB" >"$KB/guest-progs.txt"; then
	echo "check-kernel: building the guest programs failed" >&2
	exit 1
fi
mapfile -t progs <"$KB/guest-progs.txt"
want=$(find tests/kernel/guest -maxdepth 1 \( -name 'test_*.c' -o -name 'bench_*.c' \) | wc -l)
if [ "${#progs[@]}" -ne "$want" ]; then
	echo "check-kernel: built ${#progs[@]} guest programs, expected $want" >&2
	exit 1
fi
printf "  %s\n" "${progs[@]}"

step "building the BPF tools for arm64 (trace/)"
if ! bash trace/build.sh arm64 "$KB/trace" "$VMLINUZ" "$ARM64_SYSROOT" >"$KB/trace-tools.txt"; then
	echo "check-kernel: building trace/'s BPF tools failed" >&2
	exit 1
fi
mapfile -t tools <"$KB/trace-tools.txt"
printf "  %s\n" "${tools[@]}"

step "preparing guest data"
gd=$KB/guest-data
mkdir -p "$gd"
bash tests/kernel/prepare-guest-data.sh "$gd" "$BIN" "$DATA"

dtbo=$KB/qemu-virt-qnn.dtbo
dtc -q -@ -I dts -O dtb -o "$dtbo" dts/qemu-virt-qnn.dtso

args=()
for k in "${kos[@]}"; do args+=(--ko "$k"); done
for t in "${tools[@]}"; do args+=(--bin "$t"); done
for p in "${progs[@]}"; do
	# QNN_GUEST_ONLY=<glob>: only those programs (a quicker run while working on one).
	# shellcheck disable=SC2254
	case $(basename "$p") in ${QNN_GUEST_ONLY:-*}) ;; *) continue ;; esac
	case $(basename "$p") in
	test_*) [ "$mode" = check ] && args+=(--test "$p") ;;
	bench_*) [ "$mode" = bench ] && args+=(--test "$p") ;;
	esac
done
for f in "$gd"/firmware/qnn/*.qnn; do
	[ -f "$f" ] && args+=(--fw "qnn/$(basename "$f")=$f")
done
for f in "$gd"/data/*; do
	[ -f "$f" ] && args+=(--data "$(basename "$f")=$f")
done
initrd=$KB/initrd-$mode.gz
bash tests/kernel/mkinitramfs.sh "$initrd" "$BUSYBOX" "${args[@]}"
step "initramfs $(du -h "$initrd" | cut -f1), booting $KREL in QEMU ($mode)"

limit=${QNN_GUEST_TIMEOUT:-480}
[ "$mode" = bench ] && limit=${QNN_GUEST_TIMEOUT:-1200}
rc=0
bash tests/kernel/run-qemu.sh "$VMLINUZ" "$initrd" "$dtbo" "$KB/guest-$mode.log" \
	"$mode" "$limit" || rc=$?
step "done"
exit $rc
