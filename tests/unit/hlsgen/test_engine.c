// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The engine API end to end on small models: float input through input_t
 * (TRN/WRAP by default), NaN/Inf counting, the AXI float output, classes
 * with the lowest-index tie rule, logits before a final softmax, the trace
 * hook, batches, and argument errors. Expected values derived by hand.
 */
#include "test_engine_model.h"

/* ap_fixed<8,4>: F 4; a dense 2 -> 3 with identity-like integer weights */
static void model_dense(struct tm *t, int with_softmax)
{
	static const int32_t w[6] = {1, 0, 1, 0, 1, 1}; /* o0 = x0, o1 = x1, o2 = x0 + x1 */
	static const int32_t exp_tab[4] = {16, 16, 16, 16};
	static const int32_t inv_tab[4] = {8, 8, 8, 8};
	struct qnn_fixed_type f84 = tm_type(8, 4, 1, QNN_RND_TRN, QNN_OVF_WRAP);
	struct qnn_fixed_type one = tm_type(8, 8, 1, QNN_RND_TRN, QNN_OVF_WRAP);

	tm_begin(t, 1, 1, 2, f84);
	tm_add(t, QNN_LAYER_DENSE, 1, 1, 3);
	/* weights are integers (F 0): products keep F 4 */
	tm_weights(t, w, NULL, one, tm_type(16, 12, 1, QNN_RND_TRN, QNN_OVF_WRAP), f84);
	if (with_softmax) {
		struct qnn_layer_rec *r = tm_add(t, QNN_LAYER_SOFTMAX, 1, 1, 3);

		r->softmax_impl = QNN_SOFTMAX_LATENCY;
		r->table_size = 4;
		r->exp_table_t = tm_type(8, 4, 0, QNN_RND_TRN, QNN_OVF_WRAP);
		r->inv_table_t = tm_type(8, 4, 0, QNN_RND_TRN, QNN_OVF_WRAP);
		r->result_t = tm_type(16, 6, 1, QNN_RND_TRN, QNN_OVF_WRAP);
		t->m.layers[1].exp_table = exp_tab;
		t->m.layers[1].inv_table = inv_tab;
	}
}

Test(engine, float_input_values_classes)
{
	struct tm t;
	/* sample 0: 0.5f (0x3f000000) -> 8, -0.3f (0xbe99999a) -> floor(-4.8) = -5
	 * sample 1: 1.0f -> 16, 1.0f -> 16: o = (16, 16, 32 -> wraps in ap_fixed<8,4>? no:
	 *           32 fits 8 bits) */
	static const uint32_t in[4] = {0x3f000000u, 0xbe99999au, 0x3f800000u, 0x3f800000u};
	int32_t codes[6];
	uint32_t values[6];
	uint16_t classes[2];
	struct qnn_engine_out o = {.codes = codes, .values = values, .classes = classes};

	model_dense(&t, 0);
	cr_assert_eq(tm_end(&t, 0), 0);
	cr_assert_eq(qnn_engine_run(&t.e, QNN_INPUT_F32, in, 2, &o, NULL, NULL), 0);
	/* sample 0: (8, -5, 3); values 0.5, -0.3125, 0.1875 */
	cr_expect_eq(codes[0], 8);
	cr_expect_eq(codes[1], -5);
	cr_expect_eq(codes[2], 3);
	cr_expect_eq(values[0], 0x3f000000u); /* 0.5 */
	cr_expect_eq(values[1], 0xbea00000u); /* -0.3125 */
	cr_expect_eq(values[2], 0x3e400000u); /* 0.1875 */
	cr_expect_eq(classes[0], 0);
	/* sample 1: (16, 16, 32): class 2 */
	cr_expect_eq(codes[5], 32);
	cr_expect_eq(classes[1], 2);
	cr_expect_eq(o.nonfinite, 0);
	tm_free(&t);
}

Test(engine, ties_go_to_the_lowest_index)
{
	struct tm t;
	/* x = (1.0, 0): o = (16, 0, 16): tie between 0 and 2 */
	static const uint32_t in[2] = {0x3f800000u, 0};
	uint16_t cls = 99;
	struct qnn_engine_out o = {.classes = &cls};

	model_dense(&t, 0);
	cr_assert_eq(tm_end(&t, 0), 0);
	cr_assert_eq(qnn_engine_run(&t.e, QNN_INPUT_F32, in, 1, &o, NULL, NULL), 0);
	cr_expect_eq(cls, 0);
	tm_free(&t);
}

