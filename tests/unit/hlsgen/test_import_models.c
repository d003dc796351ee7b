// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * test_import_models.c - `hlsgen import` on the two real QKeras models in
 * ../shared/models, with and without their published hls4ml configs, under
 * the 0.8 and 1.3 precision rules. Expected types are derived by hand from
 * the hls4ml sources (see hlsgen/import/README.md); weight codes are checked
 * against the HDF5 floats (values read with h5dump) and, for every weight,
 * against an independent quantized_bits(6,0) = clip(rne(32x), -32, 31).
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hlsgen_import.h"
#include "qnn_engine.h"
#include "qnn_model.h"

static char path_json[512], path_h5[512], path_cfg[512];
static void *buf;
static size_t len;
static struct qnn_model *model;
static char err[512];

static const char *shared(void)
{
	const char *s = getenv("QNN_SHARED");

	return s ? s : "../shared";
}

static void paths(const char *name)
{
	snprintf(path_json, sizeof(path_json), "%s/models/qkeras_mnist_%s.json", shared(), name);
	snprintf(path_h5, sizeof(path_h5), "%s/models/qkeras_mnist_%s_weights.h5", shared(), name);
	snprintf(path_cfg, sizeof(path_cfg), "%s/models/qkeras_mnist_%s_config.yml", shared(),
		 name);
}

static int import(const char *name, bool with_config, int major, int minor)
{
	struct hlsgen_import_opts o = {0};
	int rc;

	paths(name);
	o.json_path = path_json;
	o.h5_path = path_h5;
	o.config_path = with_config ? path_cfg : NULL;
	/* the published dense config says io_parallel / Resource (test_import_config.c) */
	o.allow_unmodelled = !strcmp(name, "dense");
	o.hls4ml_major = major;
	o.hls4ml_minor = minor;
	free(buf);
	buf = NULL;
	rc = hlsgen_import_build(&o, &buf, &len, err, sizeof(err));
	if (rc)
		return rc;
	if (!model)
		model = malloc(sizeof(*model));
	return qnn_model_parse(buf, len, model, err, sizeof(err));
}

static void fini(void)
{
	free(buf);
	free(model);
	buf = NULL;
	model = NULL;
}

TestSuite(import_models, .fini = fini);

static const struct qnn_layer_rec *layer(const char *name)
{
	for (uint32_t i = 0; i < model->n_layers; i++)
		if (!strcmp(model->layers[i].rec->name, name))
			return model->layers[i].rec;
	return NULL;
}

static const struct qnn_layer *layer_view(const char *name)
{
	for (uint32_t i = 0; i < model->n_layers; i++)
		if (!strcmp(model->layers[i].rec->name, name))
			return &model->layers[i];
	return NULL;
}

/* width, int_bits, signed, rounding, overflow */
static void expect_type(const struct qnn_fixed_type *t, int w, int i, int s, int q, int o,
			const char *what)
{
	cr_expect(t->width == w && t->int_bits == i && t->is_signed == s && t->rounding == q &&
		      t->overflow == o,
		  "%s: got <%u,%d> signed %u Q %u O %u, want <%d,%d> signed %d Q %d O %d", what,
		  t->width, t->int_bits, t->is_signed, t->rounding, t->overflow, w, i, s, q, o);
}

#define FIX16_6(t, what) expect_type((t), 16, 6, 1, QNN_RND_TRN, QNN_OVF_WRAP, what)
#define FIX6_1(t, what)	 expect_type((t), 6, 1, 1, QNN_RND_TRN, QNN_OVF_WRAP, what)

