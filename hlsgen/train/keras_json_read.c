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

static struct json_object *get(struct json_object *o, const char *key)
{
	struct json_object *v = NULL;

	if (o && json_object_is_type(o, json_type_object))
		json_object_object_get_ex(o, key, &v);
	return v;
}

static const char *get_str(struct json_object *o, const char *key)
{
	struct json_object *v = get(o, key);

	return v && json_object_is_type(v, json_type_string) ? json_object_get_string(v) : NULL;
}

static int get_pair(struct rctx *k, struct json_object *c, const char *key, int dflt, int *a,
		    int *b)
{
	struct json_object *v = get(c, key);

	if (!v || json_object_is_type(v, json_type_null)) {
		*a = *b = dflt;
	} else if (json_object_is_type(v, json_type_int)) {
		*a = *b = json_object_get_int(v);
	} else if (json_object_is_type(v, json_type_array) && json_object_array_length(v) == 2) {
		*a = json_object_get_int(json_object_array_get_idx(v, 0));
		*b = json_object_get_int(json_object_array_get_idx(v, 1));
	} else {
		return fail(k, "%s is not a pair", key);
	}
	if (*a < 1 || *b < 1 || *a > 4096 || *b > 4096)
		return fail(k, "%s out of range", key);
	return 0;
}

/* A quantizer from {"class_name": ..., "config": {...}}, a string, or null. */
static int quantizer(struct rctx *k, struct json_object *v, struct hg_quantizer *q)
{
	char text[256], e[160];
	size_t at;
	const char *cls;
	struct json_object *cfg;

	memset(q, 0, sizeof(*q));
	if (!v || json_object_is_type(v, json_type_null))
		return 0;
	if (json_object_is_type(v, json_type_string)) {
		if (hg_quantizer_parse(json_object_get_string(v), q, e, sizeof(e)))
			return fail(k, "%s", e);
		return 0;
	}
	cls = get_str(v, "class_name");
	cfg = get(v, "config");
	if (!cls || !cfg)
		return fail(k, "quantizer without class_name/config");
	at = (size_t)snprintf(text, sizeof(text), "%s(", cls);
	json_object_object_foreach(cfg, key, val)
	{
		const char *sv =
		    json_object_is_type(val, json_type_null) ? "None" : json_object_get_string(val);

		if (json_object_is_type(val, json_type_object) ||
		    json_object_is_type(val, json_type_array))
			return fail(k, "quantizer argument %s is not a scalar", key);
		if (!strcmp(key, "__passive_serialization__"))
			continue;
		at += (size_t)snprintf(text + at, at < sizeof(text) ? sizeof(text) - at : 0,
				       "%s=%s,", key, sv);
	}
	if (at >= sizeof(text) - 1)
		return fail(k, "quantizer config too long");
	text[at - (text[at - 1] == ',')] = ')';
	text[at - (text[at - 1] == ',') + 1] = 0;
	if (hg_quantizer_parse(text, q, e, sizeof(e)))
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
	struct json_object *ub = get(c, "use_bias");

	l->use_bias = ub ? json_object_get_boolean(ub) : 1;
	l->prunable = 1;
	if (activation_name(k, get_str(c, "activation"), &l->activation))
		return -1;
	if (quantizer(k, get(c, "kernel_quantizer"), &l->kernel_q) ||
	    quantizer(k, get(c, "bias_quantizer"), &l->bias_q))
		return -1;
	if (l->kernel_q.kind == HG_Q_RELU || l->bias_q.kind == HG_Q_RELU)
		return fail(k, "quantized_relu as a weight quantizer is not supported");
	return 0;
}

static int conv_layer(struct rctx *k, struct hg_layer_spec *l, struct json_object *c)
{
	const char *pad = get_str(c, "padding");
	const char *fmt = get_str(c, "data_format");
	int d1, d2;
	struct json_object *g = get(c, "groups");

	l->kind = HG_L_CONV2D;
	l->units = get(c, "filters") ? json_object_get_int(get(c, "filters")) : 0;
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
	struct json_object *a = get(c, "activation");
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
		l->units = get(c, "units") ? json_object_get_int(get(c, "units")) : 0;
		return weights_layer(k, l, c);
	}
	if (!strcmp(cls, "Activation") || !strcmp(cls, "QActivation"))
		return act_layer(k, l, cls, c);
	if (!strcmp(cls, "MaxPooling2D")) {
		const char *pad = get_str(c, "padding");

		l->kind = HG_L_MAXPOOL;
		if (pad && strcmp(pad, "valid"))
			return fail(k, "pooling padding '%s' is not supported", pad);
		if (get_pair(k, c, "pool_size", 2, &l->kh, &l->kw))
			return -1;
		return get(c, "strides") && !json_object_is_type(get(c, "strides"), json_type_null)
			   ? get_pair(k, c, "strides", 1, &l->sh, &l->sw)
			   : (l->sh = l->kh, l->sw = l->kw, 0);
	}
	if (!strcmp(cls, "Flatten")) {
		l->kind = HG_L_FLATTEN;
		return 0;
	}
	if (!strcmp(cls, "Dropout")) {
		l->kind = HG_L_DROPOUT;
		l->rate = get(c, "rate") ? (float)json_object_get_double(get(c, "rate")) : 0.0f;
		return 0;
	}
	return fail(k, "layer class %s is not supported by the trainer", cls);
}

