#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# `make check-kernel` / `make bench-kernel`: proves qnn.ko and qnn_sim.ko in
# Debian's real arm64 kernel under qemu-system-aarch64; with `amd64`
# (`make check-kernel-amd64`), in Debian's amd64 kernel of the same ABI under
# qemu-system-x86_64, the devices described by ACPI (that kernel has no
# CONFIG_OF).
#   1. fetch Debian's arm64 kernel, headers, busybox, libnl (cached); amd64:
#      also Debian's amd64 kernel image and busybox (fetch-debian-amd64.sh)
#   2. cross-build the modules (arm64) and compile-check them (amd64),
#      checkpatch --strict on kernel/ (warnings and checks fail the run);
#      amd64: the amd64 modules only
#   3. build the guest programs and trace/'s BPF tools (static, for the arch)
#   4. guest data: the MNIST model (.qnn), 1000 test digits and the host
#      engine's expected outputs for them
#   5. initramfs + the platform description (arm64: QEMU virt DTB merged with
#      dts/qemu-virt-qnn.dtso; amd64: tests/kernel/acpi/qemu-x86-qnn.asl
#      compiled by iasl), boot, judge the log (tests/kernel/run-qemu.sh)
#
# Usage: check-kernel.sh check|bench [arm64|amd64]
# Environment: BUILD (default build), QNN_BIN, QNN_DATA, QNN_SHARED,
# QNN_GUEST_TIMEOUT (seconds for the whole guest run), QNN_GUEST_ONLY (globs:
# run only the guest programs they match), QNN_GUEST_KVM=1 (amd64: KVM
# instead of TCG).
set -euo pipefail
cd "$(dirname "$0")/../.."
mode=${1:-check}
arch=${2:-arm64}
BUILD=${BUILD:-build}
KB=$BUILD/kernel
BIN=${QNN_BIN:-$BUILD/bin}
DATA=${QNN_DATA:-$BUILD/data}
T0=$(date +%s)
step() { echo "check-kernel: [$(( $(date +%s) - T0 ))s] $*"; }
case $arch in arm64 | amd64) ;; *) echo "check-kernel: unknown arch $arch" >&2; exit 2 ;; esac
# arm64 keeps its historical file names; amd64 gets its own.
sfx=
[ "$arch" = amd64 ] && sfx=-amd64

step "fetching Debian packages ($arch guest)"
if [ "$arch" = arm64 ]; then
	bash tests/kernel/fetch-debian-arm64.sh "$KB"
else
	bash tests/kernel/fetch-debian-amd64.sh "$KB" # runs fetch-debian-arm64.sh first
fi
# shellcheck source=/dev/null
. "$KB/env.sh"
if [ "$arch" = amd64 ]; then
	# shellcheck source=/dev/null
	. "$KB/env-amd64.sh"
	VMLINUZ=$AMD64_VMLINUZ BUSYBOX=$AMD64_BUSYBOX KREL=${KREL%-arm64}-amd64
fi

if [ "$arch" = arm64 ]; then
	step "building modules for arm64 and amd64 ($KREL)"
	mapfile -t kos < <(bash tests/kernel/build-modules.sh arm64 "$KB")
	bash tests/kernel/build-modules.sh amd64 "$KB" >/dev/null
	step "checkpatch --strict on kernel/"
	bash tests/kernel/checkpatch.sh "$KB"
else
	step "building modules for amd64 ($KREL)"
	mapfile -t kos < <(bash tests/kernel/build-modules.sh amd64 "$KB")
