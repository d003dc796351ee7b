#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Builds qnn.ko and qnn_sim.ko out of tree against Debian's headers for one
# architecture (arm64: cross-compiled for the guest; amd64: a compile check
# that catches architecture assumptions).
#
# Kbuild writes objects next to the sources, so each architecture builds in
# its own mirror of the repository (symlinks to the real files) under
# build/kernel/mod-<arch>/; the Kbuild file there is the top-level one, used
# exactly as `make -C <headers> M=<repo root>` would use it.
#
# Usage: build-modules.sh arm64|amd64 [build dir]   (prints the .ko paths)
# QNN_SIM_ONLY=1 in the environment builds qnn_sim.ko alone.
set -euo pipefail
cd "$(dirname "$0")/../.."
arch=${1:?usage: $0 arm64|amd64 [build dir]}
KB=${2:-build/kernel}
# shellcheck source=/dev/null
. "$KB/env.sh"

case $arch in
arm64) hdr=$ARM64_HDR; cross=(ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu-) ;;
amd64) hdr=$AMD64_HDR; cross=(ARCH=x86_64) ;;
*) echo "build-modules: unknown arch $arch" >&2; exit 2 ;;
esac

list_sources() { # tracked and new files (not ignored ones: no build output)
	local where=(Kbuild kernel hlsgen/include hlsgen/engine hlsgen/format)
	if git rev-parse --git-dir >/dev/null 2>&1; then
		git ls-files -co --exclude-standard "${where[@]}"
	else
		find "${where[@]}" -type f
	fi
}

mir=$(realpath -m "$KB/mod-$arch")
mkdir -p "$mir"
# Refresh the mirror: link every source Kbuild may use, drop links whose
# target went away (a deleted file must not keep building).
while IFS= read -r f; do
	mkdir -p "$mir/$(dirname "$f")"
	ln -sfn "$PWD/$f" "$mir/$f"
done < <(list_sources | grep -E '(^Kbuild$|Kbuild\.qnn$|\.[ch]$)')
find "$mir" -xtype l -delete

log=$KB/modules-$arch.log
if ! make -C "$hdr" M="$mir" "${cross[@]}" ${QNN_SIM_ONLY:+QNN_SIM_ONLY=1} -j2 modules >"$log" 2>&1; then
	cat "$log" >&2
	echo "build-modules: $arch build failed (log: $log)" >&2
	exit 1
fi
# Warnings are errors for our code: the kernel's own flags are the contract.
if grep -E 'warning:|error:' "$log" | grep -v 'Skipping BTF generation' >&2; then
	echo "build-modules: $arch build has warnings (log: $log)" >&2
	exit 1
fi
find "$mir" -name '*.ko' | sort
