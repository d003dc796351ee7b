// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Building a trainable network from a spec: shape inference with Keras'
 * rules ('valid'/'same', floor for pooling), parameter allocation, and the
 * accessors the exporters and tests use.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hlsgen_error.h"
#include "tnet.h"

static int conv_shape(struct tlayer *L, char *err, size_t errlen)
{
	const struct hg_layer_spec *s = L->s;

	if (s->kh < 1 || s->kw < 1 || s->sh < 1 || s->sw < 1 || s->units < 1)
		return hg_fail(err, errlen, -1, "%s: bad kernel, stride or filter count", s->name);
	if (s->same_padding) {
		int pt_h, pt_w;

		L->out_h = (L->in_h + s->sh - 1) / s->sh;
		L->out_w = (L->in_w + s->sw - 1) / s->sw;
		pt_h = (L->out_h - 1) * s->sh + s->kh - L->in_h;
		pt_w = (L->out_w - 1) * s->sw + s->kw - L->in_w;
		L->pad_t = pt_h > 0 ? pt_h / 2 : 0;
		L->pad_l = pt_w > 0 ? pt_w / 2 : 0;
	} else {
		if (L->in_h < s->kh || L->in_w < s->kw)
			return hg_fail(err, errlen, -1,
				       "%s: %dx%d kernel larger than its %dx%d input", s->name,
				       s->kh, s->kw, L->in_h, L->in_w);
		L->out_h = (L->in_h - s->kh) / s->sh + 1;
		L->out_w = (L->in_w - s->kw) / s->sw + 1;
	}
	L->out_c = s->units;
	L->k = (size_t)s->kh * s->kw * L->in_c;
	L->nw = L->k * (size_t)s->units;
	L->nb = s->use_bias ? (size_t)s->units : 0;
	return 0;
}

static int layer_shape(struct tlayer *L, int last, char *err, size_t errlen)
{
	const struct hg_layer_spec *s = L->s;

	L->out_h = L->in_h;
	L->out_w = L->in_w;
	L->out_c = L->in_c;
	switch (s->kind) {
	case HG_L_CONV2D:
		return conv_shape(L, err, errlen);
	case HG_L_DENSE:
		if (L->in_h != 1 || L->in_w != 1)
			return hg_fail(err, errlen, -1,
				       "%s: Dense needs a flat input (add a Flatten)", s->name);
		if (s->units < 1)
			return hg_fail(err, errlen, -1, "%s: units must be >= 1", s->name);
		L->out_c = s->units;
		L->k = (size_t)L->in_c;
		L->nw = L->k * (size_t)s->units;
		L->nb = s->use_bias ? (size_t)s->units : 0;
		return 0;
	case HG_L_MAXPOOL:
		if (s->kh < 1 || s->kw < 1 || s->sh < 1 || s->sw < 1 || L->in_h < s->kh ||
		    L->in_w < s->kw)
			return hg_fail(err, errlen, -1, "%s: bad pool window for a %dx%d input",
				       s->name, L->in_h, L->in_w);
		L->out_h = (L->in_h - s->kh) / s->sh + 1;
		L->out_w = (L->in_w - s->kw) / s->sw + 1;
		return 0;
	case HG_L_FLATTEN:
		L->out_h = L->out_w = 1;
		L->out_c = L->in_h * L->in_w * L->in_c;
		return 0;
	case HG_L_DROPOUT:
		if (!(s->rate >= 0.0f && s->rate < 1.0f))
			return hg_fail(err, errlen, -1, "%s: dropout rate must be in [0, 1)",
				       s->name);
		return 0;
	case HG_L_ACT:
		return 0;
	case HG_L_SOFTMAX:
		if (!last)
			return hg_fail(err, errlen, -1, "%s: softmax must be the last layer",
				       s->name);
		if (L->in_h != 1 || L->in_w != 1)
			return hg_fail(err, errlen, -1, "%s: softmax needs a flat input", s->name);
		return 0;
	default:
		return hg_fail(err, errlen, -1, "%s: unknown layer kind %d", s->name, s->kind);
	}
}

