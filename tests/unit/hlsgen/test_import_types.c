// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * test_import_types.c - the importer's building blocks on hand-derived
 * cases: hls4ml type spellings, value -> code conversion in every rounding
 * and overflow mode (exact ties, negatives, saturation edges, wrap), the
 * emulation of hls4ml's decimal weight literals, QKeras quantizer parsing
 * and forward values, the types hls4ml derives from quantizers, and the
 * >= 1.0 'auto' accumulator rule.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <math.h>
#include <string.h>

#include "../../../hlsgen/import/import_internal.h"
#include "hlsgen_ref.h"

static struct imp_type parse_ok(const char *s)
{
	struct imp_type t;
	char err[256];

	cr_assert_eq(imp_type_parse(s, &t, err, sizeof(err)), 0, "%s: %s", s, err);
	return t;
}

static void expect_t(const struct qnn_fixed_type *t, int w, int i, int s, int q, int o)
{
	cr_expect(t->width == w && t->int_bits == i && t->is_signed == s && t->rounding == q &&
		      t->overflow == o,
		  "got <%u,%d> s%u q%u o%u", t->width, t->int_bits, t->is_signed, t->rounding,
		  t->overflow);
}

Test(import_types, spellings)
{
	struct imp_type t;

	t = parse_ok("ap_fixed<16,6>");
	expect_t(&t.t, 16, 6, 1, QNN_RND_TRN, QNN_OVF_WRAP);
	t = parse_ok(" ap_fixed< 7 , 1 , AP_RND , AP_SAT > ");
	expect_t(&t.t, 7, 1, 1, QNN_RND_RND, QNN_OVF_SAT);
	t = parse_ok("ap_ufixed<6,0,AP_RND_CONV,AP_SAT>");
	expect_t(&t.t, 6, 0, 0, QNN_RND_CONV, QNN_OVF_SAT);
	t = parse_ok("fixed<18,8,RND,SAT>");
	expect_t(&t.t, 18, 8, 1, QNN_RND_RND, QNN_OVF_SAT);
	t = parse_ok("ufixed<8,-2,TRN_ZERO,SAT_SYM>");
	expect_t(&t.t, 8, -2, 0, QNN_RND_TRN_ZERO, QNN_OVF_SAT_SYM);
	t = parse_ok("ap_fixed<8,3,AP_RND_MIN_INF,AP_SAT_ZERO,0>");
	expect_t(&t.t, 8, 3, 1, QNN_RND_MIN_INF, QNN_OVF_SAT_ZERO);
	t = parse_ok("ap_int<5>");
	expect_t(&t.t, 5, 5, 1, 0, 0);
	t = parse_ok("ap_uint<3>");
	expect_t(&t.t, 3, 3, 0, 0, 0);
	t = parse_ok("auto");
	cr_expect(t.is_auto);
}

Test(import_types, bad_spellings)
{
	static const char *const bad[] = {"ap_fixed<16>",
					  "ap_fixed<16,6,AP_FOO>",
					  "float",
					  "ap_fixed<0,0>",
					  "ap_fixed<16,6",
					  "ap_int<4,2>",
					  "ap_fixed<8,2,AP_RND,AP_WRAP_SM>",
					  "ap_fixed<8,2,AP_RND,AP_SAT,3>",
					  "ap_fixed<70,6>"};
	struct imp_type t;
	char err[256];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		cr_expect_eq(imp_type_parse(bad[i], &t, err, sizeof(err)), -EINVAL, "%s", bad[i]);
		cr_expect(err[0], "%s: no message", bad[i]);
	}
}

static int32_t code(double x, int w, int i, int s, int q, int o, bool *exact)
{
	struct qnn_fixed_type t = imp_fixed(w, i, s, q, o);
	int32_t c;
	bool ex;

	cr_assert_eq(imp_to_code(x, &t, &c, &ex), 0);
	if (exact)
		*exact = ex;
	return c;
}

