// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * keras_json.c - read a Keras/QKeras model.to_json() (Sequential or a
 * single-chain Functional model) into the layer list hls4ml would build:
 * shapes propagated, and a Conv/Dense `activation=` split out as its own
 * layer named <layer>_<activation> (hls4ml's keras_to_hls does the same).
 * Every feature that would change the arithmetic and is not modelled is an
 * error naming the layer and the feature.
 */
#include <errno.h>
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

#include "hlsgen_keras_json.h"
#include "import_internal.h"

#define MAX_IMPORT_LAYERS (QNN_MAX_LAYERS * 2)

struct kctx {
	struct imp_model *m;
	char *err;
	size_t errlen;
	uint32_t h, w, c; /* current shape */
	const char *name;
};

/* [a, b] pair of ints (kernel_size, strides...); a plain int counts twice */
static int get_pair(struct kctx *k, struct json_object *cfg, const char *key, int dflt, int *a,
		    int *b)
{
	int given = hg_json_get_pair(cfg, key, dflt, a, b);

	if (given < 0)
		return hg_fail(k->err, k->errlen, -EINVAL, "layer '%s': %s is not a pair", k->name,
			       key);
	if (given && (*a < 1 || *b < 1 || *a > (int)QNN_MAX_DIM || *b > (int)QNN_MAX_DIM))
		return hg_fail(k->err, k->errlen, -EINVAL, "layer '%s': %s %dx%d out of range",
			       k->name, key, *a, *b);
	return 0;
}

static struct imp_layer *add_layer(struct kctx *k, const char *name, const char *cls,
				   enum imp_kind kind)
{
	struct imp_model *m = k->m;
	struct imp_layer *l;

	if (m->n_layers == MAX_IMPORT_LAYERS)
		return NULL;
	if (strlen(name) >= QNN_NAME_LEN)
		return NULL;
	l = &m->layers[m->n_layers++];
	memset(l, 0, sizeof(*l));
	snprintf(l->name, sizeof(l->name), "%s", name);
	snprintf(l->keras_class, sizeof(l->keras_class), "%s", cls);
	l->kind = kind;
	l->in_h = l->out_h = k->h;
	l->in_w = l->out_w = k->w;
	l->in_c = l->out_c = k->c;
	return l;
}

#define ADD_OR_FAIL(l, k, name, cls, kind)                                                         \
	do {                                                                                       \
		(l) = add_layer((k), (name), (cls), (kind));                                       \
		if (!(l))                                                                          \
			return hg_fail((k)->err, (k)->errlen, -EOVERFLOW,                          \
				       "layer '%s': too many layers or name longer than %u",       \
				       (name), QNN_NAME_LEN - 1);                                  \
	} while (0)

static int check_channels_last(struct kctx *k, struct json_object *cfg)
{
	const char *df = hg_json_get_str(cfg, "data_format");

	if (df && strcmp(df, "channels_last"))
		return hg_fail(k->err, k->errlen, -EOPNOTSUPP,
			       "layer '%s': data_format %s unsupported (channels_last only)",
			       k->name, df);
	return 0;
}

/* Keras/TensorFlow window geometry, 'valid' or 'same' (smaller pad first). */
static int window(struct kctx *k, struct imp_layer *l, struct json_object *cfg, int kh, int kw,
		  int sh, int sw)
{
	const char *pad = hg_json_get_str(cfg, "padding");
	uint32_t in[2] = {k->h, k->w}, kk[2] = {(uint32_t)kh, (uint32_t)kw},
		 ss[2] = {(uint32_t)sh, (uint32_t)sw}, out[2], pa[2], pb[2];

	if (!pad)
		pad = "valid";
	if (strcmp(pad, "valid") && strcmp(pad, "same"))
		return hg_fail(k->err, k->errlen, -EOPNOTSUPP,
			       "layer '%s': padding '%s' unsupported", k->name, pad);
	l->padding = !strcmp(pad, "same") ? QNN_PAD_SAME : QNN_PAD_VALID;
	for (int a = 0; a < 2; a++) {
		if (l->padding == QNN_PAD_VALID) {
			if (in[a] < kk[a])
				return hg_fail(k->err, k->errlen, -EINVAL,
					       "layer '%s': window %u larger than input %u",
					       k->name, kk[a], in[a]);
			out[a] = (in[a] - kk[a]) / ss[a] + 1;
			pa[a] = pb[a] = 0;
		} else {
			uint32_t need, total;

			out[a] = (in[a] + ss[a] - 1) / ss[a];
			need = (out[a] - 1) * ss[a] + kk[a];
			total = need > in[a] ? need - in[a] : 0;
			pa[a] = total / 2;
			pb[a] = total - total / 2;
		}
	}
	l->kh = (uint16_t)kh;
	l->kw = (uint16_t)kw;
	l->sh = (uint16_t)sh;
	l->sw = (uint16_t)sw;
	l->pad_t = (uint16_t)pa[0];
	l->pad_b = (uint16_t)pb[0];
	l->pad_l = (uint16_t)pa[1];
	l->pad_r = (uint16_t)pb[1];
	l->out_h = k->h = out[0];
	l->out_w = k->w = out[1];
	return 0;
}

/* The activations the engine has, by their Keras names. */
static int activation_kind(struct kctx *k, const char *act, enum imp_kind *kind)
{
	if (!strcmp(act, "relu"))
		*kind = IMP_ACT_RELU;
	else if (!strcmp(act, "linear"))
		*kind = IMP_ACT_LINEAR;
	else if (!strcmp(act, "softmax"))
		*kind = IMP_ACT_SOFTMAX;
	else
		return hg_fail(k->err, k->errlen, -EOPNOTSUPP,
			       "layer '%s': activation '%s' unsupported", k->name, act);
	return 0;
}

/* activation= inside Conv/Dense: its own layer, as hls4ml splits it */
static int inner_activation(struct kctx *k, const struct imp_layer *parent, struct json_object *cfg)
{
	struct json_object *a = hg_json_get(cfg, "activation");
	struct imp_layer *l;
	char name[96];
	const char *act;
	enum imp_kind kind;

	if (!a || json_object_is_type(a, json_type_null))
		return 0;
	if (!json_object_is_type(a, json_type_string))
		return hg_fail(k->err, k->errlen, -EOPNOTSUPP,
			       "layer '%s': activation given as an object unsupported", k->name);
	act = json_object_get_string(a);
	if (activation_kind(k, act, &kind))
		return -EOPNOTSUPP;
	snprintf(name, sizeof(name), "%s_%s", parent->name, act);
	ADD_OR_FAIL(l, k, name, "Activation", kind);
	l->inner_act = true;
	return 0;
}

static int use_bias(struct kctx *k, struct json_object *cfg, bool *ub)
{
	struct json_object *v = hg_json_get(cfg, "use_bias");

	*ub = !v || json_object_get_boolean(v);
	return 0;
}

static int quantizers(struct kctx *k, struct imp_layer *l, struct json_object *cfg, bool q)
{
	int rc;

	if (!q)
		return 0;
	rc = imp_quant_from_json(hg_json_get(cfg, "kernel_quantizer"), l->name, "kernel_quantizer",
				 &l->wq, k->err, k->errlen);
	if (!rc && l->use_bias)
		rc = imp_quant_from_json(hg_json_get(cfg, "bias_quantizer"), l->name,
					 "bias_quantizer", &l->bq, k->err, k->errlen);
	if (!rc && l->wq.kind == HG_Q_RELU)
		rc = hg_fail(k->err, k->errlen, -EOPNOTSUPP,
			     "layer '%s' kernel_quantizer: quantized_relu on weights unsupported",
			     l->name);
	if (!rc && l->bq.kind == HG_Q_RELU)
		rc = hg_fail(k->err, k->errlen, -EOPNOTSUPP,
			     "layer '%s' bias_quantizer: quantized_relu on biases unsupported",
			     l->name);
	return rc;
}

static int conv2d(struct kctx *k, struct json_object *cfg, const char *cls, bool q)
{
	struct imp_layer *l;
	struct json_object *f = hg_json_get(cfg, "filters");
	int kh, kw, sh, sw, dh, dw, rc;

	rc = check_channels_last(k, cfg);
	if (!rc)
		rc = get_pair(k, cfg, "dilation_rate", 1, &dh, &dw);
	if (!rc && (dh != 1 || dw != 1))
		rc = hg_fail(k->err, k->errlen, -EOPNOTSUPP,
			     "layer '%s': dilation_rate %dx%d unsupported", k->name, dh, dw);
	if (!rc && hg_json_get(cfg, "groups") &&
	    json_object_get_int(hg_json_get(cfg, "groups")) != 1)
		rc = hg_fail(k->err, k->errlen, -EOPNOTSUPP, "layer '%s': groups %d unsupported",
			     k->name, json_object_get_int(hg_json_get(cfg, "groups")));
	if (!rc)
		rc = get_pair(k, cfg, "kernel_size", 0, &kh, &kw);
	if (!rc)
		rc = get_pair(k, cfg, "strides", 1, &sh, &sw);
	if (rc)
		return rc;
	if (!f || json_object_get_int(f) < 1 || json_object_get_int(f) > (int)QNN_MAX_DIM)
		return hg_fail(k->err, k->errlen, -EINVAL, "layer '%s': bad filters", k->name);
	ADD_OR_FAIL(l, k, k->name, cls, IMP_CONV2D);
	use_bias(k, cfg, &l->use_bias);
	rc = window(k, l, cfg, kh, kw, sh, sw);
	if (rc)
		return rc;
	l->out_c = k->c = (uint32_t)json_object_get_int(f);
	rc = quantizers(k, l, cfg, q);
	return rc ? rc : inner_activation(k, l, cfg);
}

static int dense(struct kctx *k, struct json_object *cfg, const char *cls, bool q)
{
	struct imp_layer *l;
	struct json_object *u = hg_json_get(cfg, "units");
	int rc;

	if (k->h != 1 || k->w != 1)
		return hg_fail(k->err, k->errlen, -EOPNOTSUPP,
			       "layer '%s': Dense on a %ux%ux%u (non-flat) input unsupported",
			       k->name, k->h, k->w, k->c);
	if (!u || json_object_get_int(u) < 1 || json_object_get_int(u) > (int)QNN_MAX_DIM)
		return hg_fail(k->err, k->errlen, -EINVAL, "layer '%s': bad units", k->name);
	ADD_OR_FAIL(l, k, k->name, cls, IMP_DENSE);
	use_bias(k, cfg, &l->use_bias);
	l->out_c = k->c = (uint32_t)json_object_get_int(u);
	rc = quantizers(k, l, cfg, q);
	return rc ? rc : inner_activation(k, l, cfg);
}

static int maxpool(struct kctx *k, struct json_object *cfg, const char *cls)
{
	struct imp_layer *l;
	int ph, pw, sh, sw, rc;

	rc = check_channels_last(k, cfg);
	if (!rc)
		rc = get_pair(k, cfg, "pool_size", 2, &ph, &pw);
	if (!rc)
		rc = get_pair(k, cfg, "strides", 0, &sh, &sw);
	if (rc == 0 && sh == 0)
		sh = ph, sw = pw; /* strides None: the pool size */
	if (rc)
		return rc;
	ADD_OR_FAIL(l, k, k->name, cls, IMP_MAXPOOL);
	return window(k, l, cfg, ph, pw, sh, sw);
}

static int activation(struct kctx *k, struct json_object *cfg, const char *cls)
{
	const char *act = hg_json_get_str(cfg, "activation");
	struct imp_layer *l;
	enum imp_kind kind;

	if (!act)
		return hg_fail(k->err, k->errlen, -EINVAL, "layer '%s': activation missing",
			       k->name);
	if (activation_kind(k, act, &kind))
		return -EOPNOTSUPP;
	ADD_OR_FAIL(l, k, k->name, cls, kind);
	return 0;
}

static int qactivation(struct kctx *k, struct json_object *cfg, const char *cls)
{
	struct imp_layer *l;
	int rc;

	ADD_OR_FAIL(l, k, k->name, cls, IMP_QACT);
	rc = imp_quant_from_json(hg_json_get(cfg, "activation"), l->name, "activation", &l->aq,
				 k->err, k->errlen);
	if (!rc && l->aq.kind != HG_Q_RELU && l->aq.kind != HG_Q_BITS)
		rc = hg_fail(k->err, k->errlen, -EOPNOTSUPP,
			     "layer '%s': QActivation needs quantized_relu or quantized_bits",
			     l->name);
	return rc;
}

static int relu_layer(struct kctx *k, struct json_object *cfg, const char *cls)
{
	struct imp_layer *l;
	struct json_object *mv = hg_json_get(cfg, "max_value");

	if ((mv && !json_object_is_type(mv, json_type_null)) ||
	    (hg_json_get(cfg, "negative_slope") &&
	     json_object_get_double(hg_json_get(cfg, "negative_slope"))) ||
	    (hg_json_get(cfg, "threshold") &&
	     json_object_get_double(hg_json_get(cfg, "threshold"))))
		return hg_fail(k->err, k->errlen, -EOPNOTSUPP,
			       "layer '%s': ReLU with max_value/negative_slope/threshold "
			       "unsupported",
			       k->name);
	ADD_OR_FAIL(l, k, k->name, cls, IMP_ACT_RELU);
	return 0;
}

static int one_layer(struct kctx *k, const char *cls, struct json_object *cfg)
{
	struct imp_layer *l;

	if (!strcmp(cls, "Conv2D") || !strcmp(cls, "QConv2D"))
		return conv2d(k, cfg, cls, cls[0] == 'Q');
	if (!strcmp(cls, "Dense") || !strcmp(cls, "QDense"))
		return dense(k, cfg, cls, cls[0] == 'Q');
	if (!strcmp(cls, "MaxPooling2D") || !strcmp(cls, "MaxPool2D"))
		return maxpool(k, cfg, cls);
	if (!strcmp(cls, "Activation"))
		return activation(k, cfg, cls);
	if (!strcmp(cls, "QActivation"))
		return qactivation(k, cfg, cls);
	if (!strcmp(cls, "ReLU"))
		return relu_layer(k, cfg, cls);
	if (!strcmp(cls, "Softmax")) {
		ADD_OR_FAIL(l, k, k->name, cls, IMP_ACT_SOFTMAX);
		return 0;
	}
	if (!strcmp(cls, "Flatten")) {
		int rc = check_channels_last(k, cfg);

		if (rc)
			return rc;
		ADD_OR_FAIL(l, k, k->name, cls, IMP_FLATTEN);
		l->out_h = l->out_w = 1;
		l->out_c = k->h * k->w * k->c;
		k->c = l->out_c;
		k->h = k->w = 1;
		return 0;
	}
	if (!strcmp(cls, "Dropout")) {
		ADD_OR_FAIL(l, k, k->name, cls, IMP_DROPOUT);
		return 0;
	}
	return hg_fail(k->err, k->errlen, -EOPNOTSUPP, "layer '%s': layer class %s unsupported",
		       k->name, cls);
}

int imp_keras_load(const char *path, struct imp_model *m, char *err, size_t errlen)
{
	struct kctx k = {m, err, errlen, 0, 0, 0, NULL};
	struct hg_keras_model km;
	int rc;

	memset(m, 0, sizeof(*m));
	rc = hg_keras_model_from_file(path, &km, err, errlen);
	if (rc)
		return rc;
	snprintf(m->name, sizeof(m->name), "%s", km.name);
	/* hls4ml names the implicit input of a Sequential "input1" */
	snprintf(m->input_name, sizeof(m->input_name), "%s",
		 km.input_layer ? km.input_layer : "input1");
	k.h = m->in_h = km.in_h;
	k.w = m->in_w = km.in_w;
	k.c = m->in_c = km.in_c;
	m->layers = calloc(MAX_IMPORT_LAYERS, sizeof(*m->layers));
	if (!m->layers)
		rc = hg_fail(err, errlen, -ENOMEM, "out of memory");
	for (size_t i = 0; !rc && i < km.n_layers; i++) {
		k.name = km.layers[i].name;
		rc = one_layer(&k, km.layers[i].class_name, km.layers[i].config);
	}
	hg_keras_model_free(&km);
	if (rc)
		imp_model_free(m);
	return rc;
}

void imp_model_free(struct imp_model *m)
{
	free(m->layers);
	m->layers = NULL;
	m->n_layers = 0;
}