static void expect_cnn_structure(void)
{
	static const char *const names[] = {"q_conv2d",	      "q_conv2d_relu",	 "q_activation",
					    "max_pooling2d",  "q_conv2d_1",	 "q_conv2d_1_relu",
					    "q_activation_1", "max_pooling2d_1", "flatten",
					    "dropout",	      "q_dense",	 "softmax"};
	static const int kinds[] = {QNN_LAYER_CONV2D,	 QNN_LAYER_RELU,      QNN_LAYER_RELU,
				    QNN_LAYER_MAXPOOL2D, QNN_LAYER_CONV2D,    QNN_LAYER_RELU,
				    QNN_LAYER_RELU,	 QNN_LAYER_MAXPOOL2D, QNN_LAYER_FLATTEN,
				    QNN_LAYER_DROPOUT,	 QNN_LAYER_DENSE,     QNN_LAYER_SOFTMAX};

	cr_assert_eq(model->n_layers, 12, "12 layers (q_dense_linear removed), got %u",
		     model->n_layers);
	for (int i = 0; i < 12; i++) {
		cr_expect_str_eq(model->layers[i].rec->name, names[i]);
		cr_expect_eq(model->layers[i].rec->kind, kinds[i], "%s", names[i]);
	}
	cr_expect_eq(model->n_in, 784);
	cr_expect_eq(model->n_out, 10);
	cr_expect_eq(layer("q_conv2d")->out_h, 26);
	cr_expect_eq(layer("max_pooling2d")->out_h, 13);
	cr_expect_eq(layer("max_pooling2d_1")->out_h, 5, "11 -> 5: odd row dropped");
	cr_expect_eq(layer("flatten")->out_c, 400);
	FIX16_6(&model->hdr->input_t, "input_t");
	FIX6_1(&layer("q_conv2d")->weight_t, "q_conv2d weight");
	FIX6_1(&layer("q_conv2d")->bias_t, "q_conv2d bias");
	FIX6_1(&layer("q_dense")->weight_t, "q_dense weight");
	cr_expect_eq(layer("q_activation")->result_q.kind, QNN_QK_QUANTIZED_RELU);
	cr_expect_eq(layer("q_activation")->result_q.bits, 6);
	cr_expect_eq(layer("q_conv2d")->weight_q.kind, QNN_QK_QUANTIZED_BITS);
	cr_expect_eq(layer("q_conv2d")->weight_q.bits, 6);
	cr_expect_eq(layer("q_conv2d")->weight_q.keep_negative, 1);
}

Test(import_models, cnn_published_config_hls4ml_08)
{
	cr_assert_eq(import("cnn", true, 0, 8), 0, "%s", err);
	expect_cnn_structure();
	/* everything the config leaves open: the model default ap_fixed<16,6> */
	FIX16_6(&layer("q_conv2d")->accum_t, "q_conv2d accum");
	FIX16_6(&layer("q_conv2d")->result_t, "q_conv2d result");
	FIX16_6(&layer("q_conv2d_relu")->result_t, "q_conv2d_relu (split activation)");
	expect_type(&layer("q_activation")->result_t, 7, 1, 1, QNN_RND_RND, QNN_OVF_SAT,
		    "q_activation: config wins");
	FIX16_6(&layer("max_pooling2d")->result_t, "max_pooling2d");
	FIX16_6(&layer("q_dense")->accum_t, "q_dense accum");
	FIX16_6(&layer("q_dense")->result_t, "q_dense result");
	const struct qnn_layer_rec *s = layer("softmax");
	FIX16_6(&s->result_t, "softmax result");
	cr_expect_eq(s->softmax_impl, QNN_SOFTMAX_STABLE);
	cr_expect_eq(s->softmax_rule, QNN_SMX_RULE_HLS4ML_08);
	cr_expect_eq(s->table_size, 1024);
	expect_type(&s->exp_table_t, 18, 12, 1, QNN_RND_RND, QNN_OVF_SAT, "exp_table_t");
	expect_type(&s->inv_table_t, 18, 4, 1, QNN_RND_RND, QNN_OVF_SAT, "inv_table_t");
	cr_expect_eq(layer("q_conv2d")->reuse_factor, 1);
	cr_expect_eq(layer("q_conv2d_relu")->reuse_factor, 16, "model ReuseFactor");
	cr_expect_eq(model->hdr->hls4ml_major, 0);
	cr_expect_eq(model->hdr->hls4ml_minor, 8);
}

