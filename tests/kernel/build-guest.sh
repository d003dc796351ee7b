#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Cross-compiles the guest programs of tests/kernel/guest/ into static arm64
# binaries under <out dir>:
#   test_*.c   one test program each (run by `make check-kernel`)
#   bench_*.c  one benchmark each (run by `make bench-kernel`)
#   other .c   helpers linked into every program
# They may use <linux/qnn.h> (-Ikernel/uapi), hlsgen/include (+ the engine, linked from an
# arm64 build of hlsgen/engine and hlsgen/format) and libnl-3/libnl-genl-3
# (static libraries from Debian's arm64 packages, unpacked by the fetch).
#
# Usage: build-guest.sh <out dir> [build dir]   (prints the program paths)
set -euo pipefail
cd "$(dirname "$0")/../.."
out=${1:?usage: $0 <out dir> [build dir]}
KB=${2:-build/kernel}
# shellcheck source=/dev/null
. "$KB/env.sh"
CC=aarch64-linux-gnu-gcc
AR=aarch64-linux-gnu-ar
CFLAGS=(-std=gnu11 -O2 -g -Wall -Wextra -Werror -Wno-unused-parameter -pthread
	-Ikernel/uapi -Ilibclient/include -Ihlsgen/include -Itests/kernel/guest
	-I"$ARM64_SYSROOT/usr/include/libnl3")
LIBS=(-L"$ARM64_SYSROOT/lib/aarch64-linux-gnu" -lnl-genl-3 -lnl-3 -lpthread -lm)
mkdir -p "$out/obj"

# The engine for arm64, built as the host build does (freestanding).
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
	p=$out/$(basename "${c%.c}")
	$CC "${CFLAGS[@]}" -static -o "$p" "$c" "${helpers[@]}" \
		${core_objs:+"$core"} "${LIBS[@]}"
	echo "$p"
done
