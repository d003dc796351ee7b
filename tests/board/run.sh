#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0 OR MIT
#
# check-board: the user's scenario on an emulated arm64 board that boots
# the way the real one does (see tests/board/README.md):
#   1. U-Boot with `fdt apply` (build-uboot.sh, cached)
#   2. the base Debian 12 arm64 system (build-rootfs.sh, cached); into a
#      copy of it apt installs our arm64 .debs (packaging/build-debs-arm64.sh):
#      qnn-dkms builds qnn.ko by DKMS for the image's kernel (under
#      qemu-user); plus qnn_sim (the FPGA's stand-in, loaded at boot by its
#      own modules-load.d file), user alice (group qnn), the app's source,
#      test data and the test unit
#   3. a disk image (sfdisk + mke2fs -d, no loop mounts) with /boot/boot.scr,
#      the kernel, its initrd and the overlay /boot/qnn/qemu-virt-qnn.dtbo
#   4. QEMU virt, cortex-a53 x2, -bios u-boot.bin, virtio disk; the board
#      boots three times in one run (guest-test.sh) and powers off
#   5. the host judges the console log: U-Boot's `fdt apply` lines, the
#      guest's QNN-BOARD lines, no kernel warning in any boot.
# Prints "check-board: N passed, M failed".
#
# Environment: QNN_SHARED, QNN_DATA, QNN_BIN, QNN_BUILD; QNN_CACHE
# (default /var/cache/qnn); QNN_BOARD_DEBS (a folder with debs.txt, built
# already: skips packaging/build-debs-arm64.sh); QNN_BOARD_TIMEOUT
# (seconds for the three boots, default 900).
set -euo pipefail
cd "$(dirname "$0")/../.."
: "${QNN_SHARED:?}" "${QNN_DATA:?}" "${QNN_BIN:?}"
BUILD=$(realpath -m "${QNN_BUILD:-build}")
W=$BUILD/board
T0=$(date +%s)
step() { echo "check-board: [$(($(date +%s) - T0))s] $*"; }
mkdir -p "$W"
work=$(mktemp -d "$W/run.XXXXXX")
cleanup() {
	rm -rf "$work"
}
trap cleanup EXIT
passed=0 failed=0
ok() { passed=$((passed + 1)); echo "check-board: PASS $*"; }
bad() { failed=$((failed + 1)); echo "check-board: FAIL $*"; }
die() { echo "check-board: $*" >&2; echo "check-board: $passed passed, $((failed + 1)) failed"; exit 1; }

step "U-Boot with fdt apply; base root file system (both cached)"
bash tests/board/binfmt-arm64.sh
uboot=$(bash tests/board/build-uboot.sh) || die "U-Boot build failed"
base=$(bash tests/board/build-rootfs.sh) || die "root file system build failed"

step "our arm64 packages"
debs=${QNN_BOARD_DEBS:-$W/debs}
if [ -z "${QNN_BOARD_DEBS:-}" ]; then
	bash packaging/build-debs-arm64.sh "$debs" >"$work/debs.log" 2>&1 ||
		{ tail -30 "$work/debs.log"; die "packaging/build-debs-arm64.sh failed"; }
fi
[ -s "$debs/debs.txt" ] || die "no $debs/debs.txt"
mapfile -t debfiles < <(sed "s|^|$debs/|" "$debs/debs.txt")
model_deb=$(grep -m1 '^qnn-model' "$debs/debs.txt") || die "no model package in debs.txt"
# Debian's libbpf1 (qnn-trace's) and bpftool, which the base system lacks.
ddebs=$(bash tests/board/fetch-debian-debs.sh "$BUILD/kernel" 2>"$work/fetch.log") ||
	{ tail -20 "$work/fetch.log"; die "fetching Debian's arm64 libbpf1 and bpftool failed"; }
mapfile -t debian_debs < <(sed "s|^|$ddebs/|" "$ddebs/debs.txt")

