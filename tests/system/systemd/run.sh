#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0 OR MIT
#
# check-systemd: qnnd.service + qnnd.socket as packaged, under a real
# systemd. This machine's PID 1 is not systemd (and a container would not
# give the units' sandboxing a real kernel to act on), so the test boots a
# whole Debian system in QEMU:
#   1. the Debian packages of this tree (packaging/build-debs.sh, shared
#      with check-packaging)
#   2. a fresh bookworm root file system made by mmdebstrap, into which apt
#      installs our qnnd, libqnn1, qnn-tools, qnn-oipd and qnn-model-mnist
#      .debs with their dependencies (maintainer scripts run: group qnn,
#      units enabled; the model where the shipped config and the overlays
#      name it), plus test data, users alice (in group qnn) and bob, and the
#      test unit
#   3. Debian's amd64 kernel (downloaded, unpacked privately; never
#      installed) and qnn.ko built for it with qnn-dkms's boot files, the
#      root file system as its initramfs, systemd as PID 1, booted by
#      qemu-system-x86_64 (TCG: no dependency on KVM)
#   4. tests/system/systemd/guest-test.sh runs as a unit after boot and
#      prints QNN-SYSTEMD lines; the host judges the console log.
# The expected classifications come from the packaged hlsgen on the host.
#
# Environment: QNN_SHARED, QNN_DATA, QNN_BUILD; QNN_SYSTEMD_TIMEOUT
# (seconds for the guest, default 420); QNN_DEBIAN_MIRROR (mmdebstrap's
# mirror, default: its own default).
set -euo pipefail
cd "$(dirname "$0")/../../.."
: "${QNN_SHARED:?}" "${QNN_DATA:?}"
BUILD=${QNN_BUILD:-build}
W=$BUILD/systemd
PKG=$BUILD/pkg
T0=$(date +%s)
step() { echo "check-systemd: [$(($(date +%s) - T0))s] $*"; }
mkdir -p "$W"
work=$(mktemp -d "$W/run.XXXXXX")
trap 'rm -rf "$work"' EXIT

step "Debian packages"
bash packaging/build-debs.sh "$PKG"
ver=$(dpkg-parsechangelog -l packaging/debian/changelog -S Version)
arch=$(dpkg --print-architecture)
debs=()
for p in qnnd libqnn1 qnn-tools qnn-oipd; do debs+=("$(realpath "$PKG/${p}_${ver}_${arch}.deb")"); done
debs+=("$(realpath "$PKG/qnn-model-mnist_${ver}_all.deb")")

step "test data and expected outputs (packaged hlsgen, packaged model)"
mkdir -p "$work/pkgroot"
dpkg-deb -x "$PKG/hlsgen_${ver}_${arch}.deb" "$work/pkgroot"
dpkg-deb -x "$PKG/qnn-model-mnist_${ver}_all.deb" "$work/pkgroot"
H=$work/pkgroot/usr/bin/hlsgen
model=$work/pkgroot/lib/firmware/qnn/mnist_cnn.qnn
st=$work/stage
mkdir -p "$st/srv/qnn/data/mnist" "$st/usr/local/sbin" "$st/etc/systemd/system"
cp "$QNN_DATA"/mnist/test-* "$st/srv/qnn/data/mnist/"
/usr/bin/python3 - "$QNN_DATA/mnist/test-images-idx3-ubyte" "$st/srv/qnn/digits.npy" <<'PYEOF'
import sys, numpy as np
raw = np.fromfile(sys.argv[1], dtype=np.uint8)[16:].reshape(-1, 28, 28, 1)[100:120]
np.save(sys.argv[2], (raw / np.float32(255)).astype(np.float32))
PYEOF
"$H" run "$model" --input "$st/srv/qnn/digits.npy" \
	--output "$work/ref.npy" --quiet
/usr/bin/python3 - "$work/ref.npy" "$st/srv/qnn/expected.txt" <<'PYEOF'
import sys, numpy as np
y = np.load(sys.argv[1]).astype(np.float32)
with open(sys.argv[2], "w") as f:
    for i, row in enumerate(y):
        c = int(np.argmax(row))
        f.write(f"{i}: class {c}  output {float(row[c]):.9g}\n")
        f.write("  outputs: " + " ".join(f"{float(v):.9g}" for v in row) + "\n")
PYEOF
cp tests/system/systemd/guest-test.sh "$st/usr/local/sbin/qnn-systest"
chmod 755 "$st/usr/local/sbin/qnn-systest"
cp tests/system/systemd/qnn-systest.service "$st/etc/systemd/system/"

step "Debian amd64 kernel and qnn.ko for it"
# tests/kernel's private fetch gives the kernel ABI and Debian's amd64
# headers; qnn.ko is built against them (the same build check-kernel does
# for its amd64 compile check) so the guest can load it.
bash tests/kernel/fetch-debian-arm64.sh "$BUILD/kernel" >"$work/fetch.log" 2>&1 ||
	{ cat "$work/fetch.log" >&2; exit 1; }
