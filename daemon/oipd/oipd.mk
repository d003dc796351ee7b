# qnn-oipd: the Open Inference Protocol v2 REST front of qnnd and its
# Prometheus /metrics (daemon/oipd/README.md). Included by daemon/daemon.mk's
# daemon/*/*.mk wildcard. A libqnn client (linked statically, like qnnctl):
# libmicrohttpd for HTTP, json-c for JSON, libsystemd for socket activation.
ifndef OIPD_MK_INCLUDED
OIPD_MK_INCLUDED := 1

OIPD_SRCS   := $(wildcard daemon/oipd/*.c)
OIPD_OBJS   := $(OIPD_SRCS:%.c=$(OBJ)/%.o)
OIPD_PKGS   := libmicrohttpd json-c libsystemd
OIPD_CFLAGS := -D_GNU_SOURCE -Ilibclient/include -Idaemon/oipd $(CFLAGS_COMMON) -pthread \
	$(shell $(PKG_CONFIG) --cflags $(OIPD_PKGS) 2>/dev/null)
OIPD_LIBS   := $(shell $(PKG_CONFIG) --libs $(OIPD_PKGS) 2>/dev/null) -lm -pthread

$(OBJ)/daemon/oipd/%.o: QNN_EXTRA := $(OIPD_CFLAGS)

$(BIN)/qnn-oipd: $(OIPD_OBJS) $(LIB)/libqnn.a
	@mkdir -p $(dir $@)
	$(CC) -o $@ $(OIPD_OBJS) $(LIB)/libqnn.a $(LDFLAGS) $(OIPD_LIBS)

ALL_TARGETS += $(BIN)/qnn-oipd

-include $(wildcard tests/system/oipd/*.mk)
endif
