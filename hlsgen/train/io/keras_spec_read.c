// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * A Keras/QKeras Sequential (or single-chain Functional) model, as the
 * shared reader describes it (hlsgen_keras_json.h), into a trainable spec:
 * the architecture and the quantizers, not the weights (training starts
 * from scratch). Anything that would change what is trained and that the
 * trainer does not model is refused by layer name.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hlsgen_error.h"
#include "hlsgen_io.h"
#include "hlsgen_keras_json.h"
#include "hlsgen_train.h"

struct rctx {
	const char *name;
	char *err;
	size_t errlen;
};

static int fail(struct rctx *k, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

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

/* What training supports of a quantizer the reader parsed. */
static int trainable(struct rctx *k, const struct hg_quantizer *q, const char *what)
{
	char e[160];

	if (hg_quantizer_trainable(q, e, sizeof(e)))
		return hg_fail(k->err, k->errlen, -1, "layer '%s' %s: %s", k->name, what, e);
	return 0;
}

/* Conv2D/Dense activation=: none or linear, or relu. */
static int inner_activation(struct rctx *k, int act, int *out)
{
	if (act == HG_KA_SOFTMAX)
		return fail(k, "activation 'softmax' is not supported here (relu, linear)");
	*out = act == HG_KA_RELU ? HG_ACT_RELU : HG_ACT_LINEAR;
	return 0;
}

static int weights_layer(struct rctx *k, struct hg_layer_spec *l, const struct hg_keras_layer *kl)
{
	l->units = kl->units;
	l->use_bias = kl->use_bias;
	l->prunable = 1;
	l->kernel_q = kl->kernel_q;
	l->bias_q = kl->bias_q;
	if (inner_activation(k, kl->activation, &l->activation) ||
	    trainable(k, &l->kernel_q, "kernel_quantizer") ||
	    trainable(k, &l->bias_q, "bias_quantizer"))
		return -1;
	return 0;
}

static int conv_layer(struct rctx *k, struct hg_layer_spec *l, const struct hg_keras_layer *kl)
{
	l->kind = HG_L_CONV2D;
	l->kh = kl->kh;
	l->kw = kl->kw;
	l->sh = kl->sh;
	l->sw = kl->sw;
	l->same_padding = kl->same_padding;
	return weights_layer(k, l, kl);
}

static int pool_layer(struct rctx *k, struct hg_layer_spec *l, const struct hg_keras_layer *kl)
{
	l->kind = HG_L_MAXPOOL;
	if (kl->same_padding)
		return fail(k, "pooling padding 'same' is not supported");
	l->kh = kl->kh;
	l->kw = kl->kw;
	l->sh = kl->sh;
	l->sw = kl->sw;
	return 0;
}

/* Activation by name (none: linear); QActivation by name or quantizer. */
static int act_layer(struct rctx *k, struct hg_layer_spec *l, const struct hg_keras_layer *kl)
{
	l->kind = HG_L_ACT;
	if (kl->activation == HG_KA_SOFTMAX) {
		l->kind = HG_L_SOFTMAX;
		return 0;
	}
	if (kl->cls == HG_KC_ACTIVATION || kl->activation != HG_KA_NONE) {
		l->activation = kl->activation == HG_KA_RELU ? HG_ACT_RELU : HG_ACT_LINEAR;
		return 0;
	}
	l->act_q = kl->act_q;
	if (l->act_q.kind == HG_Q_NONE)
		return fail(k, "QActivation without a quantizer");
	l->activation = HG_ACT_QUANT;
	return trainable(k, &l->act_q, "activation");
}

static int one_layer(struct rctx *k, const struct hg_keras_layer *kl, struct hg_layer_spec *l)
{
	memset(l, 0, sizeof(*l));
	snprintf(l->name, sizeof(l->name), "%s", kl->name);
	switch (kl->cls) {
	case HG_KC_CONV2D:
		return conv_layer(k, l, kl);
	case HG_KC_DENSE:
		l->kind = HG_L_DENSE;
		return weights_layer(k, l, kl);
	case HG_KC_ACTIVATION:
	case HG_KC_QACTIVATION:
		return act_layer(k, l, kl);
	case HG_KC_MAXPOOL:
		return pool_layer(k, l, kl);
	case HG_KC_FLATTEN:
		l->kind = HG_L_FLATTEN;
		return 0;
	case HG_KC_DROPOUT:
		l->kind = HG_L_DROPOUT;
		l->rate = kl->rate;
		return 0;
	default: /* ReLU, Softmax layers */
		return fail(k, "layer class %s is not supported by the trainer", kl->class_name);
	}
}

int hg_spec_from_keras_json_text(const char *text, struct hg_net_spec *s, char *err, size_t errlen)
{
	struct rctx k = {NULL, err, errlen};
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
			rc = one_layer(&k, &km.layers[i], &s->layers[s->n_layers]);
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