Test(import_types, rounding_modes_on_ties)
{
	/* ap_fixed<8,4>: LSB 1/16; 2.5 LSB and -2.5 LSB are exact ties */
	const double p = 2.5 / 16, n = -2.5 / 16, p3 = 3.5 / 16;

	cr_expect_eq(code(p, 8, 4, 1, QNN_RND_TRN, 0, NULL), 2);
	cr_expect_eq(code(n, 8, 4, 1, QNN_RND_TRN, 0, NULL), -3, "floor");
	cr_expect_eq(code(p, 8, 4, 1, QNN_RND_RND, 0, NULL), 3);
	cr_expect_eq(code(n, 8, 4, 1, QNN_RND_RND, 0, NULL), -2, "ties toward +inf");
	cr_expect_eq(code(p, 8, 4, 1, QNN_RND_CONV, 0, NULL), 2, "ties to even");
	cr_expect_eq(code(p3, 8, 4, 1, QNN_RND_CONV, 0, NULL), 4, "ties to even");
	cr_expect_eq(code(n, 8, 4, 1, QNN_RND_CONV, 0, NULL), -2);
	cr_expect_eq(code(p, 8, 4, 1, QNN_RND_ZERO, 0, NULL), 2);
	cr_expect_eq(code(n, 8, 4, 1, QNN_RND_ZERO, 0, NULL), -2);
	cr_expect_eq(code(p, 8, 4, 1, QNN_RND_INF, 0, NULL), 3);
	cr_expect_eq(code(n, 8, 4, 1, QNN_RND_INF, 0, NULL), -3);
	cr_expect_eq(code(p, 8, 4, 1, QNN_RND_MIN_INF, 0, NULL), 2);
	cr_expect_eq(code(n, 8, 4, 1, QNN_RND_MIN_INF, 0, NULL), -3);
	cr_expect_eq(code(n, 8, 4, 1, QNN_RND_TRN_ZERO, 0, NULL), -2, "toward zero");
	cr_expect_eq(code(-2.0 / 16, 8, 4, 1, QNN_RND_TRN_ZERO, 0, NULL), -2, "exact stays");
}

Test(import_types, overflow_modes)
{
	bool ex;

	/* ap_fixed<4,2>: codes -8..7, value = code / 4 */
	cr_expect_eq(code(2.0, 4, 2, 1, 0, QNN_OVF_WRAP, &ex), -8, "8 wraps to -8");
	cr_expect(!ex);
	cr_expect_eq(code(2.0, 4, 2, 1, 0, QNN_OVF_SAT, NULL), 7);
	cr_expect_eq(code(-3.0, 4, 2, 1, 0, QNN_OVF_SAT, NULL), -8);
	cr_expect_eq(code(-3.0, 4, 2, 1, 0, QNN_OVF_SAT_SYM, NULL), -7);
	cr_expect_eq(code(-2.0, 4, 2, 1, 0, QNN_OVF_SAT_SYM, NULL), -7, "-8 excluded");
	cr_expect_eq(code(5.0, 4, 2, 1, 0, QNN_OVF_SAT_ZERO, NULL), 0);
	cr_expect_eq(code(1.75, 4, 2, 1, 0, QNN_OVF_SAT, &ex), 7, "edge fits");
	cr_expect(ex);
	/* a rounding carry that overflows: 1.9 -> RND 8 -> SAT 7 */
	cr_expect_eq(code(1.9, 4, 2, 1, QNN_RND_RND, QNN_OVF_SAT, NULL), 7);
	/* unsigned ap_ufixed<3,1>: 0..7 quarter steps */
	cr_expect_eq(code(-0.25, 3, 1, 0, 0, QNN_OVF_SAT, NULL), 0);
	cr_expect_eq(code(2.25, 3, 1, 0, 0, QNN_OVF_WRAP, NULL), 1, "9 mod 8");
	cr_expect_eq(code(INFINITY, 4, 2, 1, 0, QNN_OVF_SAT, NULL), 7);
	cr_expect_eq(code(-INFINITY, 4, 2, 1, 0, QNN_OVF_SAT, NULL), -8);
	struct qnn_fixed_type t = imp_fixed(4, 2, 1, 0, 0);
	int32_t c;
	cr_expect_eq(imp_to_code(NAN, &t, &c, &ex), -ERANGE, "NaN refused");
}

Test(import_types, hls4ml_literal_rounding)
{
	/*
	 * ap_fixed<4,1> has F = 3: hls4ml prints 3 decimals. 0.12499 prints as
	 * "0.125", which is exactly 1/8: the header literal gives code 1 where a
	 * direct floor of 0.12499 * 8 would give 0.
	 */
	struct qnn_fixed_type t = imp_fixed(4, 1, 1, 0, 0);
	int32_t c;
	bool ex;

	cr_assert_eq(imp_to_code(0.12499, &t, &c, &ex), 0);
	cr_expect_eq(c, 0);
	cr_assert_eq(imp_literal_code(0.12499, &t, &c, &ex), 0);
	cr_expect_eq(c, 1);
	cr_expect(!ex);
	cr_assert_eq(imp_literal_code(-0.375, &t, &c, &ex), 0);
	cr_expect_eq(c, -3);
	cr_expect(ex, "grid values stay exact");
}

