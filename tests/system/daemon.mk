# System tests of qnnd + libqnn over real sockets (tests/system/daemon/):
# the real daemon binary with a real NOTIFY_SOCKET listener, libqnn
# clients, raw protocol clients, systemd-socket-activate; every answer is
# compared with the engine run directly. Tests run one at a time (each
# starts its own daemon); each is bounded by a Criterion timeout.
SYS_DAEMON_CFLAGS := -D_GNU_SOURCE -Ilibclient/include -Idaemon/qnnd -Itests/unit/hlsgen \
		     $(CFLAGS_COMMON) -I/usr/include/hdf5/serial -pthread

# test_qnnd: the protocol, clients, signals; test_shm: the shared-memory data path
# (rings, corrupt and vanishing ring clients); test_limits: the frame length limit,
# descriptor exhaustion, per-uid limits; test_reload: reloads coalesced, never dropped.
SYS_DAEMON_TESTS := $(addprefix $(BUILD)/tests/system/,test_qnnd test_shm test_limits test_reload)

$(SYS_DAEMON_TESTS): $(BUILD)/tests/system/%: tests/system/daemon/%.c tests/system/daemon/harness.h \
		   $(LIB)/libqnn.a $(LIB)/libhlsgen.a $(LIB)/libqnncore.a
	@mkdir -p $(dir $@)
	$(CC) $(SYS_DAEMON_CFLAGS) -o $@ $< $(LIB)/libqnn.a $(LIB)/libhlsgen.a $(LIB)/libqnncore.a \
		$(HLSGEN_LDFLAGS) $(HLSGEN_LIBS_EXT) $(CRITERION_LIBS) -pthread -lm

# Each binary runs its tests one at a time (each starts its own daemon).
SYS_DAEMON_RUN = set -e; for t in $(SYS_DAEMON_TESTS); do $(1) $$t --jobs 1; done

check-system-daemon: $(SYS_DAEMON_TESTS) $(BIN)/qnnd
	$(call SYS_DAEMON_RUN,$(TEST_ENV))

CHECK_TARGETS += check-system-daemon
.PHONY: check-system-daemon

# The same tests against qnnd built with ASan+UBSan (leaks checked at exit),
# with the other paths of two settings: doorbells by one write() per client
# instead of io_uring, and no busy polling.
SYS_ASAN_ENV := $(TEST_ENV) QNN_BIN=$(abspath $(BUILD)/asan/bin) ASAN_OPTIONS=detect_leaks=1 \
		QNN_TEST_QNND_CONF="$$(printf 'io_uring: no\nbusy_poll_us: 0\n')"
check-system-daemon-asan: $(SYS_DAEMON_TESTS) $(BUILD)/asan/bin/qnnd
	$(call SYS_DAEMON_RUN,$(SYS_ASAN_ENV))

CHECK_TARGETS += check-system-daemon-asan

# Once more against qnnd built with ThreadSanitizer: any report fails the run.
TSAN_LOG := $(abspath $(BUILD)/tsan/report)
check-system-daemon-tsan: $(SYS_DAEMON_TESTS) $(BUILD)/tsan/bin/qnnd
	rm -f $(TSAN_LOG).*
	$(call SYS_DAEMON_RUN,$(TEST_ENV) QNN_BIN=$(abspath $(BUILD)/tsan/bin) \
		TSAN_OPTIONS=log_path=$(TSAN_LOG))
	@if ls $(TSAN_LOG).* >/dev/null 2>&1; then cat $(TSAN_LOG).*; \
		echo "check-system-daemon-tsan: ThreadSanitizer reports above"; exit 1; fi

CHECK_TARGETS += check-system-daemon-tsan
.PHONY: check-system-daemon-asan check-system-daemon-tsan

# Benchmark (not a test): see tests/system/daemon/bench.sh.
$(BUILD)/tests/system/bench_qnnd: tests/system/daemon/bench_qnnd.c $(LIB)/libqnn.a $(LIB)/libqnncore.a
	@mkdir -p $(dir $@)
	$(CC) -D_GNU_SOURCE -Ilibclient/include $(CFLAGS_COMMON) -pthread -o $@ $< $(LIB)/libqnn.a \
		$(LIB)/libqnncore.a -pthread -lm

# The protocol floor on this machine (what the sw bar leaves for per-request work).
$(BUILD)/tests/system/bench_floor: tests/system/daemon/bench_floor.c
	@mkdir -p $(dir $@)
	$(CC) -D_GNU_SOURCE $(CFLAGS_COMMON) -pthread -o $@ $< -luring -pthread

bench-daemon: $(BUILD)/tests/system/bench_qnnd $(BUILD)/tests/system/bench_floor $(BIN)/qnnd \
	      $(BIN)/qnn-classify-mnist
	@$(TEST_ENV) bash tests/system/daemon/bench.sh

BENCH_TARGETS += bench-daemon
.PHONY: bench-daemon

# The probes' cost (trace/README.md): qnnd with and without its USDT probes,
# built by one rule that differs only in -DQNND_NO_USDT (same code layout
# otherwise), measured by bench-ab.sh in one interleaved run, wall clock and
# callgrind. QNND_A/QNND_B (a qnnd or a git revision) compare anything else:
#   make bench-daemon-ab QNND_A=main QNND_B=HEAD
# The engine is the shipped libqnncore.a (-O3) for both.
QNND_AB_SRCS := $(QNND_SRCS) libclient/proto.c libclient/strerror.c
$(BUILD)/bench-ab/usdt/qnnd: $(QNND_AB_SRCS) daemon/qnnd/probes.h $(LIB)/libqnncore.a
	@mkdir -p $(dir $@)
	$(CC) $(QNND_CFLAGS) -o $@ $(QNND_AB_SRCS) $(LIB)/libqnncore.a $(QNND_LIBS)
$(BUILD)/bench-ab/nousdt/qnnd: $(QNND_AB_SRCS) daemon/qnnd/probes.h $(LIB)/libqnncore.a
	@mkdir -p $(dir $@)
	$(CC) $(QNND_CFLAGS) -DQNND_NO_USDT -o $@ $(QNND_AB_SRCS) $(LIB)/libqnncore.a $(QNND_LIBS)

QNND_A ?= $(BUILD)/bench-ab/usdt/qnnd
QNND_B ?= $(BUILD)/bench-ab/nousdt/qnnd
bench-daemon-ab: $(BUILD)/tests/system/bench_qnnd $(BIN)/hlsgen $(BUILD)/bench-ab/usdt/qnnd \
		 $(BUILD)/bench-ab/nousdt/qnnd
	@$(TEST_ENV) bash tests/system/daemon/bench-ab.sh $(BENCH_AB_ARGS) $(QNND_A) $(QNND_B)
	@$(TEST_ENV) bash tests/system/daemon/bench-ab.sh --callgrind --rounds 5 --requests '1000 10000' \
		$(QNND_A) $(QNND_B)

BENCH_TARGETS += bench-daemon-ab
.PHONY: bench-daemon-ab
