// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * test_import_errors.c - every unsupported Keras/QKeras/hls4ml feature is
 * an error naming the layer and the feature. Each case edits one field of
 * the real CNN's JSON (or writes a small config) in a temp directory.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hlsgen_import.h"
#include "qnn_model.h"

static char dir[] = "/tmp/qnn-import-XXXXXX";
static char json_in[512], h5[512], json_out[600], cfg_out[600];
static struct json_object *root;
static char err[512];
static void *buf;
static size_t len;

static void setup(void)
{
	const char *s = getenv("QNN_SHARED");

	s = s ? s : "../shared";
	snprintf(json_in, sizeof(json_in), "%s/models/qkeras_mnist_cnn.json", s);
	snprintf(h5, sizeof(h5), "%s/models/qkeras_mnist_cnn_weights.h5", s);
	cr_assert_not_null(mkdtemp(dir));
	snprintf(json_out, sizeof(json_out), "%s/m.json", dir);
	snprintf(cfg_out, sizeof(cfg_out), "%s/c.yml", dir);
	root = json_object_from_file(json_in);
	cr_assert_not_null(root, "%s", json_in);
}

static void teardown(void)
{
	json_object_put(root);
	free(buf);
	unlink(json_out);
	unlink(cfg_out);
	rmdir(dir);
}

TestSuite(import_errors, .init = setup, .fini = teardown);

/* config of the layer at index i of the Sequential */
static struct json_object *layer_cfg(int i)
{
	struct json_object *cfg, *layers;

	json_object_object_get_ex(root, "config", &cfg);
	json_object_object_get_ex(cfg, "layers", &layers);
	json_object_object_get_ex(json_object_array_get_idx(layers, i), "config", &cfg);
	return cfg;
}

static struct json_object *quantizer_cfg(int i, const char *which)
{
	struct json_object *q, *c;

	json_object_object_get_ex(layer_cfg(i), which, &q);
	json_object_object_get_ex(q, "config", &c);
	return c;
}

static int run(int major, int minor, const char *config_text)
{
	struct hlsgen_import_opts o = {0};

	cr_assert_eq(json_object_to_file(json_out, root), 0);
	if (config_text) {
		FILE *f = fopen(cfg_out, "w");

		fputs(config_text, f);
		fclose(f);
		o.config_path = cfg_out;
	}
	o.json_path = json_out;
	o.h5_path = h5;
	o.hls4ml_major = major;
	o.hls4ml_minor = minor;
	free(buf);
	buf = NULL;
	return hlsgen_import_build(&o, &buf, &len, err, sizeof(err));
}

#define expect_error(rc, code, a, b)                                                               \
	do {                                                                                       \
		cr_expect_eq((rc), -(code), "rc %d (%s)", (rc), err);                              \
		cr_expect(strstr(err, a) && strstr(err, b), "'%s' lacks '%s' / '%s'", err, a, b);  \
	} while (0)

Test(import_errors, unmodified_model_imports)
{
	cr_expect_eq(run(0, 8, NULL), 0, "%s", err);
}

Test(import_errors, alpha_auto)
{
	json_object_object_add(quantizer_cfg(9, "kernel_quantizer"), "alpha",
			       json_object_new_string("auto"));
	expect_error(run(0, 8, NULL), EOPNOTSUPP, "layer 'q_dense'", "alpha='auto'");
}

Test(import_errors, alpha_other_than_one)
{
	json_object_object_add(quantizer_cfg(1, "bias_quantizer"), "alpha",
			       json_object_new_double(0.5));
	expect_error(run(0, 8, NULL), EOPNOTSUPP, "layer 'q_conv2d' bias_quantizer", "alpha");
}

Test(import_errors, stochastic_rounding)
{
	json_object_object_add(quantizer_cfg(4, "kernel_quantizer"), "use_stochastic_rounding",
			       json_object_new_boolean(1));
	expect_error(run(0, 8, NULL), EOPNOTSUPP, "layer 'q_conv2d_1'", "use_stochastic_rounding");
}

Test(import_errors, dilation)
{
	struct json_object *d = json_object_new_array();

	json_object_array_add(d, json_object_new_int(2));
	json_object_array_add(d, json_object_new_int(2));
	json_object_object_add(layer_cfg(4), "dilation_rate", d);
	expect_error(run(0, 8, NULL), EOPNOTSUPP, "layer 'q_conv2d_1'", "dilation_rate 2x2");
}

