// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * test_keras_json.c - the one Keras model JSON reader (hlsgen_keras_json.h):
 * the published models' description field by field, malformed documents
 * refused with the layer and the field in the message (never a crash), and
 * the trainer reporting exactly what the reader says (one reader, one text).
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hlsgen_keras_json.h"
#include "hlsgen_train.h"

static const char *model_path(const char *name, char *buf, size_t len)
{
	const char *s = getenv("QNN_SHARED");

	snprintf(buf, len, "%s/models/%s", s ? s : "../shared", name);
	return buf;
}

Test(keras_json, published_cnn_described)
{
	struct hg_keras_model m;
	const struct hg_keras_layer *l;
	char path[512], err[512];

	cr_assert_eq(
	    hg_keras_model_from_file(model_path("qkeras_mnist_cnn.json", path, sizeof(path)), &m,
				     err, sizeof(err)),
	    0, "%s", err);
	cr_expect_str_eq(m.name, "sequential");
	cr_expect_str_eq(m.input_layer, "input_1");
	cr_expect(m.in_h == 28 && m.in_w == 28 && m.in_c == 1);
	cr_assert_eq(m.n_layers, 10);
	l = &m.layers[0];
	cr_expect_str_eq(l->name, "q_conv2d");
	cr_expect_str_eq(l->class_name, "QConv2D");
	cr_expect(l->cls == HG_KC_CONV2D && l->quantized && l->units == 16);
	cr_expect(l->kh == 3 && l->kw == 3 && l->sh == 1 && l->sw == 1 && !l->same_padding);
	cr_expect(l->use_bias && l->activation == HG_KA_RELU);
	cr_expect(l->kernel_q.kind == HG_Q_BITS && l->kernel_q.bits == 6 &&
		  l->kernel_q.integer == 0 && l->kernel_q.keep_negative);
	cr_expect(l->bias_q.kind == HG_Q_BITS && l->bias_q.bits == 6);
	l = &m.layers[1];
	cr_expect(l->cls == HG_KC_QACTIVATION && l->activation == HG_KA_NONE);
	cr_expect(l->act_q.kind == HG_Q_RELU && l->act_q.bits == 6 && l->act_q.integer == 0);
	l = &m.layers[2];
	cr_expect(l->cls == HG_KC_MAXPOOL && l->kh == 2 && l->kw == 2 && l->sh == 2 && l->sw == 2);
	cr_expect(m.layers[6].cls == HG_KC_FLATTEN);
	cr_expect(m.layers[7].cls == HG_KC_DROPOUT && m.layers[7].rate == 0.5f);
	l = &m.layers[8];
	cr_expect(l->cls == HG_KC_DENSE && l->units == 10 && l->quantized);
	cr_expect(m.layers[9].cls == HG_KC_ACTIVATION && m.layers[9].activation == HG_KA_SOFTMAX);
	hg_keras_model_free(&m);
}

Test(keras_json, published_dense_described)
{
	struct hg_keras_model m;
	char path[512], err[512];

	cr_assert_eq(
	    hg_keras_model_from_file(model_path("qkeras_mnist_dense.json", path, sizeof(path)), &m,
				     err, sizeof(err)),
	    0, "%s", err);
	cr_assert_eq(m.n_layers, 5);
	cr_expect(m.layers[0].cls == HG_KC_QACTIVATION && m.layers[0].act_q.kind == HG_Q_RELU &&
		  m.layers[0].act_q.bits == 2);
	cr_expect(m.layers[1].cls == HG_KC_DENSE && m.layers[1].activation == HG_KA_LINEAR);
	cr_expect(m.layers[2].act_q.bits == 3 && m.layers[2].act_q.integer == 1);
	hg_keras_model_free(&m);
}

/* A Sequential with an 8x8x1 input and the given layers (JSON text). */
static char *model_with(const char *layers)
{
	static const char head[] = "{\"class_name\":\"Sequential\",\"config\":{\"name\":\"t\","
				   "\"layers\":[{\"class_name\":\"InputLayer\",\"config\":{"
				   "\"name\":\"in\",\"batch_input_shape\":[null,8,8,1]}},";
	size_t n = sizeof(head) + strlen(layers) + 8;
	char *s = malloc(n);

	cr_assert_not_null(s);
	snprintf(s, n, "%s%s]}}", head, layers);
	return s;
}

#define CONV(extra)                                                                                \
	"{\"class_name\":\"Conv2D\",\"config\":{\"name\":\"c1\",\"filters\":2,"                    \
	"\"kernel_size\":[3,3]" extra "}}"
