#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0 OR MIT
#
# check-packaging: the Debian packages and the systemd units, checked
# statically (the units under a real systemd: tests/system/systemd).
#   1. build the binary packages (dpkg-buildpackage -b, packaging/build-debs.sh)
#   2. file lists: every package has what it must and nothing else
#      (no build paths, no tests), the library's SONAME, the conffile,
#      maintainer scripts in the right order (group before service start)
#   3. systemd-analyze verify of qnnd.socket + qnnd.service as installed
#      (any warning fails), systemd-analyze security: exposure <= 2.0
#   4. lintian: no errors (warnings are printed)
#   5. DKMS: `dkms build` of the qnn-dkms sources against Debian's amd64
#      kernel headers (private copy, tests/kernel's fetch), both modules
#      built with the right vermagic; nothing is installed on this machine
#   6. the model: qnn-model-mnist's file is the one qnnd.conf, qnnd's
#      built-in default and the overlays' firmware-name name; the packaged
#      qnnd passes --check-config on it, and without it says where a model
#      goes and how to make one (exit 2)
#   7. the board's arm64 packages (build-debs-arm64.sh: cross-built in a
#      cached chroot): Architecture arm64, the same file lists with the
#      aarch64 multiarch paths, ELF machine AArch64 (qnn-trace's tools
#      too), qnnd's USDT probes, the manifest
# Ends with "check-packaging: N passed, M failed".
set -uo pipefail
cd "$(dirname "$0")/.."
BUILD=${QNN_BUILD:-build}
PKG=$BUILD/pkg
MAX_EXPOSURE=${QNN_MAX_EXPOSURE:-2.0}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0 failed=0
ok() { passed=$((passed + 1)); echo "PASS: $*"; }
bad() { failed=$((failed + 1)); echo "FAIL: $*"; }

if ! bash packaging/build-debs.sh "$PKG"; then
	bad "dpkg-buildpackage"
	echo "check-packaging: $passed passed, $((failed)) failed"
	exit 1
fi
ok "dpkg-buildpackage -b built $(ls "$PKG"/*.deb | wc -l) packages"
ver=$(dpkg-parsechangelog -l packaging/debian/changelog -S Version)
arch=$(dpkg --print-architecture)
ma=$(dpkg-architecture -qDEB_HOST_MULTIARCH)
deb() { echo "$PKG/${1}_${ver}_${2:-$arch}.deb"; }

