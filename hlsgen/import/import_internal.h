/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * import_internal.h - the pieces of the Keras/QKeras/hls4ml importer:
 * fixed-point type strings and value conversion (fixed_type.c), QKeras
 * quantizers (qkeras_quant.c), the Keras layers (keras_layers.c), the HDF5
 * weights (h5_weights.c), the hls4ml YAML config (hls4ml_config.c) and the
 * precision rules of each hls4ml version (precision.c). import.c ties them.
 */
#ifndef HLSGEN_IMPORT_INTERNAL_H
#define HLSGEN_IMPORT_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "hlsgen_error.h" /* hg_fail() */
#include "hlsgen_qkeras.h"
#include "qnn_model.h"

/* ---- fixed-point types (fixed_type.c) ---- */

/* A type as the config spells it; is_auto: hls4ml >= 1.0 'auto'. */
struct imp_type {
	struct qnn_fixed_type t;
	bool is_auto;
};

/*
 * Parse ap_fixed<W,I[,Q[,O[,N]]]>, ap_ufixed<...>, fixed<...>, ufixed<...>,
 * ap_int<W>, ap_uint<W>, int<W>, uint<W>, or auto.
 */
int imp_type_parse(const char *s, struct imp_type *out, char *err, size_t errlen);
/* "ap_fixed<16,6>" / "ap_ufixed<6,0,AP_RND_CONV,AP_SAT>" */
const char *imp_type_str(const struct qnn_fixed_type *t, char *buf, size_t len);
struct qnn_fixed_type imp_fixed(int width, int int_bits, bool is_signed, int rnd, int ovf);
bool imp_type_eq(const struct qnn_fixed_type *a, const struct qnn_fixed_type *b);
/* Whether a holds every value of x exactly (sign, integer and fraction bits). */
bool imp_type_holds(const struct qnn_fixed_type *a, const struct qnn_fixed_type *x);

/*
 * x converted to type t exactly as ap_fixed's constructor from double does
 * (round the exact value per t's Q mode, then t's O mode). *exact tells
 * whether the code represents x exactly. Returns 0 or -ERANGE for NaN.
 */
int imp_to_code(double x, const struct qnn_fixed_type *t, int32_t *code, bool *exact);

/*
 * What an hls4ml-generated weight header gives: hls4ml prints the value
 * with max(0, F) decimals, the C++ compiler reads the literal back as a
 * double and ap_fixed converts it (imp_to_code). Reproduced step by step.
 */
int imp_literal_code(double x, const struct qnn_fixed_type *t, int32_t *code, bool *exact);

/*
 * 1 and a sentence in msg (what the outputs sum to and what to change) when
 * a softmax layer's tables cannot give outputs summing to about 1 (outside
 * 0.5..1.5 on probe inputs, computed by the engine's softmax); 0 otherwise
 * and for argmax (softmax_check.c).
 */
int imp_softmax_sum_check(const struct qnn_layer_rec *rec, const struct qnn_fixed_type *in_t,
			  const int32_t *exp_table, const int32_t *inv_table, char *msg,
			  size_t len);

/* ---- QKeras quantizers (qkeras_quant.c; descriptor and parser: hlsgen_qkeras.h) ---- */

/*
 * What hls4ml's types can hold of a parsed quantizer, on top of QKeras' own
 * rules (the model JSON's are parsed by the shared reader,
 * hlsgen_keras_json.h). what/layer name the place for errors ("layer
 * 'q_dense' kernel_quantizer: integer 40 out of range").
 */
int imp_quant_check(const struct hg_quantizer *q, const char *layer, const char *what, char *err,
		    size_t errlen);
/* A quantizer string "quantized_bits(6,0,alpha=1)" parsed by the shared
 * parser (lenient about arguments it does not know), then checked as above. */
int imp_quant_from_string(const char *s, const char *layer, const char *what,
			  struct hg_quantizer *q, char *err, size_t errlen);
/* quantized_po2's exponent range, the largest clipped to log2(max_value). */
void imp_po2_exponents(const struct hg_quantizer *q, int *min_exp, int *max_exp);
/* The quantized value QKeras' forward pass computes (deterministic), in double. */
double imp_quant_apply(const struct hg_quantizer *q, double x);
/* The format's record of it (struct qnn_qkeras_quantizer, for the float paths). */
struct qnn_qkeras_quantizer imp_quant_desc(const struct hg_quantizer *q);
/*
 * hls4ml's type for weights/biases under this quantizer (hls_type); for
 * quantized_po2 a fixed type holding every power of two exactly.
 * Returns 0, or an error when no <= 32-bit type exists.
 */
int imp_quant_weight_type(const struct hg_quantizer *q, const char *layer, const char *what,
			  struct qnn_fixed_type *t, char *err, size_t errlen);
/* hls4ml's result type for a QActivation with this quantizer (>= 0.7). */
struct qnn_fixed_type imp_quant_result_type(const struct hg_quantizer *q);

