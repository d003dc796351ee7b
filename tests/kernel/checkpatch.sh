#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Runs the kernel's checkpatch.pl --strict on the kernel C sources. The
# script comes from Debian's linux-source-6.1 (downloaded once into the
# cache, never installed, never copied into the repository).
#
# Usage: checkpatch.sh <cache dir> [files...]   (default: kernel/**/*.[ch])
set -euo pipefail
cd "$(dirname "$0")/../.."
KB=$(realpath -m "${1:?usage: $0 <cache dir> [files]}")
shift
cp_dir=$KB/checkpatch
if [ ! -x "$cp_dir/scripts/checkpatch.pl" ]; then
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' EXIT
	(cd "$tmp" && apt-get -o APT::Sandbox::User=root download -qq linux-source-6.1 >/dev/null 2>&1) || {
		echo "checkpatch: cannot download linux-source-6.1" >&2
		exit 1
	}
	dpkg-deb --fsys-tarfile "$tmp"/linux-source-6.1_*.deb |
		tar -x -C "$tmp" --wildcards '*/linux-source-6.1.tar.xz'
	mkdir -p "$cp_dir"
	tar -xJf "$tmp"/usr/src/linux-source-6.1.tar.xz -C "$cp_dir" --strip-components=1 \
		linux-source-6.1/scripts/checkpatch.pl linux-source-6.1/scripts/spelling.txt \
		linux-source-6.1/scripts/const_structs.checkpatch
fi
if [ $# -eq 0 ]; then
	mapfile -t files < <(find kernel -name '*.[ch]' | sort)
else
	files=("$@")
fi
# --no-tree: an out-of-tree module; the typedefs and uapi rules still apply.
# Any error, warning or check fails: the output of a clean run is empty.
report=$(perl "$cp_dir/scripts/checkpatch.pl" --no-tree --strict --terse --show-types \
	--ignore FILE_PATH_CHANGES -f "${files[@]}" 2>&1) || true
if [ -n "$report" ]; then
	echo "$report"
	exit 1
fi
echo "checkpatch: ${#files[@]} files clean"
