// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * ref_init.c - prepares a model's parameters for the float reference:
 * float copies (quantized with QKeras' quantizers in QKERAS mode) or, when
 * a layer has none, its codes scaled by 2^-F.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hlsgen_ref.h"

static float f32_from_bits(uint32_t bits)
{
	float f;

	memcpy(&f, &bits, sizeof(f));
	return f;
}

/* count parameters of one array (weights or bias) of layer l, prepared for mode. */
static float *prepare(const int32_t *codes, const uint32_t *fbits, uint32_t count,
		      const struct qnn_fixed_type *t, const struct qnn_qkeras_quantizer *q,
		      enum hlsgen_ref_mode mode)
{
	float *p = malloc(((size_t)count + 1) * sizeof(float));

	if (!p)
		return NULL;
	for (uint32_t i = 0; i < count; i++) {
		if (!fbits) {
			p[i] = (float)ldexp(codes[i], -((int)t->width - t->int_bits));
			continue;
		}
		p[i] = f32_from_bits(fbits[i]);
		if (mode == HLSGEN_REF_QKERAS)
			p[i] = hlsgen_qkeras_quantize(q, p[i]);
	}
	return p;
}

static int check_layer(const struct qnn_layer *l, uint32_t idx, char *err, size_t errlen)
{
	const struct qnn_layer_rec *r = l->rec;
	const struct qnn_qkeras_quantizer *qs[3] = {&r->weight_q, &r->bias_q, &r->result_q};

	if (r->kind < QNN_LAYER_CONV2D || r->kind >= QNN_LAYER_KIND_MAX) {
		snprintf(err, errlen, "layer %u '%.48s': kind %u has no float reference", idx,
			 r->name, r->kind);
		return -EOPNOTSUPP;
	}
	for (int i = 0; i < 3; i++) {
		if (qs[i]->kind >= QNN_QK_COUNT) {
			snprintf(err, errlen, "layer %u '%.48s': unknown QKeras quantizer kind %u",
				 idx, r->name, qs[i]->kind);
			return -EOPNOTSUPP;
		}
	}
	if ((r->kind == QNN_LAYER_CONV2D || r->kind == QNN_LAYER_DENSE) && !l->weights) {
		snprintf(err, errlen, "layer %u '%.48s': no weights", idx, r->name);
		return -EINVAL;
	}
	return 0;
}

static int prepare_layer(struct hlsgen_ref *r, uint32_t i)
{
	const struct qnn_layer *l = &r->model->layers[i];
	const struct qnn_layer_rec *rec = l->rec;

	if (rec->kind != QNN_LAYER_CONV2D && rec->kind != QNN_LAYER_DENSE)
		return 0;
	r->w[i] = prepare(l->weights, l->float_weights, rec->weights.count, &rec->weight_t,
			  &rec->weight_q, r->mode);
	if (!r->w[i])
		return -ENOMEM;
	if (l->bias) {
		r->b[i] = prepare(l->bias, l->float_bias, rec->bias.count, &rec->bias_t,
				  &rec->bias_q, r->mode);
		if (!r->b[i])
			return -ENOMEM;
	}
	if (rec->out_c > r->max_cout)
		r->max_cout = rec->out_c;
	return 0;
}

int hlsgen_ref_init(struct hlsgen_ref *r, const struct qnn_model *m, enum hlsgen_ref_mode mode,
		    char *err, size_t errlen)
{
	int ret = 0;

	memset(r, 0, sizeof(*r));
	r->model = m;
	r->mode = mode;
	for (uint32_t i = 0; i < m->n_layers && !ret; i++) {
		ret = check_layer(&m->layers[i], i, err, errlen);
		if (!ret && prepare_layer(r, i)) {
			snprintf(err, errlen, "out of memory");
			ret = -ENOMEM;
		}
	}
	if (ret)
		hlsgen_ref_free(r);
	return ret;
}

void hlsgen_ref_free(struct hlsgen_ref *r)
{
	for (uint32_t i = 0; i < QNN_MAX_LAYERS; i++) {
		free(r->w[i]);
		free(r->b[i]);
		r->w[i] = r->b[i] = NULL;
	}
}

int hlsgen_ref_ws_alloc(const struct hlsgen_ref *r, struct hlsgen_ref_ws *ws)
{
	size_t t = (size_t)r->model->max_tensor + r->model->n_in + 1;

	ws->t0 = malloc(t * sizeof(float));
	ws->t1 = malloc(t * sizeof(float));
	ws->acc = malloc(((size_t)r->max_cout + 1) * sizeof(double));
	if (!ws->t0 || !ws->t1 || !ws->acc) {
		hlsgen_ref_ws_free(ws);
		return -ENOMEM;
	}
	return 0;
}

void hlsgen_ref_ws_free(struct hlsgen_ref_ws *ws)
{
	free(ws->t0);
	free(ws->t1);
	free(ws->acc);
	ws->t0 = ws->t1 = NULL;
	ws->acc = NULL;
}
