# hlsgen/bench: the engine benchmark (make bench-engine, part of make bench).
#
# Imports the lab's MNIST CNN with its published hls4ml config, then in one
# session measures:
#   - engine images/s at batch 1 and 256, 1 and 2 threads (bench_engine),
#   - callgrind instructions per image (two runs of N0 and N1 images: the
#     difference divided by N1 - N0 removes start-up costs),
#   - PyTorch float CPU inference of the same network, eager and TorchScript
#     (frozen + optimize_for_inference), batch 1 and 256, 2 threads
#     (torch_ref.py, Debian's python3-torch, installed here if missing),
# and prints a verdict line comparing the best engine and TorchScript figures
# at batch 256, 2 threads. Results also go to $(BUILD)/bench/engine.txt.

BENCH_DIR	  := $(BUILD)/bench
BENCH_ENGINE_BIN  := $(BENCH_DIR)/bench_engine
BENCH_MODEL	  := $(BENCH_DIR)/qkeras_mnist_cnn.qnn
BENCH_IMAGES	  := $(DATA)/mnist/test-images-idx3-ubyte
BENCH_LABELS	  := $(DATA)/mnist/test-labels-idx1-ubyte
BENCH_SECONDS	  ?= 3
BENCH_PY	  := /usr/bin/python3

$(BENCH_ENGINE_BIN): hlsgen/bench/bench_engine.c $(LIB)/libhlsgen.a $(LIB)/libqnncore.a
	@mkdir -p $(dir $@)
	$(CC) $(HLSGEN_CFLAGS) -o $@ $< $(LIB)/libhlsgen.a $(LIB)/libqnncore.a \
		$(HLSGEN_LDFLAGS) $(HLSGEN_LIBS_EXT)

$(BENCH_MODEL): $(BIN)/hlsgen $(SHARED)/models/qkeras_mnist_cnn.json
	@mkdir -p $(dir $@)
	$(BIN)/hlsgen import $(SHARED)/models/qkeras_mnist_cnn.json \
		$(SHARED)/models/qkeras_mnist_cnn_weights.h5 \
		--config $(SHARED)/models/qkeras_mnist_cnn_config.yml -o $@ >/dev/null

bench-engine-deps:
	@$(BENCH_PY) -c 'import torch' 2>/dev/null || { \
		echo "bench: installing python3-torch (Debian) for the PyTorch reference"; \
		apt-get install -y --no-install-recommends python3-torch >/dev/null; }
	@command -v valgrind >/dev/null || apt-get install -y --no-install-recommends valgrind >/dev/null

bench-engine: bench-engine-deps $(BENCH_ENGINE_BIN) $(BENCH_MODEL)
	@bash hlsgen/bench/run_bench.sh $(BENCH_ENGINE_BIN) $(BENCH_MODEL) $(BENCH_IMAGES) \
		$(BENCH_LABELS) $(BENCH_SECONDS) $(BENCH_PY) | tee $(BENCH_DIR)/engine.txt

BENCH_TARGETS += bench-engine
.PHONY: bench-engine bench-engine-deps
