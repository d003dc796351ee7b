#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# `make check-deploy`: what `hlsgen deploy` produces for the lab's MNIST
# CNN, checked with the real tools:
#   - the overlay written from the model is dts/zcu104-qnn.dtso, byte for
#     byte, and the one written from the .hwh fixture is the same;
#   - it compiles with dtc without a warning, applies with fdtoverlay onto
#     Debian's own ZCU104 DTB (linux-image-arm64, xilinx/zynqmp-zcu104-revC)
#     and every reference lands on the real GIC, GPIO and clock nodes; the
#     merged tree passes dt-validate against dts/bindings;
#   - a design the driver cannot use (.hwh with an unwired interrupt) is
#     refused and leaves no overlay behind.
# Usage: check-deploy.sh <build dir> <shared dir>
set -uo pipefail
cd "$(dirname "$0")/../.."
build=$(realpath -m "$1") shared=$2
hg=$build/bin/hlsgen out=$build/deploy
mkdir -p "$out"
fail=0 n=0
ok() { n=$((n + 1)); echo "  ok   $1"; }
bad() { n=$((n + 1)); fail=$((fail + 1)); echo "  FAIL $1"; }
expect() { # description, expected, command...
	local what=$1 want=$2 got
	shift 2
	got=$("$@" 2>&1)
	if [ "$got" = "$want" ]; then ok "$what"; else bad "$what: got '$got', want '$want'"; fi
}

m=$shared/models/qkeras_mnist_cnn
"$hg" import "$m.json" "${m}_weights.h5" --config "${m}_config.yml" -q \
	-o "$out/mnist_cnn.qnn" 2>"$out/import.log" || { cat "$out/import.log"; exit 1; }

if "$hg" deploy "$out/mnist_cnn.qnn" --name mnist_cnn --dtso "$out/zcu104-qnn.dtso" &&
	cmp -s "$out/zcu104-qnn.dtso" dts/zcu104-qnn.dtso; then
	ok "overlay written for the lab's model is dts/zcu104-qnn.dtso"
else
	bad "dts/zcu104-qnn.dtso is not what hlsgen deploy writes: $(diff "$out/zcu104-qnn.dtso" dts/zcu104-qnn.dtso | head -5)"
fi
if "$hg" deploy "$out/mnist_cnn.qnn" --name mnist_cnn --hwh tests/fixtures/deploy/zcu104-mnist.hwh \
	--dtso "$out/zcu104-hwh.dtso" && cmp -s "$out/zcu104-hwh.dtso" dts/zcu104-qnn.dtso; then
	ok "overlay from the .hwh hand-off equals it"
else
	bad "overlay from the .hwh differs"
fi
sed 's/SIGIS="INTERRUPT" SIGNAME="axi_dma_0_s2mm_introut"/SIGIS="INTERRUPT" SIGNAME="__NOC__"/' \
	tests/fixtures/deploy/zcu104-mnist.hwh >"$out/unwired.hwh"
rm -f "$out/unwired.dtso"
if ! "$hg" deploy "$out/mnist_cnn.qnn" --hwh "$out/unwired.hwh" --dtso "$out/unwired.dtso" \
	2>"$out/unwired.err" && grep -q 's2mm_introut is not connected' "$out/unwired.err" &&
	[ ! -e "$out/unwired.dtso" ]; then
	ok "a design with an unwired DMA interrupt is refused: $(cat "$out/unwired.err")"
else
	bad "unwired interrupt not refused: $(cat "$out/unwired.err")"
fi

if dtc -@ -I dts -O dtb -o "$out/zcu104-qnn.dtbo" "$out/zcu104-qnn.dtso" 2>"$out/dtc.log" &&
	[ ! -s "$out/dtc.log" ]; then
	ok "dtc compiles it without a warning"
else
	bad "dtc: $(cat "$out/dtc.log")"
fi

# Debian's ZCU104 DTB is built without -@: give the nodes the labels a -@
# build exports (the paths must exist in it), then apply the overlay.
bash tests/kernel/fetch-debian-arm64.sh "$build/kernel" >"$out/fetch.log" 2>&1 ||
	{ cat "$out/fetch.log"; exit 1; }
