#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Packs the test initramfs: busybox (static, arm64), /init, the modules,
# the guest programs, firmware (models) and data files.
#
# Usage: mkinitramfs.sh <out.cpio.gz> <busybox> [--ko f.ko]... [--test prog]...
#        [--bin tool]... [--fw name=path]... [--data name=path]...
set -euo pipefail
out=$1 busybox=$2
shift 2
here=$(dirname "$0")
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
chmod 755 "$stage" # the guest's / (mktemp's 0700 would shut non-root programs out)
mkdir -p "$stage"/{bin,sbin,dev,proc,sys,tmp,lib/modules,lib/firmware,tests,data}
cp "$busybox" "$stage/bin/busybox"
cp "$here/guest-init.sh" "$stage/init"
chmod 755 "$stage/init" "$stage/bin/busybox"
while [ $# -gt 0 ]; do
	case $1 in
	--ko) cp "$2" "$stage/lib/modules/" ;;
	--test) cp "$2" "$stage/tests/" ;;
	--bin) cp "$2" "$stage/bin/" ;;
	--fw) mkdir -p "$stage/lib/firmware/$(dirname "${2%%=*}")"
		cp "${2#*=}" "$stage/lib/firmware/${2%%=*}" ;;
	--data) cp "${2#*=}" "$stage/data/${2%%=*}" ;;
	*) echo "mkinitramfs: unknown option $1" >&2; exit 2 ;;
	esac
	shift 2
done
# The console must exist before /init mounts devtmpfs: the kernel opens
# it for PID 1's stdin/stdout.
mknod -m 600 "$stage/dev/console" c 5 1
(cd "$stage" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) | gzip -1 >"$out.tmp"
mv "$out.tmp" "$out"