static int input_shape(struct rctx *k, struct json_object *shape)
{
	size_t n = shape && json_object_is_type(shape, json_type_array)
		       ? json_object_array_length(shape)
		       : 0;
	int d[3] = {1, 1, 1};

	if (n < 2 || n > 4)
		return fail(k, "input shape of rank %zu is not supported", n ? n - 1 : 0);
	for (size_t i = 1; i < n; i++)
		d[3 - (n - i)] = json_object_get_int(json_object_array_get_idx(shape, i));
	if (n == 3) { /* (H, W): one channel */
		d[0] = d[1];
		d[1] = d[2];
		d[2] = 1;
	}
	k->s->in_h = d[0];
	k->s->in_w = d[1];
	k->s->in_c = d[2];
	return 0;
}

int hg_spec_from_keras_json_text(const char *text, struct hg_net_spec *s, char *err, size_t errlen)
{
	struct json_object *root = json_tokener_parse(text), *cfg, *layers;
	struct rctx k = {s, NULL, err, errlen};
	const char *cls, *name;
	int rc = -1;

	memset(s, 0, sizeof(*s));
	if (!root) {
		snprintf(err, errlen, "not valid JSON");
		return -1;
	}
	cls = get_str(root, "class_name");
	cfg = get(root, "config");
	layers = json_object_is_type(cfg, json_type_array) ? cfg : get(cfg, "layers");
	if (!cls ||
	    (strcmp(cls, "Sequential") && strcmp(cls, "Functional") && strcmp(cls, "Model")) ||
	    !layers || !json_object_is_type(layers, json_type_array)) {
		snprintf(err, errlen, "not a Keras Sequential/Functional model JSON");
		goto out;
	}
	name = get_str(cfg, "name");
	snprintf(s->name, sizeof(s->name), "%s", name ? name : "model");
	for (size_t i = 0; i < json_object_array_length(layers); i++) {
		struct json_object *lj = json_object_array_get_idx(layers, i);
		struct json_object *c = get(lj, "config");
		const char *lc = get_str(lj, "class_name");

		k.name = get_str(c, "name");
		if (!lc || !k.name) {
			snprintf(err, errlen, "layer %zu lacks class_name or name", i);
			goto out;
		}
		if (i == 0 && input_shape(&k, get(c, "batch_input_shape")))
			goto out;
		if (!strcmp(lc, "InputLayer")) {
			if (i) {
				fail(&k, "a second InputLayer is not supported");
				goto out;
			}
			continue;
		}
		if (s->n_layers == HG_MAX_LAYERS) {
			fail(&k, "more than %d layers", HG_MAX_LAYERS);
			goto out;
		}
		if (one_layer(&k, lc, c, &s->layers[s->n_layers]))
			goto out;
		s->n_layers++;
	}
	rc = 0;
out:
	json_object_put(root);
	return rc;
}

int hg_spec_from_keras_json(const char *path, struct hg_net_spec *s, char *err, size_t errlen)
{
	FILE *f = fopen(path, "rb");
	char *text;
	long n;
	int rc;

	if (!f) {
		snprintf(err, errlen, "%s: cannot open", path);
		return -1;
	}
	if (fseek(f, 0, SEEK_END) || (n = ftell(f)) < 0 || n > (16 << 20) ||
	    fseek(f, 0, SEEK_SET)) {
		fclose(f);
		snprintf(err, errlen, "%s: unreadable or larger than 16 MiB", path);
		return -1;
	}
	text = calloc(1, (size_t)n + 1);
	if (!text || fread(text, 1, (size_t)n, f) != (size_t)n) {
		fclose(f);
		free(text);
		snprintf(err, errlen, "%s: cannot read", path);
		return -1;
	}
	fclose(f);
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