# ---- 2. contents ----
# Each package: the files it must ship (exact list, directories aside).
declare -A want
want_lists() {
want[qnnd]="./etc/qnn/qnnd.conf ./lib/systemd/system/qnnd.service ./lib/systemd/system/qnnd.socket
./usr/lib/sysusers.d/qnnd.conf ./usr/sbin/qnnd ./usr/share/man/man8/qnnd.8.gz
./usr/share/doc/qnnd/changelog.gz
./usr/share/doc/qnnd/copyright"
want[libqnn1]="./usr/lib/$ma/libqnn.so.1 ./usr/lib/$ma/libqnn.so.1.0.0
./usr/share/doc/libqnn1/changelog.gz ./usr/share/doc/libqnn1/copyright"
want[libqnn-dev]="./usr/include/qnn.h ./usr/lib/$ma/libqnn.a ./usr/lib/$ma/libqnn.so
./usr/lib/$ma/pkgconfig/qnn.pc ./usr/share/man/man3/qnn_classify.3.gz
./usr/share/doc/libqnn-dev/changelog.gz
./usr/share/doc/libqnn-dev/copyright"
want[qnn-tools]="./usr/bin/qnnctl ./usr/share/man/man1/qnnctl.1.gz
./usr/share/doc/qnn-tools/changelog.gz ./usr/share/doc/qnn-tools/copyright"
want[qnn-trace]="./usr/sbin/qnnlat ./usr/sbin/qnntop ./usr/sbin/qnnsnoop
./usr/share/man/man8/qnnlat.8.gz ./usr/share/man/man8/qnntop.8.gz ./usr/share/man/man8/qnnsnoop.8.gz
./usr/share/doc/qnn-trace/changelog.gz ./usr/share/doc/qnn-trace/copyright"
want[hlsgen]="./usr/bin/hlsgen ./usr/share/man/man1/hlsgen.1.gz ./usr/share/doc/hlsgen/changelog.gz ./usr/share/doc/hlsgen/copyright"
want[qnn-model-mnist]="./lib/firmware/qnn/mnist_cnn.qnn
./usr/share/doc/qnn-model-mnist/changelog.gz ./usr/share/doc/qnn-model-mnist/copyright"
}
want_lists
# man pages the other components add are welcome: they must not fail this.
optional='^\./usr/share/man/'
# check_files <package> <.deb>: exactly want[<package>], man pages aside.
check_files() {
	local p=$1 f=$2 missing extra
	[ -f "$f" ] || { bad "$p: $f missing"; return; }
	dpkg-deb -c "$f" | awk '$1 !~ /^d/ { print $6 }' | sort >"$tmp/$p.have"
	tr ' ' '\n' <<<"${want[$p]}" | grep . | sort >"$tmp/$p.want"
	missing=$(comm -13 "$tmp/$p.have" "$tmp/$p.want" | tr '\n' ' ')
	extra=$(comm -23 "$tmp/$p.have" "$tmp/$p.want" | grep -Ev "$optional" | tr '\n' ' ')
	if [ -z "$missing$extra" ]; then
		ok "$p ($(dpkg-deb -f "$f" Architecture)): $(wc -l <"$tmp/$p.have") files, as expected"
	else
		bad "$p: missing [${missing}] unexpected [${extra}]"
	fi
}
for p in qnnd libqnn1 libqnn-dev qnn-tools qnn-trace hlsgen; do check_files "$p" "$(deb "$p")"; done
check_files qnn-model-mnist "$(deb qnn-model-mnist all)"
# qnn-dkms: the module sources dkms needs, the udev rule, modules-load, the group.
f=$(deb qnn-dkms all)
dpkg-deb -c "$f" | awk '$1 !~ /^d/ { print $6 }' | sort >"$tmp/dkms.have"
src=./usr/src/qnn-$ver
miss=""
for p in $src/dkms.conf $src/Kbuild $src/kernel/qnn_drv.c $src/kernel/uapi/linux/qnn.h \
	$src/kernel/sim/sim_main.c $src/hlsgen/include/qnn_engine.h $src/hlsgen/engine/engine.c \
	$src/hlsgen/format/model_parse.c ./lib/udev/rules.d/60-qnn.rules \
	./usr/lib/modules-load.d/qnn.conf ./usr/lib/sysusers.d/qnn-dkms.conf; do
	grep -qxF "$p" "$tmp/dkms.have" || miss="$miss $p"
done
stray=$(grep -vE "^($src/|\./lib/udev/|\./usr/lib/(modules-load|sysusers)\.d/|\./usr/share/doc/qnn-dkms/)" "$tmp/dkms.have" | tr '\n' ' ')
objs=$(grep -E '\.(o|ko|cmd|mod)$' "$tmp/dkms.have" | tr '\n' ' ')
if [ -z "$miss$stray$objs" ]; then
	ok "qnn-dkms: $(wc -l <"$tmp/dkms.have") files: sources under /usr/src/qnn-$ver, udev rule, modules-load, group"
else
	bad "qnn-dkms: missing [$miss ] stray [$stray] build output [$objs]"
fi

mkdir -p "$tmp/root"
for p in qnnd libqnn1 libqnn-dev qnn-tools hlsgen; do dpkg-deb -x "$(deb "$p")" "$tmp/root"; done
dpkg-deb -x "$f" "$tmp/root"
soname=$(objdump -p "$tmp/root/usr/lib/$ma/libqnn.so.1.0.0" | awk '$1 == "SONAME" { print $2 }')
[ "$soname" = libqnn.so.1 ] && ok "libqnn1: SONAME $soname matches the package name" ||
	bad "libqnn1: SONAME '$soname'"
dpkg-deb -e "$(deb libqnn1)" "$tmp/ctl-lib"
nsym=$(grep -c '@Base' "$tmp/ctl-lib/symbols" 2>/dev/null)
nexp=$(nm -D --defined-only "$tmp/root/usr/lib/$ma/libqnn.so.1.0.0" | awk '$2 == "T"' | wc -l)
[ "${nsym:-0}" -eq "$nexp" ] && [ "$nexp" -gt 0 ] &&
	ok "libqnn1: symbols file lists all $nexp exported functions" ||
	bad "libqnn1: symbols file has ${nsym:-no} entries, the library exports $nexp"
grep -q "^Libs: .*-lqnn" "$tmp/root/usr/lib/$ma/pkgconfig/qnn.pc" &&
	grep -q "^libdir=/usr/lib/$ma\$" "$tmp/root/usr/lib/$ma/pkgconfig/qnn.pc" &&
	ok "qnn.pc: libdir /usr/lib/$ma, -lqnn" || bad "qnn.pc: $(cat "$tmp/root/usr/lib/$ma/pkgconfig/qnn.pc")"
