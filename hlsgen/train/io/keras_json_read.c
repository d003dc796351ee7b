// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Reads a Keras/QKeras Sequential (or single-chain Functional) model JSON
 * into a trainable spec: the architecture and the quantizers, not the
 * weights (training starts from scratch). Anything that would change what
 * is trained and that the trainer does not model is refused by layer name.
 */
#include <json-c/json.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hlsgen_io.h"
#include "hlsgen_keras_json.h"
#include "hlsgen_train.h"

struct rctx {
	struct hg_net_spec *s;
	const char *name;
	char *err;
	size_t errlen;
};

static int fail(struct rctx *k, const char *fmt, ...)
{
	va_list ap;
	char msg[200];

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(k->err, k->errlen, "layer '%s': %s", k->name ? k->name : "?", msg);
	return -1;
}

/* Unlike the importer's, a missing pair takes its default through the same range check. */
static int get_pair(struct rctx *k, struct json_object *c, const char *key, int dflt, int *a,
		    int *b)
{
	if (hg_json_get_pair(c, key, dflt, a, b) < 0)
		return fail(k, "%s is not a pair", key);
	if (*a < 1 || *b < 1 || *a > 4096 || *b > 4096)
		return fail(k, "%s out of range", key);
	return 0;
}

/* A quantizer from {"class_name": ..., "config": {...}}, a string, or null. */
static int quantizer(struct rctx *k, struct json_object *v, struct hg_quantizer *q)
{
	char e[160];

	if (hg_quantizer_parse_json(v, q, e, sizeof(e)))
		return fail(k, "%s", e);
	return 0;
}

static int activation_name(struct rctx *k, const char *a, int *out)
{
	if (!a || !strcmp(a, "linear")) {
		*out = HG_ACT_LINEAR;
		return 0;
	}
	if (!strcmp(a, "relu")) {
		*out = HG_ACT_RELU;
		return 0;
	}
	return fail(k, "activation '%s' is not supported here (relu, linear)", a);
}

static int weights_layer(struct rctx *k, struct hg_layer_spec *l, struct json_object *c)
{
	struct json_object *ub = hg_json_get(c, "use_bias");

	l->use_bias = ub ? json_object_get_boolean(ub) : 1;
	l->prunable = 1;
	if (activation_name(k, hg_json_get_str(c, "activation"), &l->activation))
		return -1;
	if (quantizer(k, hg_json_get(c, "kernel_quantizer"), &l->kernel_q) ||
	    quantizer(k, hg_json_get(c, "bias_quantizer"), &l->bias_q))
		return -1;
	if (l->kernel_q.kind == HG_Q_RELU || l->bias_q.kind == HG_Q_RELU)
		return fail(k, "quantized_relu as a weight quantizer is not supported");
	return 0;
}

static int conv_layer(struct rctx *k, struct hg_layer_spec *l, struct json_object *c)
{
	const char *pad = hg_json_get_str(c, "padding");
	const char *fmt = hg_json_get_str(c, "data_format");
	int d1, d2;
	struct json_object *g = hg_json_get(c, "groups");

	l->kind = HG_L_CONV2D;
	l->units = hg_json_get(c, "filters") ? json_object_get_int(hg_json_get(c, "filters")) : 0;
	if (get_pair(k, c, "kernel_size", 0, &l->kh, &l->kw) ||
	    get_pair(k, c, "strides", 1, &l->sh, &l->sw) ||
	    get_pair(k, c, "dilation_rate", 1, &d1, &d2))
		return -1;
	if (d1 != 1 || d2 != 1)
		return fail(k, "dilation is not supported");
	if (g && json_object_get_int(g) != 1)
		return fail(k, "grouped convolution is not supported");
	if (fmt && strcmp(fmt, "channels_last"))
		return fail(k, "data_format %s is not supported", fmt);
	if (pad && strcmp(pad, "valid") && strcmp(pad, "same"))
		return fail(k, "padding '%s' is not supported", pad);
	l->same_padding = pad && !strcmp(pad, "same");
	return weights_layer(k, l, c);
}

static int act_layer(struct rctx *k, struct hg_layer_spec *l, const char *cls,
		     struct json_object *c)
{
	struct json_object *a = hg_json_get(c, "activation");
	const char *as =
	    a && json_object_is_type(a, json_type_string) ? json_object_get_string(a) : NULL;

