# tests: unit (Criterion), sanitizer builds, fuzz smoke, kernel in QEMU,
# system. Component-specific suites add themselves from their own .mk
# (tests/*/*.mk); this file holds the hlsgen unit suites.

CRITERION_LIBS := -lcriterion
UNIT_HLSGEN_SRCS := $(wildcard tests/unit/hlsgen/test_*.c)
UNIT_HLSGEN_BINS := $(UNIT_HLSGEN_SRCS:tests/unit/hlsgen/%.c=$(BUILD)/tests/%)
ASAN_HLSGEN_BINS := $(UNIT_HLSGEN_SRCS:tests/unit/hlsgen/%.c=$(BUILD)/asan/%)
# The ASan/UBSan build recompiles every hlsgen source with the sanitizers
# (not the freestanding flags: the sanitizer runtime needs libc).
ASAN_HLSGEN_SRCS := $(QNNCORE_SRCS) $(HLSGEN_SRCS)

$(BUILD)/tests/%: tests/unit/hlsgen/%.c $(LIB)/libhlsgen.a $(LIB)/libqnncore.a
	@mkdir -p $(dir $@)
	$(CC) $(HLSGEN_CFLAGS) -Itests/unit -o $@ $< $(LIB)/libhlsgen.a $(LIB)/libqnncore.a \
		$(HLSGEN_LDFLAGS) $(HLSGEN_LIBS_EXT) $(CRITERION_LIBS)

# Each source is compiled once with the sanitizers into its own library,
# then every test links against it (recompiling per test was minutes).
ASAN_OBJ := $(BUILD)/asan/obj
$(ASAN_OBJ)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(HLSGEN_CFLAGS) $(SAN_FLAGS) -O1 -Wno-format-truncation -MMD -MP -c $< -o $@

# Their header dependencies (-MMD), so a changed header rebuilds them too.
-include $(shell find $(ASAN_OBJ) -name '*.d' 2>/dev/null)

$(BUILD)/asan/libhlsgen-asan.a: $(ASAN_HLSGEN_SRCS:%.c=$(ASAN_OBJ)/%.o)
	rm -f $@ && ar rcs $@ $^

$(BUILD)/asan/%: tests/unit/hlsgen/%.c $(BUILD)/asan/libhlsgen-asan.a
	@mkdir -p $(dir $@)
	$(CC) $(HLSGEN_CFLAGS) $(SAN_FLAGS) -O1 -Itests/unit -o $@ $< $(BUILD)/asan/libhlsgen-asan.a \
		$(HLSGEN_LDFLAGS) $(HLSGEN_LIBS_EXT) $(CRITERION_LIBS)

# Tests find the repository's data through these variables.
TEST_ENV := QNN_SHARED=$(SHARED) QNN_DATA=$(abspath $(DATA)) QNN_BIN=$(abspath $(BIN)) QNN_BUILD=$(abspath $(BUILD))

check-unit-hlsgen: $(UNIT_HLSGEN_BINS)
	@set -e; for t in $^; do echo "--- $$t"; $(TEST_ENV) $$t --jobs 2; done

check-asan-hlsgen: $(ASAN_HLSGEN_BINS)
	@set -e; for t in $^; do echo "--- $$t (ASan+UBSan)"; \
		ASAN_OPTIONS=detect_leaks=1 $(TEST_ENV) $$t --jobs 2; done

CHECK_TARGETS += check-unit-hlsgen check-asan-hlsgen
.PHONY: check-unit-hlsgen check-asan-hlsgen

-include $(wildcard tests/*/*.mk)