Test(import_errors, groups)
{
	json_object_object_add(layer_cfg(1), "groups", json_object_new_int(2));
	expect_error(run(0, 8, NULL), EOPNOTSUPP, "layer 'q_conv2d'", "groups 2");
}

Test(import_errors, channels_first)
{
	json_object_object_add(layer_cfg(3), "data_format",
			       json_object_new_string("channels_first"));
	expect_error(run(0, 8, NULL), EOPNOTSUPP, "layer 'max_pooling2d'", "channels_first");
}

Test(import_errors, unknown_layer_class)
{
	struct json_object *cfg, *layers;

	json_object_object_get_ex(root, "config", &cfg);
	json_object_object_get_ex(cfg, "layers", &layers);
	json_object_object_add(json_object_array_get_idx(layers, 8), "class_name",
			       json_object_new_string("BatchNormalization"));
	expect_error(run(0, 8, NULL), EOPNOTSUPP, "layer 'dropout'",
		     "layer class BatchNormalization unsupported");
}

Test(import_errors, unknown_activation)
{
	json_object_object_add(layer_cfg(1), "activation", json_object_new_string("tanh"));
	expect_error(run(0, 8, NULL), EOPNOTSUPP, "layer 'q_conv2d'", "activation 'tanh'");
}

Test(import_errors, leaky_quantized_relu)
{
	struct json_object *act;

	json_object_object_get_ex(layer_cfg(2), "activation", &act);
	json_object_object_get_ex(act, "config", &act);
	json_object_object_add(act, "negative_slope", json_object_new_double(0.25));
	expect_error(run(0, 8, NULL), EOPNOTSUPP, "layer 'q_activation'", "negative_slope");
}

Test(import_errors, quantizer_class)
{
	json_object_object_add(layer_cfg(2), "activation",
			       json_object_new_string("quantized_tanh(4)"));
	expect_error(run(0, 8, NULL), EOPNOTSUPP, "layer 'q_activation'",
		     "quantizer 'quantized_tanh'");
}

Test(import_errors, auto_precision_needs_hls4ml_1)
{
	const char *cfg = "HLSConfig:\n  Model:\n    Precision: ap_fixed<16,6>\n"
			  "  LayerName:\n    q_conv2d:\n      Precision:\n        result: auto\n";

	expect_error(run(0, 8, cfg), EINVAL, "layer 'q_conv2d' result", "'auto'");
	cr_expect_eq(run(1, 3, cfg), 0, "%s", err);
}

Test(import_errors, bad_precision_string)
{
	const char *cfg = "HLSConfig:\n  Model:\n    Precision: ap_fixed<16,6>\n"
			  "  LayerName:\n    q_conv2d_relu:\n      Precision: ap_fixed<16>\n";

	expect_error(run(0, 8, cfg), EINVAL, "layer 'q_conv2d_relu'", "ap_fixed<16>");
}

Test(import_errors, saturation_bits_unsupported)
{
	const char *cfg = "HLSConfig:\n  Model:\n    Precision: ap_fixed<16,6>\n"
			  "  LayerName:\n    q_activation:\n      Precision:\n"
			  "        result: ap_fixed<8,2,AP_RND,AP_SAT,2>\n";

	expect_error(run(0, 8, cfg), EINVAL, "q_activation", "saturation bits");
}

Test(import_errors, config_applies_to_split_activation)
{
	const char *cfg = "HLSConfig:\n  Model:\n    Precision: ap_fixed<16,6>\n"
			  "  LayerName:\n    q_conv2d_relu:\n      Precision:\n"
			  "        result: ufixed<8,3,RND_CONV,SAT>\n"
			  "    softmax:\n      Implementation: argmax\n";
	struct qnn_model *m = malloc(sizeof(*m));

	cr_assert_eq(run(0, 8, cfg), 0, "%s", err);
	cr_assert_eq(qnn_model_parse(buf, len, m, err, sizeof(err)), 0, "%s", err);
	const struct qnn_layer_rec *r = m->layers[1].rec;
	cr_expect_str_eq(r->name, "q_conv2d_relu");
	cr_expect(r->result_t.width == 8 && r->result_t.int_bits == 3 && !r->result_t.is_signed &&
		  r->result_t.rounding == QNN_RND_CONV && r->result_t.overflow == QNN_OVF_SAT);
	cr_expect_eq(m->layers[m->n_layers - 1].rec->softmax_impl, QNN_SOFTMAX_ARGMAX);
	cr_expect_eq(m->layers[m->n_layers - 1].rec->table_size, 0);
	free(m);
}