step "test data and the expected outputs (hlsgen run on the host, on the packaged model)"
st=$work/stage
mkdir -p "$work/model" "$st/srv/qnn/data/mnist"
dpkg-deb -x "$debs/$model_deb" "$work/model"
model=$(find "$work/model" -name '*.qnn' | head -1)
[ -n "$model" ] || die "$model_deb holds no .qnn model"
bash tests/kernel/prepare-guest-data.sh "$work/gd" "$QNN_BIN" "$QNN_DATA" >/dev/null
[ -s "$work/gd/data/mnist_test_1000.f32" ] || die "no test digits (scripts/prepare-data.sh)"
cp "$work/gd/data/mnist_test_1000.f32" "$st/srv/qnn/"
"$QNN_BIN/hlsgen" run "$model" --input "$st/srv/qnn/mnist_test_1000.f32" \
	--output "$st/srv/qnn/mnist_test_1000.expected.f32" --quiet || die "hlsgen run failed"
cp "$QNN_DATA"/mnist/test-* "$st/srv/qnn/data/mnist/"
/usr/bin/python3 - "$QNN_DATA/mnist/test-images-idx3-ubyte" "$st/srv/qnn/digits20.npy" <<'PY'
import sys, numpy as np
raw = np.fromfile(sys.argv[1], dtype=np.uint8)[16:].reshape(-1, 28, 28, 1)[100:120]
np.save(sys.argv[2], (raw / np.float32(255)).astype(np.float32))
PY
"$QNN_BIN/hlsgen" run "$model" --input "$st/srv/qnn/digits20.npy" --output "$work/ref20.npy" --quiet
/usr/bin/python3 - "$work/ref20.npy" "$st/srv/qnn/expected20.txt" <<'PY'
import sys, numpy as np
y = np.load(sys.argv[1]).astype(np.float32)
with open(sys.argv[2], "w") as f:
    for i, row in enumerate(y):
        c = int(np.argmax(row))
        f.write(f"{i}: class {c}  output {float(row[c]):.9g}\n")
        f.write("  outputs: " + " ".join(f"{float(v):.9g}" for v in row) + "\n")
PY
mkdir -p "$st/srv/qnn/app" "$st/usr/local/sbin" "$st/etc/systemd/system" "$st/etc/modules-load.d" \
	"$st/boot/qnn"
cp tests/board/app/classify_digits.c "$st/srv/qnn/app/"
cp tests/board/guest-test.sh "$st/usr/local/sbin/qnn-board-test"
cp tests/board/qnn-board-test.service "$st/etc/systemd/system/"
# The only test-only piece: the simulated accelerator stands in for the FPGA.
printf '# The FPGA stand-in of the emulated board (tests/board)\nqnn_sim\n' \
	>"$st/etc/modules-load.d/qnn-sim.conf"
dtc -@ -q -I dts -O dtb -o "$st/boot/qnn/qemu-virt-qnn.dtbo" dts/qemu-virt-qnn.dtso
mkimage -A arm64 -T script -C none -n "qnn board" -d tests/board/boot.cmd \
	"$st/boot/boot.scr" >/dev/null

