# System tests of hlsgen on the real model and data (need the set-up's data
# sets and ../shared/models).
#   check-mnist-accuracy  imported CNN: bit-exact accuracy >= 0.92 on the real
#                         MNIST test digits, >= 99% agreement with QKeras float
#   check-hlsgen-run      `hlsgen run` input layouts, outputs, trace, bad inputs
#   check-tsan-hlsgen     hlsgen built with ThreadSanitizer: run, eval and train,
#                         everything that runs on hlsgen's thread pool
#                         (hlsgen/host/threads/thread_pool.c), on 3 threads: no race
#                         reported, and the same results as the normal build

check-mnist-accuracy: $(BIN)/hlsgen
	@$(TEST_ENV) bash tests/system/mnist_accuracy.sh

check-hlsgen-run: $(BIN)/hlsgen
	@$(TEST_ENV) bash tests/system/hlsgen_run_io.sh

# The TSan build: clang, as for qnnd (gcc 12's TSan runtime does not start on
# this kernel's memory layout). Criterion's runner does not start under TSan
# (its inheritable arena), hence a build of the tool rather than of the units.
TSAN_OBJ	   := $(BUILD)/tsan/obj
TSAN_HLSGEN_CFLAGS = $(filter-out -Werror,$(HLSGEN_CFLAGS)) -fsanitize=thread -O1 -g
TSAN_HLSGEN_SRCS   := $(QNNCORE_SRCS) $(HLSGEN_SRCS) $(HLSGEN_TOOL_SRCS)

$(TSAN_OBJ)/%.o: %.c
	@mkdir -p $(dir $@)
	clang $(TSAN_HLSGEN_CFLAGS) -MMD -MP -c $< -o $@

-include $(shell find $(TSAN_OBJ) -name '*.d' 2>/dev/null)

$(TSAN_OBJ)/hlsgen/tools/main.o: $(OBJ)/hlsgen/tools/cmds.gen.h
$(TSAN_OBJ)/hlsgen/tools/main.o: TSAN_HLSGEN_CFLAGS += -I$(OBJ)/hlsgen/tools

$(BUILD)/tsan/bin/hlsgen: $(TSAN_HLSGEN_SRCS:%.c=$(TSAN_OBJ)/%.o)
	@mkdir -p $(dir $@)
	clang $(TSAN_HLSGEN_CFLAGS) -o $@ $^ $(HLSGEN_LDFLAGS) $(HLSGEN_LIBS_EXT)

check-tsan-hlsgen: $(BIN)/hlsgen $(BUILD)/tsan/bin/hlsgen
	@$(TEST_ENV) QNN_TSAN_HLSGEN=$(abspath $(BUILD)/tsan/bin/hlsgen) \
		bash tests/system/hlsgen_tsan.sh

CHECK_TARGETS += check-mnist-accuracy check-hlsgen-run check-tsan-hlsgen
.PHONY: check-mnist-accuracy check-hlsgen-run check-tsan-hlsgen
