# hlsgen: the model compiler and everything that knows the arithmetic.
#
#   libqnncore.a  freestanding: hlsgen/engine/*.c + hlsgen/format/*.c
#                 (also compiled into the kernel's simulated accelerator)
#   libhlsgen.a   host-only: host/*/ (by concern, hlsgen/host/README.md),
#                 import/, ref/,
#                 train/*/ (by concern, hlsgen/train/README.md), report/
#   hlsgen        the CLI: hlsgen/tools/main.c dispatches to one
#                 hlsgen/tools/cmd_<name>.c per subcommand; the command
#                 table is generated from the files present.

HLSGEN_LIBS_EXT := -lhdf5_serial -ljson-c -lyaml -lpng -lz -lm -lpthread
HLSGEN_CFLAGS   := $(CFLAGS_COMMON) -I/usr/include/hdf5/serial -pthread
HLSGEN_LDFLAGS  := -L/usr/lib/x86_64-linux-gnu/hdf5/serial -L/usr/lib/$(shell $(CC) -dumpmachine)/hdf5/serial

QNNCORE_SRCS := $(wildcard hlsgen/engine/*.c hlsgen/format/*.c)
HLSGEN_SRCS  := $(wildcard hlsgen/host/*/*.c hlsgen/import/*.c hlsgen/deploy/*.c hlsgen/ref/*.c hlsgen/train/*/*.c hlsgen/report/*.c)
HLSGEN_TOOL_SRCS := $(wildcard hlsgen/tools/*.c)
HLSGEN_CMDS  := $(patsubst hlsgen/tools/cmd_%.c,%,$(wildcard hlsgen/tools/cmd_*.c))

# The engine is built freestanding even in userspace so that anything that
# would not link in the kernel (libc) fails here first. Userspace may use
# SIMD (-O3, target clones); the kernel build (-mgeneral-regs-only, no FPU)
# is checked separately by the engine's own check target.
QNNCORE_CFLAGS := $(CFLAGS_COMMON) -O3 -ffreestanding

$(OBJ)/hlsgen/engine/%.o $(OBJ)/hlsgen/format/%.o: QNN_EXTRA := $(QNNCORE_CFLAGS)

$(OBJ)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(if $(QNN_EXTRA),$(QNN_EXTRA),$(HLSGEN_CFLAGS)) -MMD -MP -c $< -o $@

$(LIB)/libqnncore.a: $(QNNCORE_SRCS:%.c=$(OBJ)/%.o)
	@mkdir -p $(dir $@)
	rm -f $@ && $(AR) rcs $@ $^

$(LIB)/libhlsgen.a: $(HLSGEN_SRCS:%.c=$(OBJ)/%.o)
	@mkdir -p $(dir $@)
	rm -f $@ && $(AR) rcs $@ $^

$(OBJ)/hlsgen/tools/cmds.gen.h: $(wildcard hlsgen/tools/cmd_*.c)
	@mkdir -p $(dir $@)
	@{ for c in $(HLSGEN_CMDS); do echo "HLSGEN_CMD($$c)"; done; } > $@.tmp && \
		(cmp -s $@.tmp $@ || mv $@.tmp $@); rm -f $@.tmp

$(OBJ)/hlsgen/tools/main.o: $(OBJ)/hlsgen/tools/cmds.gen.h
$(OBJ)/hlsgen/tools/main.o: HLSGEN_CFLAGS += -I$(OBJ)/hlsgen/tools

$(BIN)/hlsgen: $(HLSGEN_TOOL_SRCS:%.c=$(OBJ)/%.o) $(LIB)/libhlsgen.a $(LIB)/libqnncore.a
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $(HLSGEN_TOOL_SRCS:%.c=$(OBJ)/%.o) $(LIB)/libhlsgen.a $(LIB)/libqnncore.a \
		$(HLSGEN_LDFLAGS) $(HLSGEN_LIBS_EXT) -pthread

ALL_TARGETS += $(LIB)/libqnncore.a $(LIB)/libhlsgen.a $(BIN)/hlsgen

-include $(shell find $(OBJ) -name '*.d' 2>/dev/null)
-include $(wildcard hlsgen/*/*.mk)
