# Criterion units of libqnn's codec and qnnd's policy parts (no sockets):
#   test_proto    frame codec, bounds, NaN/Inf detection, status names
#   test_batcher  the batching policy with a fake clock
#   test_config   the YAML config file, and file + flags (config_build)
#   test_stats    counters and latency percentiles
UNIT_DAEMON_SRCS := $(wildcard tests/unit/daemon/test_*.c)
UNIT_DAEMON_BINS := $(UNIT_DAEMON_SRCS:tests/unit/daemon/%.c=$(BUILD)/tests/daemon/%)
UNIT_DAEMON_DEPS := libclient/proto.c libclient/strerror.c daemon/qnnd/batcher.c daemon/qnnd/stats.c \
		    daemon/qnnd/config.c
UNIT_DAEMON_CFLAGS := -D_GNU_SOURCE -Ilibclient/include -Idaemon/qnnd $(CFLAGS_COMMON) \
		      $(SAN_FLAGS) -O1

$(UNIT_DAEMON_BINS): $(BUILD)/tests/daemon/%: tests/unit/daemon/%.c $(UNIT_DAEMON_DEPS)
	@mkdir -p $(dir $@)
	$(CC) $(UNIT_DAEMON_CFLAGS) -o $@ $< $(UNIT_DAEMON_DEPS) -lyaml -lm $(CRITERION_LIBS)

check-unit-daemon: $(UNIT_DAEMON_BINS)
	@set -e; for t in $^; do echo "--- $$t (ASan+UBSan)"; $(TEST_ENV) $$t --jobs 2; done

CHECK_TARGETS += check-unit-daemon
.PHONY: check-unit-daemon
