#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0 OR MIT
#
# Makes sure this machine runs arm64 binaries through qemu-user-static
# (mmdebstrap --arch=arm64 and the board image's chroot need it). On a host
# whose PID 1 is not systemd nothing mounts binfmt_misc or registers the
# interpreters: do both, idempotently. Changes nothing when already set.
set -euo pipefail
bm=/proc/sys/fs/binfmt_misc
[ -e "$bm/register" ] || mount -t binfmt_misc binfmt_misc "$bm"
if [ ! -e "$bm/qemu-aarch64" ]; then
	update-binfmts --enable qemu-aarch64 >/dev/null 2>&1 || true
fi
if [ ! -e "$bm/qemu-aarch64" ]; then
	# binfmt-support not set up: register Debian's own line for it.
	conf=/usr/lib/binfmt.d/qemu-aarch64.conf
	[ -f "$conf" ] || { echo "binfmt-arm64: qemu-user-static is not installed" >&2; exit 1; }
	cat "$conf" >"$bm/register"
fi
grep -q '^enabled' "$bm/qemu-aarch64" || { echo "binfmt-arm64: qemu-aarch64 disabled" >&2; exit 1; }
