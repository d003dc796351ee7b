// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * test_import_layertype.c - a config's LayerType entries, matched as hls4ml
 * matches them (0.8.1-1.3 model/graph.py HLSConfig): by hls4ml's class
 * names (Input, Conv2D, Dense, Activation, Softmax, Pooling2D), not the
 * Keras ones (QDense...), for precisions (LayerName > LayerType > Model,
 * class case-insensitive), the keys ending in _t and the softmax keys
 * (get_layer_config: LayerType's keys, LayerName's winning key by key) and
 * ReuseFactor. On the real CNN of ../shared/models; expected types derived
 * by hand from the configs below.
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

static char dir[] = "/tmp/qnn-layertype-XXXXXX";
static char json[512], h5[512], cfg[600], err[512];
static char *log_text;
static size_t log_len;
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
	free(log_text);
	unlink(cfg);
	rmdir(dir);
}

TestSuite(import_layertype, .init = setup, .fini = teardown);

/* Import under major.minor with "HLSConfig:\n" + body; the file in buf, parsed. */
static int run(int major, int minor, const char *body)
{
	struct hlsgen_import_opts o = {0};
	FILE *f = fopen(cfg, "w"), *log;
	int rc;

	cr_assert_not_null(f);
	fprintf(f, "HLSConfig:\n%s", body);
	fclose(f);
	free(log_text);
	log_text = NULL;
	log = open_memstream(&log_text, &log_len);
	o.config_path = cfg;
	o.json_path = json;
	o.h5_path = h5;
	o.hls4ml_major = major;
	o.hls4ml_minor = minor;
	o.log = log;
	free(buf);
	buf = NULL;
	rc = hlsgen_import_build(&o, &buf, &len, err, sizeof(err));
	fclose(log);
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

#define FIX(t, w, i, what)  expect_type((t), (w), (i), 1, QNN_RND_TRN, QNN_OVF_WRAP, what)
#define UFIX(t, w, i, what) expect_type((t), (w), (i), 0, QNN_RND_TRN, QNN_OVF_WRAP, what)

#define MODEL16 "  Model:\n    Precision: ap_fixed<16,6>\n"

Test(import_layertype, precision_by_hls4ml_class)
{
	cr_assert_eq(run(0, 8,
			 MODEL16
			 "  LayerType:\n"
			 "    Input:\n      Precision:\n        result: ap_ufixed<8,0>\n"
			 "    Conv2D:\n      Precision:\n        accum: ap_fixed<20,8>\n"
			 "        result: ap_fixed<18,7>\n"
			 "    Activation:\n      Precision: ap_ufixed<7,1>\n"
			 "    pooling2d:\n      Precision:\n        result: ap_ufixed<9,2>\n"
			 "    Dense:\n      Precision:\n        default: ap_fixed<14,5>\n"
			 "    Softmax:\n      Precision:\n        result: ap_ufixed<18,2>\n"
			 "  LayerName:\n"
			 "    q_dense_linear:\n      Precision:\n        result: ap_fixed<14,5>\n"),
		     0, "%s", err);
	UFIX(&model->hdr->input_t, 8, 0, "input: LayerType Input");
	FIX(&rec("q_conv2d")->accum_t, 20, 8, "q_conv2d accum: Conv2D");
	FIX(&rec("q_conv2d_1")->result_t, 18, 7, "q_conv2d_1 result: Conv2D");
	/* the split relu and the QActivations are hls4ml Activations */
	UFIX(&rec("q_conv2d_relu")->result_t, 7, 1, "q_conv2d_relu: Activation string");
	UFIX(&rec("q_activation")->result_t, 7, 1, "q_activation: Activation");
	UFIX(&rec("max_pooling2d")->result_t, 9, 2, "MaxPooling2D is Pooling2D (any case)");
	FIX(&rec("q_dense")->accum_t, 14, 5, "q_dense accum: Dense default");
	FIX(&rec("q_dense")->result_t, 14, 5, "q_dense result: Dense default");
	UFIX(&rec("softmax")->result_t, 18, 2, "softmax: Softmax");
	/* q_dense_linear's name beats Activation: its type unchanged, it is removed */
	for (uint32_t i = 0; i < model->n_layers; i++)
		cr_expect_str_neq(model->layers[i].rec->name, "q_dense_linear");
	/* weights keep their quantizer's type whatever the class says */
	FIX(&rec("q_dense")->weight_t, 6, 1, "q_dense weight: quantizer");
}

Test(import_layertype, keras_class_names_are_ignored_as_hls4ml_does)
{
	cr_assert_eq(run(0, 8,
			 MODEL16 "  LayerType:\n"
				 "    QDense:\n      Precision:\n        result: ap_fixed<8,2>\n"
				 "    MaxPooling2D:\n      accum_t: ap_fixed<6,1>\n"
				 "    Conv1D:\n      Precision: ap_fixed<8,2>\n"
				 "      Strategy: Resource\n"),
		     0, "%s", err);
	FIX(&rec("q_dense")->result_t, 16, 6, "QDense matches no hls4ml class");
	cr_expect(strstr(log_text, "LayerType 'QDense' is a Keras class") &&
		      strstr(log_text, "'Dense'"),
		  "%s", log_text);
	/* an accum_t the input would not fit in is refused; ignored here */
	cr_expect(strstr(log_text, "'MaxPooling2D'") && strstr(log_text, "'Pooling2D'"), "%s",
		  log_text);
	cr_expect(strstr(log_text, "LayerType 'Conv1D' matches no layer"), "%s", log_text);
	/* nor is its Strategy refused: it sets nothing (a Dense one is, below) */
	cr_expect_neq(run(0, 8, MODEL16 "  LayerType:\n    Dense:\n      Strategy: Resource\n"), 0);
	cr_expect(strstr(err, "LayerType 'Dense': Strategy 'Resource'"), "%s", err);
}

Test(import_layertype, lookup_order)
{
	cr_assert_eq(run(0, 8,
			 "  Model:\n    Precision:\n      default: ap_fixed<16,6>\n"
			 "      accum: ap_fixed<30,12>\n"
			 "  LayerType:\n"
			 "    Conv2D:\n      Precision:\n        accum: ap_fixed<20,8>\n"
			 "        result: ap_fixed<18,7>\n"
			 "  LayerName:\n"
			 "    q_conv2d:\n      Precision: ap_fixed<24,9>\n"
			 "    q_conv2d_1:\n      Precision:\n        result: ap_fixed<17,7>\n"),
		     0, "%s", err);
	/* the name's Precision string beats the class's var */
	FIX(&rec("q_conv2d")->accum_t, 24, 9, "LayerName string > LayerType accum");
	FIX(&rec("q_conv2d")->result_t, 24, 9, "LayerName string > LayerType result");
	FIX(&rec("q_conv2d_1")->result_t, 17, 7, "LayerName result");
	FIX(&rec("q_conv2d_1")->accum_t, 20, 8, "LayerType accum > Model accum");
	FIX(&rec("q_dense")->accum_t, 30, 12, "no LayerType: Model accum");
}

Test(import_layertype, type_keys_merge_with_layer_name)
{
	cr_assert_eq(run(1, 3,
			 MODEL16 "  LayerType:\n"
				 "    Conv2D:\n      accum_t: ap_fixed<22,9>\n"
				 "    Pooling2D:\n      accum_t: ap_fixed<18,8>\n"
				 "    Dense:\n      accum_t: ap_fixed<24,10,AP_TRN,AP_SAT>\n"
				 "      ReuseFactor: 4\n"
				 "    Softmax:\n      exp_table_t: ap_fixed<18,10,AP_RND,AP_SAT>\n"
				 "      inv_table_t: ap_fixed<18,4,AP_RND,AP_SAT>\n"
				 "      table_size: 512\n"
				 "      inp_norm_t: ap_ufixed<14,4>\n"
				 "      inv_inp_t: ap_fixed<20,10,AP_RND,AP_SAT>\n"
				 "      accum_t: ap_fixed<24,8>\n"
				 "  LayerName:\n"
				 "    q_conv2d:\n      accum_t: ap_fixed<21,8>\n"
				 "    softmax:\n      table_size: 256\n"),
		     0, "%s", err);
	FIX(&rec("q_conv2d")->accum_t, 21, 8, "LayerName key wins");
	FIX(&rec("q_conv2d_1")->accum_t, 22, 9, "LayerType Conv2D key");
	FIX(&rec("max_pooling2d_1")->accum_t, 18, 8, "LayerType Pooling2D key");
	expect_type(&rec("q_dense")->accum_t, 24, 10, 1, QNN_RND_TRN, QNN_OVF_SAT, "Dense key");
	cr_expect_eq(rec("q_dense")->reuse_factor, 4, "LayerType ReuseFactor");
	cr_expect_eq(rec("q_conv2d")->reuse_factor, 1, "no ReuseFactor");
	expect_type(&rec("softmax")->exp_table_t, 18, 10, 1, QNN_RND_RND, QNN_OVF_SAT, "exp");
	expect_type(&rec("softmax")->inv_table_t, 18, 4, 1, QNN_RND_RND, QNN_OVF_SAT, "inv");
	cr_expect_eq(rec("softmax")->table_size, 256, "LayerName table_size wins");
	UFIX(&rec("softmax")->inp_norm_t, 14, 4, "inp_norm_t");
	expect_type(&rec("softmax")->inv_inp_t, 20, 10, 1, QNN_RND_RND, QNN_OVF_SAT, "inv_inp");
	FIX(&rec("softmax")->accum_t, 24, 8, "softmax accum_t");
}

Test(import_layertype, type_keys_match_the_class_exactly)
{
	/* get_layer_config looks LayerType up by the exact class name */
	cr_assert_eq(
	    run(1, 3, MODEL16 "  LayerType:\n    dense:\n      accum_t: ap_fixed<24,10>\n"), 0,
	    "%s", err);
	FIX(&rec("q_dense")->accum_t, 16, 6, "'dense' keys do not apply");
}

Test(import_layertype, softmax_implementation_by_class)
{
	cr_assert_eq(
	    run(1, 3, MODEL16 "  LayerType:\n    Softmax:\n      Implementation: latency\n"), 0,
	    "%s", err);
	cr_expect_eq(rec("softmax")->softmax_impl, QNN_SOFTMAX_LATENCY);
}

/* a copy of the CNN whose first conv is 1x1 */
static void pointwise_json(void)
{
	static char text[1 << 16], path[sizeof(json)];
	FILE *f = fopen(json, "r");
	size_t n;
	char *k;

	cr_assert_not_null(f);
	n = fread(text, 1, sizeof(text) - 1, f);
	fclose(f);
	text[n] = 0;
	k = strstr(text, "\"kernel_size\": [3, 3]");
	cr_assert_not_null(k);
	memcpy(k, "\"kernel_size\": [1, 1]", strlen("\"kernel_size\": [1, 1]"));
	cr_assert_lt(strlen(dir) + 9, sizeof(path));
	strcat(strcpy(path, dir), "/pw.json");
	f = fopen(path, "w");
	fputs(text, f);
	fclose(f);
	snprintf(json, sizeof(json), "%s", path);
}

Test(import_layertype, conv2d_entry_refused_with_a_1x1_conv)
{
	int rc;

	pointwise_json();
	/* the config is checked before the weights are read */
	rc = run(1, 3, MODEL16 "  LayerType:\n    Conv2D:\n      accum_t: ap_fixed<20,8>\n");
	cr_expect_eq(rc, -EOPNOTSUPP, "rc %d: %s", rc, err);
	cr_expect(strstr(err, "LayerType 'Conv2D'") && strstr(err, "'q_conv2d'") &&
		      strstr(err, "PointwiseConv2D"),
		  "%s", err);
	rc = run(0, 8,
		 MODEL16 "  LayerType:\n    PointwiseConv2D:\n      Precision: ap_fixed<8,2>\n");
	cr_expect_eq(rc, -EOPNOTSUPP, "rc %d: %s", rc, err);
	rc = run(0, 8, MODEL16 "  LayerType:\n    Dense:\n      Precision: ap_fixed<8,2>\n");
	cr_expect_neq(rc, -EOPNOTSUPP, "other classes are not refused: %s", err);
	unlink(json);
}

/* final codes of n inputs (pseudo-random pixels in [0, 1)) */
static void outputs(int32_t *codes, uint32_t n)
{
	static int32_t in[8 * 28 * 28];
	struct qnn_engine e = {0};
	struct qnn_engine_out out = {0};
	void *ws = malloc(qnn_engine_workspace_size(model));
	uint32_t x = 12345;

	cr_assert_not_null(ws);
	for (uint32_t i = 0; i < n * 28 * 28; i++) {
		x = x * 1103515245u + 12345u;
		in[i] = (int32_t)((x >> 16) & 1023); /* ap_fixed<16,6>: F 10 */
	}
	cr_assert_eq(qnn_engine_init(&e, model, ws, qnn_engine_workspace_size(model)), 0);
	out.codes = codes;
	cr_assert_eq(qnn_engine_run(&e, QNN_INPUT_CODES, in, n, &out, NULL, NULL), 0);
	free(ws);
}

Test(import_layertype, honoured_precision_changes_outputs)
{
	static const char dense_type[] =
	    MODEL16 "  LayerType:\n    Dense:\n      Precision:\n        result: ap_fixed<8,2>\n";
	static const char dense_name[] =
	    MODEL16 "  LayerName:\n    q_dense:\n      Precision:\n        result: ap_fixed<8,2>\n";
	int32_t plain[8 * 10], narrow[8 * 10];
	void *by_type;
	size_t type_len;
	int differ = 0;

	cr_assert_eq(run(0, 8, MODEL16), 0, "%s", err);
	cr_assert_eq(model->layers[model->n_layers - 1].rec->out_c, 10);
	outputs(plain, 8);
	cr_assert_eq(run(0, 8, dense_type), 0, "%s", err);
	FIX(&rec("q_dense")->result_t, 8, 2, "LayerType Dense result");
	outputs(narrow, 8);
	for (int i = 0; i < 8 * 10; i++)
		differ += plain[i] != narrow[i];
	cr_expect_gt(differ, 0, "a narrower q_dense result must change the softmax outputs");
	/* the same file as naming the one Dense layer */
	by_type = buf;
	type_len = len;
	buf = NULL;
	cr_assert_eq(run(0, 8, dense_name), 0, "%s", err);
	cr_expect(len == type_len && !memcmp(buf, by_type, len),
		  "LayerType Dense and LayerName q_dense give different files");
	free(by_type);
}
