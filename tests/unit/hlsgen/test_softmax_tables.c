// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * hlsgen_softmax_tables(): the table contents each hls4ml rule builds, on a
 * 4-bit integer input and 4 entries (2 index bits), derived by hand:
 *
 *   exp_table_t ap_fixed<18,8,AP_RND,AP_SAT>  (F 10, max code 131071)
 *   inv_table_t ap_fixed<18,4,AP_RND,AP_SAT>  (F 14)
 *
 * Index i is the top 2 bits of the indexed type, the rest zero.
 * expf values (single precision): e^4 = 54.598148, e^-4 = 0.01831564,
 * e^-8 = 0.00033546, e^-12 = 0.0000061442.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "hlsgen_softmax_tables.h"

static struct qnn_fixed_type ty(unsigned w, int i, int s, unsigned q, unsigned o)
{
	struct qnn_fixed_type t = {(uint8_t)w, (uint8_t)s, (uint8_t)q, (uint8_t)o, (int16_t)i, 0};
	return t;
}

static void rec_init(struct qnn_layer_rec *r, uint8_t impl, uint8_t rule)
{
	memset(r, 0, sizeof(*r));
	r->kind = QNN_LAYER_SOFTMAX;
	r->in_h = r->in_w = r->out_h = r->out_w = 1;
	r->in_c = r->out_c = 10;
	r->softmax_impl = impl;
	r->softmax_rule = rule;
	r->table_size = 4;
	r->exp_table_t = ty(18, 8, 1, QNN_RND_RND, QNN_OVF_SAT);
	r->inv_table_t = ty(18, 4, 1, QNN_RND_RND, QNN_OVF_SAT);
}

static const struct qnn_fixed_type in4 = {4, 1, QNN_RND_TRN, QNN_OVF_WRAP, 4, 0};

/*
 * 0.8: exp indexed by the input type: i -> 0000, 0100, 1000, 1100 = 0, 4, -8, -4
 *   exp * 1024 rounded: 1024; 55908.504 -> 55909; 0.344 -> 0; 18.755 -> 19
 * inverse indexed by exp_table_t (18 bits): i << 16 = 0, 64.0, -128.0, -64.0
 *   1/0 = +inf -> saturates to 131071; 1/64 * 16384 = 256; -1/128 -> -128;
 *   -1/64 -> -256
 */
Test(softmax_tables, rule_08_stable)
{
	struct qnn_layer_rec r;
	int32_t e[4], v[4];
	static const int32_t we[4] = {1024, 55909, 0, 19};
	static const int32_t wv[4] = {131071, 256, -128, -256};

	rec_init(&r, QNN_SOFTMAX_STABLE, QNN_SMX_RULE_HLS4ML_08);
	cr_assert_eq(hlsgen_softmax_tables(&r, &in4, e, v), 0);
	for (int i = 0; i < 4; i++) {
		cr_expect_eq(e[i], we[i], "exp[%d] = %d, want %d", i, e[i], we[i]);
		cr_expect_eq(v[i], wv[i], "inv[%d] = %d, want %d", i, v[i], wv[i]);
	}
}

/* latency builds the same tables as stable under 0.8 (both index the input type) */
Test(softmax_tables, rule_08_latency_same_tables)
{
	struct qnn_layer_rec r;
	int32_t e[4], v[4];
	static const int32_t we[4] = {1024, 55909, 0, 19};

	rec_init(&r, QNN_SOFTMAX_LATENCY, QNN_SMX_RULE_HLS4ML_08);
	cr_assert_eq(hlsgen_softmax_tables(&r, &in4, e, v), 0);
	for (int i = 0; i < 4; i++)
		cr_expect_eq(e[i], we[i]);
}

/*
 * 1.2 stable: indexed by inp_norm_t = ap_ufixed<4,4>: i -> 0, 4, 8, 12, and the
 * table holds exp(-v): 1024, 19, 0 (0.34), 0 (0.0063).
 * Inverse as 0.8, but 1/0 becomes 1/FLT_MIN = 2^126: saturates the same.
 */
Test(softmax_tables, rule_12_stable_negated)
{
	struct qnn_layer_rec r;
	int32_t e[4], v[4];
	static const int32_t we[4] = {1024, 19, 0, 0};
	static const int32_t wv[4] = {131071, 256, -128, -256};

	rec_init(&r, QNN_SOFTMAX_STABLE, QNN_SMX_RULE_HLS4ML_12);
	cr_assert_eq(hlsgen_softmax_tables(&r, &in4, e, v), 0);
	for (int i = 0; i < 4; i++) {
		cr_expect_eq(e[i], we[i], "exp[%d] = %d, want %d", i, e[i], we[i]);
		cr_expect_eq(v[i], wv[i], "inv[%d] = %d, want %d", i, v[i], wv[i]);
	}
}

/* 1.2 with an explicit inv_inp_t ap_ufixed<8,8>: i << 6 = 0, 64, 128, 192 */
Test(softmax_tables, rule_12_explicit_inv_inp)
{
	struct qnn_layer_rec r;
	int32_t e[4], v[4];
	/* 1/64 * 16384 = 256; 1/128 -> 128; 1/192 = 0.0052083 * 16384 = 85.33 -> 85 */
	static const int32_t wv[4] = {131071, 256, 128, 85};

	rec_init(&r, QNN_SOFTMAX_LATENCY, QNN_SMX_RULE_HLS4ML_12);
	r.inv_inp_t = ty(8, 8, 0, QNN_RND_TRN, QNN_OVF_WRAP);
	cr_assert_eq(hlsgen_softmax_tables(&r, &in4, e, v), 0);
	for (int i = 0; i < 4; i++)
		cr_expect_eq(v[i], wv[i], "inv[%d] = %d, want %d", i, v[i], wv[i]);
}

/* under AP_WRAP, 1/0 = +inf keeps no bit: 0 */
Test(softmax_tables, inverse_of_zero_wraps_to_zero)
{
	struct qnn_layer_rec r;
	int32_t e[4], v[4];

	rec_init(&r, QNN_SOFTMAX_STABLE, QNN_SMX_RULE_HLS4ML_08);
	r.inv_table_t = ty(18, 4, 1, QNN_RND_TRN, QNN_OVF_WRAP);
	cr_assert_eq(hlsgen_softmax_tables(&r, &in4, e, v), 0);
	cr_expect_eq(v[0], 0);
	cr_expect_eq(v[1], 256);
}

Test(softmax_tables, argmax_has_no_tables_and_bad_sizes_fail)
{
	struct qnn_layer_rec r;
	int32_t e[4] = {7, 7, 7, 7}, v[4];

	rec_init(&r, QNN_SOFTMAX_ARGMAX, QNN_SMX_RULE_HLS4ML_08);
	cr_expect_eq(hlsgen_softmax_tables(&r, &in4, e, v), 0);
	cr_expect_eq(e[0], 7); /* untouched */
	rec_init(&r, QNN_SOFTMAX_STABLE, QNN_SMX_RULE_HLS4ML_08);
	r.table_size = 6;
	cr_expect_lt(hlsgen_softmax_tables(&r, &in4, e, v), 0);
	r.table_size = 32; /* 5 index bits of a 4-bit input: undefined in hls4ml */
	cr_expect_lt(hlsgen_softmax_tables(&r, &in4, e, v), 0);
}
