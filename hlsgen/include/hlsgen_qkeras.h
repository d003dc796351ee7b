/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * hlsgen_qkeras.h - QKeras' quantizers in float, as training sees them
 * (docs/semantics.md section 2): the forward value and the straight-through
 * estimator's gradient factor. Implemented in hlsgen/train/qkeras_quant.c.
 *
 * Only the deterministic, alpha = 1 forms are supported; the parser
 * refuses alpha='auto', stochastic rounding and the rest by name.
 */
#ifndef HLSGEN_QKERAS_H
#define HLSGEN_QKERAS_H

#include <stddef.h>

enum hg_q_kind {
	HG_Q_NONE = 0, /* float value used as is */
	HG_Q_BITS = 1, /* quantized_bits(bits, integer, symmetric, keep_negative) */
	HG_Q_RELU = 2, /* quantized_relu(bits, integer) */
	HG_Q_PO2 = 3,  /* quantized_po2(bits, max_value) */
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

/*
 * Parse "quantized_bits(6,0,alpha=1)", "quantized_relu(6)",
 * "quantized_po2(4,1)", "none"... Returns 0 or -1 with a message in err.
 */
int hg_quantizer_parse(const char *text, struct hg_quantizer *q, char *err, size_t errlen);

/* "quantized_bits(6,0,0,alpha=1)" etc.; returns snprintf's count. */
int hg_quantizer_format(const struct hg_quantizer *q, char *buf, size_t len);

/* Bits one quantized value occupies (0 for HG_Q_NONE: float, 32). */
int hg_quantizer_width(const struct hg_quantizer *q);

#endif /* HLSGEN_QKERAS_H */
