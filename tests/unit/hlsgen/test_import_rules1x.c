// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * test_import_rules1x.c - the hls4ml 1.x default types of issue 16, each
 * rule on its own, on the real CNN of ../shared/models with small configs
 * written to a temp directory (the config picks the softmax's input type):
 *
 *  - Conv2D/Dense accum_t: the model default unless the config names it
 *    (Precision accum, an accum_t key, or 'auto' = inferred); without a
 *    config too (config_from_keras_model writes no 'accum');
 *  - softmax (>= 1.2) inp_norm_t = ap_ufixed<W-s, I-s> of its input (s = 1
 *    when signed), inv_inp_t = ap_fixed<18,8,AP_RND,AP_SAT> whatever
 *    exp_table_t is, accum_t = get_precision(layer, 'accum'); each may be
 *    set by its key; none of them exists under 1.0/1.1;
 *  - a narrower accumulator changes a conv result: hand-derived codes.
 * Rules and their hls4ml sources: hlsgen/import/README.md.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hlsgen_import.h"
#include "qnn_engine.h"
#include "qnn_model.h"

static char dir[] = "/tmp/qnn-rules1x-XXXXXX";
static char json[512], h5[512], cfg[600], err[512];
static void *buf;
static size_t len;
static struct qnn_model *model;

static void setup(void)
{
	const char *s = getenv("QNN_SHARED");

	s = s ? s : "../shared";
	snprintf(json, sizeof(json), "%s/models/qkeras_mnist_cnn.json", s);
	snprintf(h5, sizeof(h5), "%s/models/qkeras_mnist_cnn_weights.h5", s);
	cr_assert_not_null(mkdtemp(dir));
	snprintf(cfg, sizeof(cfg), "%s/c.yml", dir);
	model = malloc(sizeof(*model));
	cr_assert_not_null(model);
}

static void teardown(void)
{
	free(buf);
	free(model);
	unlink(cfg);
	rmdir(dir);
}

TestSuite(import_rules1x, .init = setup, .fini = teardown);

/* Import under major.minor with config_text (NULL: no config); parse. */
static int run(int major, int minor, const char *config_text)
{
	struct hlsgen_import_opts o = {0};
	int rc;

	if (config_text) {
		FILE *f = fopen(cfg, "w");

		cr_assert_not_null(f);
		fputs(config_text, f);
		fclose(f);
		o.config_path = cfg;
	}
	o.json_path = json;
	o.h5_path = h5;
	o.hls4ml_major = major;
	o.hls4ml_minor = minor;
	free(buf);
	buf = NULL;
	rc = hlsgen_import_build(&o, &buf, &len, err, sizeof(err));
	if (!rc)
		rc = qnn_model_parse(buf, len, model, err, sizeof(err));
	return rc;
}

static const struct qnn_layer_rec *rec(const char *name)
{
	for (uint32_t i = 0; i < model->n_layers; i++)
		if (!strcmp(model->layers[i].rec->name, name))
			return model->layers[i].rec;
	cr_assert_fail("no layer %s", name);
	return NULL;
}

static void expect_type(const struct qnn_fixed_type *t, int w, int i, int s, int q, int o,
			const char *what)
{
	cr_expect(t->width == w && t->int_bits == i && t->is_signed == s && t->rounding == q &&
		      t->overflow == o,
		  "%s: got <%u,%d> signed %u Q %u O %u, want <%d,%d> signed %d Q %d O %d", what,
		  t->width, t->int_bits, t->is_signed, t->rounding, t->overflow, w, i, s, q, o);
}

#define FIX(t, w, i, what)   expect_type((t), (w), (i), 1, QNN_RND_TRN, QNN_OVF_WRAP, what)
#define UFIX(t, w, i, what)  expect_type((t), (w), (i), 0, QNN_RND_TRN, QNN_OVF_WRAP, what)
#define INV_DEFAULT(t, what) expect_type((t), 18, 8, 1, QNN_RND_RND, QNN_OVF_SAT, what)

/*
 * The softmax input is q_dense's result (and its split-out linear
 * activation's, so that it is removed); the config below chooses it.
 */
static const char *softmax_input_config(const char *dense_result, const char *softmax_extra)
{
	static char text[1024];

	snprintf(text, sizeof(text),
		 "HLSConfig:\n"
		 "  Model:\n"
		 "    Precision: ap_fixed<16,6>\n"
		 "  LayerName:\n"
		 "    q_dense:\n"
		 "      Precision:\n"
		 "        result: %s\n"
		 "    q_dense_linear:\n"
		 "      Precision:\n"
		 "        result: %s\n"
		 "    softmax:\n"
		 "      Precision: ap_fixed<16,6>\n"
		 "%s",
		 dense_result, dense_result, softmax_extra ? softmax_extra : "");
	return text;
}

/* ---- Conv2D / Dense accumulators ---- */

Test(import_rules1x, no_config_accum_is_default_result_is_auto)
{
	for (int minor = 0; minor <= 3; minor++) {
		cr_assert_eq(run(1, minor, NULL), 0, "1.%d: %s", minor, err);
		FIX(&rec("q_conv2d")->accum_t, 16, 6, "q_conv2d accum");
		FIX(&rec("q_conv2d")->result_t, 27, 12, "q_conv2d result (auto)");
		FIX(&rec("q_conv2d_1")->accum_t, 16, 6, "q_conv2d_1 accum");
		FIX(&rec("q_dense")->accum_t, 16, 6, "q_dense accum");
		FIX(&rec("q_dense")->result_t, 22, 11, "q_dense result (auto)");
	}
}

Test(import_rules1x, config_omits_accum_model_default)
{
	/* a model default other than 16,6 shows it is the default, not a constant */
	cr_assert_eq(run(1, 3,
			 "HLSConfig:\n  Model:\n    Precision: ap_fixed<12,5>\n"
			 "  LayerName:\n    q_dense:\n      Precision:\n        result: auto\n"),
		     0, "%s", err);
	FIX(&rec("q_conv2d")->accum_t, 12, 5, "q_conv2d accum");
	FIX(&rec("q_conv2d")->result_t, 12, 5, "q_conv2d result");
	FIX(&rec("q_dense")->accum_t, 12, 5, "q_dense accum: not inferred with its result");
	/* q_dense in: max_pooling2d_1 <12,5>; 400 products: W 6+12+9 = 27,
	 * I 1+5+9 = 15, F 12; bias <6,1>: I 16, W 16 + 12 = 28 */
	FIX(&rec("q_dense")->result_t, 28, 16, "q_dense result (auto)");
}

Test(import_rules1x, config_sets_accum)
{
	cr_assert_eq(run(1, 3,
			 "HLSConfig:\n  Model:\n    Precision: ap_fixed<16,6>\n"
			 "  LayerName:\n"
			 "    q_conv2d:\n      Precision:\n        accum: ap_fixed<14,4>\n"
			 "    q_conv2d_1:\n      Precision:\n        accum: auto\n"
			 "    q_dense:\n      accum_t: ap_fixed<24,10,AP_TRN,AP_SAT>\n"),
		     0, "%s", err);
	FIX(&rec("q_conv2d")->accum_t, 14, 4, "Precision accum");
	/* q_conv2d_1: in q_activation's default <16,6>... via max_pooling2d <16,6>,
	 * 144 products: W 6+16+8 = 30, I 1+6+8 = 15, F 15; bias: I 16, W 31 */
	FIX(&rec("q_conv2d_1")->accum_t, 31, 16, "accum 'auto' is inferred");
	FIX(&rec("q_conv2d_1")->result_t, 16, 6, "its result stays the default");
	expect_type(&rec("q_dense")->accum_t, 24, 10, 1, QNN_RND_TRN, QNN_OVF_SAT, "accum_t key");
}

Test(import_rules1x, accum_auto_refused_under_08)
{
	int rc = run(0, 8, "HLSConfig:\n  LayerName:\n    q_dense:\n      accum_t: auto\n");

	cr_expect_eq(rc, -EINVAL, "rc %d: %s", rc, err);
	cr_expect(strstr(err, "q_dense") && strstr(err, "accum_t"), "%s", err);
}

/*
 * 1.3 without a config: q_conv2d accumulates in ap_fixed<16,6> (F 10) but
 * returns ap_fixed<27,12> (F 15). One input pixel of 2^-10 (code 1) at
 * (0,0) reaches output (0,0) of every channel through tap (0,0,0) only:
 * product code w at F 15 floors to F 10 as floor(w / 32) = 0 or -1, so the
 * result code is (32 b + floor(w / 32)) * 32, where a wide accumulator
 * would give 1024 b + w. Derived by hand; b, w read from the file.
 */
struct trace0 {
	int32_t out[16];
	bool seen;
};

static void trace_first(void *ctx, uint32_t sample, uint32_t layer, const int32_t *codes,
			uint32_t count)
{
	struct trace0 *t = ctx;

	if (layer == 0 && sample == 0 && count >= 16) {
		memcpy(t->out, codes, sizeof(t->out));
		t->seen = true;
	}
}

Test(import_rules1x, narrow_accumulator_changes_conv_result)
{
	static int32_t in[28 * 28];
	struct qnn_engine e;
	struct qnn_engine_out out = {0};
	struct trace0 t = {{0}, false};
	const struct qnn_layer *c;
	void *ws;
	int differs = 0;

	cr_assert_eq(run(1, 3, NULL), 0, "%s", err);
	c = &model->layers[0];
	cr_assert_str_eq(c->rec->name, "q_conv2d");
	FIX(&c->rec->accum_t, 16, 6, "accum");
	FIX(&c->rec->result_t, 27, 12, "result");
	in[0] = 1;
	ws = malloc(qnn_engine_workspace_size(model));
	cr_assert_not_null(ws);
	for (int ref = 0; ref < 2; ref++) {
		memset(&e, 0, sizeof(e));
		e.flags = ref ? QNN_ENGINE_REFERENCE : 0;
		cr_assert_eq(qnn_engine_init(&e, model, ws, qnn_engine_workspace_size(model)), 0);
		t.seen = false;
		cr_assert_eq(qnn_engine_run(&e, QNN_INPUT_CODES, in, 1, &out, trace_first, &t), 0);
		cr_assert(t.seen);
		for (int co = 0; co < 16; co++) {
			int32_t w = c->weights[co]; /* [0][0][0][co] */
			int32_t b = c->bias[co];
			int32_t want = (32 * b + (w < 0 ? -1 : 0)) * 32;

			cr_expect_eq(t.out[co], want, "%s co %d: w %d b %d: got %d want %d",
				     ref ? "reference" : "lanes", co, w, b, t.out[co], want);
			differs += t.out[co] != 1024 * b + w;
		}
	}
	cr_expect_gt(differs, 0, "the narrow accumulator must change some outputs");
	free(ws);
}

/* ---- softmax, >= 1.2 ---- */

Test(import_rules1x, softmax_inp_norm_from_signed_input)
{
	static const int shapes[][2] = {{16, 6}, {22, 11}, {12, 4}, {11, 2}};

	for (unsigned i = 0; i < sizeof(shapes) / sizeof(shapes[0]); i++) {
		char t[64];

		snprintf(t, sizeof(t), "ap_fixed<%d,%d>", shapes[i][0], shapes[i][1]);
		cr_assert_eq(run(1, 3, softmax_input_config(t, NULL)), 0, "%s: %s", t, err);
		UFIX(&rec("softmax")->inp_norm_t, shapes[i][0] - 1, shapes[i][1] - 1, t);
		INV_DEFAULT(&rec("softmax")->inv_inp_t, "inv_inp_t");
		FIX(&rec("softmax")->accum_t, 16, 6, "accum_t = the layer's Precision");
	}
}

Test(import_rules1x, softmax_inp_norm_from_unsigned_input)
{
	cr_assert_eq(run(1, 2, softmax_input_config("ap_ufixed<12,4>", NULL)), 0, "%s", err);
	UFIX(&rec("softmax")->inp_norm_t, 12, 4, "unsigned input: same W, I");
	cr_assert_eq(run(1, 2, softmax_input_config("ap_ufixed<10,3,AP_RND,AP_SAT>", NULL)), 0,
		     "%s", err);
	UFIX(&rec("softmax")->inp_norm_t, 10, 3, "modes are not carried over");
}

Test(import_rules1x, softmax_narrow_signed_input_refused)
{
	/* hls4ml 1.2+ would use an exp table of 2^7 = 128 entries, not 1024 */
	int rc = run(1, 3, softmax_input_config("ap_fixed<8,3>", NULL));

	cr_expect_eq(rc, -EOPNOTSUPP, "rc %d: %s", rc, err);
	cr_expect(strstr(err, "softmax") && strstr(err, "128"), "%s", err);
	/* with 128 entries it is representable */
	cr_expect_eq(run(1, 3, softmax_input_config("ap_fixed<8,3>", "      table_size: 128\n")), 0,
		     "%s", err);
}

Test(import_rules1x, softmax_separate_table_sizes_refused)
{
	int rc = run(1, 3, softmax_input_config("ap_fixed<16,6>", "      exp_table_size: 512\n"));

	cr_expect_eq(rc, -EOPNOTSUPP, "rc %d: %s", rc, err);
	cr_expect(strstr(err, "exp_table_size 512"), "%s", err);
	cr_expect_eq(
	    run(1, 3, softmax_input_config("ap_fixed<16,6>", "      inv_table_size: 1024\n")), 0,
	    "the same size: %s", err);
}

Test(import_rules1x, softmax_inv_inp_ignores_exp_table_type)
{
	cr_assert_eq(run(1, 3,
			 softmax_input_config("ap_fixed<16,6>",
					      "      exp_table_t: ap_fixed<18,12,AP_RND,AP_SAT>\n"
					      "      inv_table_t: ap_fixed<18,4,AP_RND,AP_SAT>\n")),
		     0, "%s", err);
	expect_type(&rec("softmax")->exp_table_t, 18, 12, 1, QNN_RND_RND, QNN_OVF_SAT, "exp");
	INV_DEFAULT(&rec("softmax")->inv_inp_t, "inv_inp_t stays the attribute default");
	UFIX(&rec("softmax")->inp_norm_t, 15, 5, "inp_norm_t");
}

Test(import_rules1x, softmax_keys_win)
{
	cr_assert_eq(run(1, 3,
			 softmax_input_config("ap_fixed<16,6>",
					      "      inp_norm_t: ap_ufixed<14,4>\n"
					      "      inv_inp_t: ap_fixed<20,10,AP_RND,AP_SAT>\n"
					      "      accum_t: ap_fixed<24,8>\n")),
		     0, "%s", err);
	UFIX(&rec("softmax")->inp_norm_t, 14, 4, "inp_norm_t key");
	expect_type(&rec("softmax")->inv_inp_t, 20, 10, 1, QNN_RND_RND, QNN_OVF_SAT, "inv_inp_t");
	FIX(&rec("softmax")->accum_t, 24, 8, "accum_t key");
}

Test(import_rules1x, softmax_accum_from_precision_lookup)
{
	/* Precision dict without accum: the model default */
	cr_assert_eq(run(1, 3,
			 "HLSConfig:\n  Model:\n    Precision: ap_fixed<18,7>\n"
			 "  LayerName:\n    softmax:\n      Precision:\n"
			 "        result: ap_fixed<16,6>\n"),
		     0, "%s", err);
	FIX(&rec("softmax")->accum_t, 18, 7, "model default");
	/* Precision dict with accum */
	cr_assert_eq(run(1, 3,
			 "HLSConfig:\n  Model:\n    Precision: ap_fixed<16,6>\n"
			 "  LayerName:\n    softmax:\n      Precision:\n"
			 "        accum: ap_fixed<20,8>\n"),
		     0, "%s", err);
	FIX(&rec("softmax")->accum_t, 20, 8, "Precision accum");
	/* no config: the model default; input q_dense auto <22,11> */
	cr_assert_eq(run(1, 3, NULL), 0, "%s", err);
	FIX(&rec("softmax")->accum_t, 16, 6, "no config");
	cr_expect_eq(model->hdr->version_minor, 2, "a softmax accum_t is a minor-2 field");
	UFIX(&rec("softmax")->inp_norm_t, 21, 10, "no config inp_norm_t");
	INV_DEFAULT(&rec("softmax")->inv_inp_t, "no config inv_inp_t");
}

Test(import_rules1x, softmax_latency_has_no_inp_norm)
{
	cr_assert_eq(
	    run(1, 3, softmax_input_config("ap_fixed<16,6>", "      Implementation: latency\n")), 0,
	    "%s", err);
	cr_expect_eq(rec("softmax")->softmax_impl, QNN_SOFTMAX_LATENCY);
	cr_expect_eq(rec("softmax")->inp_norm_t.width, 0, "latency: no x_max - x");
	INV_DEFAULT(&rec("softmax")->inv_inp_t, "inv_inp_t");
}

Test(import_rules1x, softmax_types_absent_before_12)
{
	for (int minor = 0; minor <= 1; minor++) {
		cr_assert_eq(run(1, minor, softmax_input_config("ap_fixed<16,6>", NULL)), 0, "%s",
			     err);
		cr_expect_eq(rec("softmax")->softmax_rule, QNN_SMX_RULE_HLS4ML_08, "1.%d", minor);
		cr_expect_eq(rec("softmax")->inp_norm_t.width, 0);
		cr_expect_eq(rec("softmax")->inv_inp_t.width, 0);
		cr_expect_eq(rec("softmax")->accum_t.width, 0);
	}
}

/* ---- max pooling's accumulator (0.8-1.3: window values or the max in accum_t) ---- */

Test(import_rules1x, pool_accum_recorded_from_1_0)
{
	cr_assert_eq(run(1, 3, NULL), 0, "%s", err);
	FIX(&rec("max_pooling2d")->accum_t, 16, 6, "no config: the model default");
	cr_assert_eq(run(1, 0, NULL), 0, "%s", err);
	FIX(&rec("max_pooling2d_1")->accum_t, 16, 6, "1.0 too");
	cr_assert_eq(run(0, 8, NULL), 0, "%s", err);
	cr_expect_eq(rec("max_pooling2d")->accum_t.width, 0, "0.8 files stay as they were");
	cr_expect_eq(model->hdr->version_minor, 1, "no minor-2 field used");
}

static const char *pool_config(const char *act_result, const char *pool_accum)
{
	static char text[512];

	snprintf(text, sizeof(text),
		 "HLSConfig:\n  Model:\n    Precision: ap_fixed<16,6>\n  LayerName:\n"
		 "    q_activation:\n      Precision:\n        result: %s\n"
		 "    max_pooling2d:\n      Precision:\n        result: ap_fixed<16,6>\n"
		 "        accum: %s\n",
		 act_result, pool_accum);
	return text;
}

Test(import_rules1x, pool_accum_must_hold_its_input)
{
	int rc;

	/* <7,1> into <8,2>: one more integer bit, same fraction: holds */
	cr_assert_eq(run(1, 3, pool_config("ap_fixed<7,1,AP_RND,AP_SAT>", "ap_fixed<8,2>")), 0,
		     "%s", err);
	FIX(&rec("max_pooling2d")->accum_t, 8, 2, "Precision accum");
	/* 'auto' is the input type */
	cr_assert_eq(run(1, 3, pool_config("ap_fixed<7,1,AP_RND,AP_SAT>", "auto")), 0, "%s", err);
	expect_type(&rec("max_pooling2d")->accum_t, 7, 1, 1, QNN_RND_RND, QNN_OVF_SAT, "auto");
	/* one fraction bit short: the max would change */
	rc = run(1, 3, pool_config("ap_fixed<7,1,AP_RND,AP_SAT>", "ap_fixed<6,1>"));
	cr_expect_eq(rc, -EOPNOTSUPP, "rc %d: %s", rc, err);
	cr_expect(strstr(err, "max_pooling2d") && strstr(err, "accum_t"), "%s", err);
	/* an unsigned accumulator cannot hold a signed input */
	rc = run(1, 3, pool_config("ap_fixed<7,1,AP_RND,AP_SAT>", "ap_ufixed<16,6>"));
	cr_expect_eq(rc, -EOPNOTSUPP, "rc %d: %s", rc, err);
	/* an unsigned input needs one integer bit more in a signed accumulator */
	rc = run(1, 3, pool_config("ap_ufixed<8,2>", "ap_fixed<8,2>"));
	cr_expect_eq(rc, -EOPNOTSUPP, "rc %d: %s", rc, err);
	cr_expect_eq(run(1, 3, pool_config("ap_ufixed<8,2>", "ap_fixed<9,3>")), 0, "%s", err);
	/* under 0.8 the same rule refuses, though nothing is recorded */
	rc = run(0, 8, pool_config("ap_fixed<7,1,AP_RND,AP_SAT>", "ap_fixed<6,1>"));
	cr_expect_eq(rc, -EOPNOTSUPP, "rc %d: %s", rc, err);
}
