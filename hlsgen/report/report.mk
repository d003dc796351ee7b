# hlsgen/report: synthesis-report parsing reads the HLS XML reports with
# libxml2 (scripts/deps/train.txt). Fixed flags, as tools.mk does for
# cairo: this file is parsed before the set-up has installed anything.
HLSGEN_CFLAGS   += -I/usr/include/libxml2
HLSGEN_LIBS_EXT += -lxml2