static int alloc_params(struct tlayer *L)
{
	size_t nw = L->nw, nb = L->nb;

	if (!nw)
		return 0;
	L->w = calloc(nw, sizeof(float));
	L->wq = calloc(nw, sizeof(float));
	L->gw = calloc(nw, sizeof(float));
	L->mw = calloc(nw, sizeof(float));
	L->vw = calloc(nw, sizeof(float));
	if (L->s->prunable)
		L->mask = malloc(nw * sizeof(float));
	if (!L->w || !L->wq || !L->gw || !L->mw || !L->vw || (L->s->prunable && !L->mask))
		return -1;
	for (size_t i = 0; L->mask && i < nw; i++)
		L->mask[i] = 1.0f;
	if (!nb)
		return 0;
	L->b = calloc(nb, sizeof(float));
	L->bq = calloc(nb, sizeof(float));
	L->gb = calloc(nb, sizeof(float));
	L->mb = calloc(nb, sizeof(float));
	L->vb = calloc(nb, sizeof(float));
	return (L->b && L->bq && L->gb && L->mb && L->vb) ? 0 : -1;
}

int hg_net_create(struct hg_net **out, const struct hg_net_spec *spec, int threads, char *err,
		  size_t errlen)
{
	struct hg_net *net;
	int h = spec->in_h, w = spec->in_w, c = spec->in_c;

	*out = NULL;
	if (spec->n_layers < 1 || spec->n_layers > HG_MAX_LAYERS)
		return hg_fail(err, errlen, -1, "a network needs 1..%d layers", HG_MAX_LAYERS);
	if (h < 1 || w < 1 || c < 1 || (size_t)h * w * c > (1u << 24))
		return hg_fail(err, errlen, -1, "bad input shape %dx%dx%d", h, w, c);
	if (spec->layers[spec->n_layers - 1].kind != HG_L_SOFTMAX)
		return hg_fail(err, errlen, -1, "training needs a final softmax layer");
	net = calloc(1, sizeof(*net));
	if (!net)
		return hg_fail(err, errlen, -1, "out of memory");
	net->spec = *spec;
	net->n_layers = spec->n_layers;
	net->in_n = (size_t)h * w * c;
	net->max_n = net->in_n;
	for (int l = 0; l < net->n_layers; l++) {
		struct tlayer *L = &net->L[l];

		L->s = &net->spec.layers[l];
		L->in_h = h;
		L->in_w = w;
		L->in_c = c;
		if (layer_shape(L, l == net->n_layers - 1, err, errlen))
			goto fail;
		L->in_n = (size_t)h * w * c;
		L->out_n = (size_t)L->out_h * L->out_w * L->out_c;
		if (L->out_n < 1 || L->out_n > (1u << 24) || L->nw > (1u << 26)) {
			hg_fail(err, errlen, -1, "%s: layer too large", L->s->name);
			goto fail;
		}
		if (L->out_n > net->max_n)
			net->max_n = L->out_n;
		if (L->s->kind == HG_L_CONV2D) {
			size_t cols = (size_t)L->out_h * L->out_w * L->k;

			if (cols > net->max_cols)
				net->max_cols = cols;
		}
		if (alloc_params(L)) {
			hg_fail(err, errlen, -1, "out of memory");
			goto fail;
		}
		h = L->out_h;
		w = L->out_w;
		c = L->out_c;
	}
	net->threads = threads < 1 ? 1 : threads;
	net->pool = hg_pool_create(net->threads);
	if (!net->pool) {
		hg_fail(err, errlen, -1, "cannot start %d threads", net->threads);
		goto fail;
	}
	net->threads = hg_pool_size(net->pool);
	*out = net;
	return 0;
fail:
	hg_net_free(net);
	return -1;
}

static void free_ws(struct hg_net *net)
{
	if (!net->ws)
		return;
	for (int t = 0; t < net->threads; t++) {
		struct tws *ws = &net->ws[t];

		for (int l = 0; l < net->n_layers; l++) {
			if (ws->act)
				free(ws->act[l]);
			if (ws->cols)
				free(ws->cols[l]);
			if (ws->argmax)
				free(ws->argmax[l]);
			if (ws->dmask)
				free(ws->dmask[l]);
			if (ws->gw)
				free(ws->gw[l]);
			if (ws->gb)
				free(ws->gb[l]);
		}
		free(ws->act);
		free(ws->cols);
		free(ws->argmax);
		free(ws->dmask);
		free(ws->gw);
		free(ws->gb);
		free(ws->x);
		free(ws->y);
		free(ws->g0);
		free(ws->g1);
		free(ws->dcols);
	}
	free(net->ws);
	net->ws = NULL;
	net->ws_cap = 0;
}