Test(engine, nan_and_inf_inputs_are_counted)
{
	struct tm t;
	/* NaN -> 0, +inf under WRAP -> 0: both counted; outputs (0, 0, 0) */
	static const uint32_t in[2] = {0x7fc00000u, 0x7f800000u};
	int32_t codes[3] = {9, 9, 9};
	struct qnn_engine_out o = {.codes = codes};

	model_dense(&t, 0);
	cr_assert_eq(tm_end(&t, 0), 0);
	cr_assert_eq(qnn_engine_run(&t.e, QNN_INPUT_F32, in, 1, &o, NULL, NULL), 0);
	cr_expect_eq(o.nonfinite, 2);
	cr_expect_eq(codes[0], 0);
	cr_expect_eq(codes[1], 0);
	cr_expect_eq(codes[2], 0);
	tm_free(&t);
}

struct trace_log {
	uint32_t calls;
	uint32_t last_sample, last_layer, last_count;
	int32_t dense_out[3];
};

static void trace_cb(void *ctx, uint32_t sample, uint32_t layer, const int32_t *codes,
		     uint32_t count)
{
	struct trace_log *l = ctx;

	l->calls++;
	l->last_sample = sample;
	l->last_layer = layer;
	l->last_count = count;
	if (layer == 0 && sample == 0)
		memcpy(l->dense_out, codes, sizeof(l->dense_out));
}

/*
 * Softmax at the end: logits are the dense codes; the latency softmax with
 * flat tables gives e = 16 (1.0) each, sum 48 (3.0) = 00110000 -> index 0,
 * inv = 8 (0.5): out = 16 * 8 = 128 at F 8 -> ap_fixed<16,6> F 10: 512 (0.5).
 */
Test(engine, logits_and_trace)
{
	struct tm t;
	static const int32_t in[2] = {8, -5};
	int32_t codes[3], logits[3];
	struct qnn_engine_out o = {.codes = codes, .logits = logits};
	struct trace_log log = {0};

	model_dense(&t, 1);
	cr_assert_eq(tm_end(&t, 0), 0);
	cr_expect_eq(qnn_engine_logits_type(&t.e)->width, 8);
	cr_assert_eq(qnn_engine_run(&t.e, QNN_INPUT_CODES, in, 1, &o, trace_cb, &log), 0);
	cr_expect_eq(logits[0], 8);
	cr_expect_eq(logits[1], -5);
	cr_expect_eq(logits[2], 3);
	cr_expect_eq(codes[0], 512);
	cr_expect_eq(codes[1], 512);
	cr_expect_eq(codes[2], 512);
	cr_expect_eq(log.calls, 2);
	cr_expect_eq(log.last_layer, 1);
	cr_expect_eq(log.last_count, 3);
	cr_expect_eq(log.dense_out[2], 3);
	tm_free(&t);
}

Test(engine, input_codes_are_reduced_to_input_t)
{
	struct tm t;
	/* 200 is not an ap_fixed<8,4> code: it wraps to 200 - 256 = -56 */
	static const int32_t in[2] = {200, 0};
	int32_t codes[3];
	struct qnn_engine_out o = {.codes = codes};

	model_dense(&t, 0);
	cr_assert_eq(tm_end(&t, 0), 0);
	cr_assert_eq(qnn_engine_run(&t.e, QNN_INPUT_CODES, in, 1, &o, NULL, NULL), 0);
	cr_expect_eq(codes[0], -56);
	tm_free(&t);
}

Test(engine, argument_errors)
{
	struct tm t;
	struct qnn_engine bad = {0};
	size_t n;
	char small[64];

	model_dense(&t, 0);
	cr_assert_eq(tm_end(&t, 0), 0);
	n = qnn_engine_workspace_size(&t.m);
	cr_expect_gt(n, 0);
	cr_expect_eq(qnn_engine_init(&bad, &t.m, small, sizeof(small)), -22);
	cr_expect_eq(qnn_engine_init(&bad, NULL, t.ws, n), -22);
	cr_expect_eq(qnn_engine_run(&bad, QNN_INPUT_F32, small, 1, NULL, NULL, NULL), -22);
	cr_expect_eq(qnn_engine_run(&t.e, (enum qnn_input_kind)7, small, 1, NULL, NULL, NULL), -22);
	cr_expect_eq(qnn_engine_run(&t.e, QNN_INPUT_F32, NULL, 1, NULL, NULL, NULL), -22);
	cr_expect_eq(qnn_engine_run(&t.e, QNN_INPUT_F32, NULL, 0, NULL, NULL, NULL), 0);
	cr_expect_eq(qnn_engine_workspace_size(NULL), 0);
	/* shapes that do not chain */
	t.rec[0].in_c = 3;
	cr_expect_eq(qnn_engine_init(&bad, &t.m, t.ws, n), -22);
	tm_free(&t);
}