# shellcheck source=/dev/null
. "$BUILD/kernel/env.sh"
kabi=${KREL%-arm64}
vmlinuz=$W/vmlinuz-$kabi-amd64
if [ ! -s "$vmlinuz" ]; then
	(cd "$work" && apt-get download -q "linux-image-$kabi-amd64" >/dev/null)
	dpkg-deb --fsys-tarfile "$work"/linux-image-"$kabi"-amd64_*.deb |
		tar -x -C "$work" "./boot/vmlinuz-$kabi-amd64"
	mv "$work/boot/vmlinuz-$kabi-amd64" "$vmlinuz"
	rm -f "$work"/linux-image-*.deb
fi
ko=$(bash tests/kernel/build-modules.sh amd64 "$BUILD/kernel" | grep '/qnn\.ko$')
# (Under /usr: the guest's /lib is a symlink to usr/lib that sync-in must
# not replace with a directory.)
mdir=$st/usr/lib/modules/$kabi-amd64/updates
mkdir -p "$mdir"
cp "$ko" "$mdir/"
# What qnn-dkms installs besides the sources (modules-load.d, udev rule,
# sysusers), as if DKMS had built the module: the guest has no compiler.
mkdir -p "$work/dkms" "$st/usr/lib/udev"
dpkg-deb --fsys-tarfile "$PKG/qnn-dkms_${ver}_all.deb" |
	tar -x -C "$work/dkms" ./usr/lib/modules-load.d ./lib/udev/rules.d ./usr/lib/sysusers.d
cp -a "$work/dkms/usr/lib/modules-load.d" "$work/dkms/usr/lib/sysusers.d" "$st/usr/lib/"
cp -a "$work/dkms/lib/udev/rules.d" "$st/usr/lib/udev/"

step "root file system (mmdebstrap, installs our packages with apt)"
inc=(--include=systemd,systemd-sysv,udev,kmod,procps)
for d in "${debs[@]}"; do inc+=(--include="$d"); done
mirror=()
[ -n "${QNN_DEBIAN_MIRROR:-}" ] && mirror=("$QNN_DEBIAN_MIRROR")
root=$work/root
# Documentation and translations are not needed to boot: smaller, faster.
slim=(--dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/doc/*'
	--dpkgopt='path-exclude=/usr/share/locale/*' --dpkgopt='path-exclude=/usr/share/info/*')
if ! mmdebstrap --variant=minbase "${inc[@]}" "${slim[@]}" \
	--hook-dir=/usr/share/mmdebstrap/hooks/file-mirror-automount \
	--customize-hook="sync-in $st /" \
	--customize-hook="chroot \"\$1\" /sbin/depmod $kabi-amd64" \
	--customize-hook='chroot "$1" /usr/sbin/useradd -m -G qnn alice' \
	--customize-hook='chroot "$1" /usr/sbin/useradd -m bob' \
	--customize-hook='chroot "$1" systemctl enable qnn-systest.service' \
	bookworm "$root" "${mirror[@]}" >"$work/mmdebstrap.log" 2>&1; then
	tail -30 "$work/mmdebstrap.log" >&2
	echo "check-systemd: mmdebstrap failed" >&2
	exit 1
fi
initrd=$work/rootfs.cpio
(cd "$root" && find . | LC_ALL=C sort | cpio -o -H newc --quiet) >"$initrd"
rm -rf "$root"
step "booting systemd in QEMU ($(du -h "$initrd" | cut -f1) initramfs, kernel $kabi-amd64)"
log=$W/guest.log
limit=${QNN_SYSTEMD_TIMEOUT:-420}
rc=0
timeout "$limit" qemu-system-x86_64 -m 2048 -smp 2 -nographic -no-reboot \
	-kernel "$vmlinuz" -initrd "$initrd" \
	-append "console=ttyS0 rdinit=/lib/systemd/systemd panic=-1 quiet systemd.show_status=0" \
	</dev/null >"$log" 2>&1 || rc=$?
step "guest finished (qemu exit $rc), log: $log"
# Console lines carry the kernel's and journald's prefixes: keep ours.
results=$(grep -ao 'QNN-\(SYSTEMD\|JOURNAL\) .*' "$log" | tr -d '\r')
echo "$results"
if grep -aqE 'Kernel panic|BUG:|Oops|Call Trace' "$log"; then
	echo "check-systemd: kernel problem in the guest log:"
	grep -aE -A5 'Kernel panic|BUG:|Oops|Call Trace' "$log" | head -30
	exit 1
fi
[ $rc -eq 124 ] && { echo "check-systemd: the guest did not finish within ${limit}s"; tail -30 "$log"; exit 1; }
summary=$(grep -a '^QNN-SYSTEMD [0-9]* passed, [0-9]* failed$' <<<"$results" | tail -1)
[ -n "$summary" ] || { echo "check-systemd: no result line from the guest"; tail -40 "$log"; exit 1; }
echo "check-systemd: ${summary#QNN-SYSTEMD }"
grep -q ' 0 failed$' <<<"$summary"