grep -q '#MODULE_VERSION#' "$tmp/root/usr/src/qnn-$ver/dkms.conf" &&
	bad "dkms.conf: #MODULE_VERSION# not substituted" ||
	ok "dkms.conf: PACKAGE_VERSION=$(sed -n 's/^PACKAGE_VERSION=//p' "$tmp/root/usr/src/qnn-$ver/dkms.conf")"
[ "$(dpkg-deb -f "$(deb qnnd)" Conffiles 2>/dev/null; dpkg-deb -e "$(deb qnnd)" "$tmp/ctl"; cat "$tmp/ctl/conffiles")" ] &&
	grep -qx /etc/qnn/qnnd.conf "$tmp/ctl/conffiles" && ok "qnnd: /etc/qnn/qnnd.conf is a conffile" ||
	bad "qnnd: conffiles: $(cat "$tmp/ctl/conffiles" 2>/dev/null)"
# The group must exist before the service starts: sysusers first in postinst.
pi=$tmp/ctl/postinst
l_sys=$(grep -n 'systemd-sysusers' "$pi" | head -1 | cut -d: -f1)
l_start=$(grep -n "deb-systemd-invoke .*qnnd" "$pi" | head -1 | cut -d: -f1)
l_enable=$(grep -n "deb-systemd-helper enable 'qnnd.socket'" "$pi" | head -1 | cut -d: -f1)
if [ -n "$l_sys" ] && [ -n "$l_start" ] && [ -n "$l_enable" ] && [ "$l_sys" -lt "$l_start" ]; then
	ok "qnnd postinst: systemd-sysusers (line $l_sys) before enabling/starting the units (line $l_start)"
else
	bad "qnnd postinst: sysusers at '${l_sys}', enable socket at '${l_enable}', start at '${l_start}'"
fi
dpkg-deb -e "$f" "$tmp/ctl-dkms"
grep -q 'dkms' "$tmp/ctl-dkms/postinst" && grep -q 'systemd-sysusers' "$tmp/ctl-dkms/postinst" &&
	ok "qnn-dkms postinst: dkms build/install and the qnn group" ||
	bad "qnn-dkms postinst: $(cat "$tmp/ctl-dkms/postinst")"
deps=$(dpkg-deb -f "$(deb qnnd)" Depends)
grep -q libsystemd0 <<<"$deps" && ok "qnnd: Depends: $deps" || bad "qnnd: Depends: $deps"
# What goes on the board (daemon, client library, qnnctl) must not drag in
# the model compiler's host libraries.
heavy=$(for p in qnnd libqnn1 qnn-tools; do dpkg-deb -f "$(deb "$p")" Depends; done |
	tr ',' '\n' | grep -E 'hdf5|openblas|cairo|xml2|json-c' | tr -d ' ' | tr '\n' ' ')
[ -z "$heavy" ] && ok "qnnd, libqnn1, qnn-tools: no model-compiler dependencies" ||
	bad "board packages depend on: $heavy"

# ---- 3. units ----
# verify wants the targets the units hook into and the commands they run:
# give it the host's targets and kill, plus the package's own files.
vr=$tmp/vroot
mkdir -p "$vr/lib/systemd/system" "$vr/bin"
dpkg-deb -x "$(deb qnnd)" "$vr"
cp -a /lib/systemd/system/*.target "$vr/lib/systemd/system/"
cp /bin/kill "$vr/bin/"
# Documentation=man:qnnd(8) must resolve: point man at the package's pages.
out=$(MANPATH="$vr/usr/share/man" systemd-analyze verify --root="$vr" qnnd.socket qnnd.service 2>&1)
rc=$?
if [ $rc -eq 0 ] && [ -z "$out" ]; then
	ok "systemd-analyze verify qnnd.socket qnnd.service: clean"
else
	bad "systemd-analyze verify (exit $rc): $out"
fi
sec=$(systemd-analyze security --offline=yes --root="$vr" qnnd.service 2>&1)
score=$(sed -n 's/.*Overall exposure level for qnnd.service: \([0-9.]*\).*/\1/p' <<<"$sec")
if [ -n "$score" ] && awk -v s="$score" -v m="$MAX_EXPOSURE" 'BEGIN { exit !(s <= m) }'; then
	ok "systemd-analyze security qnnd.service: exposure $score (<= $MAX_EXPOSURE)"