static struct hg_quantizer quant(const char *s)
{
	struct hg_quantizer q;
	char err[256];

	cr_assert_eq(imp_quant_from_string(s, "L", "q", &q, err, sizeof(err)), 0, "%s: %s", s, err);
	return q;
}

Test(import_types, quantized_bits_values)
{
	struct hg_quantizer q = quant("quantized_bits(6,0,alpha=1)");

	cr_expect_eq(q.kind, HG_Q_BITS);
	cr_expect_eq(imp_quant_apply(&q, 0.5 + 1.0 / 64), 0.5, "tie 16.5 -> 16 (even)");
	cr_expect_eq(imp_quant_apply(&q, 0.5 + 3.0 / 64), 17.0 / 32 + 1.0 / 32, "17.5 -> 18");
	cr_expect_eq(imp_quant_apply(&q, 2.0), 31.0 / 32, "clip high");
	cr_expect_eq(imp_quant_apply(&q, -2.0), -1.0, "clip low -32");
	q = quant("quantized_bits(4, 0, 1)"); /* symmetric */
	cr_expect_eq(imp_quant_apply(&q, -2.0), -7.0 / 8);
	q = quant("quantized_bits(4,2,keep_negative=False)");
	cr_expect_eq(imp_quant_apply(&q, -1.0), 0.0);
	cr_expect_eq(imp_quant_apply(&q, 1.3), 1.25, "step 1/4 unsigned");
	q = quant("quantized_bits(2,0,1,alpha=None)");
	cr_expect_eq(imp_quant_apply(&q, 0.57443), 0.5);
	cr_expect_eq(imp_quant_apply(&q, -0.9), -0.5);
}

Test(import_types, quantized_relu_and_po2_values)
{
	struct hg_quantizer q = quant("quantized_relu(3,1)");
	int min_exp, max_exp;

	cr_expect_eq(q.kind, HG_Q_RELU);
	cr_expect_eq(imp_quant_apply(&q, -1.0), 0.0);
	cr_expect_eq(imp_quant_apply(&q, 0.625), 0.5, "2.5 steps -> 2 (even)");
	cr_expect_eq(imp_quant_apply(&q, 5.0), 1.75, "clip at 7/4");
	q = quant("quantized_po2(4,1)");
	imp_po2_exponents(&q, &min_exp, &max_exp);
	cr_expect_eq(min_exp, -8);
	cr_expect_eq(max_exp, 0);
	cr_expect_eq(imp_quant_apply(&q, 0.03), 1.0 / 32, "log2 0.03 = -5.06");
	cr_expect_eq(imp_quant_apply(&q, -3.0), -1.0, "max_value 1");
	cr_expect_eq(imp_quant_apply(&q, 0.0), 1.0 / 256, "zero -> +2^min_exp");
	cr_expect_eq(imp_quant_apply(&q, 1e-6), 1.0 / 256, "clipped to min_exp");
	q = quant("quantized_po2(5)"); /* no max: exponent sign bit */
	imp_po2_exponents(&q, &min_exp, &max_exp);
	cr_expect_eq(min_exp, -8);
	cr_expect_eq(max_exp, 7);
}

