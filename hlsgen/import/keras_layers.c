// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * keras_layers.c - the layer list hls4ml builds from a Keras/QKeras model
 * (Sequential or a single-chain Functional model), from the description the
 * shared reader gives (hlsgen_keras_json.h, hlsgen/host/keras/keras_model_json.c):
 * shapes propagated, and a Conv/Dense `activation=` split out as its own
 * layer named <layer>_<activation> (hls4ml's keras_to_hls does the same).
 * Every feature that would change the arithmetic and is not modelled is an
 * error naming the layer and the feature.
 */
#include <errno.h>
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

/* Keras/TensorFlow window geometry, 'valid' or 'same' (smaller pad first). */
static int window(struct kctx *k, struct imp_layer *l, const struct hg_keras_layer *kl)
{
	uint32_t in[2] = {k->h, k->w}, kk[2] = {(uint32_t)kl->kh, (uint32_t)kl->kw},
		 ss[2] = {(uint32_t)kl->sh, (uint32_t)kl->sw}, out[2], pa[2], pb[2];

	l->padding = kl->same_padding ? QNN_PAD_SAME : QNN_PAD_VALID;
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
	l->kh = (uint16_t)kl->kh;
	l->kw = (uint16_t)kl->kw;
	l->sh = (uint16_t)kl->sh;
	l->sw = (uint16_t)kl->sw;
	l->pad_t = (uint16_t)pa[0];
	l->pad_b = (uint16_t)pb[0];
	l->pad_l = (uint16_t)pa[1];
	l->pad_r = (uint16_t)pb[1];
	l->out_h = k->h = out[0];
	l->out_w = k->w = out[1];
	return 0;
}

/* The engine's layer for a Keras activation (the reader refused the others). */
static enum imp_kind activation_kind(int act)
{
	return act == HG_KA_RELU      ? IMP_ACT_RELU
	       : act == HG_KA_SOFTMAX ? IMP_ACT_SOFTMAX
				      : IMP_ACT_LINEAR;
}

/* activation= inside Conv/Dense: its own layer, as hls4ml splits it */
static int inner_activation(struct kctx *k, const struct imp_layer *parent, int act)
{
	struct imp_layer *l;
	char name[96];

	if (act == HG_KA_NONE)
		return 0;
	snprintf(name, sizeof(name), "%s_%s", parent->name, hg_keras_act_name(act));
	ADD_OR_FAIL(l, k, name, "Activation", activation_kind(act));
	l->inner_act = true;
	return 0;
}

/* What hls4ml's types hold of the weight quantizers the reader parsed. */
static int quantizers(struct kctx *k, struct imp_layer *l, const struct hg_keras_layer *kl)
{
	int rc;

	if (!kl->quantized)
		return 0;
	l->wq = kl->kernel_q;
	l->bq = kl->bias_q;
	rc = imp_quant_check(&l->wq, l->name, "kernel_quantizer", k->err, k->errlen);
	if (!rc && l->use_bias)
		rc = imp_quant_check(&l->bq, l->name, "bias_quantizer", k->err, k->errlen);
	return rc;
}

static int conv2d(struct kctx *k, const struct hg_keras_layer *kl)
{
	struct imp_layer *l;
	int rc;

	ADD_OR_FAIL(l, k, k->name, kl->class_name, IMP_CONV2D);
	l->use_bias = kl->use_bias;
	rc = window(k, l, kl);
	if (rc)
		return rc;
	l->out_c = k->c = (uint32_t)kl->units;
	rc = quantizers(k, l, kl);
	return rc ? rc : inner_activation(k, l, kl->activation);
}

static int dense(struct kctx *k, const struct hg_keras_layer *kl)
{
	struct imp_layer *l;
	int rc;

	if (k->h != 1 || k->w != 1)
		return hg_fail(k->err, k->errlen, -EOPNOTSUPP,
			       "layer '%s': Dense on a %ux%ux%u (non-flat) input unsupported",
			       k->name, k->h, k->w, k->c);
	ADD_OR_FAIL(l, k, k->name, kl->class_name, IMP_DENSE);
	l->use_bias = kl->use_bias;
	l->out_c = k->c = (uint32_t)kl->units;
	rc = quantizers(k, l, kl);
	return rc ? rc : inner_activation(k, l, kl->activation);
}

static int maxpool(struct kctx *k, const struct hg_keras_layer *kl)
{
	struct imp_layer *l;

	ADD_OR_FAIL(l, k, k->name, kl->class_name, IMP_MAXPOOL);
	return window(k, l, kl);
}

static int activation(struct kctx *k, const struct hg_keras_layer *kl)
{
	struct imp_layer *l;

	if (kl->activation == HG_KA_NONE)
		return hg_fail(k->err, k->errlen, -EINVAL, "layer '%s': activation missing",
			       k->name);
	ADD_OR_FAIL(l, k, k->name, kl->class_name, activation_kind(kl->activation));
	return 0;
}

static int qactivation(struct kctx *k, const struct hg_keras_layer *kl)
{
	struct imp_layer *l;
	int rc;

	if (kl->activation != HG_KA_NONE)
		return hg_fail(k->err, k->errlen, -EOPNOTSUPP,
			       "layer '%s': QActivation('%s') unsupported (it needs quantized_relu "
			       "or quantized_bits)",
			       k->name, hg_keras_act_name(kl->activation));
	ADD_OR_FAIL(l, k, k->name, kl->class_name, IMP_QACT);
	l->aq = kl->act_q;
	rc = imp_quant_check(&l->aq, l->name, "activation", k->err, k->errlen);
	if (!rc && l->aq.kind != HG_Q_RELU && l->aq.kind != HG_Q_BITS)
		rc = hg_fail(k->err, k->errlen, -EOPNOTSUPP,
			     "layer '%s': QActivation needs quantized_relu or quantized_bits",
			     l->name);
	return rc;
}

static int flatten(struct kctx *k, const struct hg_keras_layer *kl)
{
	struct imp_layer *l;

	ADD_OR_FAIL(l, k, k->name, kl->class_name, IMP_FLATTEN);
	l->out_h = l->out_w = 1;
	l->out_c = k->h * k->w * k->c;
	k->c = l->out_c;
	k->h = k->w = 1;
	return 0;
}

/* Layers without parameters or geometry: one engine layer each. */
static int plain(struct kctx *k, const struct hg_keras_layer *kl, enum imp_kind kind)
{
	struct imp_layer *l;

	ADD_OR_FAIL(l, k, k->name, kl->class_name, kind);
	return 0;
}

static int relu(struct kctx *k, const struct hg_keras_layer *kl)
{
	return plain(k, kl, IMP_ACT_RELU);
}

static int softmax(struct kctx *k, const struct hg_keras_layer *kl)
{
	return plain(k, kl, IMP_ACT_SOFTMAX);
}

/* the identity at inference, kept so the layer names match hls4ml's */
static int dropout(struct kctx *k, const struct hg_keras_layer *kl)
{
	return plain(k, kl, IMP_DROPOUT);
}

/* One builder per class of the description (enum hg_keras_class). */
static int (*const builders[])(struct kctx *, const struct hg_keras_layer *) = {
    [HG_KC_CONV2D] = conv2d,	       [HG_KC_DENSE] = dense,
    [HG_KC_MAXPOOL] = maxpool,	       [HG_KC_ACTIVATION] = activation,
    [HG_KC_QACTIVATION] = qactivation, [HG_KC_RELU] = relu,
    [HG_KC_SOFTMAX] = softmax,	       [HG_KC_FLATTEN] = flatten,
    [HG_KC_DROPOUT] = dropout};

/*
 * hls4ml's class for each kind (model/layers.py layer_map; the Keras
 * converter renames ReLU and QActivation to Activation, a softmax
 * activation to Softmax, Flatten to Reshape): Layer.class_name, the name
 * get_precision() and get_layer_config() look LayerType up by.
 */
const char *imp_hls4ml_class(enum imp_kind kind)
{
	static const char *const names[] = {
	    [IMP_INPUT] = "Input",	     [IMP_CONV2D] = "Conv2D",
	    [IMP_DENSE] = "Dense",	     [IMP_ACT_RELU] = "Activation",
	    [IMP_ACT_LINEAR] = "Activation", [IMP_ACT_SOFTMAX] = "Softmax",
	    [IMP_QACT] = "Activation",	     [IMP_MAXPOOL] = "Pooling2D",
	    [IMP_FLATTEN] = "Reshape",	     [IMP_DROPOUT] = NULL};

	return (unsigned)kind < sizeof(names) / sizeof(names[0]) ? names[kind] : NULL;
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
		 km.input_layer[0] ? km.input_layer : "input1");
	k.h = m->in_h = km.in_h;
	k.w = m->in_w = km.in_w;
	k.c = m->in_c = km.in_c;
	m->layers = calloc(MAX_IMPORT_LAYERS, sizeof(*m->layers));
	if (!m->layers)
		rc = hg_fail(err, errlen, -ENOMEM, "out of memory");
	for (size_t i = 0; !rc && i < km.n_layers; i++) {
		k.name = km.layers[i].name;
		rc = builders[km.layers[i].cls](&k, &km.layers[i]);
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