else
	bad "systemd-analyze security: exposure '$score' > $MAX_EXPOSURE"
	grep '✗' <<<"$sec"
fi
grep -q '^ListenStream=/run/qnn/qnnd.sock$' "$vr/lib/systemd/system/qnnd.socket" &&
	grep -q "QNN_DEFAULT_SOCKET \"/run/qnn/qnnd.sock\"" libclient/include/qnn.h &&
	ok "qnnd.socket listens where libqnn connects by default (/run/qnn/qnnd.sock)" ||
	bad "qnnd.socket's ListenStream differs from qnn.h's QNN_DEFAULT_SOCKET"

# ---- 4. lintian ----
lint=$(lintian --fail-on error \
	"$PKG"/qnn_"${ver}"_"$arch".changes 2>&1)
rc=$?
echo "$lint" | sed 's/^/  lintian: /'
[ $rc -eq 0 ] && ok "lintian: no errors ($(grep -c '^W:' <<<"$lint") warnings)" || bad "lintian errors"

# ---- 5. DKMS ----
if bash tests/kernel/fetch-debian-arm64.sh "$BUILD/kernel" >"$tmp/fetch.log" 2>&1; then
	# shellcheck source=/dev/null
	. "$BUILD/kernel/env.sh"
	kver=$(basename "$AMD64_HDR" | sed 's/^linux-headers-//')
	mkdir -p "$tmp/dkms"
	# sign_file: no module signing, so dkms makes no MOK key on this machine.
	if sign_file=/nonexistent dkms build -m qnn -v "$ver" -k "$kver" \
		--dkmstree "$tmp/dkms" --sourcetree "$tmp/root/usr/src" \
		--kernelsourcedir "$AMD64_HDR" >"$tmp/dkms.log" 2>&1; then
		mods=$(find "$tmp/dkms/qnn/$ver/$kver" -name '*.ko*' | sort)
		vm=$(for m in $mods; do modinfo -F vermagic "$m" | cut -d' ' -f1; done | sort -u)
		if [ "$(wc -l <<<"$mods")" -eq 2 ] && [ "$vm" = "$kver" ]; then
			ok "dkms build for $kver: $(for m in $mods; do basename "$m"; done | tr '\n' ' ')(vermagic $vm)"
		else
			bad "dkms build: modules [$mods] vermagic [$vm]"
		fi
	else
		bad "dkms build for $kver failed:"
		tail -25 "$tmp/dkms/qnn/$ver/build/make.log" 2>/dev/null || tail -25 "$tmp/dkms.log"
	fi
else
	bad "cannot fetch Debian's kernel headers for the DKMS build"
	tail -5 "$tmp/fetch.log"
fi