Test(import_models, cnn_published_config_hls4ml_13)
{
	cr_assert_eq(import("cnn", true, 1, 3), 0, "%s", err);
	expect_cnn_structure();
	/* a config's missing entries are the default in 1.x too (not 'auto') */
	FIX16_6(&layer("q_conv2d")->accum_t, "q_conv2d accum");
	expect_type(&layer("q_activation_1")->result_t, 7, 1, 1, QNN_RND_RND, QNN_OVF_SAT,
		    "q_activation_1");
	cr_expect_eq(layer("softmax")->softmax_rule, QNN_SMX_RULE_HLS4ML_12);
	/* the three types of issue 16, for the published config: input
	 * ap_fixed<16,6> -> inp_norm_t ap_ufixed<15,5>; inv_inp_t the attribute
	 * default even though exp_table_t is ap_fixed<18,12,...>; accum_t the
	 * layer's Precision string ap_fixed<16,6> */
	expect_type(&layer("softmax")->inp_norm_t, 15, 5, 0, 0, 0, "inp_norm_t");
	expect_type(&layer("softmax")->inv_inp_t, 18, 8, 1, QNN_RND_RND, QNN_OVF_SAT, "inv_inp_t");
	expect_type(&layer("softmax")->exp_table_t, 18, 12, 1, QNN_RND_RND, QNN_OVF_SAT,
		    "exp_table_t from the config");
	FIX16_6(&layer("softmax")->accum_t, "softmax accum_t");
}

Test(import_models, cnn_no_config_hls4ml_08)
{
	cr_assert_eq(import("cnn", false, 0, 8), 0, "%s", err);
	expect_cnn_structure();
	FIX16_6(&layer("q_conv2d")->accum_t, "q_conv2d accum");
	FIX16_6(&layer("max_pooling2d")->result_t, "pool");
	/* quantized_relu(6) -> ap_ufixed<6,0,AP_RND_CONV,AP_SAT> (hls4ml >= 0.7) */
	expect_type(&layer("q_activation")->result_t, 6, 0, 0, QNN_RND_CONV, QNN_OVF_SAT,
		    "q_activation from its quantizer");
	expect_type(&layer("softmax")->exp_table_t, 18, 8, 1, QNN_RND_RND, QNN_OVF_SAT,
		    "default exp table type");
}

Test(import_models, cnn_no_config_hls4ml_13_auto)
{
	cr_assert_eq(import("cnn", false, 1, 3), 0, "%s", err);
	expect_cnn_structure();
	/*
	 * q_conv2d: in <16,6>, w <6,1>, 9 products: W = 6+16+4 = 26, I = 1+6+4 = 11,
	 * F = 15; bias <6,1>: I = max(11, 1) + 1 = 12, W = 12 + max(15, 5) = 27.
	 * The accumulator is not 'auto': config_from_keras_model lists no
	 * 'accum' (a backend attribute), so it is the model default (issue 16;
	 * hls4ml 1.3's parameters.h: accum_t = model_default_t).
	 */
	FIX16_6(&layer("q_conv2d")->accum_t, "q_conv2d accum: model default");
	expect_type(&layer("q_conv2d")->result_t, 27, 12, 1, 0, 0, "q_conv2d auto result");
	FIX16_6(&layer("q_conv2d_relu")->result_t, "relu 'auto' -> default");
	expect_type(&layer("q_activation")->result_t, 6, 0, 0, QNN_RND_CONV, QNN_OVF_SAT,
		    "q_activation");
	expect_type(&layer("max_pooling2d")->result_t, 6, 0, 0, QNN_RND_CONV, QNN_OVF_SAT,
		    "pool 'auto' keeps its input type");
	/* q_conv2d_1: in ap_ufixed<6,0>, 144 products: W = 6+6+8 = 20, I = 1+0+8 = 9,
	 * F = 11; bias: I = 10, W = 10 + 11 = 21 */
	expect_type(&layer("q_conv2d_1")->result_t, 21, 10, 1, 0, 0, "q_conv2d_1 auto");
	FIX16_6(&layer("q_conv2d_1")->accum_t, "q_conv2d_1 accum: model default");
	/* q_dense: 400 products: W = 6+6+9 = 21, I = 10, F = 11; bias: I 11, W 22 */
	expect_type(&layer("q_dense")->result_t, 22, 11, 1, 0, 0, "q_dense auto");
	FIX16_6(&layer("q_dense")->accum_t, "q_dense accum: model default");
	FIX16_6(&layer("softmax")->result_t, "softmax stays default");
	/* softmax input ap_fixed<22,11>: inp_norm_t ap_ufixed<21,10> */
	expect_type(&layer("softmax")->inp_norm_t, 21, 10, 0, 0, 0, "inp_norm_t");
	expect_type(&layer("softmax")->inv_inp_t, 18, 8, 1, QNN_RND_RND, QNN_OVF_SAT, "inv_inp_t");
	FIX16_6(&layer("softmax")->accum_t, "softmax accum_t: model default");
	FIX16_6(&model->hdr->input_t, "input stays default");
}

