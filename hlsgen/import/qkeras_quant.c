// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * qkeras_quant.c - QKeras quantizers as the importer meets them: parsed by
 * the shared parser (hlsgen/host/keras/qkeras_parse.c; a model JSON's by
 * the shared reader, hlsgen/host/keras/keras_layer_json.c), checked
 * against what hls4ml's types can hold, applied to the HDF5 floats exactly
 * as QKeras' deterministic forward pass does (docs/semantics.md section
 * 2), and mapped to the types hls4ml gives them (hls4ml
 * model/quantizers.py and utils/config.py). Anything that changes the
 * arithmetic and is not modelled is refused by name.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "import_internal.h"

/* Who said it: "layer 'q_dense' kernel_quantizer: <the parser's message>". */
static int place_error(int rc, const char *layer, const char *what, char *err, size_t errlen)
{
	char msg[256];

	snprintf(msg, sizeof(msg), "%s", err);
	return hg_fail(err, errlen, rc, "layer '%s' %s: %s", layer, what, msg);
}

#define REFUSE(rc, ...) hg_fail(err, errlen, rc, "layer '%s' %s: " __VA_ARGS__)

void imp_po2_exponents(const struct hg_quantizer *q, int *min_exp, int *max_exp)
{
	hg_quantizer_po2_exponents(q, min_exp, max_exp);
	if (q->has_max && (int)log2(q->max_value) < *max_exp)
		*max_exp = (int)log2(q->max_value);
}

int imp_quant_check(const struct hg_quantizer *q, const char *layer, const char *what, char *err,
		    size_t errlen)
{
	int e, eff;

	switch (q->kind) {
	case HG_Q_BITS:
		if (q->integer < -32 || q->integer > 32)
			return REFUSE(-EINVAL, "integer %d out of range", layer, what, q->integer);
		/* One signed bit is a sign function (+-1) in QKeras, not a fixed-point grid:
		 * ap_fixed<1,1> cannot hold +1, so refuse it by name rather than import other
		 * numbers. */
		if (q->bits == 1 && q->keep_negative)
			return REFUSE(-EOPNOTSUPP,
				      "quantized_bits(1) with keep_negative (a sign function in "
				      "QKeras) is not supported",
				      layer, what);
		return 0;
	case HG_Q_RELU:
		if (q->integer < 0 || q->integer > q->bits)
			return REFUSE(-EINVAL, "integer %d out of range", layer, what, q->integer);
		return 0;
	case HG_Q_PO2:
		if (q->has_max && (q->max_value <= 0 || frexp(q->max_value, &e) != 0.5))
			return REFUSE(-EOPNOTSUPP,
				      "max_value that is not a power of two unsupported", layer,
				      what);
		/* QKeras: the exponent needs its own sign bit unless max_value <= 1 */
		eff = q->bits - 1 - !(q->has_max && q->max_value <= 1.0f);
		if (eff < 0 || eff > 6)
			return REFUSE(-EINVAL, "po2 bits %d out of range", layer, what, q->bits);
		return 0;
	default:
		return 0;
	}
}

int imp_quant_from_string(const char *text, const char *layer, const char *what,
			  struct hg_quantizer *q, char *err, size_t errlen)
{
	int rc = hg_qkeras_parse(text, HG_QK_LENIENT, q, err, errlen);

	return rc ? place_error(rc, layer, what, err, errlen)
		  : imp_quant_check(q, layer, what, err, errlen);
}

/* ---- forward values ---- */

static double po2_apply(const struct hg_quantizer *q, double x)
{
	/* QKeras works in float32; its epsilon is float32(1e-7) */
	const float eps = 1e-7f;
	float ax = fabsf((float)x);
	int min_exp, max_exp;
	double e;

	imp_po2_exponents(q, &min_exp, &max_exp);
	if (ax < eps) {
		e = min_exp;
	} else {
		if (q->has_max && ax >= (float)q->max_value)
			ax = (float)q->max_value;
		/*
		 * log(x) / log(2) in float32, as QKeras (K.log) computes it and hls4ml then
		 * takes it: near sqrt(2) * 2^k the exact log2 and the float32 quotient round
		 * to different exponents. The same expression as hlsgen/ref/qkeras_float.c.
		 */
		e = rintf(logf(ax) / 0.6931471805599453f);
		if (e < min_exp)
			e = min_exp;
		if (e > max_exp)
			e = max_exp;
	}
	/* sign(0) counts as +1 in QKeras: zero becomes +2^min_exp */
	return (x < 0 ? -1.0 : 1.0) * ldexp(1.0, (int)e);
}

