#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0 OR MIT
#
# Builds the Debian packages from the working tree:
#   1. copies the tree's source files (tracked + new, not ignored: what
#      `make` sees, without build output) to <out>/qnn-<version>/,
#   2. puts packaging/debian there as debian/ (symlinks resolved),
#   3. runs dpkg-buildpackage in it (-b: binary packages only, the
#      default; --full: source package too). Unsigned.
# The .deb files land in <out>/. Nothing is rebuilt when no source file is
# newer than the last successful build (the stamp), so `make check`'s
# packaging and systemd suites share one build.
#
# Usage: build-debs.sh [--full] [out dir, default build/pkg]
set -euo pipefail
cd "$(dirname "$0")/.."
full=0
[ "${1:-}" = --full ] && { full=1; shift; }
out=${1:-build/pkg}
ver=$(dpkg-parsechangelog -l packaging/debian/changelog -S Version)
src=$out/qnn-$ver
stamp=$out/.built-$([ $full = 1 ] && echo full || echo binary)

list_sources() {
	if git rev-parse --git-dir >/dev/null 2>&1; then
		git ls-files -co --exclude-standard
	else
		find . -path ./build -prune -o -path ./.git -prune -o -type f -print | sed 's|^\./||'
	fi
}

if [ -f "$stamp" ] && [ -z "$(list_sources | while read -r f; do
	[ "$f" -nt "$stamp" ] && { echo "$f"; break; }; done)" ]; then
	echo "build-debs: packages up to date in $out"
	exit 0
fi

rm -rf "$out"
mkdir -p "$src"
list_sources | while read -r f; do [ -e "$f" ] && printf '%s\0' "$f"; done |
	xargs -0 cp -a --parents -t "$src"
rm -rf "$src/debian"
cp -rL packaging/debian "$src/debian"

args=(-uc -us)
[ $full = 0 ] && args+=(-b)
log=$out/build.log
echo "build-debs: dpkg-buildpackage ${args[*]} in $src (log: $log)"
start=$(date +%s)
if ! (cd "$src" && DEB_BUILD_OPTIONS="parallel=2 nocheck" dpkg-buildpackage "${args[@]}") >"$log" 2>&1; then
	tail -40 "$log" >&2
	echo "build-debs: dpkg-buildpackage failed (log: $log)" >&2
	exit 1
fi
touch "$stamp"
echo "build-debs: built in $(($(date +%s) - start)) s:"
ls -1 "$out"/*.deb | sed 's/^/  /'
