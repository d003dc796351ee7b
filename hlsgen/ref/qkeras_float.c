// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * qkeras_float.c - QKeras' quantizers in float32, as its TensorFlow graph
 * evaluates them at inference (alpha = 1, no stochastic rounding: the
 * importer refuses the rest by name).
 *
 * The scalings x * m / m_i are by powers of two, hence exact in float32,
 * so rintf() (round half to even, like tf.round) rounds exactly the value
 * TensorFlow rounds.
 *
 * hlsgen/train/quant/fake_quant.c computes the same quantizers for training, on
 * purpose separately: this file is the plain libm spelling of QKeras'
 * formulas and the oracle test_quantizer_train.c checks the trainer's
 * fast forms against (libm-free rounding, a vectorized quantized_relu).
 * Sharing one implementation would leave that check unable to fail. The
 * two agree on every value; only the sign of a zero result can differ
 * (rintf(-0.3) is -0, the trainer's rounding gives +0), which no
 * comparison, sum or argmax downstream can see.
 */
#include <math.h>

#include "hlsgen_ref.h"

#define KERAS_EPSILON 1e-7f
#define PO2_NO_MAX    (-128)

/*
 * quantized_bits(bits, integer, symmetric, keep_negative):
 * m = 2^(bits - keep_negative), xq = clip(rne(x * m / 2^integer),
 * -m * keep_negative (+ symmetric), m - 1) * 2^integer / m.
 */
static float quantized_bits(const struct qnn_qkeras_quantizer *q, float x)
{
	int ub = (int)q->bits - (q->keep_negative ? 1 : 0);
	float m, lo, r;

	if (ub <= 0) {
		/* QKeras' 1-bit form is a sign function with sign(0) = +1 */
		float s = x < 0.0f ? -1.0f : 1.0f;

		return q->keep_negative ? s : (s + 1.0f) / 2.0f;
	}
	m = ldexpf(1.0f, ub);
	lo = q->keep_negative ? -m + (q->symmetric ? 1.0f : 0.0f) : 0.0f;
	r = rintf(ldexpf(x, ub - q->integer));
	r = r < lo ? lo : r;
	r = r > m - 1.0f ? m - 1.0f : r;
	return ldexpf(r, q->integer - ub);
}

/* quantized_relu(bits, integer): clip(rne(x * 2^(bits-integer)), 0, 2^bits - 1) / 2^(bits-integer).
 */
static float quantized_relu(const struct qnn_qkeras_quantizer *q, float x)
{
	int sh = (int)q->bits - q->integer;
	float top = ldexpf(1.0f, q->bits) - 1.0f;
	float r = rintf(ldexpf(x, sh));

	r = r < 0.0f ? 0.0f : r;
	r = r > top ? top : r;
	return ldexpf(r, -sh);
}

/*
 * quantized_po2(bits, max_value = 2^integer): sign(x) (sign(0) = +1) times
 * 2^clip(rne(log2|x|), min_exp, max_exp); |x| < epsilon gives 2^min_exp.
 * The exponent needs its own sign bit unless 0 < max_value <= 1.
 */
static float quantized_po2(const struct qnn_qkeras_quantizer *q, float x)
{
	int has_max = q->integer != PO2_NO_MAX;
	int need_sign = !(has_max && q->integer <= 0);
	int eff = (int)q->bits - 1 - need_sign;
	float min_exp = -ldexpf(1.0f, eff), max_exp = ldexpf(1.0f, eff) - 1.0f;
	float a = fabsf(x), e;

	if (isnan(x))
		return x;
	if (a < KERAS_EPSILON) {
		e = min_exp;
	} else {
		if (has_max && a >= ldexpf(1.0f, q->integer))
			a = ldexpf(1.0f, q->integer);
		/* log(x) / log(2) in float32, as tf.keras.backend.log does */
		e = rintf(logf(a) / 0.6931471805599453f);
		e = e < min_exp ? min_exp : e;
		e = e > max_exp ? max_exp : e;
	}
	return (x < 0.0f ? -1.0f : 1.0f) * ldexpf(1.0f, (int)e);
}

float hlsgen_qkeras_quantize(const struct qnn_qkeras_quantizer *q, float x)
{
	switch (q->kind) {
	case QNN_QK_QUANTIZED_BITS:
		return quantized_bits(q, x);
	case QNN_QK_QUANTIZED_RELU:
		return quantized_relu(q, x);
	case QNN_QK_QUANTIZED_PO2:
		return quantized_po2(q, x);
	default:
		return x;
	}
}

float hlsgen_qkeras_unquantized(const struct qnn_qkeras_quantizer *q, float x)
{
	if (q->kind == QNN_QK_QUANTIZED_RELU)
		return x > 0.0f ? x : 0.0f;
	return x;
}