/* ---- the Keras model (keras_layers.c, read by hlsgen_keras_json.h) ---- */

enum imp_kind {
	IMP_INPUT,
	IMP_CONV2D,
	IMP_DENSE,
	IMP_ACT_RELU,
	IMP_ACT_LINEAR,
	IMP_ACT_SOFTMAX,
	IMP_QACT, /* QActivation: quantizer in result_q */
	IMP_MAXPOOL,
	IMP_FLATTEN,
	IMP_DROPOUT,
};

/* One layer as hls4ml sees it (inner activations already split out). */
struct imp_layer {
	char name[QNN_NAME_LEN];
	char keras_class[32]; /* for messages (LayerType: imp_hls4ml_class()) */
	enum imp_kind kind;
	bool inner_act; /* split out of a Conv/Dense activation= */
	uint32_t in_h, in_w, in_c, out_h, out_w, out_c;
	uint16_t kh, kw, sh, sw;
	uint8_t padding;
	uint16_t pad_t, pad_b, pad_l, pad_r;
	bool use_bias;
	struct hg_quantizer wq, bq, aq; /* kernel, bias, activation quantizers */
};

struct imp_model {
	char name[QNN_NAME_LEN];
	char input_name[QNN_NAME_LEN];
	uint32_t in_h, in_w, in_c;
	struct imp_layer *layers;
	uint32_t n_layers;
};

int imp_keras_load(const char *path, struct imp_model *m, char *err, size_t errlen);
/*
 * The hls4ml layer class a kind becomes (model/layers.py layer_map, the
 * Keras converter's renames): the name a config's LayerType must carry to
 * apply to it (QDense -> "Dense", MaxPooling2D -> "Pooling2D", ...). NULL
 * for Dropout, which hls4ml drops from the graph.
 */
const char *imp_hls4ml_class(enum imp_kind kind);
void imp_model_free(struct imp_model *m);

/* ---- weights (h5_weights.c) ---- */

struct imp_h5;
int imp_h5_open(const char *path, struct imp_h5 **h, char *err, size_t errlen);
/*
 * Read layer's "kernel" or "bias" as float32, checking its shape against
 * shape[rank] (Keras order: conv fh,fw,cin,cout; dense n_in,n_out).
 * *out is malloc'ed.
 */
int imp_h5_read(struct imp_h5 *h, const char *layer, const char *var, const uint64_t *shape,
		int rank, float **out, char *err, size_t errlen);
void imp_h5_close(struct imp_h5 *h);

/* ---- hls4ml config (hls4ml_config.c) ---- */

struct imp_config;
int imp_config_load(const char *path, struct imp_config **c, char *err, size_t errlen);
void imp_config_free(struct imp_config *c);
/*
 * Refuse, naming the setting, what would change the result or the estimate
 * without the engine modelling it: IOType other than io_stream, Strategy
 * other than Latency (Model, LayerType, LayerName), a LayerName entry that
 * is no layer of m (a misspelling hls4ml would silently ignore). With
 * allow_unmodelled, IOType and Strategy are a warning on log instead.
 */
int imp_config_check(const struct imp_config *c, const struct imp_model *m, const char *path,
		     int allow_unmodelled, FILE *log, char *err, size_t errlen);
/*
 * hls4ml's get_precision(layer, var): LayerName[layer].Precision[var] or
 * .Precision (a string), then LayerType[cls] (hls4ml's class name,
 * imp_hls4ml_class(), matched case-insensitively as hls4ml does), then
 * Model. NULL when the config gives nothing (caller applies the version's
 * default).
 */
const char *imp_config_precision(const struct imp_config *c, const char *layer, const char *cls,
				 const char *var);
/* Model-level default ("ap_fixed<16,6>" when absent) and maximum (or NULL). */
const char *imp_config_model_default(const struct imp_config *c);
const char *imp_config_model_maximum(const struct imp_config *c);
/*
 * A scalar key (e.g. "table_size", "exp_table_t", "accum_t") of
 * LayerName[layer], else of LayerType[cls] (cls: imp_hls4ml_class(), may
 * be NULL), as hls4ml's get_layer_config merges them.
 */
const char *imp_config_layer_key(const struct imp_config *c, const char *layer, const char *cls,
				 const char *key);
/* ReuseFactor for the layer (LayerName, LayerType[cls], Model, else 1). */
uint32_t imp_config_reuse(const struct imp_config *c, const char *layer, const char *cls);

/* ---- hls4ml precision rules (precision.c) ---- */

/*
 * hls4ml >= 1.0 'auto' accumulator/result of a Conv2D or Dense: n_ops
 * products of in x w plus the bias b (ap_uint<1> when the layer has none),
 * clamped by the model's maximum precision when given (width 0: none).
 */
struct qnn_fixed_type imp_infer_accum(const struct qnn_fixed_type *in,
				      const struct qnn_fixed_type *w,
				      const struct qnn_fixed_type *b, uint64_t n_ops,
				      const struct qnn_fixed_type *maximum);

#endif
