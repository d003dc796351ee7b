# dts: device-tree overlays and bindings.
#   build/dts/qemu-virt-qnn.dtbo   sim DMA + qnn node for QEMU virt (tests/kernel)
#   build/dts/zcu104-qnn.dtbo      the board: fpga-full + axi_dma_0 + qnn node
#   make check-dts                 bindings pass dt-doc-validate; the ZCU104
#                                  overlay applies onto a ZynqMP base with
#                                  fdtoverlay and the merged tree is checked

DTS_OUT := $(BUILD)/dts
DTS_OVERLAYS := $(patsubst dts/%.dtso,$(DTS_OUT)/%.dtbo,$(wildcard dts/*.dtso))

$(DTS_OUT)/%.dtbo: dts/%.dtso
	@mkdir -p $(dir $@)
	dtc -@ -I dts -O dtb -o $@ $<

$(DTS_OUT)/test/%.dtb: dts/test/%.dts
	@mkdir -p $(dir $@)
	dtc -@ -I dts -O dtb -o $@ $<

check-dts: $(DTS_OVERLAYS) $(DTS_OUT)/test/zynqmp-base-min.dtb
	@bash dts/check-overlays.sh $(DTS_OUT)

ALL_TARGETS += $(DTS_OVERLAYS)
CHECK_TARGETS += check-dts
.PHONY: check-dts
