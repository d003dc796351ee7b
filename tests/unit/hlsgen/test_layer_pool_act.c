// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * MaxPool2D (odd sizes drop the trailing row/column, channels stay apart,
 * the result cast), ReLU and linear casts with rounding and saturation,
 * flatten and dropout as identities. Hand-computed.
 */
#include "test_engine_model.h"

static void run1(struct tm *t, const int32_t *in, int32_t *got)
{
	cr_assert_eq(tm_end(t, 0), 0);
	tm_run_codes(t, in, 1, got);
}

Test(layer_pool, odd_size_drops_last_row_and_column)
{
	struct tm t;
	int32_t x[50], got[8];
	/* 5x5x2: channel 0 = i*5 + j, channel 1 = -(i*5 + j); 2x2 pool, stride 2 -> 2x2x2;
	 * row 4 and column 4 (values up to 24) are never read.
	 * ch0 maxima: (0,0) x[1][1] = 6, (0,1) x[1][3] = 8, (1,0) x[3][1] = 16, (1,1) 18
	 * ch1 maxima: (0,0) -0 = 0, (0,1) -x[0][2] = -2, (1,0) -10, (1,1) -12 */
	static const int32_t want[8] = {6, 0, 8, -2, 16, -10, 18, -12};

	for (int i = 0; i < 25; i++) {
		x[2 * i] = i;
		x[2 * i + 1] = -i;
	}
	tm_begin(&t, 5, 5, 2, tm_int(8));
	tm_window(&t, QNN_LAYER_MAXPOOL2D, 2, 2, 0, 0, 0, 0, 2)->result_t = tm_int(8);
	run1(&t, x, got);
	for (int i = 0; i < 8; i++)
		cr_expect_eq(got[i], want[i], "out[%d] = %d, want %d", i, got[i], want[i]);
	tm_free(&t);
}

Test(layer_pool, result_cast_saturates)
{
	struct tm t;
	/* 3x3x1, x = 0..8 times 3; one 3x3 window: max 24 -> ap_fixed<4,4,TRN,SAT> -> 7 */
	int32_t x[9], got[1];

	for (int i = 0; i < 9; i++)
		x[i] = 3 * i;
	tm_begin(&t, 3, 3, 1, tm_int(8));
	tm_window(&t, QNN_LAYER_MAXPOOL2D, 3, 3, 0, 0, 0, 0, 1)->result_t =
	    tm_type(4, 4, 1, QNN_RND_TRN, QNN_OVF_SAT);
	run1(&t, x, got);
	cr_expect_eq(got[0], 7);
	tm_free(&t);
}

/*
 * ReLU from ap_fixed<16,6> (F 10) to ap_fixed<7,1,AP_RND,AP_SAT> (F 6), the
 * published CNN's q_activation: code / 16, ties up, clamp to [-64, 63].
 */
Test(layer_act, relu_rnd_sat)
{
	struct tm t;
	static const int32_t x[8] = {-1536, 512, 502, 504, 1016, 2048, 8, 0};
	/* -1.5 -> 0; 512/16 = 32; 502/16 = 31.375 -> 31; 504/16 = 31.5 -> 32;
	 * 1016/16 = 63.5 -> 64 -> 63; 2048/16 = 128 -> 63; 8/16 = 0.5 -> 1; 0 */
	static const int32_t want[8] = {0, 32, 31, 32, 63, 63, 1, 0};
	int32_t got[8];

	tm_begin(&t, 1, 1, 8, tm_type(16, 6, 1, QNN_RND_TRN, QNN_OVF_WRAP));
	tm_add(&t, QNN_LAYER_RELU, 1, 1, 8)->result_t = tm_type(7, 1, 1, QNN_RND_RND, QNN_OVF_SAT);
	run1(&t, x, got);
	for (int i = 0; i < 8; i++)
		cr_expect_eq(got[i], want[i], "out[%d] = %d, want %d", i, got[i], want[i]);
	tm_free(&t);
}

