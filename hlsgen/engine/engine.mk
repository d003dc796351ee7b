# hlsgen/engine: the bit-exact engine is also built into the kernel's
# simulated accelerator, so prove here that it (and the model parser it runs
# on) stays freestanding: no libc symbol, no floating point.
#
#   make check-engine-freestanding
#
# Every hlsgen/engine/*.c and hlsgen/format/*.c is compiled with the kernel's
# constraints (-ffreestanding -nostdlib -fno-builtin -mgeneral-regs-only:
# on gcc, any float or double arithmetic is then a hard error) and linked
# into one relocatable object; only memcpy/memset/memmove may stay
# undefined. The same is done for arm64 when a cross compiler is installed.
# Comment-stripped sources must not even name a float type.

ENGINE_FS_SRCS  := $(wildcard hlsgen/engine/*.c hlsgen/format/*.c)
ENGINE_FS_FLAGS := $(CSTD) $(WARN) -O2 -ffreestanding -nostdlib -fno-builtin \
		   -mgeneral-regs-only -Ihlsgen/include
ENGINE_FS_DIR   := $(BUILD)/freestanding
ENGINE_FS_ALLOWED := memcpy|memset|memmove
ENGINE_FS_CROSS ?= $(shell command -v aarch64-linux-gnu-gcc 2>/dev/null)

# $(1): compiler, $(2): linker, $(3): nm, $(4): output directory
define engine_fs_build
	rm -rf $(4) && mkdir -p $(4)
	for f in $(ENGINE_FS_SRCS); do \
		$(1) $(ENGINE_FS_FLAGS) -c $$f -o $(4)/$$(echo $$f | tr / _).o || exit 1; \
	done
	$(2) -r -o $(4).o $(4)/*.o
	@undef=$$($(3) -u $(4).o | awk '{print $$2}' | grep -v -x -E '$(ENGINE_FS_ALLOWED)' || true); \
	if [ -n "$$undef" ]; then echo "freestanding: undefined symbols: $$undef"; exit 1; fi
endef

check-engine-freestanding:
	$(call engine_fs_build,$(CC),ld,nm,$(ENGINE_FS_DIR)/x86_64)
	@if [ -n "$(ENGINE_FS_CROSS)" ]; then \
		set -e; $(MAKE) --no-print-directory engine-fs-arm64; \
	else echo "freestanding: no aarch64-linux-gnu-gcc, arm64 build skipped"; fi
	@bad=$$(for f in $(ENGINE_FS_SRCS) hlsgen/engine/*.h hlsgen/include/qnn_model.h \
		hlsgen/include/qnn_engine.h hlsgen/include/qnn_fixed.h; do \
		$(CC) -fpreprocessed -dD -E -P $$f 2>/dev/null | \
		grep -n -w -E 'float|double|_Float[0-9]+|__fp16' | sed "s|^|$$f:|"; done); \
	if [ -n "$$bad" ]; then echo "freestanding: floating-point types:"; echo "$$bad"; exit 1; fi
	@echo "freestanding: engine + format OK ($(words $(ENGINE_FS_SRCS)) files, x86_64$(if $(ENGINE_FS_CROSS), + arm64))"

engine-fs-arm64:
	$(call engine_fs_build,aarch64-linux-gnu-gcc,aarch64-linux-gnu-ld,aarch64-linux-gnu-nm,$(ENGINE_FS_DIR)/arm64)

CHECK_TARGETS += check-engine-freestanding
.PHONY: check-engine-freestanding engine-fs-arm64