double imp_quant_apply(const struct hg_quantizer *q, double x)
{
	double m, mi, r, lo;

	switch (q->kind) {
	case HG_Q_BITS:
		m = ldexp(1.0, q->bits - q->keep_negative);
		mi = ldexp(1.0, q->integer);
		r = nearbyint(x * m / mi); /* round half to even, like tf.round */
		lo = q->keep_negative ? -m + q->symmetric : 0.0;
		r = r < lo ? lo : r > m - 1 ? m - 1 : r;
		return r * mi / m;
	case HG_Q_RELU:
		m = ldexp(1.0, q->bits);
		mi = ldexp(1.0, q->integer);
		r = nearbyint(x * m / mi);
		r = r < 0 ? 0 : r > m - 1 ? m - 1 : r;
		return r * mi / m;
	case HG_Q_PO2:
		return po2_apply(q, x);
	default:
		return x;
	}
}

struct qnn_qkeras_quantizer imp_quant_desc(const struct hg_quantizer *q)
{
	struct qnn_qkeras_quantizer d;

	memset(&d, 0, sizeof(d));
	d.kind = (uint8_t)q->kind;
	if (q->kind == HG_Q_NONE)
		return d;
	d.bits = (uint8_t)q->bits;
	d.integer = (int8_t)q->integer;
	if (q->kind == HG_Q_BITS) {
		d.symmetric = (uint8_t)q->symmetric;
		d.keep_negative = (uint8_t)q->keep_negative;
	} else if (q->kind == HG_Q_PO2) {
		d.integer = q->has_max ? (int8_t)log2(q->max_value) : -128;
		d.keep_negative = 1;
	}
	return d;
}

int imp_quant_weight_type(const struct hg_quantizer *q, const char *layer, const char *what,
			  struct qnn_fixed_type *t, char *err, size_t errlen)
{
	int w, i, min_exp, max_exp;

	imp_po2_exponents(q, &min_exp, &max_exp);
	switch (q->kind) {
	case HG_Q_BITS:
		/* hls4ml QKerasQuantizer._get_type: always signed */
		if (q->bits == q->integer)
			*t = imp_fixed(q->bits, q->bits, true, QNN_RND_TRN, QNN_OVF_WRAP);
		else
			*t = imp_fixed(q->bits, q->integer + 1, true, QNN_RND_TRN, QNN_OVF_WRAP);
		return 0;
	case HG_Q_PO2:
		/*
		 * hls4ml stores (sign, exponent) and multiplies by shifting; the
		 * format stores plain codes instead, so pick the narrowest signed
		 * type holding +-2^e for every e in [min_exp, max_exp]: F = -min_exp
		 * fraction bits, I = max_exp + 2 (sign and +2^max_exp).
		 */
		i = max_exp + 2;
		w = i - min_exp;
		if (w > (int)QNN_MAX_CODE_WIDTH)
			return hg_fail(err, errlen, -EOPNOTSUPP,
				       "layer '%s' %s: quantized_po2 exponent range %d..%d needs "
				       "%d-bit codes (max 32): unsupported",
				       layer, what, min_exp, max_exp, w);
		*t = imp_fixed(w, i, true, QNN_RND_TRN, QNN_OVF_WRAP);
		return 0;
	default:
		return hg_fail(err, errlen, -EINVAL, "layer '%s' %s: quantizer has no weight type",
			       layer, what);
	}
}

struct qnn_fixed_type imp_quant_result_type(const struct hg_quantizer *q)
{
	/* hls4ml utils/config.py _get_precision_from_quantizer (>= 0.7) */
	int integer = q->integer + 1;
	bool is_signed = true;

	if (q->kind == HG_Q_RELU) {
		is_signed = false;
		integer -= 1;
	}
	if (q->bits - integer > 0)
		return imp_fixed(q->bits, integer, is_signed, QNN_RND_CONV, QNN_OVF_SAT);
	/* no fraction bits: hls4ml emits a plain ap_(u)int<integer> */
	return imp_fixed(integer, integer, is_signed, QNN_RND_TRN, QNN_OVF_WRAP);
}