# shellcheck disable=SC1091
. "$build/kernel/env.sh"
real=$(ls "$build"/kernel/root-*/usr/lib/linux-image-*/xilinx/zynqmp-zcu104-revC.dtb 2>/dev/null | head -1)
if [ -z "$real" ]; then
	bad "Debian's kernel package has no xilinx/zynqmp-zcu104-revC.dtb"
	echo "deploy: $((n - fail)) passed, $fail failed"
	exit 1
fi
dma=/axi/dma@a0000000 gic=/axi/interrupt-controller@f9010000 gpio=/axi/gpio@ff0a0000
clk=/firmware/zynqmp-firmware/clock-controller
{
	dtc -q -I dtb -O dts "$real"
	printf '%s: &{%s} { };\n' fpga_full /fpga-full amba /axi gic $gic gpio $gpio zynqmp_clk $clk
} >"$out/zcu104-base.dts"
dtc -q -@ -I dts -O dtb -o "$out/zcu104-base.dtb" "$out/zcu104-base.dts"
merged=$out/zcu104-merged.dtb
if fdtoverlay -i "$out/zcu104-base.dtb" -o "$merged" "$out/zcu104-qnn.dtbo"; then
	ok "applies onto Debian's $(basename "$real") with fdtoverlay"
	expect "PL programmed with the bundle's bitstream" qnn/mnist_cnn.bit.bin \
		fdtget "$merged" /fpga-full firmware-name
	expect "DMA interrupts = GIC SPI 89 and 90" "0 89 4 0 90 4" fdtget -t u "$merged" $dma interrupts
	expect "MM2S channel SPI 89, 32-bit" "0 89 4 32" sh -c "echo \$(fdtget -t u $merged $dma/dma-channel-mm2s interrupts) \$(fdtget -t u $merged $dma/dma-channel-mm2s xlnx,datawidth)"
	expect "S2MM channel SPI 90, 32-bit" "0 90 4 32" sh -c "echo \$(fdtget -t u $merged $dma/dma-channel-s2mm interrupts) \$(fdtget -t u $merged $dma/dma-channel-s2mm xlnx,datawidth)"
	expect "DMA interrupt-parent is the board's GIC" "$(fdtget -t u "$merged" $gic phandle)" \
		fdtget -t u "$merged" $dma interrupt-parent
	clk_ph=$(fdtget -t u "$merged" $clk phandle)
	expect "DMA clocks are PL clock 0 (ZynqMP clock 71)" "$clk_ph 71 $clk_ph 71 $clk_ph 71" \
		fdtget -t u "$merged" $dma clocks
	expect "pl_clk0 set to 100 MHz" "100000000" fdtget -t u "$merged" $dma assigned-clock-rates
	expect "DMA registers" "0 2684354560 0 65536" fdtget -t u "$merged" $dma reg
	expect "qnn reset on EMIO 0 (PS GPIO line 78)" "$(fdtget -t u "$merged" $gpio phandle) 78 1" \
		fdtget -t u "$merged" /accelerator reset-gpios
	expect "qnn dmas on the DMA" "$(fdtget -t u "$merged" $dma phandle) 0 $(fdtget -t u "$merged" $dma phandle) 1" \
		fdtget -t u "$merged" /accelerator dmas
	expect "qnn firmware" "qnn/mnist_cnn.qnn" fdtget "$merged" /accelerator firmware-name
	if command -v dt-validate >/dev/null; then
		dt-validate -M -s dts/bindings "$merged" >"$out/validate.log" 2>&1
		if grep -A1 '/accelerator: matched' "$out/validate.log" | grep -q 'qnn,hls4ml-accel.yaml' &&
			! grep -E '^[^ ]*: (accelerator|/accelerator):' "$out/validate.log" | grep -v matched | grep -q .; then
			ok "dt-validate: the qnn node passes qnn,hls4ml-accel.yaml"
		else
			bad "dt-validate: $(grep accelerator "$out/validate.log")"
		fi
	else
		bad "dt-validate missing (dt-schema in scripts/deps/kernel.txt)"
	fi
else
	bad "the overlay does not apply onto Debian's ZCU104 DTB"
fi
echo "deploy: $((n - fail)) passed, $fail failed"
[ "$fail" -eq 0 ]
