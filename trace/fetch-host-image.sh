#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# For a machine whose kernel has no /sys/kernel/btf/vmlinux: Debian's kernel
# image for this architecture (same ABI as tests/kernel fetches), whose BTF
# gen-vmlinux.sh cuts out for vmlinux.h. amd64: the image the amd64 guest boots
# (tests/kernel/fetch-debian-amd64.sh: private apt state, nothing installed,
# cached); arm64: the image tests/kernel already has.
#
# Usage: fetch-host-image.sh <tests/kernel cache dir>   (prints the image path)
set -euo pipefail
cd "$(dirname "$0")/.."
KB=$(realpath -m "${1:?usage: $0 <tests/kernel cache dir>}")
bash tests/kernel/fetch-debian-arm64.sh "$KB" >&2
# shellcheck source=/dev/null
. "$KB/env.sh"
case $(uname -m) in
aarch64) echo "$VMLINUZ"; exit 0 ;;
x86_64) ;;
*) echo "fetch-host-image: no Debian kernel image for $(uname -m)" >&2; exit 1 ;;
esac
bash tests/kernel/fetch-debian-amd64.sh "$KB" >&2
# shellcheck source=/dev/null
. "$KB/env-amd64.sh"
echo "$AMD64_VMLINUZ"
