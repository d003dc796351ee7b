# qnnctl: the control tool (status, classify, bench) -> build/bin/qnnctl.
# Links libqnn statically (a tool, not an app: no soname dependency) and
# hlsgen's host I/O for the input files and data sets (the same readers
# `hlsgen run` uses). Included from the top-level Makefile; the guard keeps
# a second inclusion (e.g. a daemon/*/*.mk wildcard) harmless.
ifndef QNNCTL_MK_INCLUDED
QNNCTL_MK_INCLUDED := 1

QNNCTL_SRCS   := $(wildcard daemon/qnnctl/*.c)
QNNCTL_OBJS   := $(QNNCTL_SRCS:%.c=$(OBJ)/%.o)
QNNCTL_PKGS   := libnl-genl-3.0 libpng
# "qnn.h" is the client API; the driver ABI is <linux/qnn.h> (-Ikernel/uapi).
QNNCTL_CFLAGS := -Ilibclient/include $(CFLAGS_COMMON) -pthread -Idaemon/qnnctl \
	$(shell $(PKG_CONFIG) --cflags $(QNNCTL_PKGS) 2>/dev/null)
QNNCTL_LIBS   := $(shell $(PKG_CONFIG) --libs $(QNNCTL_PKGS) 2>/dev/null) -lm -pthread

$(OBJ)/daemon/qnnctl/%.o: QNN_EXTRA := $(QNNCTL_CFLAGS)

$(BIN)/qnnctl: $(QNNCTL_OBJS) $(LIB)/libqnn.a $(LIB)/libhlsgen.a $(LIB)/libqnncore.a
	@mkdir -p $(dir $@)
	$(CC) -o $@ $(QNNCTL_OBJS) $(LIB)/libqnn.a $(LIB)/libhlsgen.a $(LIB)/libqnncore.a \
		$(LDFLAGS) $(QNNCTL_LIBS)

ALL_TARGETS += $(BIN)/qnnctl

-include $(wildcard tests/system/qnnctl/*.mk)
endif
