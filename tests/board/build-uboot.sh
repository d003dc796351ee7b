#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0 OR MIT
#
# U-Boot for the emulated board, with `fdt apply`. Debian's prebuilt
# u-boot-qemu lacks CONFIG_OF_LIBFDT_OVERLAY, so this fetches Debian's own
# u-boot *source* package with a private apt state (a deb-src sources file
# of our own; the host's apt configuration, lists and dpkg state are not
# touched), unpacks it with dpkg-source -x (Debian's patches applied),
# configures qemu_arm64_defconfig plus the overlay support and cross-builds
# it with Debian's aarch64 gcc.
#
# The configuration added to the defconfig is u-boot.config. The result is
# cached outside the clone, keyed by the source version, that fragment and
# the compiler: $QNN_CACHE/u-boot-<key>/.
#
# Usage: build-uboot.sh            prints the path of u-boot.bin
# Environment: QNN_CACHE (default /var/cache/qnn), QNN_DEBIAN_MIRROR.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
frag=$here/u-boot.config
CACHE=${QNN_CACHE:-/var/cache/qnn}
MIRROR=${QNN_DEBIAN_MIRROR:-http://deb.debian.org/debian}
APTD=$CACHE/u-boot-apt
mkdir -p "$APTD/lists/partial" "$APTD/cache/archives/partial" "$APTD/etc"
cat >"$APTD/etc/sources.list" <<SRC
deb-src $MIRROR bookworm main
deb-src $MIRROR bookworm-updates main
SRC
: >>"$APTD/status"
APT=(-o "Dir::Etc::SourceList=$APTD/etc/sources.list" -o "Dir::Etc::SourceParts=/nonexistent"
	-o "Dir::State::Lists=$APTD/lists" -o "Dir::Cache=$APTD/cache"
	-o "Dir::State::status=$APTD/status" -o "Debug::NoLocking=1" -o "Acquire::Retries=3"
	-o "APT::Sandbox::User=root")

# The source lists are refreshed at most once a day (a warm run needs no
# network; a stale version does not stick forever).
stamp=$APTD/lists/.updated
if [ -z "$(find "$stamp" -mmin -1440 2>/dev/null)" ]; then
	if apt-get "${APT[@]}" update -qq >&2; then
		touch "$stamp"
	elif [ ! -f "$stamp" ]; then
		echo "build-uboot: apt-get update failed and nothing is cached" >&2
		exit 1
	fi
fi
ver=$(apt-cache "${APT[@]}" showsrc u-boot | awk '/^Version:/ { print $2 }' | sort -V | tail -1)
[ -n "$ver" ] || { echo "build-uboot: no u-boot source package in the lists" >&2; exit 1; }
key=$( (echo "$ver"; grep '^CONFIG_' "$frag"; aarch64-linux-gnu-gcc --version | head -1) |
	sha256sum | cut -c1-16)
out=$CACHE/u-boot-$key
if [ -f "$out/u-boot.bin" ]; then
	echo "$out/u-boot.bin"
	exit 0
fi

work=$(mktemp -d "$CACHE/u-boot-build.XXXXXX")
trap 'rm -rf "$work"' EXIT
echo "build-uboot: u-boot $ver (source package, private apt state)" >&2
(cd "$work" && apt-get "${APT[@]}" source --download-only "u-boot=$ver" >&2)
dpkg-source -x "$work"/u-boot_*.dsc "$work/src" >&2
cd "$work/src"
# The board boots the way a ZynqMP's U-Boot does: distro boot finds
# boot.scr on the first disk, which loads the base DTB and the overlay
# and applies it with `fdt apply` (CONFIG_OF_LIBFDT_OVERLAY).
MK=(CROSS_COMPILE=aarch64-linux-gnu- ARCH=arm)
make "${MK[@]}" qemu_arm64_defconfig >&2
# Later lines win in a .config: the fragment overrides the defconfig.
grep '^CONFIG_' "$frag" >>.config
make "${MK[@]}" olddefconfig >&2
while read -r line; do
	grep -qx "$line" .config || { echo "build-uboot: '$line' did not stick" >&2; exit 1; }
done < <(grep '^CONFIG_' "$frag")
start=$(date +%s)
make "${MK[@]}" -j"$(nproc)" >"$work/build.log" 2>&1 ||
	{ tail -30 "$work/build.log" >&2; echo "build-uboot: build failed" >&2; exit 1; }
echo "build-uboot: built in $(($(date +%s) - start)) s" >&2
mkdir -p "$out.tmp"
cp u-boot.bin .config "$out.tmp/"
echo "$ver" >"$out.tmp/version"
rm -rf "$out" && mv "$out.tmp" "$out"
echo "$out/u-boot.bin"
