# daemon: qnnd (the batching inference daemon). qnnctl adds its own rules
# in daemon/qnnctl/qnnctl.mk (included below when present).
#
# Every daemon/qnnd/*.c and daemon/qnnd/backend/*.c is linked in, so
# backend/backend_dev.c joins by existing.
# "qnn.h" is the client API (libclient/include); the kernel ABI is
# <linux/qnn.h> (kernel/uapi/linux/qnn.h, -Ikernel/uapi), so neither can
# shadow the other whatever the include order.

QNND_SRCS    := $(wildcard daemon/qnnd/*.c daemon/qnnd/backend/*.c)
QNND_OBJS    := $(QNND_SRCS:%.c=$(OBJ)/%.o)
QNND_CFLAGS  := -D_GNU_SOURCE -Ilibclient/include -Idaemon/qnnd -Ikernel/uapi $(CFLAGS_COMMON) -pthread
QNND_LIBS    := -lsystemd -lyaml -luring -lm -pthread
# The protocol codec and status names are shared with libqnn.
QNND_PROTO_OBJS := $(OBJ)/libclient/proto.o $(OBJ)/libclient/strerror.o

$(OBJ)/daemon/qnnd/%.o: QNN_EXTRA := $(QNND_CFLAGS)

$(BIN)/qnnd: $(QNND_OBJS) $(QNND_PROTO_OBJS) $(LIB)/libqnncore.a
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $(QNND_OBJS) $(QNND_PROTO_OBJS) $(LIB)/libqnncore.a $(QNND_LIBS)

ALL_TARGETS += $(BIN)/qnnd

-include $(wildcard daemon/*/*.mk)

# qnnd rebuilt with ASan+UBSan, for check-system-daemon-asan.
$(BUILD)/asan/bin/qnnd: $(QNND_SRCS) libclient/proto.c libclient/strerror.c $(QNNCORE_SRCS)
	@mkdir -p $(dir $@)
	$(CC) $(QNND_CFLAGS) $(SAN_FLAGS) -O1 -o $@ $^ $(QNND_LIBS)

# ... and with ThreadSanitizer (clang: gcc 12's TSan runtime does not start on
# this kernel's memory layout), for check-system-daemon-tsan: the sw workers
# do turns of the event loop under its lock (assist.c).
$(BUILD)/tsan/bin/qnnd: $(QNND_SRCS) libclient/proto.c libclient/strerror.c $(QNNCORE_SRCS)
	@mkdir -p $(dir $@)
	clang $(filter-out -Werror,$(QNND_CFLAGS)) -fsanitize=thread -O1 -g -o $@ $^ $(QNND_LIBS)