Test(import_models, cnn_weight_codes_match_hdf5)
{
	const struct qnn_layer *c, *d;

	cr_assert_eq(import("cnn", true, 0, 8), 0, "%s", err);
	c = layer_view("q_conv2d");
	d = layer_view("q_dense");
	/* hand-derived from h5dump: clip(rne(32 x), -32, 31) */
	cr_expect_eq(c->weights[0], 8, "0.248268");
	cr_expect_eq(c->weights[1], 14, "0.43341");
	cr_expect_eq(c->weights[2], -12, "-0.390521");
	cr_expect_eq(c->weights[3], 22, "0.687477");
	cr_expect_eq(c->weights[13], 31, "0.996998 clips to 31");
	cr_expect_eq(c->bias[0], -6, "-0.193843");
	cr_expect_eq(c->bias[2], -14, "-0.424047");
	cr_expect_eq(d->weights[9], -32, "-1 -> -32");
	cr_expect_eq(d->bias[1], 31, "0.997451 clips");
	cr_expect_eq(d->bias[3], -16, "-0.499973");
	/* every conv/dense weight against the independent formula, from the
	 * float copy stored in the same file */
	for (uint32_t i = 0; i < model->n_layers; i++) {
		const struct qnn_layer *l = &model->layers[i];
		const struct qnn_layer_rec *r = l->rec;

		if (r->kind != QNN_LAYER_CONV2D && r->kind != QNN_LAYER_DENSE)
			continue;
		cr_assert_not_null(l->float_weights, "%s keeps its float weights", r->name);
		cr_assert_not_null(l->float_bias);
		for (uint32_t k = 0; k < r->weights.count; k++) {
			float f;
			memcpy(&f, &l->float_weights[k], 4);
			double q = nearbyint(32.0 * f);
			q = q < -32 ? -32 : q > 31 ? 31 : q;
			cr_assert_eq(l->weights[k], (int32_t)q, "%s[%u] %.9g", r->name, k, f);
		}
	}
}

Test(import_models, dense_published_config_hls4ml_08)
{
	const struct qnn_layer *d2;

	cr_assert_eq(import("dense", true, 0, 8), 0, "%s", err);
	cr_assert_eq(model->n_layers, 5, "got %u", model->n_layers);
	cr_expect_eq(model->hdr->in_c, 784);
	cr_expect_eq(model->hdr->in_h, 1);
	cr_expect_eq(model->layers[0].rec->kind, QNN_LAYER_RELU, "QActivation first");
	expect_type(&layer("q_activation_2")->result_t, 3, 1, 1, 0, 0, "config ap_fixed<3,1>");
	expect_type(&layer("q_activation_3")->result_t, 4, 2, 1, 0, 0, "config ap_fixed<4,2>");
	/* po2(4, max 1): exponents -8..0 -> exact in ap_fixed<10,2> */
	expect_type(&layer("q_dense_2")->weight_t, 10, 2, 1, 0, 0, "po2 weights");
	/* quantized_bits(2,0,symmetric) -> ap_fixed<2,1> (quantizer wins over config) */
	expect_type(&layer("q_dense_2")->bias_t, 2, 1, 1, 0, 0, "q_dense_2 bias");
	expect_type(&layer("q_dense_3")->weight_t, 4, 1, 1, 0, 0, "q_dense_3 weight");
	FIX16_6(&layer("q_dense_2")->accum_t, "accum default");
	/* hls4ml's shift type: ap_fixed<2(We+Wx), We+Wx>, We = 4 (ap_int<4>
	 * exponent), Wx = 3 (ap_fixed<3,1> input) -> ap_fixed<14,7> */
	expect_type(&layer("q_dense_2")->product_t, 14, 7, 1, QNN_RND_TRN, QNN_OVF_WRAP,
		    "po2 product");
	cr_expect_eq(layer("q_dense_3")->product_t.width, 0, "quantized_bits: exact products");
	cr_expect_eq(model->hdr->version_minor, 1, "product_t is a minor-1 field");
	cr_expect_eq(layer("q_dense_2")->weight_q.kind, QNN_QK_QUANTIZED_PO2);
	cr_expect_eq(layer("q_dense_2")->weight_q.integer, 0, "max_value 1 = 2^0");
	cr_expect_eq(layer("q_dense_2")->bias_q.symmetric, 1);
	cr_expect_eq(layer("q_dense_2")->reuse_factor, 112);
	cr_expect_eq(layer("activation_3")->softmax_impl, QNN_SOFTMAX_STABLE);
	d2 = layer_view("q_dense_2");
	/* h5dump: 0.03125, -0.0078125, -0.0625, 0.125 -> codes x 2^8 */
	cr_expect_eq(d2->weights[0], 8);
	cr_expect_eq(d2->weights[1], -2);
	cr_expect_eq(d2->weights[2], -16);
	cr_expect_eq(d2->weights[3], 32);
	/* bias 0.240635, 0.262429, 0.57443, -0.319796 -> rne(2x) clipped to -1..1 */
	cr_expect_eq(d2->bias[0], 0);
	cr_expect_eq(d2->bias[1], 1);
	cr_expect_eq(d2->bias[2], 1);
	cr_expect_eq(d2->bias[18], -1);
}

