// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * keras_layer_json.c - one layer's "config" of a Keras model.to_json()
 * decoded into struct hg_keras_layer (hlsgen_keras_json.h): the fields the
 * importer and the trainer use, each checked for its form and range once,
 * with the layer and the field in every message. Fields that would change
 * the arithmetic and that neither tool models are refused by name.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "hlsgen_error.h"
#include "keras_json_internal.h"

struct lctx {
	const char *name; /* the layer's, for messages */
	char *err;
	size_t errlen;
};

/* "layer '<name>': <what went wrong>" */
static int refuse(const struct lctx *k, int rc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int refuse(const struct lctx *k, int rc, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return hg_fail(k->err, k->errlen, rc, "layer '%s': %s", k->name, msg);
}

static int absent(struct json_object *v)
{
	return !v || json_object_is_type(v, json_type_null);
}

/* A JSON integer, or a double with an integral value (some writers). */
static int as_int(struct json_object *v, long long *out)
{
	double d;

	if (json_object_is_type(v, json_type_int)) {
		*out = json_object_get_int64(v);
		return 0;
	}
	if (!json_object_is_type(v, json_type_double))
		return -1;
	d = json_object_get_double(v);
	if (d != floor(d) || fabs(d) > 1e9)
		return -1;
	*out = (long long)d;
	return 0;
}

/* cfg[key] as an int in lo..hi; dflt when absent, or "missing" when dflt < lo. */
static int get_int(const struct lctx *k, struct json_object *cfg, const char *key, int dflt, int lo,
		   int hi, int *out)
{
	struct json_object *v = hg_json_get(cfg, key);
	long long x;

	if (absent(v)) {
		*out = dflt;
		return dflt < lo ? refuse(k, -EINVAL, "%s missing", key) : 0;
	}
	if (as_int(v, &x))
		return refuse(k, -EINVAL, "%s is not an integer", key);
	if (x < lo || x > hi)
		return refuse(k, -EINVAL, "%s %lld out of range %d..%d", key, x, lo, hi);
	*out = (int)x;
	return 0;
}

/*
 * A Keras pair such as kernel_size or strides: [a, b], or a plain int that
 * counts for both, each 1..QNN_MAX_DIM. Absent or null: *a = *b = dflt,
 * and "missing" when dflt is 0.
 */
static int get_pair(const struct lctx *k, struct json_object *cfg, const char *key, int dflt,
		    int *a, int *b)
{
	struct json_object *v = hg_json_get(cfg, key);
	long long x = 0, y = 0;

	if (absent(v)) {
		*a = *b = dflt;
		return dflt ? 0 : refuse(k, -EINVAL, "%s missing", key);
	}
	if (json_object_is_type(v, json_type_array) && json_object_array_length(v) == 2) {
		if (as_int(json_object_array_get_idx(v, 0), &x) ||
		    as_int(json_object_array_get_idx(v, 1), &y))
			return refuse(k, -EINVAL, "%s is not a pair", key);
	} else if (as_int(v, &x)) {
		return refuse(k, -EINVAL, "%s is not a pair", key);
	} else {
		y = x;
	}
	if (x < 1 || y < 1 || x > QNN_MAX_DIM || y > QNN_MAX_DIM)
		return refuse(k, -EINVAL, "%s %lldx%lld out of range", key, x, y);
	*a = (int)x;
	*b = (int)y;
	return 0;
}

static int get_bool(const struct lctx *k, struct json_object *cfg, const char *key, int dflt,
		    int *out)
{
	struct json_object *v = hg_json_get(cfg, key);

	if (absent(v)) {
		*out = dflt;
		return 0;
	}
	if (!json_object_is_type(v, json_type_boolean) && !json_object_is_type(v, json_type_int))
		return refuse(k, -EINVAL, "%s is not a boolean", key);
	*out = json_object_get_boolean(v);
	return 0;
}

/* Keras' 'valid' (the default) or 'same'. */
static int get_padding(const struct lctx *k, struct json_object *cfg, int *same)
{
	struct json_object *v = hg_json_get(cfg, "padding");
	const char *pad;

	*same = 0;
	if (absent(v))
		return 0;
	if (!json_object_is_type(v, json_type_string))
		return refuse(k, -EINVAL, "padding is not a string");
	pad = json_object_get_string(v);
	if (strcmp(pad, "valid") && strcmp(pad, "same"))
		return refuse(k, -EOPNOTSUPP, "padding '%s' unsupported", pad);
	*same = !strcmp(pad, "same");
	return 0;
}

/* Every layer that has a data_format: channels_last only (NHWC throughout). */
static int check_channels_last(const struct lctx *k, struct json_object *cfg)
{
	struct json_object *v = hg_json_get(cfg, "data_format");
	const char *df = v ? json_object_get_string(v) : NULL;

	if (absent(v) || !strcmp(df, "channels_last"))
		return 0;
	return refuse(k, -EOPNOTSUPP, "data_format %s unsupported (channels_last only)", df);
}

static const char *const act_names[] = {
    [HG_KA_LINEAR] = "linear",
    [HG_KA_RELU] = "relu",
    [HG_KA_SOFTMAX] = "softmax",
};

static int act_by_name(const char *s)
{
	for (int a = HG_KA_LINEAR; a <= HG_KA_SOFTMAX; a++)
		if (!strcmp(s, act_names[a]))
			return a;
	return HG_KA_NONE;
}

const char *hg_keras_act_name(int act)
{
	return act >= HG_KA_LINEAR && act <= HG_KA_SOFTMAX ? act_names[act] : NULL;
}

/* activation= of Conv2D, Dense and Activation: a Keras activation by name. */
static int get_activation(const struct lctx *k, struct json_object *cfg, int *act)
{
	struct json_object *v = hg_json_get(cfg, "activation");

	*act = HG_KA_NONE;
	if (absent(v))
		return 0;
	if (!json_object_is_type(v, json_type_string))
		return refuse(k, -EOPNOTSUPP, "activation given as an object unsupported");
	*act = act_by_name(json_object_get_string(v));
	if (*act == HG_KA_NONE)
		return refuse(k, -EOPNOTSUPP, "activation '%s' unsupported",
			      json_object_get_string(v));
	return 0;
}

/* "layer 'q_dense' kernel_quantizer: <the QKeras parser's message>" */
static int get_quantizer(const struct lctx *k, struct json_object *v, const char *what,
			 struct hg_quantizer *q)
{
	char msg[256];
	int rc = hg_qkeras_parse_json(v, HG_QK_LENIENT, q, msg, sizeof(msg));

	return rc ? hg_fail(k->err, k->errlen, rc, "layer '%s' %s: %s", k->name, what, msg) : 0;
}

/* kernel_quantizer, bias_quantizer (only with a bias: else it quantizes nothing) */
static int weight_quantizers(const struct lctx *k, struct json_object *cfg,
			     struct hg_keras_layer *l)
{
	int rc = get_quantizer(k, hg_json_get(cfg, "kernel_quantizer"), "kernel_quantizer",
			       &l->kernel_q);

	if (!rc && l->use_bias)
		rc = get_quantizer(k, hg_json_get(cfg, "bias_quantizer"), "bias_quantizer",
				   &l->bias_q);
	if (!rc && l->kernel_q.kind == HG_Q_RELU)
		rc = hg_fail(k->err, k->errlen, -EOPNOTSUPP,
			     "layer '%s' kernel_quantizer: quantized_relu on weights unsupported",
			     k->name);
	if (!rc && l->bias_q.kind == HG_Q_RELU)
		rc = hg_fail(k->err, k->errlen, -EOPNOTSUPP,
			     "layer '%s' bias_quantizer: quantized_relu on biases unsupported",
			     k->name);
	return rc;
}

/* What Conv2D and Dense share: bias, activation=, quantizers. */
static int weights_layer(const struct lctx *k, struct json_object *cfg, struct hg_keras_layer *l)
{
	int rc = get_bool(k, cfg, "use_bias", 1, &l->use_bias);

	if (!rc)
		rc = get_activation(k, cfg, &l->activation);
	if (!rc && l->quantized)
		rc = weight_quantizers(k, cfg, l);
	return rc;
}

static int conv2d(const struct lctx *k, struct json_object *cfg, struct hg_keras_layer *l)
{
	int dh, dw, groups, rc;

	rc = get_pair(k, cfg, "dilation_rate", 1, &dh, &dw);
	if (!rc && (dh != 1 || dw != 1))
		rc = refuse(k, -EOPNOTSUPP, "dilation_rate %dx%d unsupported", dh, dw);
	if (!rc)
		rc = get_int(k, cfg, "groups", 1, 1, QNN_MAX_DIM, &groups);
	if (!rc && groups != 1)
		rc = refuse(k, -EOPNOTSUPP, "groups %d unsupported", groups);
	if (!rc)
		rc = get_pair(k, cfg, "kernel_size", 0, &l->kh, &l->kw);
	if (!rc)
		rc = get_pair(k, cfg, "strides", 1, &l->sh, &l->sw);
	if (!rc)
		rc = get_padding(k, cfg, &l->same_padding);
	if (!rc)
		rc = get_int(k, cfg, "filters", 0, 1, QNN_MAX_DIM, &l->units);
	return rc ? rc : weights_layer(k, cfg, l);
}

static int dense(const struct lctx *k, struct json_object *cfg, struct hg_keras_layer *l)
{
	int rc = get_int(k, cfg, "units", 0, 1, QNN_MAX_DIM, &l->units);

	return rc ? rc : weights_layer(k, cfg, l);
}

static int maxpool(const struct lctx *k, struct json_object *cfg, struct hg_keras_layer *l)
{
	int rc = get_pair(k, cfg, "pool_size", 2, &l->kh, &l->kw);

	/* strides None (or absent): the pool size (-1 marks "not given") */
	if (!rc)
		rc = get_pair(k, cfg, "strides", -1, &l->sh, &l->sw);
	if (!rc && l->sh < 0) {
		l->sh = l->kh;
		l->sw = l->kw;
	}
	return rc ? rc : get_padding(k, cfg, &l->same_padding);
}

/*
 * QActivation's activation: a Keras activation by name (QKeras falls back
 * to Keras for those) or a quantizer, as a string or {class_name, config}.
 */
static int qactivation(const struct lctx *k, struct json_object *cfg, struct hg_keras_layer *l)
{
	struct json_object *v = hg_json_get(cfg, "activation");

	if (v && json_object_is_type(v, json_type_string))
		l->activation = act_by_name(json_object_get_string(v));
	return l->activation ? 0 : get_quantizer(k, v, "activation", &l->act_q);
}

static int nonzero_number(struct json_object *cfg, const char *key)
{
	struct json_object *v = hg_json_get(cfg, key);

	return !absent(v) && json_object_get_double(v) != 0;
}

static int relu_layer(const struct lctx *k, struct json_object *cfg)
{
	if (!absent(hg_json_get(cfg, "max_value")) || nonzero_number(cfg, "negative_slope") ||
	    nonzero_number(cfg, "threshold"))
		return refuse(k, -EOPNOTSUPP,
			      "ReLU with max_value/negative_slope/threshold unsupported");
	return 0;
}

static int dropout(const struct lctx *k, struct json_object *cfg, struct hg_keras_layer *l)
{
	struct json_object *v = hg_json_get(cfg, "rate");
	double r;

	if (absent(v))
		return 0;
	if (!json_object_is_type(v, json_type_double) && !json_object_is_type(v, json_type_int))
		return refuse(k, -EINVAL, "rate is not a number");
	r = json_object_get_double(v);
	if (!(r >= 0 && r <= 1))
		return refuse(k, -EINVAL, "rate %g out of range 0..1", r);
	l->rate = (float)r;
	return 0;
}

/* The classes read, by Keras' names (QActivation has its own fields). */
static const char *const class_names[] = {
    [HG_KC_CONV2D] = "Conv2D",		 [HG_KC_DENSE] = "Dense",
    [HG_KC_MAXPOOL] = "MaxPooling2D",	 [HG_KC_ACTIVATION] = "Activation",
    [HG_KC_QACTIVATION] = "QActivation", [HG_KC_RELU] = "ReLU",
    [HG_KC_SOFTMAX] = "Softmax",	 [HG_KC_FLATTEN] = "Flatten",
    [HG_KC_DROPOUT] = "Dropout"};

/* QConv2D and QDense are Conv2D and Dense with quantizer fields. */
static int classify(const struct lctx *k, struct hg_keras_layer *l)
{
	const char *c = l->class_name;

	if (!strcmp(c, "QConv2D") || !strcmp(c, "QDense")) {
		l->quantized = 1;
		c++;
	}
	if (!strcmp(c, "MaxPool2D")) /* Keras' alias */
		c = "MaxPooling2D";
	for (int i = HG_KC_CONV2D; i <= HG_KC_DROPOUT; i++) {
		if (strcmp(c, class_names[i]))
			continue;
		l->cls = i;
		l->quantized |= i == HG_KC_QACTIVATION;
		return 0;
	}
	return refuse(k, -EOPNOTSUPP, "layer class %s unsupported", l->class_name);
}

int hg_keras_layer_decode(struct json_object *cfg, struct hg_keras_layer *l, char *err,
			  size_t errlen)
{
	const struct lctx k = {l->name, err, errlen};
	int rc = classify(&k, l);

	if (!rc)
		rc = check_channels_last(&k, cfg);
	if (rc)
		return rc;
	switch (l->cls) {
	case HG_KC_CONV2D:
		return conv2d(&k, cfg, l);
	case HG_KC_DENSE:
		return dense(&k, cfg, l);
	case HG_KC_MAXPOOL:
		return maxpool(&k, cfg, l);
	case HG_KC_ACTIVATION:
		return get_activation(&k, cfg, &l->activation);
	case HG_KC_QACTIVATION:
		return qactivation(&k, cfg, l);
	case HG_KC_RELU:
		return relu_layer(&k, cfg);
	case HG_KC_DROPOUT:
		return dropout(&k, cfg, l);
	default: /* Softmax, Flatten: nothing to read */
		return 0;
	}
}
