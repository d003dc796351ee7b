/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * qnn_model.h - the .qnn model file format: one quantized feed-forward
 * network described exactly as the FPGA computes it.
 *
 * This header is the single contract for the format (spec:
 * hlsgen/docs/model-format.md). It is freestanding: it is included by the
 * kernel's simulated accelerator, the daemon, and the host tools alike, so
 * it uses only fixed-width integer types and no floating point.
 *
 * Layout of a file (all integers little-endian, all offsets from file start):
 *
 *   struct qnn_file_header                      (QNN_HEADER_SIZE bytes)
 *   struct qnn_layer_rec[n_layers]              (QNN_LAYER_REC_SIZE each)
 *   data section: int32 code arrays and uint32 IEEE-754 float arrays,
 *                 each starting on an 8-byte boundary
 *
 * crc32 (IEEE 802.3, reflected, init/xorout 0xffffffff) covers the whole file
 * with the 4 bytes of the crc field itself read as zero.
 */
#ifndef QNN_MODEL_H
#define QNN_MODEL_H

#ifdef __KERNEL__
#include <linux/types.h>
#else
#include <stddef.h>
#include <stdint.h>
#endif

#define QNN_MODEL_MAGIC 0x4d4e4e51u /* "QNNM" read as a little-endian u32 */
#define QNN_MODEL_VERSION_MAJOR 1   /* incompatible changes bump this */
#define QNN_MODEL_VERSION_MINOR 2   /* compatible additions bump this */

#define QNN_HEADER_SIZE 256u
#define QNN_LAYER_REC_SIZE 256u
#define QNN_NAME_LEN 48u

/* Hard limits: the parser refuses anything beyond them (no unbounded memory). */
#define QNN_MAX_LAYERS 64u
#define QNN_MAX_DIM 4096u                  /* any single h, w or c */
#define QNN_MAX_TENSOR (1u << 22)          /* elements in one layer output */
#define QNN_MAX_PARAMS (1u << 24)          /* weight codes in one layer */
#define QNN_MAX_TABLE 65536u               /* softmax table entries */
#define QNN_MAX_FILE_SIZE (256u << 20)     /* 256 MiB */
#define QNN_MAX_CODE_WIDTH 32u             /* weights, biases, results, tables */
#define QNN_MAX_ACCUM_WIDTH 64u            /* accumulators may be wider */
#define QNN_MAX_PRODUCT_WIDTH 63u          /* product_t: its negation fits int64 */

/* ---- fixed-point types (docs/semantics.md section 1) ---- */

enum qnn_round {
	QNN_RND_TRN = 0,        /* AP_TRN: floor (the default) */
	QNN_RND_RND = 1,        /* AP_RND: ties toward +inf */
	QNN_RND_CONV = 2,       /* AP_RND_CONV: ties to even */
	QNN_RND_ZERO = 3,       /* AP_RND_ZERO: ties toward zero */
	QNN_RND_INF = 4,        /* AP_RND_INF: ties away from zero */
	QNN_RND_MIN_INF = 5,    /* AP_RND_MIN_INF: ties toward -inf */
	QNN_RND_TRN_ZERO = 6,   /* AP_TRN_ZERO: truncate toward zero */
	QNN_RND_COUNT
};

enum qnn_overflow {
	QNN_OVF_WRAP = 0,       /* AP_WRAP: keep low W bits (the default) */
	QNN_OVF_SAT = 1,        /* AP_SAT: clamp to [min, max] */
	QNN_OVF_SAT_SYM = 2,    /* AP_SAT_SYM: clamp to [-max, max] */
	QNN_OVF_SAT_ZERO = 3,   /* AP_SAT_ZERO: 0 on overflow */
	QNN_OVF_COUNT
};

/*
 * ap_fixed<width, int_bits, rounding, overflow> (is_signed = 1) or
 * ap_ufixed<...> (is_signed = 0). A value is code * 2^-(width - int_bits).
 * int_bits counts the sign bit and may be negative or exceed width.
 * width == 0 means "no type" (field unused by this layer kind).
 */
struct qnn_fixed_type {
	uint8_t width;
	uint8_t is_signed;
	uint8_t rounding;   /* enum qnn_round */
	uint8_t overflow;   /* enum qnn_overflow */
	int16_t int_bits;
	uint16_t reserved;  /* must be 0 */
};

/* ---- QKeras quantizer descriptors (for the float reference paths) ---- */