Test(import_types, hls4ml_types_from_quantizers)
{
	struct qnn_fixed_type t;
	struct hg_quantizer q;
	char err[256];

	q = quant("quantized_bits(6,0)");
	cr_assert_eq(imp_quant_weight_type(&q, "L", "w", &t, err, sizeof(err)), 0);
	expect_t(&t, 6, 1, 1, 0, 0);
	q = quant("quantized_bits(4,4)");
	cr_assert_eq(imp_quant_weight_type(&q, "L", "w", &t, err, sizeof(err)), 0);
	expect_t(&t, 4, 4, 1, 0, 0);
	q = quant("quantized_po2(4,1)");
	cr_assert_eq(imp_quant_weight_type(&q, "L", "w", &t, err, sizeof(err)), 0);
	expect_t(&t, 10, 2, 1, 0, 0);
	q = quant("quantized_po2(8)");
	cr_expect_eq(imp_quant_weight_type(&q, "L", "w", &t, err, sizeof(err)), -EOPNOTSUPP);
	q = quant("quantized_relu(6)");
	t = imp_quant_result_type(&q);
	expect_t(&t, 6, 0, 0, QNN_RND_CONV, QNN_OVF_SAT);
	q = quant("quantized_relu(3,1)");
	t = imp_quant_result_type(&q);
	expect_t(&t, 3, 1, 0, QNN_RND_CONV, QNN_OVF_SAT);
	q = quant("quantized_relu(4,4)");
	t = imp_quant_result_type(&q);
	expect_t(&t, 4, 4, 0, 0, 0); /* hls4ml: plain ap_uint<4> */
	q = quant("quantized_bits(8,3)");
	t = imp_quant_result_type(&q);
	expect_t(&t, 8, 4, 1, QNN_RND_CONV, QNN_OVF_SAT);
}

Test(import_types, unsupported_quantizer_options)
{
	static const char *const bad[] = {
	    "quantized_bits(4,0,alpha='auto_po2')",
	    "quantized_bits(4,0,alpha=0.5)",
	    "quantized_relu(4,0,use_sigmoid=1)",
	    "quantized_relu(4,0,relu_upper_bound=3)",
	    "quantized_po2(4,0.75)",
	    "quantized_po2(4,1,quadratic_approximation=True)",
	    "quantized_bits(4,0,use_stochastic_rounding=True)",
	    "binary()",
	    "quantized_bits(1,0)",
	};
	struct hg_quantizer q;
	char err[256];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		cr_expect_eq(
		    imp_quant_from_string(bad[i], "lay", "kernel_quantizer", &q, err, sizeof(err)),
		    -EOPNOTSUPP, "%s", bad[i]);
		cr_expect(strstr(err, "layer 'lay'"), "%s: '%s'", bad[i], err);
	}
}

Test(import_types, auto_accumulator_rule)
{
	struct qnn_fixed_type in = imp_fixed(16, 6, 1, 0, 0), w = imp_fixed(6, 1, 1, 0, 0),
			      b = imp_fixed(6, 1, 1, 0, 0), none = {0}, t;

	t = imp_infer_accum(&in, &w, &b, 9, &none);
	expect_t(&t, 27, 12, 1, 0, 0);
	/* unsigned input, no bias (ap_uint<1>): I = max(9, 1 + 1) + 1 = 10, W = 10 + 11 */
	in = imp_fixed(6, 0, 0, 0, 0);
	b = imp_fixed(1, 1, 0, 0, 0);
	t = imp_infer_accum(&in, &w, &b, 144, &none);
	expect_t(&t, 21, 10, 1, 0, 0);
	/* clamped by a model maximum */
	struct qnn_fixed_type max = imp_fixed(18, 8, 1, QNN_RND_RND, QNN_OVF_SAT);
	t = imp_infer_accum(&in, &w, &b, 144, &max);
	expect_t(&t, 18, 8, 1, QNN_RND_RND, QNN_OVF_SAT);
}

/*
 * quantized_po2 in the importer (which writes the weights) against the float32 reference
 * of QKeras (hlsgen/ref): every float around each exponent boundary sqrt(2) * 2^k, where
 * the exact log2 and QKeras's float32 log(x) / log(2) can round apart.
 */
Test(import_types, po2_agrees_with_float32_reference_at_the_boundaries)
{
	struct hg_quantizer q = quant("quantized_po2(4,1)");
	struct qnn_qkeras_quantizer d = imp_quant_desc(&q);
	unsigned differ = 0, n = 0;

	for (int k = -8; k <= 0; k++) {
		float b = ldexpf(1.41421356f, k);
		float x = b;

		for (int i = 0; i < 20000; i++)
			x = nextafterf(x, 0.0f);
		for (int i = 0; i < 40000; i++, n++) {
			x = nextafterf(x, 2.0f);
			differ += imp_quant_apply(&q, x) != (double)hlsgen_qkeras_quantize(&d, x);
			differ += imp_quant_apply(&q, -x) != (double)hlsgen_qkeras_quantize(&d, -x);
		}
	}
	cr_expect_eq(differ, 0, "%u of %u points differ", differ, 2 * n);
}