/* quantized_relu(6) as hls4ml >= 0.7 types it: ap_ufixed<6,0,AP_RND_CONV,AP_SAT> */
Test(layer_act, relu_rnd_conv_unsigned)
{
	struct tm t;
	/* from F 10 to F 6: code / 16, ties to even, clamp [0, 63] */
	static const int32_t x[5] = {8, 24, 40, 1016, -5};
	/* 0.5 -> 0 (even); 1.5 -> 2; 2.5 -> 2; 63.5 -> 64 -> 63; negative -> 0 */
	static const int32_t want[5] = {0, 2, 2, 63, 0};
	int32_t got[5];

	tm_begin(&t, 1, 1, 5, tm_type(16, 6, 1, QNN_RND_TRN, QNN_OVF_WRAP));
	tm_add(&t, QNN_LAYER_RELU, 1, 1, 5)->result_t = tm_type(6, 0, 0, QNN_RND_CONV, QNN_OVF_SAT);
	run1(&t, x, got);
	for (int i = 0; i < 5; i++)
		cr_expect_eq(got[i], want[i], "out[%d] = %d, want %d", i, got[i], want[i]);
	tm_free(&t);
}

Test(layer_act, linear_rnd_wrap)
{
	struct tm t;
	/* ap_fixed<16,6> -> ap_fixed<7,1,AP_RND,AP_WRAP>: code / 16, ties up, wrap 7 bits */
	static const int32_t x[4] = {-8, -24, 1040, -1040};
	/* -0.5 -> 0; -1.5 -> -1; 65 -> 65 - 128 = -63; -65 -> -65 + 128 = 63 */
	static const int32_t want[4] = {0, -1, -63, 63};
	int32_t got[4];

	tm_begin(&t, 1, 1, 4, tm_type(16, 6, 1, QNN_RND_TRN, QNN_OVF_WRAP));
	tm_add(&t, QNN_LAYER_LINEAR, 1, 1, 4)->result_t =
	    tm_type(7, 1, 1, QNN_RND_RND, QNN_OVF_WRAP);
	run1(&t, x, got);
	for (int i = 0; i < 4; i++)
		cr_expect_eq(got[i], want[i], "out[%d] = %d, want %d", i, got[i], want[i]);
	tm_free(&t);
}

/* a cast too wide for the fast loops goes through the general rule */
Test(layer_act, linear_large_shift)
{
	struct tm t;
	/* ap_fixed<32,-8> (F 40) -> ap_fixed<8,8> (F 0): shift 40, floor */
	static const int32_t x[3] = {0x7fffffff, -1, 5};
	/* (2^31 - 1) / 2^40 -> 0; -1 / 2^40 -> -1; 5 / 2^40 -> 0 */
	static const int32_t want[3] = {0, -1, 0};
	int32_t got[3];

	tm_begin(&t, 1, 1, 3, tm_type(32, -8, 1, QNN_RND_TRN, QNN_OVF_WRAP));
	tm_add(&t, QNN_LAYER_LINEAR, 1, 1, 3)->result_t = tm_int(8);
	run1(&t, x, got);
	for (int i = 0; i < 3; i++)
		cr_expect_eq(got[i], want[i]);
	tm_free(&t);
}

Test(layer_act, flatten_and_dropout_pass_codes_and_type)
{
	struct tm t;
	static const int32_t x[4] = {-3, 1, 2, -4};
	int32_t got[4];

	tm_begin(&t, 2, 1, 2, tm_int(4));
	tm_add(&t, QNN_LAYER_FLATTEN, 1, 1, 4);
	tm_add(&t, QNN_LAYER_DROPOUT, 1, 1, 4);
	run1(&t, x, got);
	for (int i = 0; i < 4; i++)
		cr_expect_eq(got[i], x[i]);
	/* the logits type of a model without softmax is the last layer's: input_t here */
	cr_expect_eq(qnn_engine_logits_type(&t.e)->width, 4);
	tm_free(&t);
}
