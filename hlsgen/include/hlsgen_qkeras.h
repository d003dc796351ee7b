/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * hlsgen_qkeras.h - QKeras' quantizers (docs/semantics.md section 2): the
 * one descriptor, struct hg_quantizer, that the importer and the trainer
 * share; its parser (hlsgen/host/keras/qkeras_parse.c); and, for training, the
 * forward value in float and the straight-through estimator's gradient
 * factor (hlsgen/train/quant/fake_quant.c). The importer maps a descriptor
 * to hls4ml's types and to the file's struct qnn_qkeras_quantizer
 * (hlsgen/import/qkeras_quant.c); the float reference (hlsgen/ref/) reads
 * that record and computes on its own, as the independent check.
 *
 * Only the deterministic, alpha = 1 forms are supported; the parser
 * refuses alpha='auto', stochastic rounding and the rest by name.
 */
#ifndef HLSGEN_QKERAS_H
#define HLSGEN_QKERAS_H

#include <stddef.h>

#include "qnn_model.h"

enum hg_q_kind {
	HG_Q_NONE = QNN_QK_NONE, /* float value used as is */
	HG_Q_BITS =
	    QNN_QK_QUANTIZED_BITS, /* quantized_bits(bits, integer, symmetric, keep_negative) */
	HG_Q_RELU = QNN_QK_QUANTIZED_RELU, /* quantized_relu(bits, integer) */
	HG_Q_PO2 = QNN_QK_QUANTIZED_PO2,   /* quantized_po2(bits, max_value) */
};

struct hg_quantizer {
	int kind; /* enum hg_q_kind */
	int bits;
	int integer;	   /* bits / relu: integer bits (sign not counted) */
	int symmetric;	   /* bits */
	int keep_negative; /* bits */
	int has_max;	   /* po2: max_value given */
	float max_value;   /* po2 */
};

/* The value QKeras' forward pass produces for x. */
float hg_quantize(const struct hg_quantizer *q, float x);

/* out[i] = hg_quantize(q, x[i]); out may equal x. */
void hg_quantize_array(const struct hg_quantizer *q, const float *x, float *out, size_t n);

/*
 * d(output)/dx under QKeras' straight-through estimator: quantized_bits
 * and quantized_po2 pass the gradient unchanged (x + stop_gradient(xq - x));
 * quantized_relu passes it where 0 < x <= 2^integer - 2^(integer - bits)
 * (the relu's and the clip's own derivative) and blocks it elsewhere.
 */
float hg_quantizer_grad(const struct hg_quantizer *q, float x);

/* QKeras' quantizer.max(): the range used for Clip constraints and init. */
float hg_quantizer_max(const struct hg_quantizer *q);

/* Arguments the parser does not know are ignored (a model JSON written by
 * a newer QKeras) instead of refused (a typo on the command line). */
#define HG_QK_LENIENT 1u

/*
 * Parse "quantized_bits(6,0,alpha=1)", "quantized_relu(6)", "quantized_relu",
 * "quantized_po2(4,max_value=1)"... into *q (zeroed first). Returns 0,
 * -EINVAL (malformed) or -EOPNOTSUPP
 * (a quantizer or option that is not modelled), with a message in err.
 */
int hg_qkeras_parse(const char *text, unsigned flags, struct hg_quantizer *q, char *err,
		    size_t errlen);

/* The same from a model JSON value: {class_name, config}, a string, or null. */
struct json_object;
int hg_qkeras_parse_json(struct json_object *j, unsigned flags, struct hg_quantizer *q, char *err,
			 size_t errlen);

/* The trainer's forms (hlsgen/train/quant/quantizer_parse.c): "none" or ""
 * (HG_Q_NONE), else the parser above, strict, then what training
 * supports (hg_quantizer_trainable, also applied to a model JSON's
 * quantizers). Return 0 or -1. */
int hg_quantizer_parse(const char *text, struct hg_quantizer *q, char *err, size_t errlen);
int hg_quantizer_trainable(const struct hg_quantizer *q, char *err, size_t errlen);

/* quantized_po2's exponent range as QKeras derives it from bits and
 * max_value (before any clipping to max_value). */
void hg_quantizer_po2_exponents(const struct hg_quantizer *q, int *min_exp, int *max_exp);

/* "quantized_bits(6,0,0,alpha=1)" etc.; returns snprintf's count. */
int hg_quantizer_format(const struct hg_quantizer *q, char *buf, size_t len);

/* Bits one quantized value occupies (0 for HG_Q_NONE: float, 32). */
int hg_quantizer_width(const struct hg_quantizer *q);

#endif /* HLSGEN_QKERAS_H */
