#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# For a machine whose kernel has no /sys/kernel/btf/vmlinux: Debian's kernel
# image for this architecture (same ABI as tests/kernel fetches), whose BTF
# gen-vmlinux.sh cuts out for vmlinux.h. amd64: linux-image-<abi>-amd64-unsigned,
# downloaded with tests/kernel's private apt state and unpacked with dpkg-deb
# (nothing installed); arm64: the image tests/kernel already has. Cached.
#
# Usage: fetch-host-image.sh <tests/kernel cache dir>   (prints the image path)
set -euo pipefail
cd "$(dirname "$0")/.."
KB=$(realpath -m "${1:?usage: $0 <tests/kernel cache dir>}")
bash tests/kernel/fetch-debian-arm64.sh "$KB" >&2
# shellcheck source=/dev/null
. "$KB/env.sh"
case $(uname -m) in
aarch64) echo "$VMLINUZ"; exit 0 ;;
x86_64) ;;
*) echo "fetch-host-image: no Debian kernel image for $(uname -m)" >&2; exit 1 ;;
esac
kabi=${KREL%-arm64}
img=$KB/amd64-image-$kabi/boot/vmlinuz-$kabi-amd64
if [ ! -s "$img" ]; then
	APTD=$KB/apt
	dl=$KB/amd64-image-$kabi.dl
	rm -rf "$dl" && mkdir -p "$dl"
	(cd "$dl" && apt-get -o "Dir::State::Lists=$APTD/lists" -o "Dir::Cache=$APTD/cache" \
		-o "Dir::State::status=$APTD/status" -o APT::Architecture=arm64 \
		-o APT::Architectures::=arm64 -o APT::Architectures::=amd64 \
		-o Debug::NoLocking=1 -o Acquire::Retries=3 -o APT::Sandbox::User=root \
		download "linux-image-$kabi-amd64-unsigned:amd64=$KVER" >&2)
	mkdir -p "$KB/amd64-image-$kabi"
	dpkg-deb -x "$dl"/linux-image-*.deb "$KB/amd64-image-$kabi"
	rm -rf "$dl"
fi
echo "$img"
