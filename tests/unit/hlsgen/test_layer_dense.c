// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Dense on hand-computed cases, reference kernels and lane paths alike:
 * weight layout [n_in][n_out], bias cast, per-product rounding visibly
 * different from a wide accumulator, the result cast.
 */
#include "test_engine_model.h"
/* white box: which multiply-accumulate path the engine planned */
#include "../../../hlsgen/engine/engine_internal.h"

static unsigned planned_path(const struct tm *t, uint32_t layer)
{
	return qnn_ws_hdr(&t->e)->plan[layer].lane[0].path;
}

static const uint32_t modes[2] = {0, QNN_ENGINE_REFERENCE};

static void check(struct tm *t, const int32_t *in, const int32_t *want, uint32_t n_out)
{
	int32_t got[64];

	for (int k = 0; k < 2; k++) {
		cr_assert_eq(tm_end(t, modes[k]), 0);
		tm_run_codes(t, in, 1, got);
		for (uint32_t i = 0; i < n_out; i++)
			cr_expect_eq(got[i], want[i], "mode %d out[%u] = %d, want %d", k, i, got[i],
				     want[i]);
	}
	tm_free(t);
}

Test(layer_dense, layout_and_bias)
{
	struct tm t;
	static const int32_t x[3] = {1, 2, 3};
	/* w[i][o]: row i holds the weights of input i for outputs 0, 1 */
	static const int32_t w[6] = {1, -1, 2, 0, 3, 5};
	static const int32_t b[2] = {10, -10};
	/* o0 = 1*1 + 2*2 + 3*3 + 10 = 24; o1 = -1 + 0 + 15 - 10 = 4 */
	static const int32_t want[2] = {24, 4};

	tm_begin(&t, 1, 1, 3, tm_int(8));
	tm_add(&t, QNN_LAYER_DENSE, 1, 1, 2);
	tm_weights(&t, w, b, tm_int(8), tm_int(16), tm_int(16));
	check(&t, x, want, 2);
}

/*
 * The published MNIST CNN's dense layer types: input ap_fixed<16,6> (F 10),
 * weights ap_fixed<6,1> (F 5), accum and result ap_fixed<16,6> (F 10): each
 * product (F 15) is floored by 5 bits on its own.
 */
Test(layer_dense, hls4ml_08_types_truncate_each_product)
{
	struct tm t;
	struct qnn_fixed_type f166 = tm_type(16, 6, 1, QNN_RND_TRN, QNN_OVF_WRAP);
	struct qnn_fixed_type f61 = tm_type(6, 1, 1, QNN_RND_TRN, QNN_OVF_WRAP);
	static const int32_t x[4] = {3, 3, 3, 3};
	/* o0: w = 5: 15 per product -> floor(15/32) = 0, sum 0 (wide: floor(60/32) = 1)
	 * o1: w = -5: -15 -> floor(-15/32) = -1, sum -4 (wide: floor(-60/32) = -2)
	 * o2: w = 31: 93 -> 2 (93/32 = 2.9), sum 8, bias 1 (F 5) -> 32 at F 10: 40 */
	static const int32_t w[12] = {5, -5, 31, 5, -5, 31, 5, -5, 31, 5, -5, 31};
	static const int32_t b[3] = {0, 0, 1};
	static const int32_t want[3] = {0, -4, 40};

	tm_begin(&t, 1, 1, 4, f166);
	tm_add(&t, QNN_LAYER_DENSE, 1, 1, 3);
	tm_weights(&t, w, b, f61, f166, f166);
	check(&t, x, want, 3);
}

