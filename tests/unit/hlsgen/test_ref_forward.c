// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * test_ref_forward.c - the float reference on small hand-computed models
 * (built with the real writer and parser), in both modes.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hlsgen_import.h"
#include "hlsgen_model_write.h"
#include "hlsgen_ref.h"

static char err[256];

static struct qnn_fixed_type ty(int w, int i, int sgn)
{
	struct qnn_fixed_type t = {(uint8_t)w, (uint8_t)sgn, 0, 0, (int16_t)i, 0};
	return t;
}

static void rec(struct qnn_layer_rec *r, const char *name, int kind, uint32_t ih, uint32_t iw,
		uint32_t ic, uint32_t oh, uint32_t ow, uint32_t oc)
{
	memset(r, 0, sizeof(*r));
	strncpy(r->name, name, QNN_NAME_LEN - 1);
	r->kind = (uint16_t)kind;
	r->in_h = ih;
	r->in_w = iw;
	r->in_c = ic;
	r->out_h = oh;
	r->out_w = ow;
	r->out_c = oc;
	r->reuse_factor = 1;
	if (kind != QNN_LAYER_FLATTEN && kind != QNN_LAYER_DROPOUT)
		r->result_t = ty(16, 6, 1);
}

static void *build(struct hlsgen_layer_desc *L, uint32_t n, uint32_t h, uint32_t w, uint32_t c,
		   struct qnn_model *m)
{
	struct hlsgen_model_desc d = {.name = "t",
				      .in_h = h,
				      .in_w = w,
				      .in_c = c,
				      .input_t = ty(16, 6, 1),
				      .n_layers = n,
				      .layers = L};
	void *buf;
	size_t len;

