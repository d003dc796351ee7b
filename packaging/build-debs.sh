#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0 OR MIT
#
# Builds the Debian packages from the committed tree (HEAD):
#   1. exports HEAD (git archive) to <out>/qnn-<version>/: a consistent
#      snapshot, as CI's clean clone would have it, whatever half-written
#      files other work has in the working tree;
#   2. puts packaging/debian there as debian/ (symlinks resolved);
#   3. copies the lab's model (../shared/models/qkeras_mnist_cnn*, or
#      $QNN_SHARED/models) into models/: qnn-model-mnist's input, compiled
#      by `hlsgen import` at package build time;
#   4. runs dpkg-buildpackage in it (-b: binary packages only, the
#      default; --full: source package too). Unsigned.
# With QNN_DEB_CHROOT=<dir> QNN_DEB_HOST_ARCH=<arch> (build-debs-arm64.sh)
# step 4 cross-builds the architecture-dependent packages only
# (dpkg-buildpackage -a <arch> -B -Pcross) inside that chroot, in a private
# mount namespace with <out> bound to /build: nothing on this machine
# changes. QNN_DEB_VMLINUX_H=<file> goes in as vmlinux/<arch>.h (qnn-trace's
# kernel types: a cross build has no kernel of its architecture).
# The .deb files land in <out>/. Nothing is rebuilt while HEAD and
# packaging/debian are unchanged since the last successful build (the
# stamp), so `make check`'s packaging and systemd suites share one build.
# Outside a git checkout, or with QNN_DEB_SOURCE=worktree, the working
# tree's source files (tracked and new, not ignored) are copied instead.
#
# Usage: build-debs.sh [--full] [out dir, default build/pkg]
set -euo pipefail
cd "$(dirname "$0")/.."
full=0
[ "${1:-}" = --full ] && { full=1; shift; }
out=${1:-build/pkg}
chroot=${QNN_DEB_CHROOT:-}
host_arch=${QNN_DEB_HOST_ARCH:-}
vmlinux_h=${QNN_DEB_VMLINUX_H:-}
shared=${QNN_SHARED:-${SHARED:-../shared}}
models=("$shared"/models/qkeras_mnist_cnn{.json,_weights.h5,_config.yml})
ver=$(dpkg-parsechangelog -l packaging/debian/changelog -S Version)
src=$out/qnn-$ver
stamp=$out/.built
in_git=0
[ "${QNN_DEB_SOURCE:-head}" = head ] && git rev-parse --verify -q HEAD >/dev/null 2>&1 && in_git=1
for m in "${models[@]}"; do
	[ -r "$m" ] || {
		echo "build-debs: $m missing (the lab's model: ../shared beside the checkout, or QNN_SHARED)" >&2
		exit 1
	}
done

# Two builds into one directory would delete each other's files.
mkdir -p "$(dirname "$out")"
exec 9>"$out.lock"
flock 9

# What the packages are built from: the commit, the debian/ files, the
# model, the mode.
if [ $in_git = 1 ]; then
	id="$(git rev-parse HEAD) $(tar -ch packaging/debian packaging/dkms packaging/systemd 2>/dev/null | sha256sum | cut -c1-16)"
	id="$id $(cat "${models[@]}" | sha256sum | cut -c1-16) $full $host_arch $chroot"
	[ -z "$vmlinux_h" ] || id="$id $(sha256sum <"$vmlinux_h" | cut -c1-16)"
else
	id="tree-$(date +%s) $full $host_arch"
fi
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$id" ]; then
	echo "build-debs: packages up to date in $out"
	exit 0
fi

rm -rf "$out"
mkdir -p "$src"
if [ $in_git = 1 ]; then
	git archive --format=tar HEAD | tar -x -C "$src"
elif git rev-parse --git-dir >/dev/null 2>&1; then
	git ls-files -co --exclude-standard | while read -r f; do [ -e "$f" ] && printf '%s\0' "$f"; done |
		xargs -0 cp -a --parents -t "$src"
else
	tar -c --exclude=./build --exclude=./.git . | tar -x -C "$src"
fi
rm -rf "$src/debian"
cp -rL packaging/debian "$src/debian"
mkdir -p "$src/models"
cp "${models[@]}" "$src/models/"
if [ -n "$vmlinux_h" ]; then
	mkdir -p "$src/vmlinux"
	cp "$vmlinux_h" "$src/vmlinux/${host_arch:-$(dpkg --print-architecture)}.h"
fi

args=(-uc -us)
[ $full = 0 ] && args+=(-b)
[ -n "$host_arch" ] && args=(-uc -us -B -a "$host_arch" -Pcross)
log=$out/build.log
echo "build-debs: dpkg-buildpackage ${args[*]} in $src${chroot:+ (chroot $chroot)} (log: $log)"
start=$(date +%s)
build() {
	if [ -z "$chroot" ]; then
		(cd "$src" && DEB_BUILD_OPTIONS="parallel=2 nocheck noddebs" dpkg-buildpackage "${args[@]}")
		return
	fi
	# The mounts live and die with this private mount namespace.
	unshare --mount --propagation private -- bash -euc '
		c=$1 o=$2 s=$3; shift 3
		mkdir -p "$c/build"
		mount --bind "$o" "$c/build"
		mount --rbind /dev "$c/dev"
		mount -t proc proc "$c/proc"
		chroot "$c" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LC_ALL=C.UTF-8 \
			DEB_BUILD_OPTIONS="parallel=2 nocheck noddebs" \
			sh -c "cd /build/$s && dpkg-buildpackage $*"' \
		_ "$chroot" "$(cd "$out" && pwd)" "qnn-$ver" "${args[@]}"
}
if ! build >"$log" 2>&1; then
	tail -40 "$log" >&2
	echo "build-debs: dpkg-buildpackage failed (log: $log)" >&2
	exit 1
fi
echo "$id" >"$stamp"
echo "build-debs: built in $(($(date +%s) - start)) s:"
ls -1 "$out"/*.deb | sed 's/^/  /'
