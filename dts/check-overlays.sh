#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# `make check-dts`: the bindings are valid schemas (dt-doc-validate), and
# the ZCU104 overlay applies onto a ZynqMP base tree with fdtoverlay with
# every reference resolved: the qnn node's dmas point at the AXI DMA, whose
# channels have their interrupts, and the fpga-full region got its
# bitstream. (The QEMU overlay is applied and booted by check-kernel.)
#
# Usage: check-overlays.sh <build/dts>
set -uo pipefail
cd "$(dirname "$0")/.."
out=$1
fail=0 n=0
ok() { n=$((n + 1)); echo "  ok   $1"; }
bad() { n=$((n + 1)); fail=$((fail + 1)); echo "  FAIL $1"; }
expect() { # description, expected, command...
	local what=$1 want=$2 got
	shift 2
	got=$("$@" 2>&1)
	if [ "$got" = "$want" ]; then ok "$what"; else bad "$what: got '$got', want '$want'"; fi
}

for b in dts/bindings/*.yaml; do
	if dt-doc-validate -u "$PWD/dts/bindings" "$PWD/$b" >"$out/doc-validate.log" 2>&1 &&
		[ ! -s "$out/doc-validate.log" ]; then
		ok "binding $(basename "$b") is a valid schema"
	else
		bad "binding $(basename "$b"): $(cat "$out/doc-validate.log")"
	fi
done

merged=$out/test/zcu104-merged.dtb
if fdtoverlay -i "$out/test/zynqmp-base-min.dtb" -o "$merged" "$out/zcu104-qnn.dtbo"; then
	ok "zcu104-qnn.dtbo applies onto the ZynqMP base"
	dma=/axi/dma@a0000000
	expect "PL programmed with the bitstream" qnn/mnist_cnn.bit.bin \
		fdtget "$merged" /fpga-full firmware-name
	expect "AXI DMA compatible" "xlnx,axi-dma-7.1 xlnx,axi-dma-1.00.a" \
		fdtget "$merged" $dma compatible
	expect "MM2S channel IRQ = GIC SPI 89" "0 89 4" \
		fdtget -t u "$merged" $dma/dma-channel-mm2s interrupts
	expect "S2MM channel IRQ = GIC SPI 90" "0 90 4" \
		fdtget -t u "$merged" $dma/dma-channel-s2mm interrupts
	expect "channel data width 32" "32" fdtget -t u "$merged" $dma/dma-channel-mm2s xlnx,datawidth
	dma_ph=$(fdtget -t u "$merged" $dma phandle)
	gic_ph=$(fdtget -t u "$merged" /axi/interrupt-controller@f9010000 phandle)
	gpio_ph=$(fdtget -t u "$merged" /axi/gpio@ff0a0000 phandle)
	expect "DMA interrupt-parent is the GIC" "$gic_ph" fdtget -t u "$merged" $dma interrupt-parent
	expect "qnn dmas = <&axi_dma_0 0>, <&axi_dma_0 1>" "$dma_ph 0 $dma_ph 1" \
		fdtget -t u "$merged" /accelerator dmas
	expect "qnn dma-names" "tx rx" fdtget "$merged" /accelerator dma-names
	expect "qnn compatible" "qnn,hls4ml-accel" fdtget "$merged" /accelerator compatible
	expect "qnn reset on PS GPIO (EMIO 0)" "$gpio_ph 78 1" \
		fdtget -t u "$merged" /accelerator reset-gpios
	expect "qnn shape" "784 10" sh -c "echo \$(fdtget -t u $merged /accelerator qnn,n-inputs) \$(fdtget -t u $merged /accelerator qnn,n-outputs)"
else
	bad "zcu104-qnn.dtbo does not apply onto the ZynqMP base"
fi
# The QEMU overlay must be self-contained (local labels only, path target).
if fdtget "$out/qemu-virt-qnn.dtbo" /fragment@0 target-path >/dev/null &&
	! fdtget -l "$out/qemu-virt-qnn.dtbo" / | grep -qx __fixups__; then
	ok "qemu-virt-qnn.dtbo targets / by path with no external references"
else
	bad "qemu-virt-qnn.dtbo needs symbols the QEMU DTB does not have"
fi
echo "dts: $((n - fail)) passed, $fail failed"
[ "$fail" -eq 0 ]
