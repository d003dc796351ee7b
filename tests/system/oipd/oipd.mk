# check-oipd: qnn-oipd against the real daemons (tests/system/oipd/):
#   test_oipd     conformance to the Open Inference Protocol v2 REST text
#                 (libcurl client; answers bit-identical to qnn_classify())
#   test_metrics  /metrics: the exposition format, the front's counters,
#                 qnnd's counters against `qnnctl status`, sysfs device counters
#   prometheus.sh a real Prometheus scrapes the front under a known load;
#                 its HTTP API must report exactly what was sent
#   units.sh      the systemd units: verify, security exposure, sandbox
#                 promises, socket activation (systemd-socket-activate)
#   fleet.sh      docs/fleet/*.yaml: yamllint, fleet_check.py (Kubernetes client
#                 models, cross-references, real command-line parsing), promtool
# Included from daemon/oipd/oipd.mk (before tests/tests.mk: the variables naming
# CRITERION_LIBS and TEST_ENV are expanded late, with "=").
OIPD_TEST_DIR    := $(BUILD)/tests/system/oipd
OIPD_TEST_CFLAGS := -D_GNU_SOURCE -Ilibclient/include -Itests/system/daemon -Itests/unit/hlsgen \
		    $(CFLAGS_COMMON) -I/usr/include/hdf5/serial -pthread \
		    $(shell pkg-config --cflags libcurl json-c 2>/dev/null)
OIPD_TEST_LIBS    = $(LIB)/libqnn.a $(LIB)/libhlsgen.a $(LIB)/libqnncore.a $(HLSGEN_LDFLAGS) \
		    $(HLSGEN_LIBS_EXT) $(shell pkg-config --libs libcurl json-c 2>/dev/null) \
		    $(CRITERION_LIBS) -pthread -lm
OIPD_TEST_HDRS   := tests/system/oipd/oip_client.h tests/system/daemon/harness.h

# The real MNIST CNN (28x28x1), imported as `make demo` does.
OIPD_MODEL := $(OIPD_TEST_DIR)/mnist_cnn.qnn
$(OIPD_MODEL): $(BIN)/hlsgen
	@mkdir -p $(dir $@)
	$(BIN)/hlsgen import -q $(SHARED)/models/qkeras_mnist_cnn.json \
		$(SHARED)/models/qkeras_mnist_cnn_weights.h5 \
		--config $(SHARED)/models/qkeras_mnist_cnn_config.yml -o $@

$(OIPD_TEST_DIR)/test_%: tests/system/oipd/test_%.c $(OIPD_TEST_HDRS) $(LIB)/libqnn.a \
			 $(LIB)/libhlsgen.a $(LIB)/libqnncore.a
	@mkdir -p $(dir $@)
	$(CC) $(OIPD_TEST_CFLAGS) -o $@ $< $(OIPD_TEST_LIBS)

# The load generator of the Prometheus check and of bench-oipd.
$(OIPD_TEST_DIR)/oip_load: tests/system/oipd/oip_load.c $(LIB)/libqnn.a
	@mkdir -p $(dir $@)
	$(CC) $(OIPD_TEST_CFLAGS) -o $@ $< $(LIB)/libqnn.a \
		$(shell pkg-config --libs libcurl 2>/dev/null) -pthread -lm

OIPD_ENV = $(TEST_ENV) QNN_OIPD_MODEL=$(abspath $(OIPD_MODEL))

check-oipd: $(OIPD_TEST_DIR)/test_oipd $(OIPD_TEST_DIR)/test_metrics $(OIPD_TEST_DIR)/oip_load \
	    $(OIPD_MODEL) $(BIN)/qnnd $(BIN)/qnn-oipd $(BIN)/qnnctl
	$(OIPD_ENV) $(OIPD_TEST_DIR)/test_oipd --jobs 1
	$(OIPD_ENV) $(OIPD_TEST_DIR)/test_metrics --jobs 1
	$(OIPD_ENV) bash tests/system/oipd/units.sh
	$(OIPD_ENV) bash tests/system/oipd/fleet.sh
	$(OIPD_ENV) QNN_OIPD_LOAD=$(abspath $(OIPD_TEST_DIR)/oip_load) bash tests/system/oipd/prometheus.sh

CHECK_TARGETS += check-oipd
.PHONY: check-oipd

