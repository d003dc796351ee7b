# kernel: qnn.ko (the driver) and qnn_sim.ko (the simulated AXI DMA with
# the hls4ml core), built out of tree (top-level Kbuild) against Debian's
# 6.1 headers, which tests/kernel fetches privately under build/kernel/.
#
#   make modules-arm64   cross-build both modules for the board/guest
#   make modules-amd64   compile check against the amd64 headers
#   make check-kernel    boot Debian's arm64 kernel in QEMU, run the guest tests
#   make bench-kernel    the guest benchmark (samples/s vs batch size)
#   make check-kernel-amd64  the same guest tests in Debian's amd64 kernel (devices
#                        described by ACPI), on an x86_64 host

KERNEL_BUILD := $(BUILD)/kernel
KERNEL_ENV := QNN_SHARED=$(SHARED) QNN_DATA=$(abspath $(DATA)) \
	QNN_BIN=$(abspath $(BIN)) BUILD=$(BUILD)

kernel-fetch:
	@bash tests/kernel/fetch-debian-arm64.sh $(KERNEL_BUILD)

modules-arm64 modules-amd64: modules-%: kernel-fetch
	@bash tests/kernel/build-modules.sh $* $(KERNEL_BUILD)

# hlsgen makes the guest's model and expected outputs; if it does not build,
# the harness still runs and the tests that need those files fail.
check-kernel bench-kernel: %-kernel:
	@$(MAKE) --no-print-directory $(BIN)/hlsgen || echo "$@: hlsgen did not build" >&2
	@$(KERNEL_ENV) bash tests/kernel/check-kernel.sh $*

CHECK_TARGETS += check-kernel

# amd64: the guest programs and tools are built with this host's compiler.
check-kernel-amd64:
ifeq ($(shell uname -m),x86_64)
	@$(MAKE) --no-print-directory $(BIN)/hlsgen || echo "$@: hlsgen did not build" >&2
	@$(KERNEL_ENV) bash tests/kernel/check-kernel.sh check amd64
else
	@echo "$@: skipped: the amd64 guest is built on an x86_64 host (this is $(shell uname -m))"
endif

CHECK_TARGETS += check-kernel-amd64
BENCH_TARGETS += bench-kernel
.PHONY: kernel-fetch modules-arm64 modules-amd64 check-kernel check-kernel-amd64 bench-kernel