# ---- 6. the model: one file, named alike everywhere ----
mdeb=$(deb qnn-model-mnist all)
dpkg-deb -x "$mdeb" "$tmp/root"
pkgmodel=$(dpkg-deb -c "$mdeb" | awk '{ print $6 }' | grep '\.qnn$' | sed 's/^\.//')
conf_model=$(sed -n 's/^model: *//p' "$tmp/root/etc/qnn/qnnd.conf")
def_model=$(sed -n 's/^#define QNND_DEFAULT_MODEL "\(.*\)"$/\1/p' daemon/qnnd/config.h)
dts_models=$(grep -ho 'firmware-name = "[^"]*\.qnn"' dts/*.dtso | sed 's|.*"\(.*\)"|/lib/firmware/\1|' | sort -u)
if [ -n "$pkgmodel" ] && [ "$conf_model" = "$pkgmodel" ] && [ "$def_model" = "$pkgmodel" ] &&
	[ "$dts_models" = "$pkgmodel" ]; then
	ok "model: qnn-model-mnist ships $pkgmodel, which qnnd.conf, qnnd's default and the overlays' firmware-name name"
else
	bad "model: package [$pkgmodel] qnnd.conf [$conf_model] qnnd default [$def_model] overlays [$dts_models]"
fi
# The packaged qnnd on the packaged model (sw backend: no device here).
qnnd_bin=$tmp/root/usr/sbin/qnnd
sed -e "s|^model: .*|model: $tmp/root$pkgmodel|" -e 's/^backend: .*/backend: sw/' -e 's/^log: .*/log: stderr/' \
	"$tmp/root/etc/qnn/qnnd.conf" >"$tmp/qnnd-model.conf"
out=$("$qnnd_bin" --config "$tmp/qnnd-model.conf" --check-config 2>&1)
rc=$?
[ $rc -eq 0 ] && grep -q 'self-test OK' <<<"$out" && ok "qnnd --check-config on the packaged model: $out" ||
	bad "qnnd --check-config on the packaged model (exit $rc): $out"
# Without a model: what was tried, where a model goes, how to make one.
sed "s|^model: .*|model: $tmp/nowhere/mnist_cnn.qnn|" "$tmp/qnnd-model.conf" >"$tmp/qnnd-nomodel.conf"
out=$("$qnnd_bin" --config "$tmp/qnnd-nomodel.conf" --check-config 2>&1)
rc=$?
if [ $rc -eq 2 ] && grep -qF "$tmp/nowhere/mnist_cnn.qnn: No such file or directory" <<<"$out" &&
	grep -qF "$tmp/qnnd-nomodel.conf" <<<"$out" && grep -qF "qnn-model-mnist ($pkgmodel)" <<<"$out" &&
	grep -qF 'hlsgen import' <<<"$out"; then
	ok "qnnd without its model: exit 2, names the file, the config, the package and hlsgen import"
else
	bad "qnnd without its model (exit $rc): $out"
fi

# ---- 7. the board's arm64 packages ----
A=$BUILD/debs-arm64
if bash packaging/build-debs-arm64.sh "$A" >"$tmp/arm64.log" 2>&1; then
	ok "build-debs-arm64: $(grep -o 'chroot [0-9]* s, arm64 build [0-9]* s' "$tmp/arm64.log")"
	ma=aarch64-linux-gnu
	want_lists
	for p in qnnd libqnn1 libqnn-dev qnn-tools qnn-trace; do
		f=$A/${p}_${ver}_arm64.deb
		check_files "$p" "$f"
		a=$(dpkg-deb -f "$f" Architecture 2>/dev/null)
		[ "$a" = arm64 ] || bad "$p: Architecture '$a', not arm64"
	done
	mkdir -p "$tmp/a64"
	for p in qnnd libqnn1 libqnn-dev qnn-tools qnn-trace; do dpkg-deb -x "$A/${p}_${ver}_arm64.deb" "$tmp/a64"; done
	elfs="usr/sbin/qnnd usr/bin/qnnctl usr/lib/$ma/libqnn.so.1.0.0 usr/lib/$ma/libqnn.a
		usr/sbin/qnnlat usr/sbin/qnntop usr/sbin/qnnsnoop"
	machines=$(for e in $elfs; do readelf -h "$tmp/a64/$e" 2>&1 | sed -n 's/^ *Machine: *//p'; done | sort | uniq -c)
	n=$(for e in $elfs; do readelf -h "$tmp/a64/$e" 2>&1 | grep -c '^ *Machine:'; done | awk '{ s += $1 } END { print s }')
	if [ "$(sed 's/^ *[0-9]* //' <<<"$machines")" = AArch64 ] && [ "${n:-0}" -ge 7 ]; then
		ok "arm64 binaries: qnnd, qnnctl, libqnn.so, libqnn.a, qnnlat, qnntop, qnnsnoop ($n ELF objects): machine AArch64"
	else
		bad "arm64 binaries: machines [$machines]"
	fi
	# qnnd's USDT probes (daemon/qnnd/probes.h), which qnnlat --daemon attaches to.
	probes=$(readelf -n "$tmp/a64/usr/sbin/qnnd" 2>/dev/null | sed -n 's/^ *Name: //p' | sort -u | tr '\n' ' ')
	[ "$probes" = "batch_dev_job batch_dispatched batch_done request_answered request_batched request_queued request_received " ] &&
		ok "arm64 qnnd carries its USDT probes: $probes" || bad "arm64 qnnd's USDT probes: [$probes]"
	manifest=$(cat "$A/debs.txt" 2>/dev/null)
	mpk=$(while read -r d; do [ -f "$A/$d" ] && dpkg-deb -f "$A/$d" Package; done <<<"$manifest" | sort | tr '\n' ' ')
	[ "$mpk" = "libqnn-dev libqnn1 qnn-dkms qnn-model-mnist qnn-tools qnn-trace qnnd " ] &&
		ok "arm64 manifest $A/debs.txt: $(tr '\n' ' ' <<<"$manifest")" ||
		bad "arm64 manifest: [$manifest] packages [$mpk]"
else
	bad "build-debs-arm64 failed:"
	tail -30 "$tmp/arm64.log"
fi

echo "check-packaging: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