static int alloc_one_ws(struct hg_net *net, struct tws *ws, size_t cap)
{
	int nl = net->n_layers;

	ws->cap = cap;
	ws->act = calloc((size_t)nl, sizeof(*ws->act));
	ws->cols = calloc((size_t)nl, sizeof(*ws->cols));
	ws->argmax = calloc((size_t)nl, sizeof(*ws->argmax));
	ws->dmask = calloc((size_t)nl, sizeof(*ws->dmask));
	ws->gw = calloc((size_t)nl, sizeof(*ws->gw));
	ws->gb = calloc((size_t)nl, sizeof(*ws->gb));
	ws->x = malloc(cap * net->in_n * sizeof(float));
	ws->y = malloc(cap);
	ws->g0 = malloc(cap * net->max_n * sizeof(float));
	ws->g1 = malloc(cap * net->max_n * sizeof(float));
	ws->dcols = net->max_cols ? malloc(cap * net->max_cols * sizeof(float)) : NULL;
	if (!ws->act || !ws->cols || !ws->argmax || !ws->dmask || !ws->gw || !ws->gb || !ws->x ||
	    !ws->y || !ws->g0 || !ws->g1 || (net->max_cols && !ws->dcols))
		return -1;
	for (int l = 0; l < nl; l++) {
		struct tlayer *L = &net->L[l];

		ws->act[l] = malloc(cap * L->out_n * sizeof(float));
		if (!ws->act[l])
			return -1;
		if (L->s->kind == HG_L_CONV2D &&
		    !(ws->cols[l] = malloc(cap * L->out_h * L->out_w * L->k * sizeof(float))))
			return -1;
		if (L->s->kind == HG_L_MAXPOOL &&
		    !(ws->argmax[l] = malloc(cap * L->out_n * sizeof(int32_t))))
			return -1;
		if (L->s->kind == HG_L_DROPOUT &&
		    !(ws->dmask[l] = malloc(cap * L->out_n * sizeof(float))))
			return -1;
		if (L->nw && !(ws->gw[l] = calloc(L->nw, sizeof(float))))
			return -1;
		if (L->nb && !(ws->gb[l] = calloc(L->nb, sizeof(float))))
			return -1;
	}
	return 0;
}

int net_ensure_ws(struct hg_net *net, size_t cap)
{
	if (net->ws && net->ws_cap >= cap)
		return 0;
	free_ws(net);
	net->ws = calloc((size_t)net->threads, sizeof(*net->ws));
	if (!net->ws)
		return -1;
	net->ws_cap = cap;
	for (int t = 0; t < net->threads; t++)
		if (alloc_one_ws(net, &net->ws[t], cap)) {
			free_ws(net);
			return -1;
		}
	return 0;
}

void hg_net_free(struct hg_net *net)
{
	if (!net)
		return;
	free_ws(net);
	for (int l = 0; l < net->n_layers; l++) {
		struct tlayer *L = &net->L[l];

		free(L->w);
		free(L->b);
		free(L->wq);
		free(L->bq);
		free(L->mask);
		free(L->gw);
		free(L->gb);
		free(L->mw);
		free(L->vw);
		free(L->mb);
		free(L->vb);
	}
	hg_pool_destroy(net->pool);
	free(net);
}

const struct hg_net_spec *hg_net_spec_of(const struct hg_net *net)
{
	return &net->spec;
}

float *hg_net_param(struct hg_net *net, int l, enum hg_param which, size_t *n)
{
	struct tlayer *L;

	*n = 0;
	if (l < 0 || l >= net->n_layers)
		return NULL;
	L = &net->L[l];
	switch (which) {
	case HG_P_KERNEL:
		*n = L->nw;
		return L->w;
	case HG_P_BIAS:
		*n = L->nb;
		return L->b;
	case HG_P_KERNEL_GRAD:
		*n = L->nw;
		return L->gw;
	case HG_P_BIAS_GRAD:
		*n = L->nb;
		return L->gb;
	case HG_P_MASK:
		*n = L->mask ? L->nw : 0;
		return L->mask;
	}
	return NULL;
}

void hg_net_layer_shape(const struct hg_net *net, int l, int *h, int *w, int *c)
{
	const struct tlayer *L = &net->L[l];

	*h = L->out_h;
	*w = L->out_w;
	*c = L->out_c;
}
