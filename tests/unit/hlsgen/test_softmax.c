// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Softmax 'stable', 'latency' and 'argmax' under both hls4ml table rules,
 * on 4-bit integer inputs and 4-entry tables (2 index bits) whose contents
 * are chosen by hand, so each expected output follows from which entries
 * the rule must pick. Tables are not realistic here on purpose: the test is
 * about indexing, the sum tree and the casts (test_softmax_tables.c checks
 * the contents).
 */
#include "test_engine_model.h"

/* input ap_fixed<4,4>: codes are the integer values -8..7 */
#define IN_T tm_int(4)

static const int32_t exp_tab[4] = {16, 200, 4, 8};
static const int32_t inv_tab[4] = {40, 30, 20, 10};

static struct qnn_layer_rec *smx(struct tm *t, uint8_t impl, uint8_t rule, uint32_t n)
{
	struct qnn_layer_rec *r;

	tm_begin(t, 1, 1, n, IN_T);
	r = tm_add(t, QNN_LAYER_SOFTMAX, 1, 1, n);
	r->softmax_impl = impl;
	r->softmax_rule = rule;
	if (impl != QNN_SOFTMAX_ARGMAX) {
		r->table_size = 4;
		/* ap_ufixed<8,4> (F 4) exp, ap_ufixed<8,2> (F 6) inverse */
		r->exp_table_t = tm_type(8, 4, 0, QNN_RND_TRN, QNN_OVF_WRAP);
		r->inv_table_t = tm_type(8, 2, 0, QNN_RND_TRN, QNN_OVF_WRAP);
		t->m.layers[0].exp_table = exp_tab;
		t->m.layers[0].inv_table = inv_tab;
	}
	/* ap_ufixed<8,0,TRN,SAT>: F 8 */
	r->result_t = tm_type(8, 0, 0, QNN_RND_TRN, QNN_OVF_SAT);
	return r;
}

static void expect(struct tm *t, const int32_t *x, const int32_t *want, uint32_t n)
{
	int32_t got[8];

	cr_assert_eq(tm_end(t, 0), 0);
	tm_run_codes(t, x, 1, got);
	for (uint32_t i = 0; i < n; i++)
		cr_expect_eq(got[i], want[i], "out[%u] = %d, want %d", i, got[i], want[i]);
	tm_free(t);
}

/*
 * hls4ml 0.8 stable: d = x - max as ap_fixed<4,4,RND,SAT>, index = top 2 bits
 * of d's 4-bit pattern. x = (3, 2, -1): d = (0, -1, -4) = 0000, 1111, 1100
 * -> indices 0, 3, 3 -> e = (16, 8, 8); sum 32 (exp_table_t) -> top 2 bits of
 * 00100000 = 0 -> inv 40; out = e * 40 at F 10 -> F 8: 160, 80, 80.
 */
Test(softmax, stable_08)
{
	struct tm t;
	static const int32_t x[3] = {3, 2, -1};
	static const int32_t want[3] = {160, 80, 80};

	smx(&t, QNN_SOFTMAX_STABLE, QNN_SMX_RULE_HLS4ML_08, 3);
	expect(&t, x, want, 3);
}

/*
 * 0.8 latency: index = top 2 bits of x itself: 3 = 0011 -> 0, 2 -> 0,
 * -1 = 1111 -> 3: e = (16, 16, 8), sum 40 -> index 0 -> inv 40:
 * out = 160, 160, 80.
 */
Test(softmax, latency_08)
{
	struct tm t;
	static const int32_t x[3] = {3, 2, -1};
	static const int32_t want[3] = {160, 160, 80};

	smx(&t, QNN_SOFTMAX_LATENCY, QNN_SMX_RULE_HLS4ML_08, 3);
	expect(&t, x, want, 3);
}

/*
 * hls4ml 1.2 stable: d = max - x as inp_norm_t (default ap_ufixed<4,4>):
 * (0, 1, 4) = 0000, 0001, 0100 -> indices 0, 0, 1 -> e = (16, 16, 200) in
 * accum_t (default ap_ufixed<8+2, 4+2>: same codes); sum 232 -> inv_inp_t
 * (default exp_table_t) 232 = 11101000 -> index 3 -> inv 10:
 * out = e * 10 >> 2: 40, 40, 500 -> saturates to 255.
 */
Test(softmax, stable_12)
{
	struct tm t;
	static const int32_t x[3] = {3, 2, -1};
	static const int32_t want[3] = {40, 40, 255};

	smx(&t, QNN_SOFTMAX_STABLE, QNN_SMX_RULE_HLS4ML_12, 3);
	expect(&t, x, want, 3);
}

