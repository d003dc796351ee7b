# qnn top-level Makefile.
#   make          build host tools into build/bin/ and libraries into build/lib/
#   make demo     the main job on the embedded default (bit-exact sw backend)
#   make check    every test (unit, sanitizers, fuzz smoke, kernel in QEMU, system)
#   make bench    long measurements (not tests)
# Each component adds its own rules in <component>/<component>.mk; the
# variables below collect what `all`, `check` and `bench` run.

.DEFAULT_GOAL := all
SHELL := /bin/bash

BUILD   ?= build
BIN     := $(BUILD)/bin
LIB     := $(BUILD)/lib
OBJ     := $(BUILD)/obj
DATA    := $(BUILD)/data
SHARED  ?= $(abspath ../shared)

CC      ?= cc
# Cross builds (packaging/build-debs-arm64.sh) name the target's tools.
PKG_CONFIG ?= pkg-config
CSTD    := -std=gnu11
WARN    := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wno-unused-parameter
OPT     ?= -O2 -g
# The release (the Debian changelog's first entry) for every tool's --version.
QNN_VERSION := $(shell sed -n '1s/^[^(]*(\([^)]*\)).*/\1/p' packaging/debian/changelog)
CFLAGS_COMMON := $(CSTD) $(WARN) $(OPT) -fPIC -Ihlsgen/include -Ikernel/uapi -Ilibclient/include \
		 -DQNN_VERSION='"$(QNN_VERSION)"'
SAN_FLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer

ALL_TARGETS   :=
CHECK_TARGETS :=
BENCH_TARGETS :=

# Set-up (packages + data sets) runs once; the stamp makes it idempotent.
SETUP_STAMP := $(BUILD)/.setup-done
setup: $(SETUP_STAMP)
$(SETUP_STAMP): scripts/setup.sh $(wildcard scripts/deps/*.txt) scripts/prepare-data.sh
	bash scripts/setup.sh
	@mkdir -p $(BUILD) && touch $@

-include hlsgen/hlsgen.mk
-include libclient/libclient.mk
-include daemon/daemon.mk
-include kernel/kernel.mk
-include dts/dts.mk
-include trace/trace.mk
-include tests/tests.mk
-include packaging/packaging.mk

all: $(ALL_TARGETS)

check: $(SETUP_STAMP)
	@$(MAKE) --no-print-directory all
	@bash tests/run-checks.sh $(CHECK_TARGETS)

bench: $(SETUP_STAMP) all $(BENCH_TARGETS)

format:
	clang-format -i $$(git ls-files '*.c' '*.h' | grep -v '^kernel/')

clean:
	rm -rf $(BUILD)/bin $(BUILD)/lib $(BUILD)/obj $(BUILD)/asan $(BUILD)/kernel

.PHONY: all check bench setup format clean demo
