# trace: BPF tools for the qnn stack in the style of bcc's libbpf-tools
# (qnnlat, qnntop, qnnsnoop), built by trace/build.sh with clang -target bpf,
# bpftool gen skeleton and libbpf-dev. This host's build (amd64) goes to
# build/bin/; the arm64 build for the test guest is made by
# tests/kernel/check-kernel.sh, which also tests the tools (test_trace_tools).

TRACE_TOOLS := qnnlat qnntop qnnsnoop
TRACE_OUT   := $(BUILD)/trace/host
TRACE_DEPS  := $(wildcard trace/*.c trace/*.h trace/*.sh trace/*.py)

$(TRACE_OUT)/.built: $(TRACE_DEPS)
	@QNN_TRACE_CFLAGS="$(filter-out -O2 -g,$(OPT))" QNN_TRACE_LDFLAGS="$(LDFLAGS)" \
		bash trace/build.sh host $(TRACE_OUT) >/dev/null
	@touch $@

$(addprefix $(BIN)/,$(TRACE_TOOLS)): $(BIN)/%: $(TRACE_OUT)/.built
	@mkdir -p $(dir $@)
	cp $(TRACE_OUT)/$* $@

# Built for this machine (x86_64 or aarch64) when there is a BTF source for
# vmlinux.h: this kernel's, or QNN_VMLINUX_BTF.
ifneq ($(wildcard $(or $(QNN_VMLINUX_BTF),/sys/kernel/btf/vmlinux)),)
trace: $(addprefix $(BIN)/,$(TRACE_TOOLS))
else
trace:
	@echo "trace: not built: this kernel has no /sys/kernel/btf/vmlinux for vmlinux.h" \
		"(give one with QNN_VMLINUX_BTF=<raw BTF file>); make check-kernel still" \
		"builds and tests the arm64 tools"
endif

ifneq ($(filter x86_64 aarch64,$(shell uname -m)),)
ALL_TARGETS += trace
endif
.PHONY: trace

# qnnd's USDT probes on this host (needs root + BPF; skips with a message otherwise).
check-trace-usdt: trace $(BIN)/qnnd $(BIN)/qnnctl
	@$(TEST_ENV) bash trace/test-usdt.sh

CHECK_TARGETS += check-trace-usdt
.PHONY: check-trace-usdt
