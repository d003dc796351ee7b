#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Compiles the guest programs of tests/kernel/guest/ into static binaries
# for the guest's architecture (arm64: cross; amd64: this x86_64 host's
# compiler and its Debian -dev static libraries) under <out dir>:
#   test_*.c   one test program each (run by `make check-kernel`)
#   bench_*.c  one benchmark each (run by `make bench-kernel`)
#   other .c   helpers linked into every program
# They may use <linux/qnn.h> (-Ikernel/uapi), hlsgen/include (+ the engine, linked from a
# build of hlsgen/engine and hlsgen/format for the guest) and libnl-3/libnl-genl-3
# (arm64: static libraries from Debian's arm64 packages, unpacked by the fetch).
# QNN_GUEST_PROGS=<glob> builds only the programs it matches.
#
# Usage: build-guest.sh <out dir> [build dir] [arm64|amd64]   (prints the program paths)
set -euo pipefail
cd "$(dirname "$0")/../.."
out=${1:?usage: $0 <out dir> [build dir]}
KB=${2:-build/kernel}
# shellcheck source=/dev/null
. "$KB/env.sh"
arch=${3:-arm64}
CFLAGS=(-std=gnu11 -O2 -g -Wall -Wextra -Werror -Wno-unused-parameter -pthread
	-Ikernel/uapi -Ilibclient/include -Ihlsgen/include -Itests/kernel/guest)
case $arch in
arm64)
	CC=aarch64-linux-gnu-gcc AR=aarch64-linux-gnu-ar
	CFLAGS+=(-I"$ARM64_SYSROOT/usr/include/libnl3")
	LIBS=(-L"$ARM64_SYSROOT/lib/aarch64-linux-gnu" -lnl-genl-3 -lnl-3 -lpthread -lm)
	;;
amd64)
	[ "$(uname -m)" = x86_64 ] ||
		{ echo "build-guest: amd64 guest programs are built on an x86_64 host" >&2; exit 1; }
	CC=gcc AR=ar
	CFLAGS+=(-I/usr/include/libnl3)
	LIBS=(-lnl-genl-3 -lnl-3 -lpthread -lm)
	;;
*) echo "build-guest: unknown arch $arch" >&2; exit 2 ;;
esac
mkdir -p "$out/obj"

# The engine for the guest, built as the host build does (freestanding).
core=$out/libqnncore.a
core_objs=()
for c in hlsgen/engine/*.c hlsgen/format/*.c; do
	[ -f "$c" ] || continue
	o=$out/obj/core-$(basename "${c%.c}").o
	if [ ! -f "$o" ] || [ "$c" -nt "$o" ] || [ -n "$(find hlsgen/include -newer "$o" -print -quit)" ]; then
		$CC "${CFLAGS[@]}" -O3 -ffreestanding -c "$c" -o "$o"
	fi
	core_objs+=("$o")
done
rm -f "$core"
[ ${#core_objs[@]} -gt 0 ] && $AR rcs "$core" "${core_objs[@]}"

helpers=()
for c in tests/kernel/guest/*.c; do
	[ -f "$c" ] || continue
	case $(basename "$c") in test_* | bench_*) continue ;; esac
	o=$out/obj/$(basename "${c%.c}").o
	$CC "${CFLAGS[@]}" -c "$c" -o "$o"
	helpers+=("$o")
done

for c in tests/kernel/guest/test_*.c tests/kernel/guest/bench_*.c; do
	[ -f "$c" ] || continue
	# shellcheck disable=SC2254
	case $(basename "${c%.c}") in ${QNN_GUEST_PROGS:-*}) ;; *) continue ;; esac
	p=$out/$(basename "${c%.c}")
	$CC "${CFLAGS[@]}" -static -o "$p" "$c" "${helpers[@]}" \
		${core_objs:+"$core"} "${LIBS[@]}"
	echo "$p"
done
