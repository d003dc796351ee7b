// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * test_quantizer_train.c - the trainer's QKeras quantizers (fake_quant.c):
 * forward values on hand-derived edge cases (ties to even, clipping,
 * keep_negative, symmetric, integer bits, the 1-bit sign form, po2 with and
 * without max_value, epsilon), the straight-through gradient, agreement
 * with the independent float reference (hlsgen/ref) over a dense sweep of
 * inputs, and the expression parser.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "hlsgen_qkeras.h"
#include "hlsgen_ref.h"

static struct hg_quantizer qbits(int bits, int integer, int symmetric, int keep_negative)
{
	return (struct hg_quantizer){.kind = HG_Q_BITS,
				     .bits = bits,
				     .integer = integer,
				     .symmetric = symmetric,
				     .keep_negative = keep_negative};
}

static struct hg_quantizer qrelu(int bits, int integer)
{
	return (struct hg_quantizer){.kind = HG_Q_RELU, .bits = bits, .integer = integer};
}

static struct hg_quantizer qpo2(int bits, float max_value)
{
	return (struct hg_quantizer){
	    .kind = HG_Q_PO2, .bits = bits, .has_max = max_value > 0, .max_value = max_value};
}

#define EXPECT_Q(q, x, want)                                                                       \
	cr_expect_eq(hg_quantize(&(q), (float)(x)), (float)(want), "%s(%.9g) = %.9g, want %.9g",   \
		     #q, (double)(x), (double)hg_quantize(&(q), (float)(x)), (double)(want))

Test(quantizer_train, bits_6_0_ties_to_even_and_clip)
{
	struct hg_quantizer q = qbits(6, 0, 0, 1); /* ap_fixed<6,1>: step 1/32, codes -32..31 */

	EXPECT_Q(q, 1.5 / 32, 2.0 / 32);
	EXPECT_Q(q, 2.5 / 32, 2.0 / 32);
	EXPECT_Q(q, 3.5 / 32, 4.0 / 32);
	EXPECT_Q(q, -2.5 / 32, -2.0 / 32);
	EXPECT_Q(q, -3.5 / 32, -4.0 / 32);
	EXPECT_Q(q, 0.5 / 32, 0.0);
	EXPECT_Q(q, 2.5001 / 32, 3.0 / 32);
	EXPECT_Q(q, 1.0, 31.0 / 32);
	EXPECT_Q(q, 30.5 / 32, 30.0 / 32);
	EXPECT_Q(q, 31.49 / 32, 31.0 / 32);
	EXPECT_Q(q, -1.0, -1.0);
	EXPECT_Q(q, -7.0, -1.0);
	EXPECT_Q(q, 1e30, 31.0 / 32);
}

Test(quantizer_train, bits_symmetric_unsigned_integer)
{
	struct hg_quantizer sym = qbits(6, 0, 1, 1);
	struct hg_quantizer uns = qbits(6, 0, 0, 0);  /* 6 magnitude bits: step 1/64 */
	struct hg_quantizer wide = qbits(8, 2, 0, 1); /* step 4/128, [-4, 127/32] */

	EXPECT_Q(sym, -1.0, -31.0 / 32);
	EXPECT_Q(sym, 1.0, 31.0 / 32);
	EXPECT_Q(uns, -0.3, 0.0);
	EXPECT_Q(uns, 0.5, 0.5);
	EXPECT_Q(uns, 1.5 / 64, 2.0 / 64);
	EXPECT_Q(uns, 1.0, 63.0 / 64);
	EXPECT_Q(wide, 5.0, 127.0 / 32);
	EXPECT_Q(wide, -5.0, -4.0);
	EXPECT_Q(wide, 1.5 / 32, 2.0 / 32);
	EXPECT_Q(wide, -0.5 / 32, 0.0);
}

Test(quantizer_train, bits_one_bit_is_sign)
{
	struct hg_quantizer q = qbits(1, 0, 0, 1);

	EXPECT_Q(q, 0.0, 1.0);
	EXPECT_Q(q, 0.3, 1.0);
	EXPECT_Q(q, -0.2, -1.0);
}

Test(quantizer_train, relu_integer_bits_ties_and_clip)
{
	struct hg_quantizer r6 = qrelu(6, 0); /* ap_ufixed<6,0>: step 1/64, max 63/64 */
	struct hg_quantizer r3 = qrelu(3, 1); /* step 1/4, max 7/4 */

	EXPECT_Q(r6, 1.5 / 64, 2.0 / 64);
	EXPECT_Q(r6, 2.5 / 64, 2.0 / 64);
	EXPECT_Q(r6, 1.0, 63.0 / 64);
	EXPECT_Q(r6, 62.5 / 64, 62.0 / 64);
	EXPECT_Q(r6, -1.0, 0.0);
	EXPECT_Q(r6, -0.5 / 64, 0.0);
	EXPECT_Q(r3, 0.375, 0.5);
	EXPECT_Q(r3, 0.625, 0.5);
	EXPECT_Q(r3, 2.0, 1.75);
	EXPECT_Q(r3, 1.7, 1.75);
	EXPECT_Q(r3, 0.1, 0.0);
}

Test(quantizer_train, po2_exponent_range_sign_and_epsilon)
{
	struct hg_quantizer p4 = qpo2(4, 0);  /* exponent sign needed: exps -4..3 */
	struct hg_quantizer p4m = qpo2(4, 1); /* max_value 1: exps -8..7, values <= 1 */

	EXPECT_Q(p4, 0.3, 0.25);  /* log2 0.3 = -1.74 -> -2 */
	EXPECT_Q(p4, 3.0, 4.0);	  /* 1.58 -> 2 */
	EXPECT_Q(p4, 100.0, 8.0); /* clipped to 2^3 */
	EXPECT_Q(p4, -0.3, -0.25);
	EXPECT_Q(p4, 0.0, 0.0625); /* sign(0) -> +1, below epsilon -> 2^min_exp */
	EXPECT_Q(p4, 1e-9, 0.0625);
	EXPECT_Q(p4, 0.001, 0.0625); /* -9.97 clipped to -4 */
	EXPECT_Q(p4, 1.0, 1.0);
	EXPECT_Q(p4, 0.5, 0.5);
	EXPECT_Q(p4m, 3.0, 1.0); /* values at or above max_value become max_value */
	EXPECT_Q(p4m, 0.3, 0.25);
	EXPECT_Q(p4m, 0.001, 1.0 / 256);
	EXPECT_Q(p4m, -0.001, -1.0 / 256);
}

Test(quantizer_train, straight_through_gradient)
{
	struct hg_quantizer r3 = qrelu(3, 1), b6 = qbits(6, 0, 0, 1), p4 = qpo2(4, 0);

	/* quantized_relu: relu's derivative (0 at 0), 1 up to the clip point 1.75 */
	cr_expect_eq(hg_quantizer_grad(&r3, -0.1f), 0.0f);
	cr_expect_eq(hg_quantizer_grad(&r3, 0.0f), 0.0f);
	cr_expect_eq(hg_quantizer_grad(&r3, 0.1f), 1.0f);
	cr_expect_eq(hg_quantizer_grad(&r3, 1.75f), 1.0f);
	cr_expect_eq(hg_quantizer_grad(&r3, 1.76f), 0.0f);
	/* quantized_bits and po2: x + stop_gradient(xq - x) passes everything */
	cr_expect_eq(hg_quantizer_grad(&b6, 5.0f), 1.0f);
	cr_expect_eq(hg_quantizer_grad(&b6, -5.0f), 1.0f);
	cr_expect_eq(hg_quantizer_grad(&p4, 0.0f), 1.0f);
}

/* The reference implementation's descriptor for the same quantizer. */
static struct qnn_qkeras_quantizer to_ref(const struct hg_quantizer *q)
{
	struct qnn_qkeras_quantizer r = {0};

	r.bits = (uint8_t)q->bits;
	switch (q->kind) {
	case HG_Q_BITS:
		r.kind = QNN_QK_QUANTIZED_BITS;
		r.integer = (int8_t)q->integer;
		r.symmetric = (uint8_t)q->symmetric;
		r.keep_negative = (uint8_t)q->keep_negative;
		break;
	case HG_Q_RELU:
		r.kind = QNN_QK_QUANTIZED_RELU;
		r.integer = (int8_t)q->integer;
		break;
	default:
		r.kind = QNN_QK_QUANTIZED_PO2;
		r.integer = q->has_max ? (int8_t)log2f(q->max_value) : -128;
		break;
	}
	return r;
}

Test(quantizer_train, agrees_with_float_reference_bit_for_bit)
{
	const struct hg_quantizer qs[] = {
	    qbits(6, 0, 0, 1),	qbits(4, 0, 1, 1), qbits(8, 2, 0, 1), qbits(3, 0, 0, 0),
	    qbits(16, 5, 0, 1), qrelu(6, 0),	   qrelu(3, 1),	      qrelu(8, 2),
	    qpo2(4, 0),		qpo2(5, 1),
	};
	long checked = 0;

	for (size_t k = 0; k < sizeof(qs) / sizeof(qs[0]); k++) {
		struct qnn_qkeras_quantizer r = to_ref(&qs[k]);
		float out[4001], in[4001];

		/* every multiple of 1/512 in [-4, 4] (ties of the coarser grids included) */
		for (int i = 0; i <= 4000; i++)
			in[i] = (float)(i - 2000) / 500.0f + (float)(i % 7) / 4096.0f;
		hg_quantize_array(&qs[k], in, out, 4001);
		for (int i = 0; i <= 4000; i++, checked++) {
			float want = hlsgen_qkeras_quantize(&r, in[i]);

			cr_assert_eq(out[i], want, "quantizer %zu at %.9g: train %.9g, ref %.9g", k,
				     (double)in[i], (double)out[i], (double)want);
			cr_assert_eq(hg_quantize(&qs[k], in[i]), want);
		}
	}
	cr_expect_gt(checked, 40000);
}

Test(quantizer_train, parser_accepts_qkeras_spellings)
{
	struct hg_quantizer q;
	char err[200];

	cr_assert_eq(hg_quantizer_parse("quantized_bits(6,0,alpha=1)", &q, err, sizeof(err)), 0,
		     "%s", err);
	cr_expect(q.kind == HG_Q_BITS && q.bits == 6 && q.integer == 0 && q.keep_negative &&
		  !q.symmetric);
	cr_assert_eq(hg_quantizer_parse("quantized_bits(bits=4, integer=1, symmetric=1, "
					"keep_negative=False)",
					&q, err, sizeof(err)),
		     0, "%s", err);
	cr_expect(q.bits == 4 && q.integer == 1 && q.symmetric && !q.keep_negative);
	cr_assert_eq(hg_quantizer_parse("quantized_relu(6)", &q, err, sizeof(err)), 0, "%s", err);
	cr_expect(q.kind == HG_Q_RELU && q.bits == 6 && q.integer == 0);
	cr_assert_eq(hg_quantizer_parse("quantized_po2(4, max_value=1)", &q, err, sizeof(err)), 0,
		     "%s", err);
	cr_expect(q.kind == HG_Q_PO2 && q.bits == 4 && q.has_max && q.max_value == 1.0f);
	cr_assert_eq(hg_quantizer_parse("none", &q, err, sizeof(err)), 0);
	cr_expect_eq(q.kind, HG_Q_NONE);
}

Test(quantizer_train, parser_refuses_what_it_cannot_compute)
{
	static const char *const bad[] = {
	    "quantized_bits(6,0,alpha='auto')",
	    "quantized_bits(6,0,use_stochastic_rounding=1)",
	    "quantized_relu(6,0,use_sigmoid=1)",
	    "quantized_relu(4,negative_slope=0.25)",
	    "binary()",
	    "quantized_bits(6",
	    "quantized_bits(x)",
	    "quantized_bits(6,0,foo=1)",
	    "quantized_po2(4,1,quadratic_approximation=True)",
	    "quantized_bits(99)",
	};
	struct hg_quantizer q;
	char err[200];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = 0;
		cr_expect_eq(hg_quantizer_parse(bad[i], &q, err, sizeof(err)), -1, "accepted %s",
			     bad[i]);
		cr_expect_neq(err[0], 0, "no message for %s", bad[i]);
	}
}

Test(quantizer_train, format_round_trips)
{
	const struct hg_quantizer qs[] = {qbits(6, 0, 0, 1), qbits(4, 1, 1, 0), qrelu(3, 1),
					  qpo2(4, 1), qpo2(5, 0)};

	for (size_t k = 0; k < sizeof(qs) / sizeof(qs[0]); k++) {
		char text[128], err[200];
		struct hg_quantizer back;

		hg_quantizer_format(&qs[k], text, sizeof(text));
		cr_assert_eq(hg_quantizer_parse(text, &back, err, sizeof(err)), 0, "%s: %s", text,
			     err);
		cr_expect_eq(memcmp(&back, &qs[k], sizeof(back)), 0, "%s did not round-trip", text);
	}
}