Test(import_errors, softmax_12_types_from_config)
{
	const char *cfg = "HLSConfig:\n  Model:\n    Precision: ap_fixed<16,6>\n"
			  "  LayerName:\n    softmax:\n      inp_norm_t: ap_ufixed<14,4>\n"
			  "      inv_inp_t: ap_fixed<18,10>\n";
	struct qnn_model *m = malloc(sizeof(*m));
	const struct qnn_layer_rec *s;

	cr_assert_eq(run(1, 3, cfg), 0, "%s", err);
	cr_assert_eq(qnn_model_parse(buf, len, m, err, sizeof(err)), 0, "%s", err);
	s = m->layers[m->n_layers - 1].rec;
	cr_expect(s->inp_norm_t.width == 14 && s->inp_norm_t.int_bits == 4 &&
		  !s->inp_norm_t.is_signed);
	cr_expect(s->inv_inp_t.width == 18 && s->inv_inp_t.int_bits == 10);
	cr_assert_eq(run(0, 8, cfg), 0, "%s", err); /* 0.8: ignored with a note */
	cr_assert_eq(qnn_model_parse(buf, len, m, err, sizeof(err)), 0, "%s", err);
	cr_expect_eq(m->layers[m->n_layers - 1].rec->inp_norm_t.width, 0);
	free(m);
}

Test(import_errors, malformed_yaml)
{
	expect_error(run(0, 8, "HLSConfig:\n  Model: [unclosed\n"), EINVAL, "c.yml", "YAML error");
}

Test(import_errors, missing_files)
{
	struct hlsgen_import_opts o = {
	    .json_path = "/nonexistent.json", .h5_path = h5, .hls4ml_minor = 8};

	cr_expect_neq(hlsgen_import_build(&o, &buf, &len, err, sizeof(err)), 0);
	cr_expect(strstr(err, "/nonexistent.json"), "%s", err);
}

/* q_dense with po2 weights: hls4ml's shift type follows its input type */
static void po2_kernel(void)
{
	struct json_object *q = json_object_new_object(), *c = json_object_new_object();

	json_object_object_add(c, "bits", json_object_new_int(4));
	json_object_object_add(c, "max_value", json_object_new_int(1));
	json_object_object_add(q, "class_name", json_object_new_string("quantized_po2"));
	json_object_object_add(q, "config", c);
	json_object_object_add(layer_cfg(9), "kernel_quantizer", q);
}

Test(import_errors, po2_product_type_follows_input)
{
	struct qnn_model *m = malloc(sizeof(*m));
	const struct qnn_layer_rec *r;

	po2_kernel();
	/*
	 * No config. 0.8: the pool before q_dense has the default
	 * ap_fixed<16,6>: ap_fixed<2(4+16), 4+16>. 1.3: the pool keeps
	 * quantized_relu(6)'s ap_ufixed<6,0>: ap_fixed<2(4+6), 4+6>.
	 */
	static const int minor[2] = {8, 3}, width[2] = {40, 20};

	for (int k = 0; k < 2; k++) {
		cr_assert_eq(run(k, minor[k], NULL), 0, "%s", err);
		cr_assert_eq(qnn_model_parse(buf, len, m, err, sizeof(err)), 0, "%s", err);
		r = m->layers[m->n_layers - 2].rec;
		cr_expect_str_eq(r->name, "q_dense");
		cr_expect(r->product_t.width == width[k] && r->product_t.int_bits == width[k] / 2 &&
			      r->product_t.is_signed && r->product_t.rounding == QNN_RND_TRN &&
			      r->product_t.overflow == QNN_OVF_WRAP,
			  "hls4ml %d.%d: product_t <%u,%d>", k, minor[k], r->product_t.width,
			  r->product_t.int_bits);
		cr_expect_eq(m->layers[0].rec->product_t.width, 0, "quantized_bits conv: exact");
	}
	free(m);
}

Test(import_errors, po2_product_type_too_wide)
{
	const char *cfg = "HLSConfig:\n  Model:\n    Precision: ap_fixed<16,6>\n"
			  "  LayerName:\n    max_pooling2d_1:\n      Precision:\n"
			  "        result: ap_fixed<30,10>\n";

	po2_kernel();
	/* 2 * (4 + 30) = 68 bits: more than the format's 63 */
	expect_error(run(0, 8, cfg), EOPNOTSUPP, "layer 'q_dense'", "ap_fixed<68,34>");
}
