// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Writes a network spec as Keras' model.to_json() would for the QKeras
 * model (same shape as shared/models/qkeras_mnist_cnn.json): QConv2D /
 * QDense with quantized_bits/po2 kernel and bias quantizers and QKeras'
 * Clip constraints, QActivation(quantized_relu), and plain Keras layers
 * for everything unquantized. hls4ml and `hlsgen import` read it back.
 */
#include <json-c/json.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hlsgen_train.h"

static struct json_object *pair(int a, int b)
{
	struct json_object *v = json_object_new_array();

	json_object_array_add(v, json_object_new_int(a));
	json_object_array_add(v, json_object_new_int(b));
	return v;
}

static struct json_object *quantizer_json(const struct hg_quantizer *q)
{
	struct json_object *o = json_object_new_object(), *c = json_object_new_object();

	switch (q->kind) {
	case HG_Q_BITS:
		json_object_object_add(o, "class_name", json_object_new_string("quantized_bits"));
		json_object_object_add(c, "bits", json_object_new_int(q->bits));
		json_object_object_add(c, "integer", json_object_new_int(q->integer));
		json_object_object_add(c, "symmetric", json_object_new_int(q->symmetric));
		json_object_object_add(c, "alpha", json_object_new_int(1));
		json_object_object_add(c, "keep_negative",
				       json_object_new_boolean(q->keep_negative));
		json_object_object_add(c, "use_stochastic_rounding", json_object_new_boolean(0));
		json_object_object_add(c, "qnoise_factor", json_object_new_double(1.0));
		break;
	case HG_Q_RELU:
		json_object_object_add(o, "class_name", json_object_new_string("quantized_relu"));
		json_object_object_add(c, "bits", json_object_new_int(q->bits));
		json_object_object_add(c, "integer", json_object_new_int(q->integer));
		json_object_object_add(c, "use_sigmoid", json_object_new_int(0));
		json_object_object_add(c, "negative_slope", json_object_new_double(0.0));
		json_object_object_add(c, "use_stochastic_rounding", json_object_new_boolean(0));
		json_object_object_add(c, "relu_upper_bound", NULL);
		json_object_object_add(c, "qnoise_factor", json_object_new_double(1.0));
		break;
	default: /* HG_Q_PO2 */
		json_object_object_add(o, "class_name", json_object_new_string("quantized_po2"));
		json_object_object_add(c, "bits", json_object_new_int(q->bits));
		json_object_object_add(c, "max_value",
				       q->has_max ? json_object_new_double(q->max_value) : NULL);
		json_object_object_add(c, "use_stochastic_rounding", json_object_new_boolean(0));
		json_object_object_add(c, "quadratic_approximation", json_object_new_boolean(0));
		break;
	}
	json_object_object_add(o, "config", c);
	return o;
}

static struct json_object *clip_json(const struct hg_quantizer *q)
{
	struct json_object *o = json_object_new_object(), *c = json_object_new_object();
	float m = hg_quantizer_max(q);

	json_object_object_add(o, "class_name", json_object_new_string("Clip"));
	json_object_object_add(c, "min_value", json_object_new_double(-m));
	json_object_object_add(c, "max_value", json_object_new_double(m));
	json_object_object_add(o, "config", c);
	return o;
}

static struct json_object *named(struct json_object *cfg, const char *name)
{
	json_object_object_add(cfg, "name", json_object_new_string(name));
	json_object_object_add(cfg, "trainable", json_object_new_boolean(1));
	json_object_object_add(cfg, "dtype", json_object_new_string("float32"));
	return cfg;
}

static const char *act_name(int a)
{
	return a == HG_ACT_RELU ? "relu" : "linear";
}

static void weights_config(struct json_object *c, const struct hg_layer_spec *l)
{
	struct json_object *init = json_object_new_object(), *zeros = json_object_new_object();

	json_object_object_add(init, "class_name", json_object_new_string("HeNormal"));
	json_object_object_add(init, "config", json_object_new_object());
	json_object_object_add(zeros, "class_name", json_object_new_string("Zeros"));
	json_object_object_add(zeros, "config", json_object_new_object());
	json_object_object_add(c, "activation", json_object_new_string(act_name(l->activation)));
	json_object_object_add(c, "use_bias", json_object_new_boolean(l->use_bias));
	json_object_object_add(c, "kernel_initializer", init);
	json_object_object_add(c, "bias_initializer", zeros);
	json_object_object_add(c, "kernel_regularizer", NULL);
	json_object_object_add(c, "bias_regularizer", NULL);
	json_object_object_add(c, "activity_regularizer", NULL);
	if (l->kernel_q.kind == HG_Q_NONE && l->bias_q.kind == HG_Q_NONE) {
		json_object_object_add(c, "kernel_constraint", NULL);
		json_object_object_add(c, "bias_constraint", NULL);
		return;
	}
	json_object_object_add(c, "kernel_constraint",
			       l->kernel_q.kind ? clip_json(&l->kernel_q) : NULL);
	json_object_object_add(c, "bias_constraint", l->bias_q.kind ? clip_json(&l->bias_q) : NULL);
	json_object_object_add(c, "kernel_quantizer",
			       l->kernel_q.kind ? quantizer_json(&l->kernel_q) : NULL);
	json_object_object_add(c, "bias_quantizer",
			       l->bias_q.kind ? quantizer_json(&l->bias_q) : NULL);
	json_object_object_add(c, "kernel_range", NULL);
	json_object_object_add(c, "bias_range", NULL);
}