/*
 * 1.2 with explicit inp_norm_t / inv_inp_t / accum_t: inp_norm_t
 * ap_ufixed<4,3> (F 1): d = (0, 1, 4) -> codes 0, 2, 8 = 0000, 0010, 1000
 * -> indices 0, 0, 2 -> e = (16, 16, 4); accum_t ap_ufixed<12,8> (F 4);
 * sum 36 -> inv_inp_t ap_ufixed<8,8> (F 0): floor(36/16) = 2 = 00000010
 * -> index 0 -> inv 40: out = e * 40 >> 2 = 160, 160, 40.
 */
Test(softmax, stable_12_explicit_types)
{
	struct tm t;
	static const int32_t x[3] = {3, 2, -1};
	static const int32_t want[3] = {160, 160, 40};
	struct qnn_layer_rec *r = smx(&t, QNN_SOFTMAX_STABLE, QNN_SMX_RULE_HLS4ML_12, 3);

	r->inp_norm_t = tm_type(4, 3, 0, QNN_RND_TRN, QNN_OVF_WRAP);
	r->accum_t = tm_type(12, 8, 0, QNN_RND_TRN, QNN_OVF_WRAP);
	r->inv_inp_t = tm_type(8, 8, 0, QNN_RND_TRN, QNN_OVF_WRAP);
	expect(&t, x, want, 3);
}

/* 1.2 latency: as 0.8 latency, the sum 40 -> inv_inp_t index 0 -> 160, 160, 80 */
Test(softmax, latency_12)
{
	struct tm t;
	static const int32_t x[3] = {3, 2, -1};
	static const int32_t want[3] = {160, 160, 80};

	smx(&t, QNN_SOFTMAX_LATENCY, QNN_SMX_RULE_HLS4ML_12, 3);
	expect(&t, x, want, 3);
}

/*
 * The exp sum is hls4ml's reduce tree ((e0 + e1) + (e2 + e3) for n = 4), each
 * addition saturating in a signed exp_table_t ap_fixed<8,4,TRN,SAT>:
 * e = (100, 100, 100, -100) -> (127) + (0) = 127 = 01111111 -> index 1.
 * A left-to-right sum would give 27 -> index 0. Latency rule, x picks the
 * entries: 0 -> 0000 (0), 4 -> 0100 (1), -8 -> 1000 (2), -4 -> 1100 (3).
 * Result ap_fixed<16,6> (F 10) keeps the product e * inv exactly (F 4 + 6).
 */
Test(softmax, sum_tree_saturates_per_addition)
{
	struct tm t;
	static const int32_t tab[4] = {100, 100, 100, -100};
	static const int32_t x[4] = {0, 4, -8, -4};
	/* inv_tab[1] = 30: 100 * 30 = 3000, -100 * 30 = -3000 */
	static const int32_t want[4] = {3000, 3000, 3000, -3000};
	struct qnn_layer_rec *r = smx(&t, QNN_SOFTMAX_LATENCY, QNN_SMX_RULE_HLS4ML_08, 4);

	r->exp_table_t = tm_type(8, 4, 1, QNN_RND_TRN, QNN_OVF_SAT);
	r->result_t = tm_type(16, 6, 1, QNN_RND_TRN, QNN_OVF_WRAP);
	t.m.layers[0].exp_table = tab;
	expect(&t, x, want, 4);
}

/* argmax: one-hot of the first maximum; 1.0 in ap_fixed<16,6> is 1024 */
Test(softmax, argmax_first_max_wins)
{
	struct tm t;
	static const int32_t x[4] = {1, 5, 5, 2};
	static const int32_t want[4] = {0, 1024, 0, 0};
	struct qnn_layer_rec *r = smx(&t, QNN_SOFTMAX_ARGMAX, QNN_SMX_RULE_HLS4ML_08, 4);

	r->result_t = tm_type(16, 6, 1, QNN_RND_TRN, QNN_OVF_WRAP);
	expect(&t, x, want, 4);
}

/* argmax into a type that cannot hold 1.0: ap_ufixed<8,0,TRN,SAT> -> 255 */
Test(softmax, argmax_one_saturates)
{
	struct tm t;
	static const int32_t x[2] = {-3, -4};
	static const int32_t want[2] = {255, 0};

	smx(&t, QNN_SOFTMAX_ARGMAX, QNN_SMX_RULE_HLS4ML_08, 2);
	expect(&t, x, want, 2);
}

/* undefined in hls4ml: more index bits than the indexed type has */
Test(softmax, rejects_index_wider_than_type)
{
	struct tm t;
	struct qnn_layer_rec *r = smx(&t, QNN_SOFTMAX_STABLE, QNN_SMX_RULE_HLS4ML_08, 3);

	r->table_size = 32; /* 5 bits of a 4-bit input */
	cr_expect_eq(tm_end(&t, 0), -22);
	r->table_size = 3; /* not a power of two */
	cr_expect_eq(tm_end(&t, 0), -22);
	tm_free(&t);
}
