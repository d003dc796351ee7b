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
#     refused and leaves no overlay behind;
#   - the block-design Tcl runs under tclsh against tests/deploy/
#     vivado_recorder.tcl (as Vivado 2020.1 and 2023.2) for every board; the
#     recorded netlist has both DMA interrupts through the xlconcat on the
#     PS's interrupt input and the core's reset on an EMIO GPIO bit, and the
#     .hwh written from it gives back exactly the overlay written from the
#     model (addresses, interrupt lines, reset line, clock); the Tcl with the
#     interrupt or the reset unwired is caught; the recorded .bit converts;
#   - the bundle made from the recorded .bit has the converted bitstream, the
#     compiled overlay (applies onto Debian's DTB), the model and BOOT.txt;
#     a bitstream for another part is refused and leaves nothing behind.
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

# ---- the block design, run against the Vivado command recorder ----
rec=tests/deploy/vivado_recorder.tcl
on_net() { # netlist net pins...: the net exists and has every pin
	local line
	line=$(grep "^net $2 " "$1") || return 1
	for p in "${@:3}"; do [[ " $line " == *" $p "* ]] || return 1; done
}
record() { # board release tcl workdir: runs it, leaves $4/out/mnist_cnn.{hwh,bit}
	rm -rf "$4" && mkdir -p "$4/hls/myproject_prj/solution1/impl/ip"
	tclsh "$rec" "$2" "$3" "$4" "$4/netlist.txt" "$4/hls" "$4/out" >"$4/recorder.log" 2>&1
}
for run in zcu104:2020.1 zcu104:2023.2 zcu102:2023.2 pynq-z2:2023.2; do
	board=${run%:*} rel=${run#*:} w=$out/rec-$board-$rel
	mkdir -p "$w"
	"$hg" deploy "$out/mnist_cnn.qnn" --board "$board" --name mnist_cnn --tcl "$w.tcl" \
		--dtso "$w.dtso" || { bad "$run: hlsgen deploy --tcl failed"; continue; }
	if ! record "$board" "$rel" "$w.tcl" "$w"; then
		bad "$run: the Tcl fails under the recorder: $(tail -3 "$w/recorder.log")"
		continue
	fi
	ok "$run: the block-design Tcl runs under the Vivado $rel recorder"
	ps=$(awk '/^cell .*(zynq_ultra_ps_e|processing_system7):/ { print $2 }' "$w/netlist.txt")
	if [ "$ps" = zynq_ultra_ps_e_0 ]; then irq=pl_ps_irq0 gpo=emio_gpio_o clk0=pl_clk0
	else irq=IRQ_F2P gpo=GPIO_O clk0=FCLK_CLK0; fi
	nl=$w/netlist.txt
	if on_net "$nl" axi_dma_0_mm2s_introut axi_dma_0/mm2s_introut xlconcat_0/In0 &&
		on_net "$nl" axi_dma_0_s2mm_introut axi_dma_0/s2mm_introut xlconcat_0/In1 &&
		on_net "$nl" xlconcat_0_dout xlconcat_0/dout "$ps/$irq" &&
		on_net "$nl" "${ps}_${gpo}" "$ps/$gpo" xlslice_reset/Din &&
		on_net "$nl" xlslice_reset_Dout xlslice_reset/Dout myproject_axi_0/ap_rst_n &&
		on_net "$nl" "${ps}_$clk0" axi_dma_0/s_axi_lite_aclk axi_dma_0/m_axi_mm2s_aclk \
			axi_dma_0/m_axi_s2mm_aclk myproject_axi_0/ap_clk; then
		ok "$run: netlist: both DMA interrupts -> xlconcat -> $ps/$irq, ap_rst_n <- $gpo, all on $clk0"
	else
		bad "$run: netlist lacks the interrupt, reset or clock wiring"
	fi
	steps=$(grep -xE 'step (validate_bd_design|synth_1|impl_1 write_bitstream|write_hw_platform)' "$nl" | tr '\n' ,)
	expect "$run: validate, synthesis, implementation to bitstream, hand-off" \
		"step validate_bd_design,step synth_1,step impl_1 write_bitstream,step write_hw_platform," echo "$steps"
	mhz=$(grep -o 'FREQMHZ [0-9]*' "$w.tcl" | awk '{ print $2 }')
	expect "$run: recorded $clk0 = the overlay's assigned-clock-rates" \
		"$(grep -o 'assigned-clock-rates = <[0-9]*>' "$w.dtso" | tr -dc 0-9)" echo "${mhz}000000"
	dtc -q -@ -I dts -O dtb -o "$w.dtbo" "$w.dtso"
	node=$(fdtget -l "$w.dtbo" /fragment@1/__overlay__ | head -1)
	reg=$(fdtget -t u "$w.dtbo" "/fragment@1/__overlay__/$node" reg)
	expect "$run: recorded register window = the overlay's $node reg" \
		"$(echo "$reg" | awk '{ if (NF == 4) printf "0x%X 0x%X", $1 * 4294967296 + $2, $4; else printf "0x%X 0x%X", $1, $2 }')" \
		awk '/^address axi_dma_0\/S_AXI_LITE\/Reg/ { print $4, $5 }' "$nl"
	if "$hg" deploy "$out/mnist_cnn.qnn" --board "$board" --name mnist_cnn --hwh "$w/out/mnist_cnn.hwh" \
		--dtso "$w/from-hwh.dtso" 2>"$w/hwh.err" && cmp -s "$w/from-hwh.dtso" "$w.dtso"; then
		ok "$run: the recorded .hwh gives back the same overlay (addresses, IRQs, reset, clock)"
	else
		bad "$run: overlay from the recorded .hwh differs: $(cat "$w/hwh.err") $(diff "$w/from-hwh.dtso" "$w.dtso" | head -4)"
	fi
	if "$hg" deploy --bit-to-bin "$w/out/mnist_cnn.bit" -o "$w/out/mnist_cnn.bit.bin" --board "$board" >/dev/null; then
		ok "$run: the recorded .bit converts for the board's FPGA manager"
	else
		bad "$run: the recorded .bit does not convert"
	fi
done
cmp -s "$out/rec-zcu104-2020.1.dtso" dts/zcu104-qnn.dtso && ok "zcu104 Tcl + recorder overlay is dts/zcu104-qnn.dtso" ||
	bad "zcu104 overlay of the Tcl run is not dts/zcu104-qnn.dtso"

# The zcu102 row of the board table against Debian's own ZCU102 DTB.
real102=$(ls "$build"/kernel/root-*/usr/lib/linux-image-*/xilinx/zynqmp-zcu102-rev1.0.dtb 2>/dev/null | head -1)
if [ -n "$real102" ]; then
	{
		dtc -q -I dtb -O dts "$real102"
		printf '%s: &{%s} { };\n' fpga_full /fpga-full amba /axi gic $gic gpio $gpio zynqmp_clk $clk
	} >"$out/zcu102-base.dts"
	dtc -q -@ -I dts -O dtb -o "$out/zcu102-base.dtb" "$out/zcu102-base.dts"
	m102=$out/zcu102-merged.dtb
	if dtc -q -@ -I dts -O dtb -o "$out/zcu102.dtbo" "$out/rec-zcu102-2023.2.dtso" &&
		fdtoverlay -i "$out/zcu102-base.dtb" -o "$m102" "$out/zcu102.dtbo" &&
		[ "$(fdtget -t u "$m102" $dma interrupt-parent)" = "$(fdtget -t u "$m102" $gic phandle)" ] &&
		[ "$(fdtget -t u "$m102" /accelerator reset-gpios)" = "$(fdtget -t u "$m102" $gpio phandle) 78 1" ]; then
		ok "the zcu102 overlay applies onto Debian's $(basename "$real102") (GIC, GPIO resolved)"
	else
		bad "the zcu102 overlay does not apply onto Debian's ZCU102 DTB"
	fi
else
	bad "Debian's kernel package has no xilinx/zynqmp-zcu102-rev1.0.dtb"
fi

# The same loop catches a design without what the driver needs.
w=$out/rec-mutant
mutant() { # description, message expected from hlsgen deploy --hwh, sed script
	sed "$3" "$out/rec-zcu104-2023.2.tcl" >"$w.tcl"
	if ! record zcu104 2023.2 "$w.tcl" "$w"; then
		bad "$1: the recorder refused it: $(tail -2 "$w/recorder.log")"
	elif "$hg" deploy "$out/mnist_cnn.qnn" --name mnist_cnn --hwh "$w/out/mnist_cnn.hwh" \
		--dtso "$w.dtso" 2>"$w.err" || ! grep -q "$2" "$w.err"; then
		bad "$1: not refused ($(cat "$w.err"))"
	else
		ok "$1 is refused: $(cat "$w.err")"
	fi
}
mutant "the Tcl with the xlconcat not wired to pl_ps_irq0" "does not reach the PS's pl_ps_irq0" \
	'/connect_bd_net \[get_bd_pins xlconcat_0\/dout\]/d'
mutant "the Tcl with ap_rst_n on the PL reset (as hls4ml wires it)" "not driven by the PS's emio_gpio_o" \
	's|\[get_bd_pins axi_smc_mem/aresetn\]$|[get_bd_pins axi_smc_mem/aresetn] [get_bd_pins myproject_axi_0/ap_rst_n]|; /xlslice_reset\/Dout/d'
# ... and follows what the design says: another address and clock.
sed 's/-offset 0xA0000000/-offset 0xA0010000/; s/PL0_REF_CTRL__FREQMHZ 100/PL0_REF_CTRL__FREQMHZ 150/' \
	"$out/rec-zcu104-2023.2.tcl" >"$w.tcl"
if record zcu104 2023.2 "$w.tcl" "$w" &&
	"$hg" deploy "$out/mnist_cnn.qnn" --name mnist_cnn --hwh "$w/out/mnist_cnn.hwh" --dtso "$w.dtso" &&
	grep -q 'dma@a0010000' "$w.dtso" && grep -q 'reg = <0x0 0xa0010000 0x0 0x10000>' "$w.dtso" &&
	grep -q 'assigned-clock-rates = <150000000>' "$w.dtso"; then
	ok "a design moved to 0xA0010000 at 150 MHz gives an overlay with both"
else
	bad "the overlay does not follow the recorded address/clock"
fi

# ---- the bundle ----
b=$out/bundle fw=$out/bundle/lib/firmware/qnn
rm -rf "$b" "$b.partial" "$out/bundle-bad" "$out/bundle-bad.partial"
if "$hg" deploy "$out/mnist_cnn.qnn" --name mnist_cnn --bit "$out/rec-zcu104-2020.1/out/mnist_cnn.bit" \
	--bundle "$b" >/dev/null; then
	ok "bundle written from the recorded zcu104 .bit"
	cmp -s "$fw/mnist_cnn.bit.bin" "$out/rec-zcu104-2020.1/out/mnist_cnn.bit.bin" &&
		ok "bundle: lib/firmware/qnn/mnist_cnn.bit.bin is the converted bitstream" ||
		bad "bundle: the .bit.bin differs from hlsgen deploy --bit-to-bin"
	cmp -s "$fw/mnist_cnn.qnn" "$out/mnist_cnn.qnn" && ok "bundle: the model, as given" ||
		bad "bundle: the .qnn differs"
	cmp -s "$b/mnist_cnn.dtso" dts/zcu104-qnn.dtso && cmp -s "$fw/mnist_cnn.dtbo" "$out/zcu104-qnn.dtbo" &&
		ok "bundle: the overlay is dts/zcu104-qnn.dtso, compiled" || bad "bundle: the overlay differs"
	fdtoverlay -i "$out/zcu104-base.dtb" -o "$out/bundle-merged.dtb" "$fw/mnist_cnn.dtbo" &&
		[ "$(fdtget "$out/bundle-merged.dtb" /fpga-full firmware-name)" = qnn/mnist_cnn.bit.bin ] &&
		[ -s "$fw/$(fdtget "$out/bundle-merged.dtb" /fpga-full firmware-name | sed 's|^qnn/||')" ] &&
		[ -s "$fw/$(fdtget "$out/bundle-merged.dtb" /accelerator firmware-name | sed 's|^qnn/||')" ] &&
		ok "bundle: its .dtbo applies onto Debian's DTB and names the bundle's files" ||
		bad "bundle: the .dtbo does not apply or names files the bundle lacks"
	grep -q 'fdt apply' "$b/BOOT.txt" && grep -q 'device-tree/overlays/qnn/path' "$b/BOOT.txt" &&
		grep -q 'fpgautil -b /lib/firmware/qnn/mnist_cnn.bit.bin' "$b/BOOT.txt" &&
		grep -q 'registers 0xa0000000 (+0x10000), MM2S IRQ GIC SPI 89, S2MM SPI 90' "$b/BOOT.txt" &&
		ok "bundle: BOOT.txt (U-Boot fdt apply, configfs, fpgautil; the design's numbers)" ||
		bad "bundle: BOOT.txt incomplete"
else
	bad "bundle not written"
fi
if ! "$hg" deploy "$out/mnist_cnn.qnn" --name mnist_cnn --bit "$out/rec-pynq-z2-2023.2/out/mnist_cnn.bit" \
	--bundle "$out/bundle-bad" 2>"$out/bundle-bad.err" && grep -q "is for part '7z020clg400'" "$out/bundle-bad.err" &&
	[ ! -e "$out/bundle-bad" ] && [ ! -e "$out/bundle-bad.partial" ]; then
	ok "a pynq-z2 bitstream for a zcu104 bundle is refused, nothing left: $(cat "$out/bundle-bad.err")"
else
	bad "wrong-part bitstream: $(cat "$out/bundle-bad.err"); $(ls -d "$out"/bundle-bad* 2>&1)"
fi

echo "deploy: $((n - fail)) passed, $fail failed"
[ "$fail" -eq 0 ]
