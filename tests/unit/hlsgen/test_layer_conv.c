// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Conv2D on small hand-computed cases: valid, same, stride 2, channel and
 * tap order, per-product truncation. Every case runs twice: on the scalar
 * reference kernels and on whatever lane path the engine picks.
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

/* integers everywhere: ap_fixed<8,8> in/weights, ap_fixed<16,16> accum/result */
Test(layer_conv, valid_2x2_on_3x3)
{
	struct tm t;
	/* x = 1..9 row-major; w[kh][kw] = [[1,2],[3,4]]; bias 1 */
	static const int32_t x[9] = {1, 2, 3, 4, 5, 6, 7, 8, 9};
	static const int32_t w[4] = {1, 2, 3, 4};
	static const int32_t b[1] = {1};
	/* (0,0): 1*1 + 2*2 + 4*3 + 5*4 + 1 = 38   (0,1): 2 + 6 + 15 + 24 + 1 = 48
	 * (1,0): 4 + 10 + 21 + 32 + 1 = 68       (1,1): 5 + 12 + 24 + 36 + 1 = 78 */
	static const int32_t want[4] = {38, 48, 68, 78};

	tm_begin(&t, 3, 3, 1, tm_int(8));
	tm_window(&t, QNN_LAYER_CONV2D, 2, 1, 0, 0, 0, 0, 1);
	tm_weights(&t, w, b, tm_int(8), tm_int(16), tm_int(16));
	check(&t, x, want, 4);
}

Test(layer_conv, tap_order_is_fh_fw_cin)
{
	struct tm t;
	/* input 1x2x2: pixel 0 = (1, 2), pixel 1 = (3, 4); kernel 1x2, 2 -> 2 channels */
	static const int32_t x[4] = {1, 2, 3, 4};
	/* index ((kh*KW + kw)*CIN + ci)*COUT + co:
	 * kw0 ci0 -> (1, 2), kw0 ci1 -> (3, 4), kw1 ci0 -> (5, 6), kw1 ci1 -> (7, 8) */
	static const int32_t w[8] = {1, 2, 3, 4, 5, 6, 7, 8};
	/* co0 = 1*1 + 2*3 + 3*5 + 4*7 = 50; co1 = 1*2 + 2*4 + 3*6 + 4*8 = 60 */
	static const int32_t want[2] = {50, 60};
	struct qnn_layer_rec *r;

	tm_begin(&t, 1, 2, 2, tm_int(8));
	r = tm_add(&t, QNN_LAYER_CONV2D, 1, 1, 2);
	r->kernel_h = 1;
	r->kernel_w = 2;
	r->stride_h = r->stride_w = 1;
	tm_weights(&t, w, NULL, tm_int(8), tm_int(16), tm_int(16));
	check(&t, x, want, 2);
}

Test(layer_conv, same_padding_stride_2)
{
	struct tm t;
	static const int32_t x[9] = {1, 2, 3, 4, 5, 6, 7, 8, 9};
	static const int32_t w[9] = {1, 1, 1, 1, 1, 1, 1, 1, 1};
	/* 3x3 'same', stride 2: out 2x2, pads 1 on every side (total 2 per axis);
	 * windows start at -1 and 1: sums of the real pixels they cover
	 * (0,0): 1+2+4+5 = 12  (0,1): 2+3+5+6 = 16  (1,0): 4+5+7+8 = 24  (1,1): 5+6+8+9 = 28 */
	static const int32_t want[4] = {12, 16, 24, 28};

	tm_begin(&t, 3, 3, 1, tm_int(8));
	tm_window(&t, QNN_LAYER_CONV2D, 3, 2, 1, 1, 1, 1, 1);
	tm_weights(&t, w, NULL, tm_int(8), tm_int(16), tm_int(16));
	check(&t, x, want, 4);
}

Test(layer_conv, valid_stride_2_on_5x5)
{
	struct tm t;
	int32_t x[25];
	static const int32_t w[9] = {0, 0, 0, 0, 1, 0, 0, 0, -1}; /* centre - bottom right */
	/* x[i][j] = i*5 + j; windows start at rows/cols 0 and 2:
	 * out = x[r+1][c+1] - x[r+2][c+2] = -(5 + 1) = -6 for every window */
	static const int32_t want[4] = {-6, -6, -6, -6};

	for (int i = 0; i < 25; i++)
		x[i] = i;
	tm_begin(&t, 5, 5, 1, tm_int(8));
	tm_window(&t, QNN_LAYER_CONV2D, 3, 2, 0, 0, 0, 0, 1);
	tm_weights(&t, w, NULL, tm_int(8), tm_int(16), tm_int(16));
	check(&t, x, want, 4);
}

/*
 * Per-product truncation: x in ap_fixed<8,4> (F 4), w in ap_fixed<8,4>
 * (F 4), accum ap_fixed<16,12> (F 4): each product (F 8) is floored to
 * F 4 on its own. 1x1 conv over 3 channels.
 */
Test(layer_conv, per_product_floor)
{
	struct tm t;
	struct qnn_fixed_type f84 = tm_type(8, 4, 1, QNN_RND_TRN, QNN_OVF_WRAP);
	struct qnn_fixed_type f1612 = tm_type(16, 12, 1, QNN_RND_TRN, QNN_OVF_WRAP);
	static const int32_t x[3] = {1, 1, 1}; /* 1/16 each */
	/* co0 weights 8 (0.5): each product 8 at F 8 -> floor(8/16) = 0, sum 0
	 *   (a wide accumulator would give floor(24/16) = 1)
	 * co1 weights -8: each product -8 -> floor(-8/16) = -1, sum -3
	 *   (wide: floor(-24/16) = -2) */
	static const int32_t w[6] = {8, -8, 8, -8, 8, -8};
	static const int32_t want[2] = {0, -3};

	tm_begin(&t, 1, 1, 3, f84);
	tm_window(&t, QNN_LAYER_CONV2D, 1, 1, 0, 0, 0, 0, 2);
	tm_weights(&t, w, NULL, f84, f1612, f1612);
	check(&t, x, want, 2);
}

/* the accumulator wraps: ap_fixed<8,8> accum, 100 + 100 = 200 -> -56 */
Test(layer_conv, accumulator_wraps)
{
	struct tm t;
	static const int32_t x[2] = {10, 10};
	static const int32_t w[2] = {10, 10};
	static const int32_t want[1] = {-56}; /* 200 - 256 */

	tm_begin(&t, 1, 1, 2, tm_int(8));
	tm_window(&t, QNN_LAYER_CONV2D, 1, 1, 0, 0, 0, 0, 1);
	tm_weights(&t, w, NULL, tm_int(8), tm_int(8), tm_int(16));
	check(&t, x, want, 1);
}

/* a saturating accumulator saturates after each addition, in tap order */
Test(layer_conv, accumulator_saturates_in_order)
{
	struct tm t;
	struct qnn_fixed_type sat8 = tm_type(8, 8, 1, QNN_RND_TRN, QNN_OVF_SAT);
	static const int32_t x[3] = {10, 10, 10};
	static const int32_t w[3] = {10, 10, -10};
	/* 100 + 100 -> 127 (clamped), + (-100) -> 27; an exact sum would be 100 */
	static const int32_t want[1] = {27};

	tm_begin(&t, 1, 1, 3, tm_int(8));
	tm_window(&t, QNN_LAYER_CONV2D, 1, 1, 0, 0, 0, 0, 1);
	tm_weights(&t, w, NULL, tm_int(8), sat8, tm_int(16));
	check(&t, x, want, 1);
}