/* per-product AP_RND (ties up) in the accumulator, then a narrowing result cast */
Test(layer_dense, rounding_accumulator_and_result_cast)
{
	struct tm t;
	struct qnn_fixed_type f84 = tm_type(8, 4, 1, QNN_RND_TRN, QNN_OVF_WRAP);
	struct qnn_fixed_type acc = tm_type(16, 12, 1, QNN_RND_RND, QNN_OVF_WRAP);
	struct qnn_fixed_type res = tm_type(4, 4, 1, QNN_RND_TRN, QNN_OVF_SAT);
	/* two samples: x = (1, 1) and (127, 127), F 4; weights per output 8, -8, 127 */
	static const int32_t x[4] = {1, 1, 127, 127};
	static const int32_t w[6] = {8, -8, 127, 8, -8, 127};
	/* sample 0: o0: 8 at F 8 = 0.5 at F 4 -> RND 1, x2 = 2 -> result floor(2/16) = 0
	 *           o1: -8 -> -0.5 -> RND ties up -> 0, sum 0 -> 0
	 *           o2: 127 -> 7.9375 -> 8, x2 = 16 (1.0) -> 1
	 * sample 1: o0: 1016 -> 63.5 -> 64, x2 = 128 (8.0) -> clamp to 7
	 *           o1: -1016 -> -63.5 -> -63, x2 = -126 (-7.875) -> floor -8
	 *           o2: 16129 -> 1008.06 -> 1008, x2 = 2016 (126.0) -> clamp 7 */
	static const int32_t want[6] = {0, 0, 1, 7, -8, 7};
	int32_t got[6];

	tm_begin(&t, 1, 1, 2, f84);
	tm_add(&t, QNN_LAYER_DENSE, 1, 1, 3);
	tm_weights(&t, w, NULL, f84, acc, res);
	for (int k = 0; k < 2; k++) {
		cr_assert_eq(tm_end(&t, modes[k]), 0);
		tm_run_codes(&t, x, 2, got);
		for (int i = 0; i < 6; i++)
			cr_expect_eq(got[i], want[i], "mode %d out[%d] = %d, want %d", k, i, got[i],
				     want[i]);
	}
	tm_free(&t);
}

/*
 * hls4ml's po2 product (nnet_mult.h weight_exponential): the dense model's
 * q_dense_2 types. Input ap_fixed<3,1> (F 2), weights ±2^e stored exactly in
 * ap_fixed<10,2> (F 8), product_t ap_fixed<14,7> (F 7), accum and result
 * ap_fixed<16,6> (F 10). x * |w| has F 10: three bits are floored off the
 * magnitude, then the sign is applied. x = (0.75, -0.75), codes (3, -3).
 */
Test(layer_dense, po2_product_floors_the_magnitude)
{
	struct tm t;
	struct qnn_fixed_type in = tm_type(3, 1, 1, QNN_RND_TRN, QNN_OVF_WRAP);
	struct qnn_fixed_type wt = tm_type(10, 2, 1, QNN_RND_TRN, QNN_OVF_WRAP);
	struct qnn_fixed_type f166 = tm_type(16, 6, 1, QNN_RND_TRN, QNN_OVF_WRAP);
	static const int32_t x[2] = {3, -3};
	/* w[i][o] codes at F 8: 4 = 2^-6, 1 = 2^-8, 8 = 2^-5 */
	static const int32_t w[8] = {4, -4, 1, -8, 4, -4, -1, 8};
	/*
	 * o0: w = +2^-6, +2^-6: 3*4 = 12 (F 10) -> floor(12/8) = 1 (F 7);
	 *     -12 -> floor(-1.5) = -2; sum -1 (F 7) = -8 (F 10). Exact: 0.
	 * o1: w = -2^-6, -2^-6: -(1) + -(-2) = 1 -> 8. Exact: 0; flooring the
	 *     signed product instead would give -2 + 1 = -1 -> -8.
	 * o2: w = +2^-8, -2^-8: floor(3/8) = 0; -(floor(-3/8)) = 1 -> 8. Exact: 6.
	 * o3: w = -2^-5, +2^-5: 24 -> 3 -> -3; -24 -> -3; sum -6 -> -48 (no loss).
	 */
	static const int32_t want[4] = {-8, 8, 8, -48};

	tm_begin(&t, 1, 1, 2, in);
	tm_add(&t, QNN_LAYER_DENSE, 1, 1, 4);
	tm_weights(&t, w, NULL, wt, f166, f166);
	t.rec[0].product_t = tm_type(14, 7, 1, QNN_RND_TRN, QNN_OVF_WRAP);
	cr_assert_eq(tm_end(&t, 0), 0);
	cr_expect_eq(planned_path(&t, 0), QNN_MAC_GENERIC, "dropped bits: no lane path");
	check(&t, x, want, 4);

	/* without product_t the same layer is exact: 0, 0, 6, -48 */
	{
		static const int32_t exact[4] = {0, 0, 6, -48};

		tm_begin(&t, 1, 1, 2, in);
		tm_add(&t, QNN_LAYER_DENSE, 1, 1, 4);
		tm_weights(&t, w, NULL, wt, f166, f166);
		check(&t, x, exact, 4);
	}
}