enum qnn_qkeras_kind {
	QNN_QK_NONE = 0,            /* no quantizer: float value used as is */
	QNN_QK_QUANTIZED_BITS = 1,  /* quantized_bits(bits, integer, symmetric, keep_negative) */
	QNN_QK_QUANTIZED_RELU = 2,  /* quantized_relu(bits, integer) */
	QNN_QK_QUANTIZED_PO2 = 3,   /* quantized_po2(bits, max_value = 2^integer) */
	QNN_QK_COUNT
};

struct qnn_qkeras_quantizer {
	uint8_t kind;           /* enum qnn_qkeras_kind */
	uint8_t bits;
	int8_t integer;         /* for po2: log2(max_value), or -128 when none */
	uint8_t symmetric;
	uint8_t keep_negative;
	uint8_t reserved[3];    /* must be 0 */
};

/* ---- layers ---- */

enum qnn_layer_kind {
	QNN_LAYER_CONV2D = 1,   /* weights [kh][kw][cin][cout], bias [cout] */
	QNN_LAYER_DENSE = 2,    /* weights [n_in][n_out], bias [n_out] */
	QNN_LAYER_RELU = 3,     /* out = in > 0 ? in : 0, cast to result_t */
	QNN_LAYER_LINEAR = 4,   /* out = in, cast to result_t */
	QNN_LAYER_MAXPOOL2D = 5,
	QNN_LAYER_FLATTEN = 6,  /* (h, w, c) order: a pure reshape */
	QNN_LAYER_DROPOUT = 7,  /* identity at inference */
	QNN_LAYER_SOFTMAX = 8,
	QNN_LAYER_KIND_MAX
};

enum qnn_padding {
	QNN_PAD_VALID = 0,
	QNN_PAD_SAME = 1,
};

enum qnn_softmax_impl {
	QNN_SOFTMAX_STABLE = 0,  /* subtract max, exp table, inverse table */
	QNN_SOFTMAX_LATENCY = 1, /* exp table indexed by raw input bits */
	QNN_SOFTMAX_ARGMAX = 2,  /* one-hot of the argmax, no tables */
	QNN_SOFTMAX_IMPL_COUNT
};

/*
 * How a softmax layer derives its table indices; the rules changed between
 * hls4ml versions, so the file states which one the tables were built for.
 */
enum qnn_softmax_rule {
	QNN_SMX_RULE_HLS4ML_08 = 0,  /* hls4ml 0.8 .. 1.1 templates */
	QNN_SMX_RULE_HLS4ML_12 = 1,  /* hls4ml 1.2 and later */
	QNN_SMX_RULE_COUNT
};

/* A reference to an array in the data section. count == 0: absent. */
struct qnn_blob_ref {
	uint32_t offset;   /* from file start, multiple of 8 */
	uint32_t count;    /* elements (each 4 bytes) */
};

struct qnn_layer_rec {
	char name[QNN_NAME_LEN];        /* NUL-terminated, as hls4ml names it */
	uint16_t kind;                  /* enum qnn_layer_kind */
	uint16_t flags;                 /* QNN_LF_*; unknown bits rejected */
	uint32_t in_h, in_w, in_c;      /* dense/flat tensors: h = w = 1 */
	uint32_t out_h, out_w, out_c;
	uint16_t kernel_h, kernel_w;    /* conv kernel or pool window */
	uint16_t stride_h, stride_w;
	uint16_t pad_top, pad_bottom, pad_left, pad_right;
	uint8_t padding;                /* enum qnn_padding (informative) */
	uint8_t softmax_impl;           /* enum qnn_softmax_impl */
	uint8_t softmax_rule;           /* enum qnn_softmax_rule */
	uint8_t reserved0;
	uint32_t reuse_factor;          /* hls4ml ReuseFactor (resource estimates) */
	struct qnn_fixed_type weight_t; /* conv/dense */
	struct qnn_fixed_type bias_t;   /* conv/dense */
	/*
	 * conv/dense: the accumulator. Softmax with rule QNN_SMX_RULE_HLS4ML_12
	 * (optional, minor 2): the type of the exp terms and their sum, width
	 * 0 = exp_table_t widened by ceil(log2 n); zero for every other layer.
	 */
	struct qnn_fixed_type accum_t;
	struct qnn_fixed_type result_t; /* every layer that produces new codes */
	struct qnn_fixed_type exp_table_t;  /* softmax */
	struct qnn_fixed_type inv_table_t;  /* softmax */
	uint32_t table_size;            /* softmax exp/inv table entries */
	struct qnn_blob_ref weights;    /* int32 codes in weight_t */
	struct qnn_blob_ref bias;       /* int32 codes in bias_t */
	struct qnn_blob_ref exp_table;  /* int32 codes in exp_table_t */
	struct qnn_blob_ref inv_table;  /* int32 codes in inv_table_t */
	struct qnn_blob_ref float_weights; /* optional uint32 IEEE-754 floats */
	struct qnn_blob_ref float_bias;    /* optional, for the float reference */
	struct qnn_qkeras_quantizer weight_q;   /* as trained (float paths) */
	struct qnn_qkeras_quantizer bias_q;
	struct qnn_qkeras_quantizer result_q;   /* activation quantizer */
	/*
	 * Softmax, rule QNN_SMX_RULE_HLS4ML_12 only (hls4ml 1.2+ config types;
	 * width 0 = hls4ml's default, zero for every other layer):
	 * inp_norm_t: type of x_max - x in 'stable' (default ap_ufixed<W,I> of
	 * the input type); inv_inp_t: type of the exp sum that indexes the
	 * inverse table (default exp_table_t). Minor-version addition.
	 */
	struct qnn_fixed_type inp_norm_t;
	struct qnn_fixed_type inv_inp_t;
	/*
	 * Conv/dense, minor 1: width 0 = exact products (hls4ml's 'mult').
	 * Otherwise hls4ml's power-of-two product (nnet_mult.h
	 * weight_exponential): t = (product_t)(x * |w|), negated in product_t
	 * when w < 0, then cast to accum_t. Width 1..63.
	 */
	struct qnn_fixed_type product_t;
	uint8_t reserved[8];            /* pads the record to 256; must be 0 */
};

