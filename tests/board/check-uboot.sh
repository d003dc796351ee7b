#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0 OR MIT
#
# The board's firmware step alone, in seconds: U-Boot (build-uboot.sh)
# runs the board's boot script (boot.cmd) from a virtio disk, which applies
# the qnn overlay with `fdt apply` onto the device tree QEMU hands the
# firmware, and boots Debian's arm64 kernel (tests/kernel's private fetch)
# with a busybox initramfs that reports what the kernel sees in
# /proc/device-tree. Twice: with the overlay on the disk (the nodes must be
# there) and without it (they must not). Nothing is merged on the host.
#
# Usage: check-uboot.sh <work dir>; prints "check-uboot: N passed, M failed".
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD=$(realpath -m "${QNN_BUILD:-build}")
w=$(realpath -m "${1:?usage: $0 <work dir>}")
mkdir -p "$w"
passed=0 failed=0
ok() { passed=$((passed + 1)); echo "check-uboot: PASS $*"; }
bad() { failed=$((failed + 1)); echo "check-uboot: FAIL $*"; }

uboot=$(bash tests/board/build-uboot.sh)
bash tests/kernel/fetch-debian-arm64.sh "$BUILD/kernel" >"$w/fetch.log" 2>&1 ||
	{ cat "$w/fetch.log" >&2; exit 1; }
# shellcheck source=/dev/null
. "$BUILD/kernel/env.sh"

ir=$w/initramfs
rm -rf "$ir" && mkdir -p "$ir/bin" "$ir/proc" "$ir/sys" "$ir/dev"
cp "$BUSYBOX" "$ir/bin/busybox"
cat >"$ir/init" <<'INIT'
#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc
# /proc/device-tree is a link into sysfs.
mount -t sysfs sys /sys
for n in accelerator dma-controller; do
	c=$(cat /proc/device-tree/$n/compatible 2>/dev/null | tr -d '\0')
	echo "QNN-UBOOT node /$n: ${c:-none}"
done
echo "QNN-UBOOT done"
echo o >/proc/sysrq-trigger
# Power-off is asynchronous: init must not exit (a panic) meanwhile.
sleep 30
INIT
chmod 755 "$ir/init"
(cd "$ir" && find . | cpio -o -H newc --quiet | gzip -1) >"$w/initrd.img"

boot() { # name, with-overlay (yes|no): one boot; the console log in $w/<name>.log
	local r=$w/disk-root disk=$w/disk.img
	rm -rf "$r" && mkdir -p "$r/boot/qnn"
	cp "$VMLINUZ" "$r/boot/vmlinuz"
	cp "$w/initrd.img" "$r/boot/initrd.img"
	mkimage -A arm64 -T script -C none -d tests/board/boot.cmd "$r/boot/boot.scr" >/dev/null
	[ "$2" = yes ] && dtc -@ -q -I dts -O dtb -o "$r/boot/qnn/qemu-virt-qnn.dtbo" dts/qemu-virt-qnn.dtso
	rm -f "$disk" && truncate -s 129M "$disk"
	echo 'start=2048, type=83, bootable' | sfdisk -q "$disk"
	mke2fs -q -t ext4 -d "$r" -E offset=1048576 "$disk" 128M
	timeout --kill-after=5 180 qemu-system-aarch64 -M virt -cpu cortex-a53 -smp 2 -m 1024 \
		-bios "$uboot" -nographic -no-reboot \
		-drive if=none,file="$disk",format=raw,id=hd0 -device virtio-blk-pci,drive=hd0 \
		</dev/null 2>&1 | tr -d '\r' >"$w/$1.log" || true
	rm -rf "$r" "$disk"
}

boot with-overlay yes
l=$w/with-overlay.log
grep -q '^qnn-board: fdt apply /boot/qnn/qemu-virt-qnn.dtbo: applied' "$l" &&
	ok "U-Boot ran boot.scr and applied the overlay ($(grep -m1 '^U-Boot 20' "$l"))" ||
	bad "U-Boot did not apply the overlay (log: $l)"
grep -q '^QNN-UBOOT node /accelerator: qnn,hls4ml-accel' "$l" &&
	grep -q '^QNN-UBOOT node /dma-controller: qnn,sim-axi-dma' "$l" &&
	ok "Debian's kernel $KREL sees the overlay's nodes in /proc/device-tree" ||
	bad "the kernel does not see the overlay's nodes: $(grep '^QNN-UBOOT' "$l" | tr '\n' ' ')"

boot without-overlay no
l=$w/without-overlay.log
grep -q '^qnn-board: no /boot/qnn/qemu-virt-qnn.dtbo: booting the base device tree' "$l" &&
	grep -q '^QNN-UBOOT node /accelerator: none' "$l" && grep -q '^QNN-UBOOT done' "$l" &&
	ok "without the .dtbo on the disk: base tree, no qnn node" ||
	bad "boot without the overlay: $(grep -E '^(qnn-board|QNN-UBOOT)' "$l" | tr '\n' ' ')"
for l in "$w"/with-overlay.log "$w"/without-overlay.log; do
	if grep -nE 'WARNING:|BUG:|Oops|Call trace|Kernel panic' "$l" >/dev/null; then
		bad "kernel problems in $l: $(grep -m2 -E 'WARNING:|BUG:|Oops|Call trace|Kernel panic' "$l")"
	fi
done
echo "check-uboot: $passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -eq 3 ]
