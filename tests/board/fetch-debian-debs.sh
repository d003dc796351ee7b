#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0 OR MIT
#
# Debian's own arm64 packages the board installs beside ours, which its base
# system (rootfs-packages.txt, cached for half an hour of emulated set-up)
# does not have: libbpf1 (qnn-trace's library) and bpftool (the test checks
# that no BPF program is left behind). apt installs the board's packages
# offline, so they are downloaded here with tests/kernel's private apt state
# (its lists, arm64 first; nothing on this machine changes) and cached in
# $QNN_CACHE/board-debian-debs-<hash of the names and versions>; a board with
# the network gets them from the archive as apt's dependencies.
#
# Usage: fetch-debian-debs.sh <tests/kernel cache dir>
# Prints the folder; its debs.txt lists the .deb files, one a line.
set -euo pipefail
cd "$(dirname "$0")/../.."
KB=$(realpath -m "${1:?usage: $0 <tests/kernel cache dir>}")
CACHE=${QNN_CACHE:-/var/cache/qnn}
PKGS=(libbpf1 bpftool)
bash tests/kernel/fetch-debian-arm64.sh "$KB" >&2
APTD=$KB/apt
APT=(-o "Dir::State::Lists=$APTD/lists" -o "Dir::Cache=$APTD/cache"
	-o "Dir::State::status=$APTD/status" -o "APT::Architecture=arm64"
	-o "APT::Architectures::=arm64" -o "APT::Architectures::=amd64"
	-o "Debug::NoLocking=1" -o "Acquire::Retries=3")
want=()
for p in "${PKGS[@]}"; do
	v=$(apt-cache "${APT[@]}" policy "$p:arm64" | awk '/Candidate:/ { print $2 }')
	[ -n "$v" ] && [ "$v" != "(none)" ] || { echo "fetch-debian-debs: no $p:arm64 in the lists" >&2; exit 1; }
	want+=("$p:arm64=$v")
done
dir=$CACHE/board-debian-debs-$(printf '%s\n' "${want[@]}" | sha256sum | cut -c1-16)
if [ ! -s "$dir/debs.txt" ]; then
	rm -rf "$dir.tmp" && mkdir -p "$dir.tmp"
	(cd "$dir.tmp" && apt-get "${APT[@]}" -o APT::Sandbox::User=root download "${want[@]}" >&2)
	(cd "$dir.tmp" && ls -1 ./*.deb | sed 's|^\./||') >"$dir.tmp/debs.txt"
	[ "$(wc -l <"$dir.tmp/debs.txt")" -eq "${#want[@]}" ] ||
		{ echo "fetch-debian-debs: got $(wc -l <"$dir.tmp/debs.txt") of ${#want[@]}" >&2; exit 1; }
	find "$CACHE" -maxdepth 1 -name 'board-debian-debs-*' ! -name "$(basename "$dir")*" -exec rm -rf {} +
	mv "$dir.tmp" "$dir"
fi
echo "fetch-debian-debs: ${want[*]} in $dir" >&2
echo "$dir"