#define QDENSE(extra)                                                                              \
	"{\"class_name\":\"Flatten\",\"config\":{\"name\":\"f\"}},"                                \
	"{\"class_name\":\"QDense\",\"config\":{\"name\":\"qd\",\"units\":2" extra "}}"

static const struct {
	const char *layers;
	int rc;
	const char *needle; /* the layer and the field */
} refused[] = {
    {CONV(",\"dilation_rate\":[2,2]"), -EOPNOTSUPP, "layer 'c1': dilation_rate 2x2 unsupported"},
    {CONV(",\"groups\":2"), -EOPNOTSUPP, "layer 'c1': groups 2 unsupported"},
    {CONV(",\"data_format\":\"channels_first\""), -EOPNOTSUPP, "layer 'c1': data_format"},
    {CONV(",\"padding\":\"causal\""), -EOPNOTSUPP, "layer 'c1': padding 'causal'"},
    {CONV(",\"strides\":[0,1]"), -EINVAL, "layer 'c1': strides 0x1 out of range"},
    {CONV(",\"kernel_size\":\"3\""), -EINVAL, "layer 'c1': kernel_size is not a pair"},
    {CONV(",\"activation\":\"tanh\""), -EOPNOTSUPP, "layer 'c1': activation 'tanh'"},
    {CONV(",\"activation\":{\"class_name\":\"relu\"}"), -EOPNOTSUPP,
     "layer 'c1': activation given as an object"},
    {CONV(",\"use_bias\":\"no\""), -EINVAL, "layer 'c1': use_bias is not a boolean"},
    {"{\"class_name\":\"Conv2D\",\"config\":{\"name\":\"c1\",\"filters\":2}}", -EINVAL,
     "layer 'c1': kernel_size missing"},
    {"{\"class_name\":\"Conv2D\",\"config\":{\"name\":\"c1\",\"kernel_size\":3}}", -EINVAL,
     "layer 'c1': filters missing"},
    {"{\"class_name\":\"Conv2D\",\"config\":{\"name\":\"c1\",\"filters\":0,\"kernel_size\":3}}",
     -EINVAL, "layer 'c1': filters 0 out of range"},
    {"{\"class_name\":\"MaxPooling2D\",\"config\":{\"name\":\"p\",\"data_format\":"
     "\"channels_first\"}}",
     -EOPNOTSUPP, "layer 'p': data_format channels_first"},
    {QDENSE(",\"kernel_quantizer\":\"quantized_bits(4,0,alpha='auto')\""), -EOPNOTSUPP,
     "layer 'qd' kernel_quantizer: quantized_bits: alpha='auto'"},
    {QDENSE(",\"bias_quantizer\":\"quantized_relu(4)\""), -EOPNOTSUPP,
     "layer 'qd' bias_quantizer: quantized_relu on biases"},
    {QDENSE(",\"units\":\"ten\""), -EINVAL, "layer 'qd': units is not an integer"},
    {"{\"class_name\":\"QActivation\",\"config\":{\"name\":\"qa\",\"activation\":"
     "\"quantized_tanh(4)\"}}",
     -EOPNOTSUPP, "layer 'qa' activation: quantizer 'quantized_tanh'"},
    {"{\"class_name\":\"ReLU\",\"config\":{\"name\":\"r\",\"max_value\":6}}", -EOPNOTSUPP,
     "layer 'r': ReLU with max_value"},
    {"{\"class_name\":\"Dropout\",\"config\":{\"name\":\"d\",\"rate\":\"half\"}}", -EINVAL,
     "layer 'd': rate is not a number"},
    {"{\"class_name\":\"LSTM\",\"config\":{\"name\":\"rnn\"}}", -EOPNOTSUPP,
     "layer 'rnn': layer class LSTM unsupported"},
    {"{\"class_name\":\"Flatten\",\"config\":{\"name\":"
     "\"a_name_of_fifty_characters_is_longer_than_a_record\"}}",
     -EOVERFLOW, "name longer than 47"},
    /* malformed graphs: json-c asserted or the walk read through NULL before */
    {"{\"class_name\":\"Flatten\",\"config\":{\"name\":\"f\"},\"inbound_nodes\":5}", -EOPNOTSUPP,
     "layer 'f': not fed by 'in' alone"},
    {"{\"class_name\":\"Flatten\",\"config\":{\"name\":\"f\"},\"inbound_nodes\":[[[]]]}",
     -EOPNOTSUPP, "layer 'f': not fed by 'in' alone"},
    {"{\"class_name\":\"Flatten\",\"config\":{\"name\":\"f\"},\"inbound_nodes\":[[[7]]]}",
     -EOPNOTSUPP, "layer 'f': not fed by 'in' alone"},
};