Test(import_models, dense_no_config_hls4ml_13)
{
	cr_assert_eq(import("dense", false, 1, 3), 0, "%s", err);
	expect_type(&layer("q_activation_2")->result_t, 2, 0, 0, QNN_RND_CONV, QNN_OVF_SAT,
		    "quantized_relu(2)");
	expect_type(&layer("q_activation_3")->result_t, 3, 1, 0, QNN_RND_CONV, QNN_OVF_SAT,
		    "quantized_relu(3,1)");
	/* po2 weights are an exponent type in hls4ml: no inference, default */
	FIX16_6(&layer("q_dense_2")->result_t, "po2 layer falls back to the default");
	/* input ap_ufixed<2,0>: Wx = 2 -> ap_fixed<12,6> */
	expect_type(&layer("q_dense_2")->product_t, 12, 6, 1, QNN_RND_TRN, QNN_OVF_WRAP,
		    "po2 product");
	cr_expect_eq(layer("q_dense_3")->product_t.width, 0);
	/* in ap_ufixed<3,1>, w <4,1>, 20 products: W 4+3+5 = 12, I 1+1+5 = 7,
	 * F 5; bias <4,1>: I 8, W 8 + 5 = 13 */
	expect_type(&layer("q_dense_3")->result_t, 13, 8, 1, 0, 0, "q_dense_3 auto");
}

Test(import_models, dense_no_config_hls4ml_08)
{
	cr_assert_eq(import("dense", false, 0, 8), 0, "%s", err);
	FIX16_6(&layer("q_dense_3")->result_t, "default");
	cr_expect_eq(layer("activation_3")->softmax_rule, QNN_SMX_RULE_HLS4ML_08);
}

/* ---- the imported po2 layer against hls4ml's shifts, written out ---- */

static int32_t d2_in[64][784], d2_out[64][20];

static void capture_d2(void *ctx, uint32_t sample, uint32_t layer_i, const int32_t *codes,
		       uint32_t count)
{
	(void)ctx;
	if (layer_i == 0)
		memcpy(d2_in[sample], codes, count * sizeof(*codes));
	else if (layer_i == 1)
		memcpy(d2_out[sample], codes, count * sizeof(*codes));
}

/* keep the low w bits, sign-extended (AP_WRAP) */
static int64_t wrap(int64_t v, int w)
{
	uint64_t m = ((uint64_t)1 << w) - 1, u = (uint64_t)v & m;

	return (u >> (w - 1)) ? (int64_t)(u | ~m) : (int64_t)u;
}

/*
 * nnet_mult.h weight_exponential as the C++ does it, for q_dense_2's types
 * (input ap_fixed<3,1> F 2, exponent ap_int<4>, r_T ap_fixed<14,7> F 7,
 * bias ap_fixed<2,1> F 1, accum ap_fixed<16,6> F 10): r = (r_T)x, i.e.
 * x << 5; y = r << e (a right shift, which floors, for e < 0); -y for a
 * negative weight; each y enters the accumulator as y << 3.
 */
