#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0 OR MIT
#
# The board's base root file system: Debian 12 arm64 with systemd,
# Debian's arm64 kernel and headers, DKMS and a compiler
# (rootfs-packages.txt), made by mmdebstrap under qemu-user (the arm64
# maintainer scripts run emulated: the kernel's initrd is made by
# initramfs-tools as on a real board). Users bob (not in group qnn) is
# made here; alice (group qnn) once our packages have made the group.
#
# Cached outside the clone, keyed by its inputs (this script and the
# package list): $QNN_CACHE/board-rootfs-<key>/. Prints that path.
# Environment: QNN_CACHE (default /var/cache/qnn), QNN_DEBIAN_MIRROR.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
CACHE=${QNN_CACHE:-/var/cache/qnn}
list=$here/rootfs-packages.txt
key=$(cat "$0" "$list" | sha256sum | cut -c1-16)
out=$CACHE/board-rootfs-$key
if [ -f "$out/.complete" ]; then
	echo "$out"
	exit 0
fi
bash "$here/binfmt-arm64.sh"
mkdir -p "$CACHE"
exec 9>"$CACHE/board-rootfs-$key.lock"
flock 9
[ -f "$out/.complete" ] && { echo "$out"; exit 0; }
pkgs=$(grep -v '^#' "$list" | grep . | paste -sd, -)
mirror=()
[ -n "${QNN_DEBIAN_MIRROR:-}" ] && mirror=("$QNN_DEBIAN_MIRROR")
tmp=$out.tmp
rm -rf "$tmp"
# Not needed to boot or to build a module: documentation, translations,
# and kernel modules of hardware the emulated board does not have (sound,
# graphics, media, radios): a smaller image, a faster copy per run.
# (dpkg's patterns, not the shell's: quoted.)
slim=()
for p in '/usr/share/man/*' '/usr/share/doc/*' '/usr/share/locale/*' '/usr/share/info/*' \
	'/lib/modules/*/kernel/sound/*' '/lib/modules/*/kernel/drivers/gpu/*' \
	'/lib/modules/*/kernel/drivers/media/*' '/lib/modules/*/kernel/drivers/net/wireless/*' \
	'/lib/modules/*/kernel/drivers/infiniband/*' '/lib/modules/*/kernel/drivers/staging/*' \
	'/lib/modules/*/kernel/net/bluetooth/*' '/lib/modules/*/kernel/drivers/bluetooth/*'; do
	slim+=("--dpkgopt=path-exclude=$p")
done
# The initrd holds only what mounts the board's root (virtio disk, ext4):
# initramfs-tools' default (MODULES=most) copies hundreds of modules, each
# step emulated, every time a package triggers it; "dep" cannot probe a
# chroot. The hook is ours, not a conffile: the package files stay as
# Debian ships them.
initramfs_hook='mkdir -p "$1/etc/initramfs-tools/conf.d" "$1/etc/initramfs-tools/hooks"
printf "# tests/board: a small initrd\nMODULES=list\n" >"$1/etc/initramfs-tools/conf.d/qnn-board.conf"
cat >"$1/etc/initramfs-tools/hooks/qnn-board" <<"HOOK"
#!/bin/sh
# tests/board: what mounts the root of the emulated board
[ "$1" = prereqs ] && exit 0
. /usr/share/initramfs-tools/hook-functions
for m in virtio_pci virtio_blk crc32c_generic ext4; do force_load $m; done
HOOK
chmod 755 "$1/etc/initramfs-tools/hooks/qnn-board"'
log=$CACHE/board-rootfs-$key.log
echo "build-rootfs: mmdebstrap arm64 bookworm (once; log: $log)" >&2
start=$(date +%s)
if ! mmdebstrap --arch=arm64 --variant=minbase --include="$pkgs" "${slim[@]}" \
	--aptopt='APT::Install-Recommends "false"' --setup-hook="$initramfs_hook" \
	--customize-hook='chroot "$1" /usr/sbin/useradd -m -s /bin/bash bob' \
	--customize-hook='echo board >"$1/etc/hostname"' \
	--customize-hook='printf "/dev/vda1 / ext4 defaults 0 1\n" >"$1/etc/fstab"' \
	--customize-hook='mkdir -p "$1/var/log/journal"' \
	bookworm "$tmp" "${mirror[@]}" >"$log" 2>&1; then
	tail -30 "$log" >&2
	echo "build-rootfs: mmdebstrap failed (log: $log)" >&2
	exit 1
fi
ls "$tmp"/boot/vmlinuz-* "$tmp"/boot/initrd.img-* >/dev/null ||
	{ echo "build-rootfs: no kernel or initrd in the image" >&2; exit 1; }
touch "$tmp/.complete"
rm -rf "$out" && mv "$tmp" "$out"
echo "build-rootfs: made in $(($(date +%s) - start)) s" >&2
echo "$out"
