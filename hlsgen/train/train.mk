# hlsgen/train: quantization-aware training (hlsgen train, hlsgen sweep).
# The trainer's GEMMs run on Debian's OpenBLAS (scripts/deps/train.txt).
HLSGEN_LIBS_EXT += -lopenblas
