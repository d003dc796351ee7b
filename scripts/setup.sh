#!/usr/bin/env bash
# One idempotent set-up for `make demo` and `make check` on Debian 12:
#  1. installs the Debian packages listed in scripts/deps/*.txt (native
#     architecture only: arm64 kernel packages are unpacked privately by
#     tests/kernel, never installed through dpkg multiarch);
#  2. prepares the data sets (scripts/prepare-data.sh).
set -euo pipefail
cd "$(dirname "$0")/.."

# A line is "package [command]": with a command, the package is only
# wanted when that command is not already on PATH (e.g. a machine whose
# Node.js comes from elsewhere bundles npm, and Debian's npm conflicts).
want=()
for f in scripts/deps/*.txt; do
	while read -r pkg cmd _; do
		[[ -z "$pkg" || "$pkg" == \#* ]] && continue
		[[ -n "${cmd:-}" && "$cmd" != \#* ]] && command -v "$cmd" >/dev/null 2>&1 && continue
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
	$SUDO apt-get -o DPkg::Lock::Timeout=600 update -qq
	$SUDO apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
	echo "setup: all Debian packages present"
fi

bash scripts/prepare-data.sh