static int32_t d2_by_shifts(const struct qnn_layer *l, const int32_t *x, uint32_t o)
{
	int64_t acc = wrap((int64_t)l->bias[o] * 512, 16); /* << 9 */

	for (uint32_t i = 0; i < 784; i++) {
		int32_t w = l->weights[i * 20 + o], mag = w < 0 ? -w : w, e = -8;
		int64_t y = wrap((int64_t)x[i] * 32, 14); /* << 5 */

		cr_assert(mag > 0 && (mag & (mag - 1)) == 0, "weight %d not a power of two", w);
		while (mag > 1)
			mag >>= 1, e++;
		y = e >= 0 ? wrap(y * ((int64_t)1 << e), 14) : y >> -e;
		if (w < 0)
			y = wrap(-y, 14);
		acc = wrap(acc + y * 8, 16);
	}
	return (int32_t)acc;
}

Test(import_models, dense_po2_layer_matches_hls4ml_shifts)
{
	static int32_t x[64][784];
	static const uint32_t flags[2] = {0, QNN_ENGINE_REFERENCE};
	uint64_t rng = 12345;
	struct qnn_engine e;
	const struct qnn_layer *d2;
	uint32_t lost = 0;
	size_t n;
	void *ws;

	cr_assert_eq(import("dense", true, 0, 8), 0, "%s", err);
	d2 = layer_view("q_dense_2");
	cr_assert_eq(model->layers[1].rec, d2->rec);
	/* inputs -1 .. 2 in ap_fixed<16,6>: relu outputs 0..0.75 and, past 1.0,
	 * ap_fixed<3,1>'s wrapped negatives: both signs of x reach the shifts */
	for (int s = 0; s < 64; s++)
		for (int i = 0; i < 784; i++) {
			rng = rng * 6364136223846793005ull + 1442695040888963407ull;
			x[s][i] = (int32_t)((rng >> 33) % 3072) - 1024;
		}
	n = qnn_engine_workspace_size(model);
	cr_assert(n);
	ws = malloc(n);
	cr_assert_not_null(ws);
	for (int k = 0; k < 2; k++) {
		memset(&e, 0, sizeof(e));
		e.flags = flags[k];
		cr_assert_eq(qnn_engine_init(&e, model, ws, n), 0);
		cr_assert_eq(qnn_engine_run(&e, QNN_INPUT_CODES, x, 64, NULL, capture_d2, NULL), 0);
		for (int s = 0; s < 64; s++)
			for (uint32_t o = 0; o < 20; o++) {
				int32_t want = d2_by_shifts(d2, d2_in[s], o);
				int64_t exact = (int64_t)d2->bias[o] * 512;

				cr_assert_eq(d2_out[s][o], want,
					     "flags %u sample %d out %u: %d != %d", flags[k], s, o,
					     d2_out[s][o], want);
				for (uint32_t i = 0; i < 784; i++)
					exact += (int64_t)d2_in[s][i] * d2->weights[i * 20 + o];
				lost += k == 0 && wrap(exact, 16) != want;
			}
	}
	/* the case matters on this model: many outputs differ from exact products */
	cr_expect_gt(lost, 100, "only %u of 1280 outputs differ from exact products", lost);
	free(ws);
}

Test(import_models, unknown_version_rejected)
{
	cr_expect_eq(import("cnn", false, 0, 7), -EOPNOTSUPP);
	cr_expect(strstr(err, "0.7"), "%s", err);
	int ma, mi;
	cr_expect_eq(hlsgen_import_parse_version("1.3", &ma, &mi), 0);
	cr_expect(ma == 1 && mi == 3);
	cr_expect_eq(hlsgen_import_parse_version("2.0", &ma, &mi), -1);
}

Test(import_models, mismatched_weights_file_names_layer)
{
	struct hlsgen_import_opts o = {0};
	char h5[512];

	paths("cnn");
	snprintf(h5, sizeof(h5), "%s/models/qkeras_mnist_dense_weights.h5", shared());
	o.json_path = path_json;
	o.h5_path = h5;
	o.hls4ml_minor = 8;
	cr_expect_neq(hlsgen_import_build(&o, &buf, &len, err, sizeof(err)), 0);
	cr_expect(strstr(err, "q_conv2d"), "%s", err);
	o.h5_path = path_json; /* not HDF5 at all */
	cr_expect_neq(hlsgen_import_build(&o, &buf, &len, err, sizeof(err)), 0);
	cr_expect(strstr(err, "HDF5"), "%s", err);
}