# Benchmark (not a test): the front's cost against qnn_classify() (bench.sh).
bench-oipd: $(OIPD_TEST_DIR)/oip_load $(OIPD_MODEL) $(BIN)/qnnd $(BIN)/qnn-oipd
	@$(OIPD_ENV) QNN_OIPD_LOAD=$(abspath $(OIPD_TEST_DIR)/oip_load) bash tests/system/oipd/bench.sh

BENCH_TARGETS += bench-oipd
.PHONY: bench-oipd

# The same conformance and metrics tests against qnn-oipd rebuilt with
# ASan+UBSan (qnnd stays the normal build): the network-facing process under
# real traffic, bad requests, stalls and 64 clients; leaks are checked at its
# exit, which the tests require to be clean.
OIPD_ASAN_DIR := $(BUILD)/asan/oipd-bin
$(OIPD_ASAN_DIR)/qnn-oipd: $(OIPD_SRCS) $(wildcard daemon/oipd/*.h) $(LIBQNN_SRCS)
	@mkdir -p $(dir $@)
	$(CC) $(OIPD_CFLAGS) -Ilibclient $(SAN_FLAGS) -O1 -o $@ $(OIPD_SRCS) $(LIBQNN_SRCS) $(OIPD_LIBS)
	ln -sf $(abspath $(BIN)/qnnd) $(OIPD_ASAN_DIR)/qnnd
	ln -sf $(abspath $(BIN)/qnnctl) $(OIPD_ASAN_DIR)/qnnctl

check-oipd-asan: $(OIPD_TEST_DIR)/test_oipd $(OIPD_TEST_DIR)/test_metrics $(OIPD_MODEL) \
		 $(OIPD_ASAN_DIR)/qnn-oipd $(BIN)/qnnd $(BIN)/qnnctl
	$(OIPD_ENV) QNN_BIN=$(abspath $(OIPD_ASAN_DIR)) ASAN_OPTIONS=detect_leaks=1 \
		$(OIPD_TEST_DIR)/test_oipd --jobs 1
	$(OIPD_ENV) QNN_BIN=$(abspath $(OIPD_ASAN_DIR)) ASAN_OPTIONS=detect_leaks=1 \
		$(OIPD_TEST_DIR)/test_metrics --jobs 1

CHECK_TARGETS += check-oipd-asan
.PHONY: check-oipd-asan

# ... and with ThreadSanitizer (clang, as qnnd's TSan build): HTTP event
# threads, the completion thread and libqnn's reader share the requests;
# any report fails the run.
OIPD_TSAN_DIR := $(BUILD)/tsan/oipd-bin
OIPD_TSAN_LOG := $(abspath $(BUILD)/tsan/oipd-report)
$(OIPD_TSAN_DIR)/qnn-oipd: $(OIPD_SRCS) $(wildcard daemon/oipd/*.h) $(LIBQNN_SRCS)
	@mkdir -p $(dir $@)
	clang $(filter-out -Werror,$(OIPD_CFLAGS)) -Ilibclient -fsanitize=thread -O1 -g -o $@ \
		$(OIPD_SRCS) $(LIBQNN_SRCS) $(OIPD_LIBS)
	ln -sf $(abspath $(BIN)/qnnd) $(OIPD_TSAN_DIR)/qnnd
	ln -sf $(abspath $(BIN)/qnnctl) $(OIPD_TSAN_DIR)/qnnctl

check-oipd-tsan: $(OIPD_TEST_DIR)/test_oipd $(OIPD_TEST_DIR)/test_metrics $(OIPD_MODEL) \
		 $(OIPD_TSAN_DIR)/qnn-oipd $(BIN)/qnnd $(BIN)/qnnctl
	rm -f $(OIPD_TSAN_LOG).*
	$(OIPD_ENV) QNN_BIN=$(abspath $(OIPD_TSAN_DIR)) TSAN_OPTIONS=log_path=$(OIPD_TSAN_LOG) \
		$(OIPD_TEST_DIR)/test_oipd --jobs 1
	$(OIPD_ENV) QNN_BIN=$(abspath $(OIPD_TSAN_DIR)) TSAN_OPTIONS=log_path=$(OIPD_TSAN_LOG) \
		$(OIPD_TEST_DIR)/test_metrics --jobs 1
	@if ls $(OIPD_TSAN_LOG).* >/dev/null 2>&1; then cat $(OIPD_TSAN_LOG).*; \
		echo "check-oipd-tsan: ThreadSanitizer reports above"; exit 1; fi

CHECK_TARGETS += check-oipd-tsan
.PHONY: check-oipd-tsan
