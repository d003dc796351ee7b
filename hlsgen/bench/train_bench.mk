# hlsgen/bench: the training benchmark (make bench-train, part of make bench).
#
# In one session, on this machine: seconds per epoch and test accuracy of
# `hlsgen train` next to PyTorch's CPU training of the same network with
# the same fake quantization, pruning, epochs and data
# (hlsgen/bench/torch_train_ref.py, Debian's python3-torch installed here
# when missing), for the lab's recipe (6-bit, 75% constant sparsity from
# step 0) on real MNIST (30 epochs) and Fashion-MNIST (10 epochs), plus our
# best recipe (PolynomialDecay gradual pruning to the same 75%). Several
# seeds per data set (BENCH_TRAIN_SPECS, default "mnist:30:10 fashion:10:4";
# BENCH_TRAIN_SEEDS="1 2" overrides the counts); means, standard errors and
# verdicts at the end (train_bench_summary.py). About 25 minutes on 2 cores;
# every run takes the shared measurement lock (BENCH_LOCK).
# Results also go to $(BUILD)/bench/train.txt.

BENCH_TRAIN_SEEDS ?=
BENCH_TRAIN_PY	  := /usr/bin/python3

bench-train-deps:
	@$(BENCH_TRAIN_PY) -c 'import torch, numpy' 2>/dev/null || { \
		echo "bench: installing python3-torch (Debian) for the PyTorch reference"; \
		DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
			python3-torch python3-numpy >/dev/null; }

bench-train: bench-train-deps $(BIN)/hlsgen
	@mkdir -p $(BUILD)/bench
	@QNN_DATA=$(abspath $(DATA)) bash hlsgen/bench/train_bench.sh $(BIN)/hlsgen \
		$(abspath $(DATA)) $(BENCH_TRAIN_PY) "$(BENCH_TRAIN_SEEDS)" | tee $(BUILD)/bench/train.txt

BENCH_TARGETS += bench-train
.PHONY: bench-train bench-train-deps