fi
[ ${#kos[@]} -gt 0 ] && printf "  %s\n" "${kos[@]}"

step "building guest programs ($arch)"
# A guest program that does not build must fail the run, not vanish from it.
if ! bash tests/kernel/build-guest.sh "$KB/guest$sfx" "$KB" "$arch" >"$KB/guest-progs$sfx.txt"; then
	echo "check-kernel: building the guest programs failed" >&2
	exit 1
fi
mapfile -t progs <"$KB/guest-progs$sfx.txt"
want=$(find tests/kernel/guest -maxdepth 1 \( -name 'test_*.c' -o -name 'bench_*.c' \) | wc -l)
if [ "${#progs[@]}" -ne "$want" ]; then
	echo "check-kernel: built ${#progs[@]} guest programs, expected $want" >&2
	exit 1
fi
printf "  %s\n" "${progs[@]}"

step "building the BPF tools for $arch (trace/)"
if ! bash trace/build.sh "$arch" "$KB/trace$sfx" "$VMLINUZ" "${ARM64_SYSROOT:-}" >"$KB/trace-tools$sfx.txt"; then
	echo "check-kernel: building trace/'s BPF tools failed" >&2
	exit 1
fi
mapfile -t tools <"$KB/trace-tools$sfx.txt"
printf "  %s\n" "${tools[@]}"

step "preparing guest data"
gd=$KB/guest-data
mkdir -p "$gd"
bash tests/kernel/prepare-guest-data.sh "$gd" "$BIN" "$DATA"

if [ "$arch" = arm64 ]; then
	platform=$KB/qemu-virt-qnn.dtbo
	dtc -q -@ -I dts -O dtb -o "$platform" dts/qemu-virt-qnn.dtso
else
	platform=$KB/qemu-x86-qnn.aml
	iasl -p "${platform%.aml}" tests/kernel/acpi/qemu-x86-qnn.asl >"$KB/iasl.log" 2>&1 ||
		{ cat "$KB/iasl.log" >&2; echo "check-kernel: iasl failed" >&2; exit 1; }
fi

args=()
for k in "${kos[@]}"; do args+=(--ko "$k"); done
for t in "${tools[@]}"; do args+=(--bin "$t"); done
# QNN_GUEST_ONLY="<glob>...": only those programs (a quicker run while working
# on one). amd64 runs by default the trace tests (what the amd64 check is for),
# and the ABI checks; QNN_GUEST_ONLY='*' runs all there too (13 programs, 200 s of TCG).
only=${QNN_GUEST_ONLY:-*}
[ "$arch" = amd64 ] && only=${QNN_GUEST_ONLY:-test_trace* test_abi}
read -ra globs <<<"$only" # split without expanding them against this folder
picked() { # program name: matches one of the globs
	local g
	for g in "${globs[@]}"; do
		# shellcheck disable=SC2254
		case $1 in $g) return 0 ;; esac
	done
	return 1
}
for p in "${progs[@]}"; do
	picked "$(basename "$p")" || continue
	case $(basename "$p") in
	test_*) [ "$mode" = check ] && args+=(--test "$p") ;;
	bench_*) [ "$mode" = bench ] && args+=(--test "$p") ;;
	esac
done
# A selection that picks nothing must not pass for a run.
if ! printf '%s\n' "${args[@]}" | grep -qx -- --test; then
	echo "check-kernel: no guest program matches '$only' ($mode)" >&2
	exit 1
fi
for f in "$gd"/firmware/qnn/*.qnn; do
	[ -f "$f" ] && args+=(--fw "qnn/$(basename "$f")=$f")
done
for f in "$gd"/data/*; do
	[ -f "$f" ] && args+=(--data "$(basename "$f")=$f")
done
initrd=$KB/initrd$sfx-$mode.gz
bash tests/kernel/mkinitramfs.sh "$initrd" "$BUSYBOX" "${args[@]}"
step "initramfs $(du -h "$initrd" | cut -f1), booting $KREL in QEMU ($mode)"

limit=${QNN_GUEST_TIMEOUT:-480}
[ "$mode" = bench ] && limit=${QNN_GUEST_TIMEOUT:-1200}
rc=0
bash tests/kernel/run-qemu.sh "$VMLINUZ" "$initrd" "$platform" "$KB/guest$sfx-$mode.log" \
	"$mode" "$limit" "$arch" || rc=$?
step "done"
exit $rc
