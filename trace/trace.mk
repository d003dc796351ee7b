# trace: BPF tools for the qnn stack in the style of bcc's libbpf-tools
# (qnnlat, qnntop, qnnsnoop), built by trace/build.sh with clang -target bpf,
# bpftool gen skeleton and libbpf-dev. This machine's build goes to
# build/bin/; the arm64 build for the test guest is made by
# tests/kernel/check-kernel.sh, which also tests the tools (test_trace_tools).

TRACE_TOOLS := qnnlat qnntop qnnsnoop
TRACE_OUT   := $(BUILD)/trace/host
TRACE_DEPS  := $(wildcard trace/*.c trace/*.h trace/*.sh trace/*.py)

# QNN_TRACE_ARCH (amd64, arm64; default this machine) with a cross CC builds
# for another architecture (the arm64 package); QNN_TRACE_VMLINUX_H then
# names its vmlinux.h, made beforehand (packaging/build-debs-arm64.sh).
# Otherwise vmlinux.h comes from this kernel's BTF; without it (or
# QNN_VMLINUX_BTF), from the BTF inside Debian's kernel image for this
# architecture.
ifeq ($(QNN_TRACE_VMLINUX_H),)
ifeq ($(wildcard $(or $(QNN_VMLINUX_BTF),/sys/kernel/btf/vmlinux)),)
TRACE_IMAGE_PATH := $(TRACE_OUT)/kernel-image.path
$(TRACE_IMAGE_PATH):
	@mkdir -p $(dir $@)
	bash trace/fetch-host-image.sh $(BUILD)/kernel >$@.tmp && mv $@.tmp $@
endif
endif

$(TRACE_OUT)/.built: $(TRACE_DEPS) $(TRACE_IMAGE_PATH)
	@QNN_TRACE_CFLAGS="$(filter-out -O2 -g,$(OPT))" QNN_TRACE_LDFLAGS="$(LDFLAGS)" \
		QNN_TRACE_ARCH="$(QNN_TRACE_ARCH)" QNN_TRACE_VMLINUX_H="$(QNN_TRACE_VMLINUX_H)" CC="$(CC)" \
		bash trace/build.sh host $(TRACE_OUT) $(if $(TRACE_IMAGE_PATH),$$(cat $(TRACE_IMAGE_PATH))) >/dev/null
	@touch $@

$(addprefix $(BIN)/,$(TRACE_TOOLS)): $(BIN)/%: $(TRACE_OUT)/.built
	@mkdir -p $(dir $@)
	cp $(TRACE_OUT)/$* $@

trace: $(addprefix $(BIN)/,$(TRACE_TOOLS))

# Built for this machine when it is x86_64 or aarch64.
ifneq ($(filter x86_64 aarch64,$(shell uname -m)),)
ALL_TARGETS += trace
endif
.PHONY: trace

# qnnd's USDT probes on this host (needs root + BPF; skips with a message otherwise).
check-trace-usdt: trace $(BIN)/qnnd $(BIN)/qnnctl $(BUILD)/tests/system/test_shm
	@$(TEST_ENV) bash trace/test-usdt.sh

CHECK_TARGETS += check-trace-usdt
.PHONY: check-trace-usdt