/*
 * product_t wraps (AP_WRAP) like hls4ml's r_T, also after the negation:
 * x = 2.5 (ap_fixed<8,4>, code 40), w = ±4 (ap_fixed<5,5>), product_t
 * ap_fixed<6,2> (F 4, range [-2, 2)): 10.0 = code 160 -> low 6 bits 32 ->
 * -32 = -2.0; for w = -4 the magnitude wraps to -32, its negation 32 wraps
 * to -32 again. accum ap_fixed<16,8> (F 8): -2.0 = -512 both times.
 */
Test(layer_dense, po2_product_type_wraps)
{
	struct tm t;
	static const int32_t x[1] = {40};
	static const int32_t w[2] = {4, -4};
	static const int32_t want[2] = {-512, -512};
	struct qnn_fixed_type acc = tm_type(16, 8, 1, QNN_RND_TRN, QNN_OVF_WRAP);

	tm_begin(&t, 1, 1, 1, tm_type(8, 4, 1, QNN_RND_TRN, QNN_OVF_WRAP));
	tm_add(&t, QNN_LAYER_DENSE, 1, 1, 2);
	tm_weights(&t, w, NULL, tm_int(5), acc, acc);
	t.rec[0].product_t = tm_type(6, 2, 1, QNN_RND_TRN, QNN_OVF_WRAP);
	check(&t, x, want, 2);
}

/*
 * A product_t that keeps every product changes nothing, and the fast lane
 * paths stay allowed: 8-bit codes, po2 weights, product_t ap_fixed<40,20>.
 */
Test(layer_dense, po2_wide_product_type_is_exact)
{
	struct tm t;
	struct qnn_fixed_type f84 = tm_type(8, 4, 1, QNN_RND_TRN, QNN_OVF_WRAP);
	struct qnn_fixed_type acc = tm_type(24, 12, 1, QNN_RND_TRN, QNN_OVF_WRAP);
	static const int32_t x[3] = {-128, 127, 5};
	static const int32_t w[6] = {1, -64, 2, 32, -4, 16};
	/* F 4 + F 4 = F 8 products, accum F 12: exact, times 16 */
	static const int32_t want[2] = {(-128 * 1 + 127 * 2 + 5 * -4) * 16,
					(-128 * -64 + 127 * 32 + 5 * 16) * 16};

	tm_begin(&t, 1, 1, 3, f84);
	tm_add(&t, QNN_LAYER_DENSE, 1, 1, 2);
	tm_weights(&t, w, NULL, f84, acc, acc);
	t.rec[0].product_t = tm_type(40, 20, 1, QNN_RND_TRN, QNN_OVF_WRAP);
	cr_assert_eq(tm_end(&t, 0), 0);
	cr_expect_neq(planned_path(&t, 0), QNN_MAC_GENERIC, "an exact product_t keeps the lanes");
	check(&t, x, want, 2);
}
