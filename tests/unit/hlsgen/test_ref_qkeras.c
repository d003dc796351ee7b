// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * test_ref_qkeras.c - QKeras' quantizers in float (docs/semantics.md section 2)
 * on hand-derived edge cases: exact ties (to even), clipping at both ends,
 * symmetric and unsigned forms, the 1-bit sign form, po2 exponents.
 */
#include <criterion/criterion.h>

#include "hlsgen_ref.h"

static struct qnn_qkeras_quantizer qb(int bits, int integer, int symmetric, int keep_negative)
{
	struct qnn_qkeras_quantizer q = {QNN_QK_QUANTIZED_BITS,	 (uint8_t)bits,
					 (int8_t)integer,	 (uint8_t)symmetric,
					 (uint8_t)keep_negative, {0}};
	return q;
}

static struct qnn_qkeras_quantizer qr(int bits, int integer)
{
	struct qnn_qkeras_quantizer q = {
	    QNN_QK_QUANTIZED_RELU, (uint8_t)bits, (int8_t)integer, 0, 0, {0}};
	return q;
}

static struct qnn_qkeras_quantizer qp(int bits, int log2_max)
{
	struct qnn_qkeras_quantizer q = {
	    QNN_QK_QUANTIZED_PO2, (uint8_t)bits, (int8_t)log2_max, 0, 0, {0}};
	return q;
}

#define EXPECT_Q(q, x, want)                                                                       \
	cr_expect_eq(hlsgen_qkeras_quantize(&(q), (float)(x)), (float)(want),                      \
		     "%s(%g) = %g, want %g", #q, (double)(x),                                      \
		     (double)hlsgen_qkeras_quantize(&(q), (float)(x)), (double)(want))

Test(qkeras, quantized_bits_6_0_ties_to_even)
{
	struct qnn_qkeras_quantizer q = qb(6, 0, 0, 1); /* step 1/32, codes -32..31 */

	EXPECT_Q(q, 1.5 / 32, 2.0 / 32);
	EXPECT_Q(q, 2.5 / 32, 2.0 / 32);
	EXPECT_Q(q, 3.5 / 32, 4.0 / 32);
	EXPECT_Q(q, -1.5 / 32, -2.0 / 32);
	EXPECT_Q(q, -2.5 / 32, -2.0 / 32);
	EXPECT_Q(q, 0.5 / 32, 0.0);
	EXPECT_Q(q, -0.5 / 32, 0.0);
	EXPECT_Q(q, 2.51 / 32, 3.0 / 32);
	EXPECT_Q(q, 0.1, 3.0 / 32); /* 3.2 -> 3 */
}

Test(qkeras, quantized_bits_clipping)
{
	struct qnn_qkeras_quantizer q = qb(6, 0, 0, 1);
	struct qnn_qkeras_quantizer sym = qb(6, 0, 1, 1);
	struct qnn_qkeras_quantizer uns = qb(6, 0, 0, 0);
	struct qnn_qkeras_quantizer wide = qb(8, 2, 0, 1); /* step 1/32, [-4, 4 - 1/32] */

	EXPECT_Q(q, 1.0, 31.0 / 32);
	EXPECT_Q(q, 30.5 / 32, 30.0 / 32);
	EXPECT_Q(q, 31.5 / 32, 31.0 / 32); /* rounds to 32, clipped */
	EXPECT_Q(q, -1.0, -1.0);
	EXPECT_Q(q, -7.0, -1.0);
	EXPECT_Q(sym, -1.0, -31.0 / 32);
	EXPECT_Q(sym, 1.0, 31.0 / 32);
	EXPECT_Q(uns, -0.3, 0.0);
	EXPECT_Q(uns, 0.99, 63.0 / 64);
	EXPECT_Q(uns, 2.5 / 64, 2.0 / 64);
	EXPECT_Q(wide, 100.0, 127.0 / 32);
	EXPECT_Q(wide, -100.0, -4.0);
	EXPECT_Q(wide, 1.5 / 32, 2.0 / 32);
}

Test(qkeras, quantized_bits_one_bit_is_sign)
{
	struct qnn_qkeras_quantizer q = qb(1, 0, 0, 1);

	EXPECT_Q(q, 0.0, 1.0);
	EXPECT_Q(q, -0.1, -1.0);
	EXPECT_Q(q, 3.0, 1.0);
}

Test(qkeras, quantized_relu)
{
	struct qnn_qkeras_quantizer r6 = qr(6, 0);  /* step 1/64, max 63/64 */
	struct qnn_qkeras_quantizer r31 = qr(3, 1); /* step 1/4, max 7/4 */

	EXPECT_Q(r6, -0.1, 0.0);
	EXPECT_Q(r6, -100.0, 0.0);
	EXPECT_Q(r6, 0.5 / 64, 0.0);
	EXPECT_Q(r6, 1.5 / 64, 2.0 / 64);
	EXPECT_Q(r6, 2.5 / 64, 2.0 / 64);
	EXPECT_Q(r6, 62.5 / 64, 62.0 / 64);
	EXPECT_Q(r6, 0.999, 63.0 / 64);
	EXPECT_Q(r6, 100.0, 63.0 / 64);
	EXPECT_Q(r31, 0.375, 0.5);
	EXPECT_Q(r31, 0.625, 0.5);
	EXPECT_Q(r31, 0.875, 1.0);
	EXPECT_Q(r31, 5.0, 1.75);
}

Test(qkeras, quantized_po2)
{
	struct qnn_qkeras_quantizer p4 = qp(4, -128); /* no max: exponents -4..3 */
	struct qnn_qkeras_quantizer p4m1 = qp(4, 0);  /* max 1: exponents -8..7, clipped at 1 */
	struct qnn_qkeras_quantizer p3m2 = qp(3, 1);  /* max 2: exponents -2..1 */

	EXPECT_Q(p4, 3.0, 4.0);	   /* log2 3 = 1.58 -> 2 */
	EXPECT_Q(p4, 2.5, 2.0);	   /* log2 2.5 = 1.32 -> 1 */
	EXPECT_Q(p4, -0.3, -0.25); /* log2 .3 = -1.74 -> -2 */
	EXPECT_Q(p4, 100.0, 8.0);
	EXPECT_Q(p4, 1e-3, 0.0625);
	EXPECT_Q(p4, 0.0, 0.0625); /* QKeras: below epsilon -> +2^min_exp */
	EXPECT_Q(p4m1, 3.0, 1.0);
	EXPECT_Q(p4m1, 0.004, 1.0 / 256);
	EXPECT_Q(p3m2, 10.0, 2.0);
	EXPECT_Q(p3m2, 0.01, 0.25);
}

Test(qkeras, none_and_unquantized)
{
	struct qnn_qkeras_quantizer none = {0};
	struct qnn_qkeras_quantizer r6 = qr(6, 0), b6 = qb(6, 0, 0, 1);

	EXPECT_Q(none, 0.123, 0.123);
	cr_expect_eq(hlsgen_qkeras_unquantized(&r6, -0.5f), 0.0f);
	cr_expect_eq(hlsgen_qkeras_unquantized(&r6, 7.3f), 7.3f);
	cr_expect_eq(hlsgen_qkeras_unquantized(&b6, -7.3f), -7.3f);
}
