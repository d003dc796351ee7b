#!/usr/bin/env bash
# One idempotent set-up for `make demo` and `make check` on Debian 12:
#  1. installs the Debian packages listed in scripts/deps/*.txt (native
#     architecture only: arm64 kernel packages are unpacked privately by
#     tests/kernel, never installed through dpkg multiarch);
#  2. prepares the data sets (scripts/prepare-data.sh).
set -euo pipefail
cd "$(dirname "$0")/.."

want=()
for f in scripts/deps/*.txt; do
	while read -r pkg _; do
		[[ -z "$pkg" || "$pkg" == \#* ]] && continue
		want+=("$pkg")
	done <"$f"
done

missing=()
for p in "${want[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done

if [ "${#missing[@]}" -gt 0 ]; then
	echo "setup: installing ${#missing[@]} Debian packages: ${missing[*]}"
	SUDO=
	[ "$(id -u)" -eq 0 ] || SUDO=sudo
	export DEBIAN_FRONTEND=noninteractive
	$SUDO apt-get update -qq
	$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
	echo "setup: all Debian packages present"
fi

bash scripts/prepare-data.sh
