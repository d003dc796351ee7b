# hlsgen/train: quantization-aware training (hlsgen train, hlsgen sweep).
# The trainer's GEMMs run on Debian's OpenBLAS (scripts/deps/train.txt).
HLSGEN_LIBS_EXT += -lopenblas
# The trainer's element-wise loops (quantizers, activations, pooling, im2col)
# are most of an epoch: let the compiler vectorize them (every sub-folder).
$(OBJ)/hlsgen/train/%.o: QNN_EXTRA = $(HLSGEN_CFLAGS) -O3