/* layer flags */
#define QNN_LF_HAS_BIAS 0x0001u
#define QNN_LF_KNOWN_FLAGS (QNN_LF_HAS_BIAS)

struct qnn_file_header {
	uint32_t magic;                 /* QNN_MODEL_MAGIC */
	uint16_t version_major;
	uint16_t version_minor;
	uint32_t header_size;           /* QNN_HEADER_SIZE */
	uint32_t layer_rec_size;        /* QNN_LAYER_REC_SIZE */
	uint32_t file_size;             /* total bytes, header included */
	uint32_t crc32;                 /* see top of file */
	uint32_t n_layers;
	uint32_t flags;                 /* none defined yet: must be 0 */
	char name[QNN_NAME_LEN];        /* model name */
	uint32_t in_h, in_w, in_c;      /* one sample's input shape */
	uint32_t n_out;                 /* outputs per sample */
	struct qnn_fixed_type input_t;  /* AXI input: float -> input_t */
	uint16_t hls4ml_major;          /* precision rules the types came from */
	uint16_t hls4ml_minor;
	uint32_t reserved[37];          /* pads the header to 256; must be 0 */
};

#if defined(__STDC_VERSION__) && __STDC_VERSION__ >= 201112L
_Static_assert(sizeof(struct qnn_fixed_type) == 8, "fixed type is 8 bytes");
_Static_assert(sizeof(struct qnn_layer_rec) == QNN_LAYER_REC_SIZE,
	       "layer record size");
_Static_assert(sizeof(struct qnn_file_header) == QNN_HEADER_SIZE,
	       "header size");
#endif

/* ---- the parsed, validated view of a file (no copies of the data) ---- */

struct qnn_layer {
	const struct qnn_layer_rec *rec;
	const int32_t *weights;         /* NULL when absent */
	const int32_t *bias;
	const int32_t *exp_table;
	const int32_t *inv_table;
	const uint32_t *float_weights;  /* IEEE-754 bits; NULL when absent */
	const uint32_t *float_bias;
};

struct qnn_model {
	const struct qnn_file_header *hdr;  /* points into the caller's buffer */
	uint32_t n_layers;
	uint32_t n_in;                      /* in_h * in_w * in_c */
	uint32_t n_out;
	uint32_t max_tensor;                /* largest layer output, elements */
	struct qnn_layer layers[QNN_MAX_LAYERS];
};

/*
 * Validate buf[0..len) and fill *m with pointers into buf. buf must be
 * 8-byte aligned and must outlive *m. Returns 0, or a negative errno-style
 * code (-22 EINVAL, -74 EBADMSG for checksum, -95 EOPNOTSUPP for versions,
 * -75 EOVERFLOW for sizes) with a message naming the problem in err.
 * Never allocates.
 */
int qnn_model_parse(const void *buf, size_t len, struct qnn_model *m,
		    char *err, size_t errlen);

/* CRC-32 as used by the format; crc = 0 to start. */
uint32_t qnn_crc32(uint32_t crc, const void *data, size_t len);

#endif /* QNN_MODEL_H */
