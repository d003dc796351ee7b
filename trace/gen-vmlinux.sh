#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# vmlinux.h for one architecture, generated from a kernel's BTF by
# `bpftool btf dump ... format c` (never written by hand):
#   amd64  this host's /sys/kernel/btf/vmlinux when the host is x86_64 and
#          its kernel has BTF, else the BTF inside <image> (Debian's amd64
#          vmlinuz); the same for arm64 on an aarch64 host (the board)
#   arm64  the BTF inside <image>: Debian's arm64 vmlinuz (a raw Image; its
#          package has no System.map, btf-from-image.py finds the blob)
# QNN_VMLINUX_BTF=<raw BTF file> overrides both.
#
# Usage: gen-vmlinux.sh amd64|arm64 <out vmlinux.h> [image]
set -euo pipefail
arch=${1:?usage: $0 amd64|arm64 <out vmlinux.h> [image]}
out=${2:?usage: $0 amd64|arm64 <out vmlinux.h> [image]}
image=${3:-}
here=$(dirname "$0")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

btf=${QNN_VMLINUX_BTF:-}
native=$(uname -m)
native=${native/x86_64/amd64}
native=${native/aarch64/arm64}
if [ -z "$btf" ] && [ -z "$image" ] && [ "$arch" = "$native" ] && [ -r /sys/kernel/btf/vmlinux ]; then
	btf=/sys/kernel/btf/vmlinux
fi
if [ -z "$btf" ]; then
	if [ -z "$image" ] || [ ! -r "$image" ]; then
		echo "gen-vmlinux: no BTF for $arch: give a kernel image with BTF" \
			"(or QNN_VMLINUX_BTF=<file>)" >&2
		exit 1
	fi
	python3 "$here/btf-from-image.py" "$image" "$tmp/vmlinux.btf"
	btf=$tmp/vmlinux.btf
fi
mkdir -p "$(dirname "$out")"
bpftool btf dump file "$btf" format c >"$tmp/vmlinux.h"
# The registers USDT arguments come from must be this architecture's (a
# foreign chroot or qemu-user would otherwise pass the host kernel's BTF off).
case $arch in
amd64) want='^struct pt_regs \{' regs='r15' ;;
arm64) want='^struct user_pt_regs \{' regs='regs\[31\]' ;;
esac
if ! grep -A3 -E "$want" "$tmp/vmlinux.h" | grep -qE "$regs"; then
	echo "gen-vmlinux: the BTF in $btf is not an $arch kernel's" >&2
	exit 1
fi
mv "$tmp/vmlinux.h" "$out"
echo "gen-vmlinux: $out ($arch, from $btf${image:+ / $(basename "$image")})" >&2