static const char *layer_json(const struct hg_layer_spec *l, struct json_object *c)
{
	int quant = l->kernel_q.kind != HG_Q_NONE || l->bias_q.kind != HG_Q_NONE;

	switch (l->kind) {
	case HG_L_CONV2D:
		json_object_object_add(c, "filters", json_object_new_int(l->units));
		json_object_object_add(c, "kernel_size", pair(l->kh, l->kw));
		json_object_object_add(c, "strides", pair(l->sh, l->sw));
		json_object_object_add(c, "padding",
				       json_object_new_string(l->same_padding ? "same" : "valid"));
		json_object_object_add(c, "data_format", json_object_new_string("channels_last"));
		json_object_object_add(c, "dilation_rate", pair(1, 1));
		json_object_object_add(c, "groups", json_object_new_int(1));
		weights_config(c, l);
		return quant ? "QConv2D" : "Conv2D";
	case HG_L_DENSE:
		json_object_object_add(c, "units", json_object_new_int(l->units));
		weights_config(c, l);
		return quant ? "QDense" : "Dense";
	case HG_L_ACT:
		if (l->activation == HG_ACT_QUANT) {
			json_object_object_add(c, "activation", quantizer_json(&l->act_q));
			return "QActivation";
		}
		json_object_object_add(c, "activation",
				       json_object_new_string(act_name(l->activation)));
		return "Activation";
	case HG_L_MAXPOOL:
		json_object_object_add(c, "pool_size", pair(l->kh, l->kw));
		json_object_object_add(c, "padding", json_object_new_string("valid"));
		json_object_object_add(c, "strides", pair(l->sh, l->sw));
		json_object_object_add(c, "data_format", json_object_new_string("channels_last"));
		return "MaxPooling2D";
	case HG_L_FLATTEN:
		json_object_object_add(c, "data_format", json_object_new_string("channels_last"));
		return "Flatten";
	case HG_L_DROPOUT:
		json_object_object_add(c, "rate", json_object_new_double(l->rate));
		json_object_object_add(c, "noise_shape", NULL);
		json_object_object_add(c, "seed", NULL);
		return "Dropout";
	default: /* softmax */
		json_object_object_add(c, "activation", json_object_new_string("softmax"));
		return "Activation";
	}
}

static struct json_object *model_json(const struct hg_net_spec *s)
{
	struct json_object *root = json_object_new_object(), *cfg = json_object_new_object();
	struct json_object *layers = json_object_new_array(), *in = json_object_new_object();
	struct json_object *inc = json_object_new_object(), *shape = json_object_new_array();

	json_object_array_add(shape, NULL);
	json_object_array_add(shape, json_object_new_int(s->in_h));
	json_object_array_add(shape, json_object_new_int(s->in_w));
	json_object_array_add(shape, json_object_new_int(s->in_c));
	json_object_object_add(inc, "batch_input_shape", shape);
	json_object_object_add(inc, "dtype", json_object_new_string("float32"));
	json_object_object_add(inc, "sparse", json_object_new_boolean(0));
	json_object_object_add(inc, "ragged", json_object_new_boolean(0));
	json_object_object_add(inc, "name", json_object_new_string("input_1"));
	json_object_object_add(in, "class_name", json_object_new_string("InputLayer"));
	json_object_object_add(in, "config", inc);
	json_object_array_add(layers, in);
	for (int i = 0; i < s->n_layers; i++) {
		struct json_object *lj = json_object_new_object();
		struct json_object *c = named(json_object_new_object(), s->layers[i].name);
		const char *cls = layer_json(&s->layers[i], c);

		json_object_object_add(lj, "class_name", json_object_new_string(cls));
		json_object_object_add(lj, "config", c);
		json_object_array_add(layers, lj);
	}
	json_object_object_add(cfg, "name", json_object_new_string(s->name));
	json_object_object_add(cfg, "layers", layers);
	json_object_object_add(root, "class_name", json_object_new_string("Sequential"));
	json_object_object_add(root, "config", cfg);
	json_object_object_add(root, "keras_version", json_object_new_string("2.4.0"));
	json_object_object_add(root, "backend", json_object_new_string("tensorflow"));
	return root;
}

char *hg_keras_json_string(const struct hg_net_spec *s)
{
	struct json_object *root = model_json(s);
	char *out = strdup(json_object_to_json_string_ext(root, JSON_C_TO_STRING_PLAIN));

	json_object_put(root);
	return out;
}

int hg_keras_write_json(const struct hg_net_spec *s, const char *path, char *err, size_t errlen)
{
	char *text = hg_keras_json_string(s);
	FILE *f;
	int rc = 0;

	if (!text) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	f = fopen(path, "w");
	if (!f || fputs(text, f) < 0 || fputc('\n', f) < 0) {
		snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
		rc = -1;
	}
	if (f && fclose(f) && !rc) {
		snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
		rc = -1;
	}
	free(text);
	return rc;
}