	cr_assert_eq(hlsgen_model_build(&d, 0, &buf, &len, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(qnn_model_parse(buf, len, m, err, sizeof(err)), 0, "%s", err);
	return buf;
}

/*
 * dense 2 -> 2 with float weights and quantized_bits(4,0) (step 1/8):
 *   w = [[0.3, -0.52], [0.1, 0.77]] -> [[0.25, -0.5], [0.125, 0.75]]
 *   b = [0.05, -0.2]                -> [0, -0.25]
 * then a linear layer with quantized_relu(2,0) (step 1/4, max 3/4).
 * x = [1, 2]: float dense = [0.55, 0.82], QKeras dense = [0.5, 0.75].
 */
Test(ref, dense_float_and_qkeras)
{
	static const float fw[4] = {0.3f, -0.52f, 0.1f, 0.77f}, fb[2] = {0.05f, -0.2f};
	static const int32_t cw[4] = {2, -4, 1, 6}, cb[2] = {0, -2};
	struct qnn_qkeras_quantizer q4 = {QNN_QK_QUANTIZED_BITS, 4, 0, 0, 1, {0}};
	struct qnn_qkeras_quantizer r2 = {QNN_QK_QUANTIZED_RELU, 2, 0, 0, 0, {0}};
	struct hlsgen_layer_desc L[2] = {0};
	struct qnn_model m;
	struct hlsgen_ref r;
	float x[2] = {1, 2}, out[2];
	void *buf;

	rec(&L[0].rec, "d", QNN_LAYER_DENSE, 1, 1, 2, 1, 1, 2);
	L[0].rec.flags = QNN_LF_HAS_BIAS;
	L[0].rec.weight_t = L[0].rec.bias_t = ty(4, 1, 1);
	L[0].rec.accum_t = ty(16, 6, 1);
	L[0].rec.weight_q = L[0].rec.bias_q = q4;
	L[0].weights = cw;
	L[0].n_weights = 4;
	L[0].bias = cb;
	L[0].n_bias = 2;
	L[0].float_weights = fw;
	L[0].float_bias = fb;
	rec(&L[1].rec, "q", QNN_LAYER_LINEAR, 1, 1, 2, 1, 1, 2);
	L[1].rec.result_q = r2;
	buf = build(L, 2, 1, 1, 2, &m);

	cr_assert_eq(hlsgen_ref_init(&r, &m, HLSGEN_REF_FLOAT, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(hlsgen_ref_run(&r, x, 1, out, 1, NULL), 0);
	/* float mode: quantized_relu is a plain relu */
	cr_expect_float_eq(out[0], 0.55f, 1e-6);
	cr_expect_float_eq(out[1], 0.82f, 1e-6);
	hlsgen_ref_free(&r);

	cr_assert_eq(hlsgen_ref_init(&r, &m, HLSGEN_REF_QKERAS, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(hlsgen_ref_run(&r, x, 1, out, 1, NULL), 0);
	cr_expect_eq(out[0], 0.5f);
	cr_expect_eq(out[1], 0.75f);
	x[0] = 4; /* dense = [1.25, -0.25 - 2 + 1.5] -> clipped to 0.75, and 0 */
	cr_assert_eq(hlsgen_ref_run(&r, x, 1, out, 1, NULL), 0);
	cr_expect_eq(out[0], 0.75f);
	cr_expect_eq(out[1], 0.0f);
	hlsgen_ref_free(&r);
	free(buf);
}

struct trace_rec {
	float v[4][16];
};

static void trace(void *ctx, uint64_t sample, uint32_t layer, const float *v, uint32_t count)
{
	struct trace_rec *t = ctx;

	if (layer < 4 && count <= 16)
		memcpy(t->v[layer], v, count * sizeof(float));
}

/*
 * 3x3x1 input 1..9, conv 3x3 'same' (pads 1 each side) with all weights
 * 1.0 from codes (no float copies) and bias -20; relu; maxpool 2x2
 * stride 2 'same' (pad bottom/right 1); softmax.
 *   conv: 12 21 16 / 27 45 33 / 24 39 28, minus 20
 *   relu: 0 1 0 / 7 25 13 / 4 19 8
 *   pool: 25 13 / 19 8
 */
Test(ref, conv_same_relu_pool_softmax_from_codes)
{
	static const int32_t cw[9] = {16, 16, 16, 16, 16, 16, 16, 16, 16}, cb[1] = {-20 * 256};
	static const float want_conv[9] = {-8, 1, -4, 7, 25, 13, 4, 19, 8};
	static const float want_pool[4] = {25, 13, 19, 8};
	struct hlsgen_layer_desc L[4] = {0};
	struct qnn_model m;
	struct hlsgen_ref r;
	struct hlsgen_ref_ws ws;
	struct trace_rec t;
	float x[9], out[4];
	void *buf;

	rec(&L[0].rec, "c", QNN_LAYER_CONV2D, 3, 3, 1, 3, 3, 1);
	L[0].rec.kernel_h = L[0].rec.kernel_w = 3;
	L[0].rec.stride_h = L[0].rec.stride_w = 1;
	L[0].rec.padding = QNN_PAD_SAME;
	L[0].rec.pad_top = L[0].rec.pad_bottom = L[0].rec.pad_left = L[0].rec.pad_right = 1;
	L[0].rec.flags = QNN_LF_HAS_BIAS;
	L[0].rec.weight_t = ty(8, 4, 1);
	L[0].rec.bias_t = ty(16, 8, 1);
	L[0].rec.accum_t = ty(24, 12, 1);
	L[0].rec.result_t = ty(24, 12, 1);
	L[0].rec.weight_q = L[0].rec.bias_q =
	    (struct qnn_qkeras_quantizer){QNN_QK_QUANTIZED_BITS, 8, 3, 0, 1, {0}};
	L[0].weights = cw;
	L[0].n_weights = 9;
	L[0].bias = cb;
	L[0].n_bias = 1;
	rec(&L[1].rec, "c_relu", QNN_LAYER_RELU, 3, 3, 1, 3, 3, 1);
	rec(&L[2].rec, "p", QNN_LAYER_MAXPOOL2D, 3, 3, 1, 2, 2, 1);
	L[2].rec.kernel_h = L[2].rec.kernel_w = 2;
	L[2].rec.stride_h = L[2].rec.stride_w = 2;
	L[2].rec.padding = QNN_PAD_SAME;
	L[2].rec.pad_bottom = L[2].rec.pad_right = 1;
	rec(&L[3].rec, "f", QNN_LAYER_FLATTEN, 2, 2, 1, 1, 1, 4);
	buf = build(L, 4, 3, 3, 1, &m);

	for (int i = 0; i < 9; i++)
		x[i] = (float)(i + 1);
	for (int mode = HLSGEN_REF_FLOAT; mode <= HLSGEN_REF_QKERAS; mode++) {
		cr_assert_eq(hlsgen_ref_init(&r, &m, mode, err, sizeof(err)), 0, "%s", err);
		cr_assert_eq(hlsgen_ref_ws_alloc(&r, &ws), 0);
		hlsgen_ref_forward(&r, &ws, x, out, 0, trace, &t);
		for (int i = 0; i < 9; i++) {
			cr_expect_eq(t.v[0][i], want_conv[i], "conv[%d]", i);
			cr_expect_eq(t.v[1][i], want_conv[i] > 0 ? want_conv[i] : 0, "relu[%d]", i);
		}
		for (int i = 0; i < 4; i++)
			cr_expect_eq(out[i], want_pool[i], "pool[%d]", i);
		hlsgen_ref_ws_free(&ws);
		hlsgen_ref_free(&r);
	}
	free(buf);
}

/* Softmax on a dense output and the multi-threaded batch path. */
Test(ref, softmax_and_threads_agree)
{
	static const int32_t cw[3 * 4] = {8, -8, 0, 4, 0, 8, -4, 2, 1, 1, 1, 1}, cb[4] = {0};
	struct hlsgen_layer_desc L[2] = {0};
	struct qnn_model m;
	struct hlsgen_ref r;
	enum { N = 1000 };
	float *x = malloc(N * 3 * sizeof(float)), *o1 = malloc(N * 4 * sizeof(float)),
	      *o2 = malloc(N * 4 * sizeof(float));
	void *buf;

	rec(&L[0].rec, "d", QNN_LAYER_DENSE, 1, 1, 3, 1, 1, 4);
	L[0].rec.flags = QNN_LF_HAS_BIAS;
	L[0].rec.weight_t = L[0].rec.bias_t = ty(6, 3, 1);
	L[0].rec.accum_t = ty(16, 6, 1);
	L[0].rec.weight_q = L[0].rec.bias_q =
	    (struct qnn_qkeras_quantizer){QNN_QK_QUANTIZED_BITS, 6, 2, 0, 1, {0}};
	L[0].weights = cw;
	L[0].n_weights = 12;
	L[0].bias = cb;
	L[0].n_bias = 4;
	rec(&L[1].rec, "s", QNN_LAYER_SOFTMAX, 1, 1, 4, 1, 1, 4);
	L[1].rec.softmax_impl = QNN_SOFTMAX_ARGMAX;
	buf = build(L, 2, 1, 1, 3, &m);
	for (int i = 0; i < N * 3; i++)
		x[i] = (float)((i * 37 % 101) - 50) / 25.0f;
	cr_assert_eq(hlsgen_ref_init(&r, &m, HLSGEN_REF_QKERAS, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(hlsgen_ref_run(&r, x, N, o1, 1, NULL), 0);
	cr_assert_eq(hlsgen_ref_run(&r, x, N, o2, 4, NULL), 0);
	cr_assert_eq(memcmp(o1, o2, N * 4 * sizeof(float)), 0);
	/* sample 0: x = [-2, -0.52, 0.96]; w = codes / 8 */
	{
		double z[4] = {0}, mx = -1e9, s = 0;

		for (int i = 0; i < 3; i++)
			for (int j = 0; j < 4; j++)
				z[j] += (double)x[i] * cw[i * 4 + j] / 8.0;
		for (int j = 0; j < 4; j++)
			mx = z[j] > mx ? z[j] : mx;
		for (int j = 0; j < 4; j++)
			s += exp(z[j] - mx);
		for (int j = 0; j < 4; j++)
			cr_expect_float_eq(o1[j], (float)(exp(z[j] - mx) / s), 1e-6, "p[%d]", j);
	}
	hlsgen_ref_free(&r);
	free(buf);
	free(x);
	free(o1);
	free(o2);
}

/*
 * On the two real QKeras models: every weight and bias QKeras' quantizer
 * gives from the float copy (QKERAS mode) equals the importer's integer
 * code * 2^-F, i.e. the float path and the engine start from the same
 * numbers (quantized_bits for the CNN, quantized_po2 for the dense model).
 */
static void check_model(const char *shared, const char *name, int n_quantized)
{
	char json[512], h5[512], cfg[512];
	/* the published dense config says io_parallel / Resource: same arithmetic */
	struct hlsgen_import_opts o = {json, h5, cfg, 0, 8, NULL, 1};
	struct qnn_model m;
	struct hlsgen_ref r;
	void *buf;
	size_t len;
	int checked = 0;

	snprintf(json, sizeof(json), "%s/models/%s.json", shared, name);
	snprintf(h5, sizeof(h5), "%s/models/%s_weights.h5", shared, name);
	snprintf(cfg, sizeof(cfg), "%s/models/%s_config.yml", shared, name);
	cr_assert_eq(hlsgen_import_build(&o, &buf, &len, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(qnn_model_parse(buf, len, &m, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(hlsgen_ref_init(&r, &m, HLSGEN_REF_QKERAS, err, sizeof(err)), 0, "%s", err);
	for (uint32_t i = 0; i < m.n_layers; i++) {
		const struct qnn_layer *l = &m.layers[i];
		const struct qnn_layer_rec *rec = l->rec;

		if (!r.w[i] || rec->weight_q.kind == QNN_QK_NONE || !l->float_weights)
			continue;
		for (uint32_t k = 0; k < rec->weights.count; k++)
			cr_assert_eq(r.w[i][k],
				     (float)ldexp(l->weights[k],
						  rec->weight_t.int_bits - rec->weight_t.width),
				     "%s %s weight %u", name, rec->name, k);
		for (uint32_t k = 0; l->float_bias && k < rec->bias.count; k++)
			cr_assert_eq(
			    r.b[i][k],
			    (float)ldexp(l->bias[k], rec->bias_t.int_bits - rec->bias_t.width),
			    "%s %s bias %u", name, rec->name, k);
		checked++;
	}
	cr_expect_eq(checked, n_quantized, "%s: layers with quantized weights", name);
	hlsgen_ref_free(&r);
	free(buf);
}

Test(ref, real_models_quantized_weights_equal_codes)
{
	const char *shared = getenv("QNN_SHARED");

	if (!shared)
		cr_skip_test("QNN_SHARED not set");
	check_model(shared, "qkeras_mnist_cnn", 3);
	check_model(shared, "qkeras_mnist_dense", 2);
}