Test(keras_json, refusals_name_the_layer_and_the_field)
{
	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		char *text = model_with(refused[i].layers), err[512] = "";
		struct hg_keras_model m;
		int rc = hg_keras_model_from_text(text, &m, err, sizeof(err));

		cr_expect_eq(rc, refused[i].rc, "case %zu: rc %d (%s)", i, rc, err);
		cr_expect(strstr(err, refused[i].needle) != NULL, "case %zu: '%s' lacks '%s'", i,
			  err, refused[i].needle);
		free(text);
	}
}

/* The trainer's message is the reader's own: one reading, one wording. */
Test(keras_json, trainer_reports_the_readers_message)
{
	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		char *text = model_with(refused[i].layers), err[512] = "", terr[512] = "";
		struct hg_keras_model m;
		struct hg_net_spec s;

		cr_assert_neq(hg_keras_model_from_text(text, &m, err, sizeof(err)), 0);
		cr_expect_eq(hg_spec_from_keras_json_text(text, &s, terr, sizeof(terr)), -1,
			     "case %zu accepted by the trainer", i);
		cr_expect_str_eq(terr, err, "case %zu", i);
		free(text);
	}
}

Test(keras_json, input_shape_named)
{
	static const char *const bad[][2] = {
	    {"[null,0,8,1]", "layer 'in': batch_input_shape dimension 1 is 0"},
	    {"[null,1,2,3,4]", "layer 'in': batch_input_shape of rank 4 unsupported"},
	    {"7", "layer 'in': batch_input_shape of rank 0 unsupported"},
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char text[512], err[512] = "";
		struct hg_keras_model m;

		snprintf(text, sizeof(text),
			 "{\"class_name\":\"Sequential\",\"config\":{\"layers\":[{\"class_name\":"
			 "\"InputLayer\",\"config\":{\"name\":\"in\",\"batch_input_shape\":%s}},"
			 "{\"class_name\":\"Flatten\",\"config\":{\"name\":\"f\"}}]}}",
			 bad[i][0]);
		cr_expect_eq(hg_keras_model_from_text(text, &m, err, sizeof(err)),
			     i ? -EOPNOTSUPP : -EINVAL, "case %zu: %s", i, err);
		cr_expect(strstr(err, bad[i][1]) != NULL, "case %zu: '%s' lacks '%s'", i, err,
			  bad[i][1]);
	}
}

Test(keras_json, defaults_and_accepted_forms)
{
	char *text = model_with(
	    "{\"class_name\":\"Conv2D\",\"config\":{\"name\":\"c\",\"filters\":4.0,"
	    "\"kernel_size\":3,\"padding\":\"same\",\"use_bias\":false,\"activation\":null}},"
	    "{\"class_name\":\"MaxPool2D\",\"config\":{\"name\":\"p\",\"pool_size\":[2,1],"
	    "\"strides\":null}},"
	    "{\"class_name\":\"QDense\",\"config\":{\"name\":\"q\",\"units\":3,\"use_bias\":false,"
	    "\"kernel_quantizer\":{\"class_name\":\"quantized_bits\",\"config\":{\"bits\":4,"
	    "\"integer\":1,\"an_argument_of_a_newer_qkeras\":2}},"
	    "\"bias_quantizer\":\"quantized_bits(4,0,alpha='auto')\"}},"
	    "{\"class_name\":\"QActivation\",\"config\":{\"name\":\"a\",\"activation\":\"relu\"}}");
	struct hg_keras_model m;
	char err[512];

	cr_assert_eq(hg_keras_model_from_text(text, &m, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(m.n_layers, 4);
	cr_expect(m.layers[0].units == 4 && m.layers[0].kh == 3 && m.layers[0].kw == 3);
	cr_expect(m.layers[0].sh == 1 && m.layers[0].same_padding && !m.layers[0].use_bias);
	cr_expect(m.layers[0].activation == HG_KA_NONE && !m.layers[0].quantized);
	/* strides None: the pool size */
	cr_expect(m.layers[1].cls == HG_KC_MAXPOOL && m.layers[1].sh == 2 && m.layers[1].sw == 1);
	/* unknown quantizer arguments ignored; no bias: its quantizer is not read */
	cr_expect(m.layers[2].kernel_q.kind == HG_Q_BITS && m.layers[2].kernel_q.integer == 1);
	cr_expect(m.layers[2].bias_q.kind == HG_Q_NONE);
	/* QActivation by a Keras name */
	cr_expect(m.layers[3].activation == HG_KA_RELU && m.layers[3].act_q.kind == HG_Q_NONE);
	cr_expect_str_eq(hg_keras_act_name(m.layers[3].activation), "relu");
	hg_keras_model_free(&m);
	free(text);
}
