# System tests of hlsgen on the real model and data (need the set-up's data
# sets and ../shared/models).
#   check-mnist-accuracy  imported CNN: bit-exact accuracy >= 0.92 on the real
#                         MNIST test digits, >= 99% agreement with QKeras float
#   check-hlsgen-run      `hlsgen run` input layouts, outputs, trace, bad inputs

check-mnist-accuracy: $(BIN)/hlsgen
	@$(TEST_ENV) bash tests/system/mnist_accuracy.sh

check-hlsgen-run: $(BIN)/hlsgen
	@$(TEST_ENV) bash tests/system/hlsgen_run_io.sh

CHECK_TARGETS += check-mnist-accuracy check-hlsgen-run
.PHONY: check-mnist-accuracy check-hlsgen-run
