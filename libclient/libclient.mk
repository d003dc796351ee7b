# libclient: libqnn (shared, soname libqnn.so.1, and static), qnn.pc.
#   build/lib/libqnn.so.1.0.0 (+ libqnn.so.1, libqnn.so links), build/lib/libqnn.a
#   build/lib/pkgconfig/qnn.pc   (prefix from QNN_PREFIX, default /usr)
# Only the qnn_* calls of qnn.h are exported (-fvisibility=hidden); the
# protocol codec (proto.c) is also linked into qnnd, the tests and the fuzzer.

LIBQNN_VERSION := 1.0.0
LIBQNN_SONAME  := libqnn.so.1
LIBQNN_SRCS    := $(wildcard libclient/*.c)
LIBQNN_OBJS    := $(LIBQNN_SRCS:%.c=$(OBJ)/%.o)
LIBQNN_CFLAGS  := -Ilibclient/include $(CFLAGS_COMMON) -pthread -fvisibility=hidden -Ilibclient
QNN_PREFIX     ?= /usr
QNN_LIBDIR     ?= $(QNN_PREFIX)/lib/$(shell $(CC) -dumpmachine)

$(OBJ)/libclient/%.o: QNN_EXTRA := $(LIBQNN_CFLAGS)

$(LIB)/libqnn.so.$(LIBQNN_VERSION): $(LIBQNN_OBJS)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -shared -Wl,-soname,$(LIBQNN_SONAME) -Wl,--no-undefined -o $@ $^ -pthread -lm
	ln -sf libqnn.so.$(LIBQNN_VERSION) $(LIB)/$(LIBQNN_SONAME)
	ln -sf $(LIBQNN_SONAME) $(LIB)/libqnn.so

$(LIB)/libqnn.a: $(LIBQNN_OBJS)
	@mkdir -p $(dir $@)
	rm -f $@ && $(AR) rcs $@ $^

$(LIB)/pkgconfig/qnn.pc: libclient/qnn.pc.in libclient/libclient.mk
	@mkdir -p $(dir $@)
	sed -e 's|@PREFIX@|$(QNN_PREFIX)|' -e 's|@LIBDIR@|$(QNN_LIBDIR)|' \
	    -e 's|@INCLUDEDIR@|$(QNN_PREFIX)/include|' -e 's|@VERSION@|$(LIBQNN_VERSION)|' $< >$@

LIBQNN := $(LIB)/libqnn.so.$(LIBQNN_VERSION) $(LIB)/libqnn.a $(LIB)/pkgconfig/qnn.pc

# The MNIST client of `make demo` (scripts/demo-daemon.sh).
$(BIN)/qnn-classify-mnist: libclient/examples/classify_mnist.c $(LIB)/libqnn.a
	@mkdir -p $(dir $@)
	$(CC) -Ilibclient/include $(CFLAGS_COMMON) -pthread -o $@ $< $(LIB)/libqnn.a -pthread -lm

ALL_TARGETS += $(LIBQNN) $(BIN)/qnn-classify-mnist
