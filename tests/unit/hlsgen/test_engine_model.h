/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * test_engine_model.h - build a tiny struct qnn_model in memory (no file,
 * no parser) and run it through the engine, for the layer tests.
 */
#ifndef TEST_ENGINE_MODEL_H
#define TEST_ENGINE_MODEL_H

#include <criterion/criterion.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "qnn_engine.h"
#include "qnn_fixed.h"

#define TM_MAX 8

struct tm {
	struct qnn_file_header hdr;
	struct qnn_layer_rec rec[TM_MAX];
	struct qnn_model m;
	struct qnn_engine e;
	void *ws;
	uint32_t h, w, c; /* output shape of the last layer added */
};

static inline struct qnn_fixed_type tm_type(unsigned w, int i, int sgn, unsigned q, unsigned o)
{
	struct qnn_fixed_type t = {(uint8_t)w, (uint8_t)sgn, (uint8_t)q, (uint8_t)o, (int16_t)i, 0};
	return t;
}

/* integers: ap_fixed<w, w> */
static inline struct qnn_fixed_type tm_int(unsigned w)
{
	return tm_type(w, (int)w, 1, QNN_RND_TRN, QNN_OVF_WRAP);
}

static inline void tm_begin(struct tm *t, uint32_t h, uint32_t w, uint32_t c,
			    struct qnn_fixed_type input_t)
{
	memset(t, 0, sizeof(*t));
	t->hdr.in_h = h;
	t->hdr.in_w = w;
	t->hdr.in_c = c;
	t->hdr.input_t = input_t;
	t->m.hdr = &t->hdr;
	t->h = h;
	t->w = w;
	t->c = c;
}

static inline struct qnn_layer_rec *tm_add(struct tm *t, uint16_t kind, uint32_t oh, uint32_t ow,
					   uint32_t oc)
{
	uint32_t i = t->m.n_layers++;
	struct qnn_layer_rec *r = &t->rec[i];

	cr_assert(i < TM_MAX);
	r->kind = kind;
	r->in_h = t->h;
	r->in_w = t->w;
	r->in_c = t->c;
	r->out_h = oh;
	r->out_w = ow;
	r->out_c = oc;
	t->h = oh;
	t->w = ow;
	t->c = oc;
	t->m.layers[i].rec = r;
	return r;
}

static inline void tm_weights(struct tm *t, const int32_t *w, const int32_t *b,
			      struct qnn_fixed_type wt, struct qnn_fixed_type acc,
			      struct qnn_fixed_type res)
{
	uint32_t i = t->m.n_layers - 1;
	struct qnn_layer_rec *r = &t->rec[i];

	t->m.layers[i].weights = w;
	t->m.layers[i].bias = b;
	r->weight_t = wt;
	r->bias_t = wt;
	r->accum_t = acc;
	r->result_t = res;
	if (b)
		r->flags |= QNN_LF_HAS_BIAS;
}

static inline struct qnn_layer_rec *tm_window(struct tm *t, uint16_t kind, uint32_t k, uint32_t s,
					      uint32_t pt, uint32_t pb, uint32_t pl, uint32_t pr,
					      uint32_t oc)
{
	uint32_t oh = (t->h + pt + pb - k) / s + 1, ow = (t->w + pl + pr - k) / s + 1;
	struct qnn_layer_rec *r = tm_add(t, kind, oh, ow, oc);

	r->kernel_h = r->kernel_w = (uint16_t)k;
	r->stride_h = r->stride_w = (uint16_t)s;
	r->pad_top = (uint16_t)pt;
	r->pad_bottom = (uint16_t)pb;
	r->pad_left = (uint16_t)pl;
	r->pad_right = (uint16_t)pr;
	r->padding = (pt | pb | pl | pr) ? QNN_PAD_SAME : QNN_PAD_VALID;
	return r;
}

/* finish the model and bind an engine; flags e.g. QNN_ENGINE_REFERENCE */
static inline int tm_end(struct tm *t, uint32_t flags)
{
	size_t n;

	t->hdr.n_layers = t->m.n_layers;
	t->hdr.n_out = t->h * t->w * t->c;
	t->m.n_in = t->hdr.in_h * t->hdr.in_w * t->hdr.in_c;
	t->m.n_out = t->hdr.n_out;
	n = qnn_engine_workspace_size(&t->m);
	if (!n)
		return -22;
	free(t->ws);
	t->ws = malloc(n);
	cr_assert_not_null(t->ws);
	t->e.flags = flags;
	return qnn_engine_init(&t->e, &t->m, t->ws, n);
}

static inline void tm_free(struct tm *t)
{
	free(t->ws);
	t->ws = NULL;
}

/* run n samples given as codes; out receives n * n_out codes */
static inline void tm_run_codes(struct tm *t, const int32_t *in, uint32_t n, int32_t *out)
{
	struct qnn_engine_out o = {.codes = out};

	cr_assert_eq(qnn_engine_run(&t->e, QNN_INPUT_CODES, in, n, &o, NULL, NULL), 0);
}

#endif /* TEST_ENGINE_MODEL_H */
