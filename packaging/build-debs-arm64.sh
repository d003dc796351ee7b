#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0 OR MIT
#
# Builds the board's arm64 packages into OUTDIR, without touching this
# machine's dpkg architectures or installed packages:
#   - qnnd, libqnn1, libqnn-dev, qnn-tools, qnn-trace (and hlsgen) for arm64 are
#     cross-compiled (dpkg-buildpackage -a arm64 -B) inside a private
#     amd64 chroot that has arm64 as a foreign architecture and the
#     arm64 build dependencies installed (Debian's own cross-building
#     set-up, as sbuild --host=arm64 does it). The chroot is made once by
#     mmdebstrap and cached in $QNN_CACHE/debbuild-arm64-<hash of the
#     recipe and of debian/control's Build-Depends>; a warm run only
#     compiles. Cross-compiling runs the compiler at native speed: no
#     qemu-user, no binfmt_misc. The cross build happens in
#     $QNN_BUILD/pkg-arm64 (stamped: one commit is built once, whichever
#     OUTDIR asks for it).
#   - qnn-dkms and qnn-model-mnist are Architecture: all, identical for
#     every board: they come from the native build (build-debs.sh into
#     $QNN_BUILD/pkg, shared with check-packaging).
# OUTDIR/debs.txt lists the board's packages (one .deb file name a line,
# relative to OUTDIR), in an order apt can take them:
#   apt-get install $(sed 's|^|./|' debs.txt)   (from OUTDIR)
#
# Usage: build-debs-arm64.sh OUTDIR
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:?usage: build-debs-arm64.sh OUTDIR}
mkdir -p "$out"
out=$(cd "$out" && pwd)
BUILD=${QNN_BUILD:-build}
CACHE=${QNN_CACHE:-/var/cache/qnn}
ARCH=arm64

# ---- the build chroot ----
suite=bookworm
mirrors=("deb http://deb.debian.org/debian $suite main"
	"deb http://deb.debian.org/debian $suite-updates main"
	"deb http://deb.debian.org/debian-security $suite-security main")
# clang and bpftool (qnn-trace's BPF objects and skeletons) run on this
# machine: they are not Multi-Arch, so debian/control asks for them only in
# native builds (<!cross>) and the chroot has the amd64 ones.
tools=build-essential,crossbuild-essential-$ARCH,fakeroot,clang,bpftool
# The Source paragraph of debian/control: its Build-Depends decide what the
# chroot holds (installed there by `apt-get build-dep -a arm64`).
srcpara=$(sed '/^$/q' packaging/debian/control)
key=$(printf '%s\n' "recipe 2" "$suite" "${mirrors[@]}" "$tools" "$srcpara" | sha256sum | cut -c1-16)
chroot=$CACHE/debbuild-$ARCH-$key

make_chroot() {
	local tmp=$chroot.tmp.$$ bd
	bd=$(mktemp -d)
	mkdir -p "$bd/debian"
	cp packaging/debian/control packaging/debian/changelog "$bd/debian/"
	rm -rf "$tmp"
	echo "build-debs-arm64: making the build chroot $chroot (mmdebstrap, once)"
	# Everything in it is amd64 except the arm64 -dev libraries (and
	# their dependencies): no foreign code runs, so no emulation.
	if ! mmdebstrap --variant=apt --architectures=amd64,$ARCH --include="$tools" \
		--aptopt='APT::Install-Recommends "false"' \
		--customize-hook="mkdir -p \"\$1/tmp/qnn-bd\"" \
		--customize-hook="copy-in $bd/debian /tmp/qnn-bd" \
		--customize-hook="chroot \"\$1\" apt-get build-dep -y -a $ARCH -P cross /tmp/qnn-bd" \
		--customize-hook="rm -rf \"\$1/tmp/qnn-bd\"" \
		--customize-hook="chroot \"\$1\" apt-get clean" \
		"$suite" "$tmp" "${mirrors[@]}" >"$CACHE/debbuild-$ARCH.log" 2>&1; then
		tail -30 "$CACHE/debbuild-$ARCH.log" >&2
		echo "build-debs-arm64: mmdebstrap failed (log: $CACHE/debbuild-$ARCH.log)" >&2
		rm -rf "$tmp" "$bd"
		return 1
	fi
	rm -rf "$bd"
	mv "$tmp" "$chroot"
	# Chroots of older Build-Depends (about 1 GB each) are not used again.
	local d
	for d in "$CACHE/debbuild-$ARCH-"*; do
		case $d in "$chroot" | *.lock) ;; *) rm -rf "$d" ;; esac
	done
}

mkdir -p "$CACHE"
start=$(date +%s)
(
	flock 9
	[ -d "$chroot" ] || make_chroot
) 9>"$CACHE/debbuild-$ARCH.lock"
t_chroot=$(($(date +%s) - start))

# ---- vmlinux.h for qnn-trace: from the BTF in Debian's arm64 kernel ----
# (tests/kernel's private fetch, shared with check-kernel and check-packaging;
# the programs carry no CO-RE relocation, so any 6.1 arm64 image's types do.)
bash tests/kernel/fetch-debian-arm64.sh "$BUILD/kernel" >&2
# shellcheck source=/dev/null
. "$BUILD/kernel/env.sh"
vmh=$BUILD/vmlinux-$ARCH/$(basename "$VMLINUZ").h
[ -s "$vmh" ] || bash trace/gen-vmlinux.sh $ARCH "$vmh" "$VMLINUZ"

# ---- arm64 packages: cross-built in the chroot ----
start=$(date +%s)
QNN_DEB_CHROOT=$chroot QNN_DEB_HOST_ARCH=$ARCH QNN_DEB_VMLINUX_H=$vmh \
	bash packaging/build-debs.sh "$BUILD/pkg-$ARCH"
t_cross=$(($(date +%s) - start))

# ---- arch-independent packages: the native build ----
start=$(date +%s)
bash packaging/build-debs.sh "$BUILD/pkg"
t_all=$(($(date +%s) - start))

ver=$(dpkg-parsechangelog -l packaging/debian/changelog -S Version)
rm -f "$out"/*.deb "$out/debs.txt"
manifest=()
for p in libqnn1:$ARCH libqnn-dev:$ARCH qnnd:$ARCH qnn-tools:$ARCH qnn-trace:$ARCH \
	qnn-dkms:all qnn-model-mnist:all; do
	name=${p%:*} a=${p#*:}
	f=${name}_${ver}_$a.deb
	dir=$BUILD/pkg-$ARCH
	[ "$a" = all ] && dir=$BUILD/pkg
	[ -f "$dir/$f" ] || {
		echo "build-debs-arm64: $dir/$f was not built" >&2
		exit 1
	}
	cp "$dir/$f" "$out/"
	manifest+=("$f")
done
printf '%s\n' "${manifest[@]}" >"$out/debs.txt"
echo "build-debs-arm64: chroot ${t_chroot} s, arm64 build ${t_cross} s, arch-all build ${t_all} s;" \
	"$out/debs.txt:"
sed 's/^/  /' "$out/debs.txt"
