# SPDX-License-Identifier: GPL-2.0 OR MIT
# check-board: the user's scenario on an emulated arm64 board booted by
# U-Boot, which applies the qnn overlay with `fdt apply` (tests/board/run.sh,
# README.md). hlsgen makes the expected outputs on the host.
# check-board-uboot: the firmware step alone, in under a minute.
check-board:
	@$(MAKE) --no-print-directory $(BIN)/hlsgen
	@$(TEST_ENV) bash tests/board/run.sh

check-board-uboot:
	@QNN_BUILD=$(abspath $(BUILD)) bash tests/board/check-uboot.sh $(BUILD)/board/uboot

CHECK_TARGETS += check-board
.PHONY: check-board check-board-uboot
