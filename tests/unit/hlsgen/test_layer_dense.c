// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Dense on hand-computed cases, reference kernels and lane paths alike:
 * weight layout [n_in][n_out], bias cast, per-product rounding visibly
 * different from a wide accumulator, the result cast.
 */
#include "test_engine_model.h"

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
