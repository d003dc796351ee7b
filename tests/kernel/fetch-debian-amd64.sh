#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# What the amd64 guest needs besides fetch-debian-arm64.sh's amd64 headers:
# Debian's amd64 kernel image of the same ABI (linux-image-<abi>-amd64-unsigned,
# only its vmlinuz is kept) and busybox-static:amd64. Downloaded with the
# private apt state of fetch-debian-arm64.sh (run first, it resolves the ABI)
# and unpacked with dpkg-deb: nothing is installed, dpkg's architectures are
# not touched. Cached outside the build tree, keyed by the package versions:
# ${QNN_CACHE:-/var/cache/qnn}/debian-amd64-guest-<hash> (in <cache dir> when
# that is not writable), so a clean clone reuses it.
#
# Usage: fetch-debian-amd64.sh <tests/kernel cache dir>
# Writes <cache dir>/env-amd64.sh with AMD64_VMLINUZ, AMD64_BUSYBOX.
set -euo pipefail
cd "$(dirname "$0")/../.."
KB=$(realpath -m "${1:?usage: $0 <tests/kernel cache dir>}")
bash tests/kernel/fetch-debian-arm64.sh "$KB" >&2
# shellcheck source=/dev/null
. "$KB/env.sh"
kabi=${KREL%-arm64}
APTD=$KB/apt
APT=(-o "Dir::State::Lists=$APTD/lists" -o "Dir::Cache=$APTD/cache"
	-o "Dir::State::status=$APTD/status" -o "APT::Architecture=arm64"
	-o "APT::Architectures::=arm64" -o "APT::Architectures::=amd64"
	-o "Debug::NoLocking=1" -o "Acquire::Retries=3")
# busybox's version from the lists, looked up again only when they change.
keyf=$KB/amd64-guest.want
if [ ! -s "$keyf" ] || [ "$APTD/lists/.updated" -nt "$keyf" ] || ! grep -q "=$KVER " "$keyf"; then
	bb_ver=$(apt-cache "${APT[@]}" show busybox-static:amd64 | awk '/^Version:/ { print $2; exit }')
	echo "linux-image-$kabi-amd64-unsigned:amd64=$KVER busybox-static:amd64=$bb_ver" >"$keyf"
fi
read -ra want <"$keyf"

cache=${QNN_CACHE:-/var/cache/qnn}
mkdir -p "$cache" 2>/dev/null || true
[ -w "$cache" ] || cache=$KB
root=$cache/debian-amd64-guest-$(echo "${want[*]}" | sha256sum | cut -c1-16)
vmlinuz=$root/vmlinuz-$kabi-amd64
if [ ! -s "$root/.complete" ]; then
	dl=$root.dl
	rm -rf "$dl" "$root" && mkdir -p "$dl" "$root"
	(cd "$dl" && apt-get "${APT[@]}" -o APT::Sandbox::User=root download "${want[@]}") |
		grep -v '^Get:' >&2 || true
	# The image package is 400 MB unpacked (its modules): keep the kernel only.
	dpkg-deb --fsys-tarfile "$dl"/linux-image-*.deb |
		tar -xO "./boot/vmlinuz-$kabi-amd64" >"$vmlinuz.tmp"
	dpkg-deb --fsys-tarfile "$dl"/busybox-static_*.deb | tar -xO ./bin/busybox >"$root/busybox.tmp"
	if [ ! -s "$vmlinuz.tmp" ] || [ ! -s "$root/busybox.tmp" ]; then
		echo "fetch-debian-amd64: the image or busybox is missing in ${want[*]}" >&2
		exit 1
	fi
	chmod 755 "$root/busybox.tmp"
	mv "$vmlinuz.tmp" "$vmlinuz" && mv "$root/busybox.tmp" "$root/busybox"
	rm -rf "$dl"
	echo "${want[*]}" >"$root/.complete"
fi
cat >"$KB/env-amd64.sh" <<ENV
AMD64_VMLINUZ=$vmlinuz
AMD64_BUSYBOX=$root/busybox
ENV
echo "fetch-debian-amd64: Debian amd64 kernel $kabi-amd64 ($KVER) and busybox in $root" >&2
