# SPDX-License-Identifier: GPL-2.0 OR MIT
# check-board: the emulated arm64 board booted by U-Boot, which applies the
# qnn overlay with `fdt apply` (tests/board/README.md).
check-board:
	@QNN_BUILD=$(abspath $(BUILD)) bash tests/board/check-uboot.sh $(BUILD)/board/uboot

CHECK_TARGETS += check-board
.PHONY: check-board