step "the board's system: base + apt install of our packages (DKMS builds qnn.ko)"
# apt_in <root> <deb>...: apt-get install in the image, in a private mount
# namespace (its /proc, /sys, /dev vanish with it, whatever happens).
apt_in() {
	local r=$1
	shift
	mkdir -p "$r/tmp/debs"
	cp "$@" "$r/tmp/debs/"
	local names=()
	for d in "$@"; do names+=("/tmp/debs/$(basename "$d")"); done
	unshare --mount --propagation private bash -c '
		set -e
		r=$1; shift
		mount -t proc proc "$r/proc"; mount -t sysfs sys "$r/sys"; mount --rbind /dev "$r/dev"
		chroot "$r" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$@"
		' sh "$r" "${names[@]}" >>"$work/apt.log" 2>&1 || { tail -40 "$work/apt.log"; return 1; }
	rm -rf "$r/tmp/debs"
}
# qnn-dkms (the emulated DKMS build: minutes) is installed into a cached
# copy of the base, keyed by the base and that package's bytes, which
# change only with the driver's sources; only the newest is kept. The
# other packages go into a fresh copy of it on every run.
CACHE=${QNN_CACHE:-/var/cache/qnn}
dkms_deb=$(grep -m1 '^qnn-dkms_' "$debs/debs.txt") || die "no qnn-dkms in debs.txt"
ikey=$( (basename "$base"; sha256sum <"$debs/$dkms_deb") | sha256sum | cut -c1-16)
img=$CACHE/board-dkms-$ikey
# Runs from other checkouts share the cache: one builds, the others wait and
# take its result (and no run deletes an image another is copying).
exec 8>"$CACHE/board-dkms.lock"
flock 8
if [ ! -f "$img/.complete" ]; then
	rm -rf "$img.tmp"
	cp -a "$base" "$img.tmp"
	rm -f "$img.tmp/.complete"
	apt_in "$img.tmp" "$debs/$dkms_deb" || die "apt-get install $dkms_deb failed in the image"
	cp "$work/apt.log" "$img.tmp/var/log/qnn-board-dkms.log"
	touch "$img.tmp/.complete"
	find "$CACHE" -maxdepth 1 -name 'board-dkms-*' ! -name "board-dkms-$ikey*" -exec rm -rf {} +
	mv "$img.tmp" "$img"
	installed="DKMS built now"
else
	installed="DKMS build cached"
fi
root=$work/root
cp -a "$img" "$root"
flock -u 8
rm -f "$root/.complete"
krel=$(basename "$(ls -d "$root"/lib/modules/*-arm64 | head -1)")
ko=$(find "$root/lib/modules/$krel/updates" -name 'qnn.ko*' 2>/dev/null | head -1)
[ -n "$ko" ] && ok "qnn-dkms: DKMS built ${ko#"$root"} for $krel ($installed)" ||
	{ grep -iE 'dkms|error' "$root/var/log/qnn-board-dkms.log" | tail -20; die "DKMS built no qnn.ko for $krel"; }
others=()
while read -r f; do [ "$f" = "$dkms_deb" ] || others+=("$debs/$f"); done <"$debs/debs.txt"
apt_in "$root" "${others[@]}" "${debian_debs[@]}" || die "apt-get install of our packages failed in the image"
ok "apt installed $(wc -l <"$debs/debs.txt") packages into the board's Debian ($(sed 's/_.*//' "$debs/debs.txt" | tr '\n' ' ')) with Debian's $(sed 's/_.*//' "$ddebs/debs.txt" | tr '\n' ' ')"
chroot "$root" /usr/sbin/useradd -m -s /bin/bash -G qnn alice
cp -a "$st/." "$root/"
echo "$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')" >"$root/etc/machine-id"
mkdir -p "$root/etc/systemd/system/multi-user.target.wants"
ln -sf /etc/systemd/system/qnn-board-test.service "$root/etc/systemd/system/multi-user.target.wants/"
ln -sf "vmlinuz-$krel" "$root/boot/vmlinuz"
ln -sf "initrd.img-$krel" "$root/boot/initrd.img"

step "disk image (sfdisk + mke2fs -d)"
disk=$work/disk.img
used=$(du -sm "$root" | cut -f1)
size=$((used + used / 2 + 300))
truncate -s "$((size + 1))M" "$disk"
echo 'start=2048, type=83, bootable' | sfdisk -q "$disk"
mke2fs -q -t ext4 -L board-root -d "$root" -E offset=1048576 "$disk" "${size}M" ||
	die "mke2fs failed"
rm -rf "$root"

