# hlsgen/tools: extra build inputs of the CLI and `make demo`.
#
# The ROC plot (hlsgen/report/roc_plot.c, `hlsgen eval --roc`) draws with
# cairo (scripts/deps/data.txt: libcairo2-dev). The flags are fixed rather
# than asked of pkg-config because this file is parsed before `make demo`
# has run the set-up that installs cairo.
HLSGEN_CFLAGS   += -I/usr/include/cairo
HLSGEN_LIBS_EXT += -lcairo

# `make demo`: set up, then scripts/demo.sh (now the daemon demo,
# scripts/demo-daemon.sh). `all` runs in a sub-make so that it sees what the
# set-up installed.
demo: $(SETUP_STAMP)
	@$(MAKE) --no-print-directory all
	@QNN_SHARED=$(SHARED) QNN_BIN=$(abspath $(BIN)) QNN_DATA=$(abspath $(DATA)) \
		QNN_BUILD=$(abspath $(BUILD)) bash scripts/demo.sh

# test_import_project runs the CLI ($QNN_BIN/hlsgen import-project) too.
$(BUILD)/tests/test_import_project $(BUILD)/asan/test_import_project: | $(BIN)/hlsgen
