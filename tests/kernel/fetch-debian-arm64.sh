#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Downloads Debian's arm64 kernel, its headers, busybox-static and the
# static libnl, libbpf, libelf, zlib and json-c libraries with a *private* apt state and unpacks them with
# dpkg-deb -x under $KROOT. Nothing is installed and dpkg's architecture
# list is never touched: adding arm64 as a dpkg architecture plus an arm64
# headers package would uninstall the native compiler (testing-here.md).
#
# The kernel ABI (6.1.0-NN) is resolved from the linux-headers-arm64
# meta-package at run time, because the archive moves on. Results are
# cached: a second run with the same ABI downloads nothing.
#
# Usage: fetch-debian-arm64.sh <cache dir>
# Writes <cache dir>/env.sh with KVER, KREL, ARM64_HDR, AMD64_HDR, VMLINUZ,
# ARM64_SYSROOT, BUSYBOX.
set -euo pipefail

CACHE=$(realpath -m "${1:?usage: $0 <cache dir>}")
APTD=$CACHE/apt
DEBS=$CACHE/debs
mkdir -p "$APTD/lists/partial" "$APTD/cache/archives/partial" "$DEBS"

# arm64 first (the primary architecture of this private state), amd64 for
# linux-kbuild (host tools: fixdep, modpost) of exactly the same version.
APT=(-o "Dir::State::Lists=$APTD/lists" -o "Dir::Cache=$APTD/cache"
	-o "Dir::State::status=$APTD/status" -o "APT::Architecture=arm64"
	-o "APT::Architectures::=arm64" -o "APT::Architectures::=amd64"
	-o "Debug::NoLocking=1" -o "Acquire::Retries=3")
: >"$APTD/status.new" && { [ -f "$APTD/status" ] || mv "$APTD/status.new" "$APTD/status"; }
rm -f "$APTD/status.new"

# Refresh the lists at most once a day: a run must not depend on the
# network when the cache is warm, but a stale ABI must not stick forever.
stamp=$APTD/lists/.updated
if [ -z "$(find "$stamp" -mmin -1440 2>/dev/null)" ]; then
	if apt-get "${APT[@]}" update -qq; then
		touch "$stamp"
	elif [ ! -f "$stamp" ]; then
		echo "fetch: apt-get update failed and nothing is cached" >&2
		exit 1
	else
		echo "fetch: apt-get update failed, using the cached lists" >&2
	fi
fi

dep_of() { # first dependency of a meta-package
	apt-cache "${APT[@]}" depends "$1" | awk '/Depends:/ { print $2; exit }'
}
img_pkg=$(dep_of linux-image-arm64:arm64)
hdr_pkg=$(dep_of linux-headers-arm64:arm64)
KREL=${hdr_pkg#linux-headers-}            # 6.1.0-NN-arm64
KABI=${KREL%-arm64}                       # 6.1.0-NN
[[ "$KREL" =~ ^[0-9]+\.[0-9]+\.[0-9]+-[0-9]+-arm64$ ]] ||
	{ echo "fetch: cannot resolve the arm64 kernel ABI (got '$hdr_pkg')" >&2; exit 1; }
common_pkg=linux-headers-$KABI-common
KVER=$(apt-cache "${APT[@]}" show "$hdr_pkg:arm64" | awk '/^Version:/ { print $2; exit }')
kbuild_pkg=linux-kbuild-$(echo "$KABI" | cut -d. -f1-2)

# The amd64 headers of the same ABI, for the compile check (arch
# assumptions); they are arch-specific but unpack anywhere.
amd_hdr_pkg=linux-headers-$KABI-amd64

want=("$img_pkg:arm64" "$hdr_pkg:arm64" "$common_pkg" "$kbuild_pkg:amd64=$KVER"
	"$amd_hdr_pkg:amd64=$KVER" busybox-static:arm64
	libnl-3-dev:arm64 libnl-genl-3-dev:arm64
	# static libbpf and what it links, for trace/'s tools in the guest
	libbpf-dev:arm64 libelf-dev:arm64 zlib1g-dev:arm64 libjson-c-dev:arm64)

ROOT=$CACHE/root-$KABI
# The stamp holds the package list: a root unpacked for another list is redone.
if [ "$(cat "$ROOT/.complete" 2>/dev/null)" != "${want[*]}" ]; then
	rm -rf "$ROOT" "$DEBS/$KABI" && mkdir -p "$ROOT" "$DEBS/$KABI"
	# One download folder per ABI: everything in it belongs to this root.
	(cd "$DEBS/$KABI" && apt-get "${APT[@]}" -o APT::Sandbox::User=root \
		download "${want[@]}" | grep -v '^Get:' || true)
	n=0
	for deb in "$DEBS/$KABI"/*.deb; do
		dpkg-deb -x "$deb" "$ROOT"
		n=$((n + 1))
	done
	[ "$n" -eq "${#want[@]}" ] ||
		{ echo "fetch: got $n of ${#want[@]} packages" >&2; exit 1; }
	# The arch headers' Makefile includes the common tree by an absolute
	# /usr/src path: point it at the unpacked copy instead.
	for a in arm64 amd64; do
		sed -i "s|^include /usr/src/|include $ROOT/usr/src/|" \
			"$ROOT/usr/src/linux-headers-$KABI-$a/Makefile"
	done
	echo "${want[*]}" >"$ROOT/.complete"
fi

cat >"$CACHE/env.sh" <<ENV
KVER=$KVER
KREL=$KREL
ARM64_HDR=$ROOT/usr/src/linux-headers-$KABI-arm64
AMD64_HDR=$ROOT/usr/src/linux-headers-$KABI-amd64
VMLINUZ=$ROOT/boot/vmlinuz-$KREL
ARM64_SYSROOT=$ROOT
BUSYBOX=$ROOT/bin/busybox
ENV
echo "fetch: Debian arm64 kernel $KREL ($KVER) ready in $ROOT"