step "booting the board: QEMU virt, cortex-a53 x2, U-Boot, three boots"
log=$W/console.log
limit=${QNN_BOARD_TIMEOUT:-900}
start=$(date +%s)
# Each console line gets the host's time (bash's $EPOCHREALTIME, no fork
# per line) in console.timed.log: power-on to READY=1 is measured on it.
t_on=$EPOCHREALTIME
rc=0
timeout --kill-after=10 "$limit" qemu-system-aarch64 -M virt -cpu cortex-a53 -smp 2 -m 2048 \
	-bios "$uboot" -nographic \
	-drive if=none,file="$disk",format=raw,id=hd0 -device virtio-blk-pci,drive=hd0 \
	-device virtio-rng-pci </dev/null 2>&1 |
	while IFS= read -r line; do printf '%s %s\n' "$EPOCHREALTIME" "${line%$'\r'}"; done \
		>"$log.timed" || rc=${PIPESTATUS[0]}
secs=$(($(date +%s) - start))
cut -d' ' -f2- "$log.timed" >"$log"
step "QEMU exited ($rc) after ${secs}s; console log: $log"
[ $rc -eq 124 ] || [ $rc -eq 137 ] && bad "the board did not finish within ${limit}s"

# ---- the host's view of the console ----
napplied=$(grep -c '^qnn-board: fdt apply /boot/qnn/qemu-virt-qnn.dtbo: applied' "$log" || true)
nbase=$(grep -c '^qnn-board: no /boot/qnn/qemu-virt-qnn.dtbo: booting the base device tree' "$log" || true)
nuboot=$(grep -c '^U-Boot 20' "$log" || true)
[ "$nuboot" -eq 3 ] && ok "U-Boot started the board 3 times ($(grep -m1 '^U-Boot 20' "$log"))" ||
	bad "U-Boot banners: $nuboot (3 boots expected)"
[ "$napplied" -eq 2 ] && [ "$nbase" -eq 1 ] &&
	ok "U-Boot's log: boot.scr applied the overlay with fdt apply in boots 1 and 2, booted the base tree in boot 3" ||
	bad "U-Boot's log: $napplied overlay applications (2 expected), $nbase base-only boots (1 expected)"
grep -q 'FAILED' <(grep '^qnn-board: ' "$log") && bad "U-Boot: $(grep -m1 '^qnn-board: .*FAILED' "$log")"
# (The test's own lines name what they look for: not the kernel's.)
if grep -n -v 'QNN-BOARD' "$log" | grep -E 'WARNING:|BUG:|Oops|Call trace|Call Trace|Kernel panic' >"$work/warn.txt"; then
	bad "kernel problems on the console: $(head -3 "$work/warn.txt")"
else
	ok "no WARNING/BUG/Oops/Call trace/panic on the console in any boot"
fi
# Power-on to READY=1 (boot 1): U-Boot's "Starting kernel" on the host's
# clock plus the guest's READY=1 time since the kernel started.
t_kern=$(awk '/Starting kernel/ { print $1; exit }' "$log.timed")
t_ready=$(grep -ao 'QNN-BOARD time boot 1: qnnd READY=1 at [0-9.]* s' "$log" | awk '{ print $(NF-1) }')
if [ -n "$t_kern" ] && [ -n "$t_ready" ]; then
	awk -v on="$t_on" -v k="$t_kern" -v r="$t_ready" 'BEGIN {
		printf "check-board: boot 1: power-on to kernel %.1f s (U-Boot), kernel to qnnd READY=1 %.1f s: power-on to READY=1 %.1f s\n", k - on, r, k - on + r }'
fi
results=$(grep -ao 'QNN-BOARD .*' "$log" | tr -d '\r' || true)
echo "$results"
for b in 1 2 3; do
	line=$(grep -a "^QNN-BOARD boot $b: [0-9]* passed, [0-9]* failed" <<<"$results" | tail -1 || true)
	if [ -z "$line" ]; then
		bad "boot $b: no result line from the guest"
		continue
	fi
	read -r _ _ _ np _ nf _ <<<"$line"
	passed=$((passed + np)) failed=$((failed + nf))
done
[ "$failed" -gt 0 ] && [ -z "$results" ] && tail -40 "$log"
echo "check-board: $passed passed, $failed failed (board ${secs}s, total $(($(date +%s) - T0))s)"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
