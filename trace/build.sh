#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Builds the qnn BPF tools for one architecture:
#   vmlinux.h (gen-vmlinux.sh, once per kernel image) ->
#   <tool>.bpf.o (clang -target bpf) -> <tool>.skel.h (bpftool gen skeleton) ->
#   <tool> (the userspace program with the object embedded)
#   host   for this machine (x86_64 or aarch64), against the installed
#          libbpf-dev (dynamic): make trace, the Debian package. When the
#          package is cross-built (QNN_TRACE_ARCH=arm64, CC the cross
#          compiler), for that architecture against its libbpf-dev: the BPF
#          objects differ only by __TARGET_ARCH and vmlinux.h, and clang,
#          bpftool run here
#   arm64  cross, static, for the test guest and the board: libbpf, libelf,
#          zlib and json-c from Debian's arm64 -dev packages in <sysroot>
#   amd64  static, on an x86_64 host, for the amd64 test guest: vmlinux.h
#          from <image> (Debian's amd64 vmlinuz), this host's -dev libraries
#
# Usage: build.sh host <out dir> [image]
#        build.sh arm64 <out dir> <arm64 vmlinuz> <sysroot>
#        build.sh amd64 <out dir> <amd64 vmlinuz>
# QNN_TRACE_VMLINUX_H=<file>: a vmlinux.h made already by gen-vmlinux.sh (the
# cross package build has no kernel image of its own).
# Prints the paths of the tools built.
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:?usage: $0 host|arm64|amd64 <out dir> [image] [sysroot]}
out=${2:?usage: $0 host|arm64|amd64 <out dir> [image] [sysroot]}
image=${3:-}
sysroot=${4:-}
TOOLS=(${QNN_TRACE_TOOLS:-qnnlat qnntop qnnsnoop})
mkdir -p "$out"

BPF_CFLAGS=(-g -O2 -target bpf -Wall -Werror -Itrace -I"$out")
CFLAGS=(-std=gnu11 -O2 -g -Wall -Wextra -Werror -Wshadow -Wno-unused-parameter
	-D_GNU_SOURCE -Itrace -I"$out")
case $mode in
host)
	arch=${QNN_TRACE_ARCH:-$(uname -m)}
	case $arch in
	x86_64 | amd64) arch=amd64 target=x86 ;;
	aarch64 | arm64) arch=arm64 target=arm64 ;;
	*) echo "build.sh: no BPF target for $arch" >&2; exit 2 ;;
	esac
	CC=${CC:-cc}
	# usdt.bpf.h reaches <asm/errno.h>: the target's kernel uapi headers.
	BPF_CFLAGS+=(-D__TARGET_ARCH_$target -idirafter "/usr/include/$($CC -dumpmachine)")
	# Debian's hardening flags when the package build passes them.
	CFLAGS+=(${QNN_TRACE_CFLAGS:-})
	LIBS=(${QNN_TRACE_LDFLAGS:-} -lbpf -lelf -lz -ljson-c)
	;;
arm64)
	arch=arm64
	[ -n "$sysroot" ] || { echo "build.sh: arm64 needs <sysroot>" >&2; exit 2; }
	BPF_CFLAGS+=(-D__TARGET_ARCH_arm64 -I"$sysroot/usr/include"
		-idirafter /usr/aarch64-linux-gnu/include)
	CC=aarch64-linux-gnu-gcc
	CFLAGS+=(-I"$sysroot/usr/include" -static)
	LIBS=(-L"$sysroot/usr/lib/aarch64-linux-gnu" -lbpf -lelf -lz -ljson-c)
	;;
amd64)
	arch=amd64
	[ "$(uname -m)" = x86_64 ] || { echo "build.sh: amd64 is built on an x86_64 host" >&2; exit 2; }
	[ -n "$image" ] || { echo "build.sh: amd64 needs <image>" >&2; exit 2; }
	BPF_CFLAGS+=(-D__TARGET_ARCH_x86 -idirafter "/usr/include/$(gcc -dumpmachine)")
	CC=gcc
	CFLAGS+=(-static)
	LIBS=(-lbpf -lelf -lz -ljson-c)
	;;
*) echo "build.sh: unknown mode $mode (host, arm64 or amd64)" >&2; exit 2 ;;
esac

# vmlinux.h: regenerated when the image (or the generator) is newer.
vmh=$out/vmlinux.h
if [ -n "${QNN_TRACE_VMLINUX_H:-}" ]; then
	cmp -s "$QNN_TRACE_VMLINUX_H" "$vmh" || cp "$QNN_TRACE_VMLINUX_H" "$vmh"
elif [ ! -s "$vmh" ] || { [ -n "$image" ] && [ "$image" -nt "$vmh" ]; } ||
	[ trace/gen-vmlinux.sh -nt "$vmh" ]; then
	bash trace/gen-vmlinux.sh "$arch" "$vmh" "$image"
fi

for t in "${TOOLS[@]}"; do
	clang "${BPF_CFLAGS[@]}" -c "trace/$t.bpf.c" -o "$out/$t.bpf.o"
	bpftool gen skeleton "$out/$t.bpf.o" name "${t}_bpf" >"$out/$t.skel.h.tmp"
	mv "$out/$t.skel.h.tmp" "$out/$t.skel.h"
	$CC "${CFLAGS[@]}" -o "$out/$t" "trace/$t.c" trace/trace_helpers.c trace/tool_common.c "${LIBS[@]}"
	echo "$out/$t"
done