	l->kind = HG_L_ACT;
	if (as && !strcmp(as, "softmax")) {
		l->kind = HG_L_SOFTMAX;
		return 0;
	}
	if (!strcmp(cls, "Activation"))
		return activation_name(k, as, &l->activation);
	if (as && (!strcmp(as, "relu") || !strcmp(as, "linear")))
		return activation_name(k, as, &l->activation);
	if (quantizer(k, a, &l->act_q))
		return -1;
	if (l->act_q.kind == HG_Q_NONE)
		return fail(k, "QActivation without a quantizer");
	l->activation = HG_ACT_QUANT;
	return 0;
}

static int one_layer(struct rctx *k, const char *cls, struct json_object *c,
		     struct hg_layer_spec *l)
{
	memset(l, 0, sizeof(*l));
	snprintf(l->name, sizeof(l->name), "%s", k->name);
	if (!strcmp(cls, "Conv2D") || !strcmp(cls, "QConv2D"))
		return conv_layer(k, l, c);
	if (!strcmp(cls, "Dense") || !strcmp(cls, "QDense")) {
		l->kind = HG_L_DENSE;
		l->units =
		    hg_json_get(c, "units") ? json_object_get_int(hg_json_get(c, "units")) : 0;
		return weights_layer(k, l, c);
	}
	if (!strcmp(cls, "Activation") || !strcmp(cls, "QActivation"))
		return act_layer(k, l, cls, c);
	if (!strcmp(cls, "MaxPooling2D")) {
		const char *pad = hg_json_get_str(c, "padding");

		l->kind = HG_L_MAXPOOL;
		if (pad && strcmp(pad, "valid"))
			return fail(k, "pooling padding '%s' is not supported", pad);
		if (get_pair(k, c, "pool_size", 2, &l->kh, &l->kw))
			return -1;
		return hg_json_get(c, "strides") &&
			       !json_object_is_type(hg_json_get(c, "strides"), json_type_null)
			   ? get_pair(k, c, "strides", 1, &l->sh, &l->sw)
			   : (l->sh = l->kh, l->sw = l->kw, 0);
	}
	if (!strcmp(cls, "Flatten")) {
		l->kind = HG_L_FLATTEN;
		return 0;
	}
	if (!strcmp(cls, "Dropout")) {
		l->kind = HG_L_DROPOUT;
		l->rate = hg_json_get(c, "rate")
			      ? (float)json_object_get_double(hg_json_get(c, "rate"))
			      : 0.0f;
		return 0;
	}
	return fail(k, "layer class %s is not supported by the trainer", cls);
}

int hg_spec_from_keras_json_text(const char *text, struct hg_net_spec *s, char *err, size_t errlen)
{
	struct rctx k = {s, NULL, err, errlen};
	struct hg_keras_model km;
	int rc = 0;

	memset(s, 0, sizeof(*s));
	if (hg_keras_model_from_text(text, &km, err, errlen))
		return -1;
	snprintf(s->name, sizeof(s->name), "%s", km.name);
	s->in_h = (int)km.in_h;
	s->in_w = (int)km.in_w;
	s->in_c = (int)km.in_c;
	for (size_t i = 0; !rc && i < km.n_layers; i++) {
		k.name = km.layers[i].name;
		if (s->n_layers == HG_MAX_LAYERS)
			rc = fail(&k, "more than %d layers", HG_MAX_LAYERS);
		else
			rc = one_layer(&k, km.layers[i].class_name, km.layers[i].config,
				       &s->layers[s->n_layers]);
		if (!rc)
			s->n_layers++;
	}
	hg_keras_model_free(&km);
	return rc ? -1 : 0;
}

int hg_spec_from_keras_json(const char *path, struct hg_net_spec *s, char *err, size_t errlen)
{
	char *text = NULL;
	size_t n;
	int rc;

	if (hlsgen_read_file(path, (size_t)16 << 20, (void **)&text, &n, err, errlen))
		return -1;
	/* a Keras JSON starts with '{'; anything else is the small text format */
	{
		const char *p = text;

		while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
			p++;
		rc = *p == '{' ? hg_spec_from_keras_json_text(text, s, err, errlen)
			       : hg_spec_from_text(text, s, err, errlen);
	}
	free(text);
	if (rc) {
		char msg[256];

		snprintf(msg, sizeof(msg), "%s", err);
		snprintf(err, errlen, "%s: %s", path, msg);
	}
	return rc;
}
