// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * QKeras' quantizers (quantized_bits, quantized_relu, quantized_po2) in
 * float32, the way QKeras' TensorFlow graph computes them, plus the
 * straight-through estimator's gradient factor. Scaling by m / m_i is by
 * powers of two and therefore exact, so the rounding (ties to even, like
 * tf.round) sees exactly the value TensorFlow rounds.
 *
 * The float reference (hlsgen/ref/qkeras_float.c) has its own, libm-based
 * copy of this arithmetic on purpose: it is the independent oracle that
 * test_quantizer_train.c compares these fast forms with (see there).
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>

#include "hlsgen_qkeras.h"

#define KERAS_EPSILON 1e-7f

/*
 * x * 2^e. A product with an exact power of two is correctly rounded, as
 * ldexpf is, so the two agree bit for bit; the multiply avoids libm's
 * errno-handling wrapper in the hot loops.
 */
static inline float scale2(float x, int e)
{
	if (e < -126 || e > 127)
		return ldexpf(x, e);
	union {
		uint32_t u;
		float f;
	} p = {.u = (uint32_t)(e + 127) << 23};

	return x * p.f;
}

/* Round half to even (tf.round) in the default rounding mode, without libm. */
static inline float rne(float x)
{
	const float big = 8388608.0f; /* 2^23: from here on every float is an integer */

	if (!(fabsf(x) < big))
		return x; /* integers, infinities and NaN */
	return x >= 0.0f ? (x + big) - big : (x - big) + big;
}

static float bits_forward(const struct hg_quantizer *q, float x)
{
	int unsigned_bits = q->bits - (q->keep_negative ? 1 : 0);

	if (unsigned_bits <= 0) {
		/* QKeras' 1-bit case: sign, with sign(0) taken as +1 */
		float s = x < 0.0f ? -1.0f : 1.0f;

		return q->keep_negative ? s : (s + 1.0f) / 2.0f;
	}
	float m = scale2(1.0f, unsigned_bits);
	float p = scale2(x, unsigned_bits - q->integer);
	float lo = q->keep_negative ? -m + (q->symmetric ? 1.0f : 0.0f) : 0.0f;
	float r = rne(p);

	if (r < lo)
		r = lo;
	if (r > m - 1.0f)
		r = m - 1.0f;
	return scale2(r, q->integer - unsigned_bits);
}

static float relu_forward(const struct hg_quantizer *q, float x)
{
	float m = scale2(1.0f, q->bits);
	float r = rne(scale2(x, q->bits - q->integer));

	if (r < 0.0f)
		r = 0.0f;
	if (r > m - 1.0f)
		r = m - 1.0f;
	return scale2(r, q->integer - q->bits);
}

static float po2_forward(const struct hg_quantizer *q, float x)
{
	int min_exp, max_exp;
	float sign = x < 0.0f ? -1.0f : 1.0f;
	float a = fabsf(x);
	float e;

	if (isnan(x))
		return x;
	hg_quantizer_po2_exponents(q, &min_exp, &max_exp);
	if (a < KERAS_EPSILON) {
		e = (float)min_exp;
	} else {
		if (q->has_max && a >= q->max_value)
			a = q->max_value;
		/* log(x) / log(2) in float32, as tf.keras.backend.log does */
		e = rne(logf(a) / (float)0.6931471805599453);
		if (e < (float)min_exp)
			e = (float)min_exp;
		if (e > (float)max_exp)
			e = (float)max_exp;
	}
	return sign * scale2(1.0f, (int)e);
}

float hg_quantize(const struct hg_quantizer *q, float x)
{
	switch (q->kind) {
	case HG_Q_BITS:
		return bits_forward(q, x);
	case HG_Q_RELU:
		return relu_forward(q, x);
	case HG_Q_PO2:
		return po2_forward(q, x);
	default:
		return x;
	}
}

void hg_quantize_array(const struct hg_quantizer *q, const float *x, float *out, size_t n)
{
	if (q->kind == HG_Q_RELU && q->bits <= 22 && q->bits - q->integer <= 126 &&
	    q->integer - q->bits <= 126) {
		/*
		 * The hot case in training, branch-free so it vectorizes. Adding
		 * and removing 2^23 rounds to an integer (ties to even) for
		 * 0 <= p < 2^23; negative p come out negative or zero and are
		 * clipped to 0, p >= 2^23 stays >= 2^23 > up and is clipped to
		 * up: the same codes as rne() for every input, NaN included.
		 */
		const float big = 8388608.0f;
		float up = scale2(1.0f, q->bits) - 1.0f;
		float to = scale2(1.0f, q->bits - q->integer);
		float back = scale2(1.0f, q->integer - q->bits);

		for (size_t i = 0; i < n; i++) {
			float r = (x[i] * to + big) - big;

			r = r < 0.0f ? 0.0f : r;
			r = r > up ? up : r;
			out[i] = r * back;
		}
		return;
	}

	for (size_t i = 0; i < n; i++)
		out[i] = hg_quantize(q, x[i]);
}

float hg_quantizer_grad(const struct hg_quantizer *q, float x)
{
	if (q->kind != HG_Q_RELU)
		return 1.0f;
	float top = scale2(1.0f, q->integer) - scale2(1.0f, q->integer - q->bits);

	return (x > 0.0f && x <= top) ? 1.0f : 0.0f;
}

float hg_quantizer_max(const struct hg_quantizer *q)
{
	int min_exp, max_exp;

	switch (q->kind) {
	case HG_Q_BITS:
		if (q->bits - (q->keep_negative ? 1 : 0) <= 0)
			return 1.0f;
		return fmaxf(1.0f, scale2(1.0f, q->integer));
	case HG_Q_RELU:
		return fmaxf(1.0f, scale2(1.0f, q->integer));
	case HG_Q_PO2:
		if (q->has_max && q->max_value > 0.0f)
			return fmaxf(1.0f, q->max_value);
		hg_quantizer_po2_exponents(q, &min_exp, &max_exp);
		return fmaxf(1.0f, scale2(1.0f, max_exp));
	default:
		return INFINITY;
	}
}

int hg_quantizer_width(const struct hg_quantizer *q)
{
	return q->kind == HG_Q_NONE ? 32 : q->bits;
}

int hg_quantizer_format(const struct hg_quantizer *q, char *buf, size_t len)
{
	switch (q->kind) {
	case HG_Q_BITS:
		return snprintf(buf, len, "quantized_bits(%d,%d,%d%s,alpha=1)", q->bits, q->integer,
				q->symmetric, q->keep_negative ? "" : ",keep_negative=0");
	case HG_Q_RELU:
		return snprintf(buf, len, "quantized_relu(%d,%d)", q->bits, q->integer);
	case HG_Q_PO2:
		if (q->has_max)
			return snprintf(buf, len, "quantized_po2(%d,%g)", q->bits,
					(double)q->max_value);
		return snprintf(buf, len, "quantized_po2(%d)", q->bits);
	default:
		return snprintf(buf, len, "none");
	}
}
