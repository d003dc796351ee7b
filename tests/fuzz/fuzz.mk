# Fuzz smoke: every tests/fuzz/fuzz_<name>.c is a libFuzzer target, built
# with clang -fsanitize=fuzzer,address,undefined and run for FUZZ_TIME
# seconds by `make check-fuzz` (part of `make check`).
#
# Per target, optionally (define them in this file, above the template):
#   FUZZ_<name>_SRCS   sources besides tests/fuzz/fuzz_<name>.c
#   FUZZ_<name>_LIBS   extra link flags
#   FUZZ_<name>_SEEDS  a target that fills $(BUILD)/fuzz/seeds/<name>/
#   FUZZ_<name>_RUNS   a fixed number of inputs instead of FUZZ_TIME seconds
# The corpus grows in $(BUILD)/fuzz/corpus/<name>/; crashes are saved as
# $(BUILD)/fuzz/artifacts/<name>-crash-* and fail the check.
# `make check` runs with a fixed seed (and, where set, a fixed count), so
# what passes here passes in CI; `make fuzz FUZZ_SEED=0 FUZZ_TIME=600`
# explores further.

FUZZ_CC     ?= clang
FUZZ_TIME   ?= 30
FUZZ_SEED   ?= 1
FUZZ_CFLAGS := -std=gnu11 -g -O1 -Wall -Wextra -Werror -Wno-unused-parameter \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
	-Ihlsgen/include -Ikernel/uapi -Ilibclient/include
FUZZ_NAMES  := $(patsubst tests/fuzz/fuzz_%.c,%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_DIR    := $(BUILD)/fuzz

# --- model_parse: the .qnn parser; seeds are real imported models ---
FUZZ_model_parse_SRCS  := hlsgen/format/model_parse.c hlsgen/format/crc32.c
FUZZ_model_parse_SEEDS := $(FUZZ_DIR)/seeds/model_parse/.done

$(FUZZ_DIR)/seeds/model_parse/.done: $(BIN)/hlsgen
	@mkdir -p $(dir $@)
	@set -e; m=$(SHARED)/models; d=$(dir $@); \
	$(BIN)/hlsgen import -q $$m/qkeras_mnist_cnn.json $$m/qkeras_mnist_cnn_weights.h5 \
		--config $$m/qkeras_mnist_cnn_config.yml -o $$d/cnn_cfg.qnn; \
	$(BIN)/hlsgen import -q $$m/qkeras_mnist_cnn.json $$m/qkeras_mnist_cnn_weights.h5 \
		--hls4ml-version 1.3 -o $$d/cnn_auto.qnn; \
	$(BIN)/hlsgen import -q $$m/qkeras_mnist_dense.json $$m/qkeras_mnist_dense_weights.h5 \
		--config $$m/qkeras_mnist_dense_config.yml --allow-unmodelled -o $$d/dense_cfg.qnn
	@touch $@

# --- frame: the wire protocol's frame parser and payload decoders (libclient) ---
FUZZ_frame_SRCS := libclient/proto.c libclient/strerror.c
FUZZ_frame_RUNS := 1500000

# --- oip_request: qnn-oipd's inference request parser (JSON + binary tail) ---
FUZZ_oip_request_SRCS  := daemon/oipd/infer_parse.c daemon/oipd/infer_reply.c
FUZZ_oip_request_LIBS  := -Idaemon/oipd -ljson-c -lm
FUZZ_oip_request_SEEDS := $(FUZZ_DIR)/seeds/oip_request/.done
FUZZ_oip_request_RUNS  := 30000

$(FUZZ_DIR)/seeds/oip_request/.done: tests/fuzz/oip_request_seeds.sh
	@mkdir -p $(dir $@)
	bash $< $(dir $@)
	@touch $@

# --- bit: the .bit -> .bit.bin converter (hlsgen deploy); seed: a .bit in
# Vivado's layout (tests/deploy/bit_file.tcl) ---
FUZZ_bit_SRCS  := hlsgen/deploy/bitstream.c hlsgen/host/util/error_message.c
FUZZ_bit_SEEDS := $(FUZZ_DIR)/seeds/bit/.done
FUZZ_bit_RUNS  := 300000

$(FUZZ_DIR)/seeds/bit/.done: tests/deploy/bit_file.tcl
	@mkdir -p $(dir $@)
	tclsh $< $(dir $@)/design.bit
	@touch $@

# --- hwh: the Vivado hand-off reader (libxml2); seed: the fixture ---
FUZZ_hwh_SRCS  := hlsgen/deploy/hwh_read.c hlsgen/deploy/design.c hlsgen/deploy/board.c \
	hlsgen/host/util/error_message.c hlsgen/host/io/array.c hlsgen/format/model_parse.c \
	hlsgen/format/crc32.c
FUZZ_hwh_LIBS  := -I/usr/include/libxml2 -lxml2
FUZZ_hwh_SEEDS := $(FUZZ_DIR)/seeds/hwh/.done
FUZZ_hwh_RUNS  := 20000

$(FUZZ_DIR)/seeds/hwh/.done: tests/fixtures/deploy/zcu104-mnist.hwh
	@mkdir -p $(dir $@)
	cp $< $(dir $@)
	@touch $@

# --- keras_json: the one Keras model JSON reader (json-c) of the importer and
# the trainer; seeds: the published models ---
FUZZ_keras_json_SRCS  := hlsgen/host/keras/keras_model_json.c hlsgen/host/keras/keras_layer_json.c \
	hlsgen/host/keras/qkeras_parse.c hlsgen/host/util/error_message.c
FUZZ_keras_json_LIBS  := -ljson-c -lm
FUZZ_keras_json_SEEDS := $(FUZZ_DIR)/seeds/keras_json/.done
FUZZ_keras_json_RUNS  := 60000

$(FUZZ_DIR)/seeds/keras_json/.done: $(wildcard $(SHARED)/models/*.json)
	@mkdir -p $(dir $@)
	cp $^ $(dir $@)
	@touch $@

# --- generic rules ---
define FUZZ_TARGET_template
$(FUZZ_DIR)/fuzz_$(1): tests/fuzz/fuzz_$(1).c $(FUZZ_$(1)_SRCS)
	@mkdir -p $$(dir $$@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -o $$@ $$^ $(FUZZ_$(1)_LIBS)

check-fuzz-$(1): $(FUZZ_DIR)/fuzz_$(1) $(FUZZ_$(1)_SEEDS)
	@mkdir -p $(FUZZ_DIR)/corpus/$(1) $(FUZZ_DIR)/seeds/$(1) $(FUZZ_DIR)/artifacts
	$(FUZZ_DIR)/fuzz_$(1) $(if $(and $(FUZZ_$(1)_RUNS),$(filter 1,$(FUZZ_SEED))),-runs=$(FUZZ_$(1)_RUNS),-max_total_time=$(FUZZ_TIME)) \
		-seed=$(FUZZ_SEED) -timeout=10 -rss_limit_mb=2048 \
		-print_final_stats=1 -artifact_prefix=$(FUZZ_DIR)/artifacts/$(1)- \
		$(FUZZ_DIR)/corpus/$(1) $(FUZZ_DIR)/seeds/$(1)
.PHONY: check-fuzz-$(1)
endef
$(foreach n,$(FUZZ_NAMES),$(eval $(call FUZZ_TARGET_template,$(n))))

check-fuzz: $(addprefix check-fuzz-,$(FUZZ_NAMES))
fuzz: check-fuzz
CHECK_TARGETS += check-fuzz
.PHONY: check-fuzz fuzz
