/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * test_model_fixture.h - a small valid model exercising every layer kind
 * and both paddings, built with the real writer. Tests corrupt a copy of it.
 *
 *   input 6x6x2
 *   c1      conv 3x3 valid, 3 filters      -> 4x4x3
 *   c1_relu relu                           -> 4x4x3
 *   c2      conv 3x3 same, stride 2, 4 f.  -> 2x2x4 (pads 0+1 each axis)
 *   qa      linear with quantized_relu     -> 2x2x4
 *   p       maxpool 2x2                    -> 1x1x4
 *   fl      flatten                        -> 1x1x4
 *   dr      dropout                        -> 1x1x4
 *   d       dense 4 -> 5, float copies     -> 1x1x5
 *   s       softmax stable, 64 entries     -> 1x1x5
 */
#ifndef TEST_MODEL_FIXTURE_H
#define TEST_MODEL_FIXTURE_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hlsgen_model_write.h"
#include "qnn_model.h"

#define FX_N_LAYERS 9

static inline struct qnn_fixed_type fx_type(int w, int i, int sgn, int q, int o)
{
	struct qnn_fixed_type t = {(uint8_t)w, (uint8_t)sgn, (uint8_t)q, (uint8_t)o, (int16_t)i, 0};
	return t;
}

static int32_t fx_c1_w[3 * 3 * 2 * 3], fx_c1_b[3], fx_c2_w[3 * 3 * 3 * 4], fx_c2_b[4];
static int32_t fx_d_w[4 * 5], fx_d_b[5], fx_exp[64], fx_inv[64];
static float fx_d_fw[4 * 5], fx_d_fb[5];

static void fx_rec(struct qnn_layer_rec *r, const char *name, int kind, uint32_t ih, uint32_t iw,
		   uint32_t ic, uint32_t oh, uint32_t ow, uint32_t oc)
{
	memset(r, 0, sizeof(*r));
	strncpy(r->name, name, QNN_NAME_LEN - 1);
	r->kind = (uint16_t)kind;
	r->in_h = ih;
	r->in_w = iw;
	r->in_c = ic;
	r->out_h = oh;
	r->out_w = ow;
	r->out_c = oc;
	r->reuse_factor = 1;
}

static void fx_weights(struct hlsgen_layer_desc *l, int32_t *w, uint32_t nw, int32_t *b,
		       uint32_t nb)
{
	for (uint32_t i = 0; i < nw; i++)
		w[i] = (int32_t)(i * 7 % 64) - 32; /* spans ap_fixed<6,1>: -32..31 */
	for (uint32_t i = 0; i < nb; i++)
		b[i] = (int32_t)i - 2;
	l->weights = w;
	l->n_weights = nw;
	l->bias = b;
	l->n_bias = nb;
	l->rec.flags = QNN_LF_HAS_BIAS;
	l->rec.weight_t = fx_type(6, 1, 1, 0, 0);
	l->rec.bias_t = fx_type(6, 1, 1, 0, 0);
	l->rec.accum_t = fx_type(16, 6, 1, 0, 0);
	l->rec.result_t = fx_type(16, 6, 1, 0, 0);
	l->rec.weight_q = (struct qnn_qkeras_quantizer){QNN_QK_QUANTIZED_BITS, 6, 0, 0, 1, {0}};
	l->rec.bias_q = l->rec.weight_q;
}

/* Fills d and layers (FX_N_LAYERS entries). */
static void fx_desc(struct hlsgen_model_desc *d, struct hlsgen_layer_desc *L)
{
	memset(d, 0, sizeof(*d));
	memset(L, 0, sizeof(*L) * FX_N_LAYERS);
	d->name = "fixture";
	d->in_h = 6;
	d->in_w = 6;
	d->in_c = 2;
	d->input_t = fx_type(16, 6, 1, 0, 0);
	d->hls4ml_major = 0;
	d->hls4ml_minor = 8;
	d->n_layers = FX_N_LAYERS;
	d->layers = L;

	fx_rec(&L[0].rec, "c1", QNN_LAYER_CONV2D, 6, 6, 2, 4, 4, 3);
	L[0].rec.kernel_h = L[0].rec.kernel_w = 3;
	L[0].rec.stride_h = L[0].rec.stride_w = 1;
	fx_weights(&L[0], fx_c1_w, 54, fx_c1_b, 3);

	fx_rec(&L[1].rec, "c1_relu", QNN_LAYER_RELU, 4, 4, 3, 4, 4, 3);
	L[1].rec.result_t = fx_type(16, 6, 1, 0, 0);

	fx_rec(&L[2].rec, "c2", QNN_LAYER_CONV2D, 4, 4, 3, 2, 2, 4);
	L[2].rec.kernel_h = L[2].rec.kernel_w = 3;
	L[2].rec.stride_h = L[2].rec.stride_w = 2;
	L[2].rec.padding = QNN_PAD_SAME;
	L[2].rec.pad_bottom = L[2].rec.pad_right = 1;
	fx_weights(&L[2], fx_c2_w, 108, fx_c2_b, 4);

	fx_rec(&L[3].rec, "qa", QNN_LAYER_LINEAR, 2, 2, 4, 2, 2, 4);
	L[3].rec.result_t = fx_type(6, 0, 0, QNN_RND_CONV, QNN_OVF_SAT);
	L[3].rec.result_q = (struct qnn_qkeras_quantizer){QNN_QK_QUANTIZED_RELU, 6, 0, 0, 0, {0}};

	fx_rec(&L[4].rec, "p", QNN_LAYER_MAXPOOL2D, 2, 2, 4, 1, 1, 4);
	L[4].rec.kernel_h = L[4].rec.kernel_w = 2;
	L[4].rec.stride_h = L[4].rec.stride_w = 2;
	L[4].rec.result_t = fx_type(16, 6, 1, 0, 0);

	fx_rec(&L[5].rec, "fl", QNN_LAYER_FLATTEN, 1, 1, 4, 1, 1, 4);
	fx_rec(&L[6].rec, "dr", QNN_LAYER_DROPOUT, 1, 1, 4, 1, 1, 4);

	fx_rec(&L[7].rec, "d", QNN_LAYER_DENSE, 1, 1, 4, 1, 1, 5);
	fx_weights(&L[7], fx_d_w, 20, fx_d_b, 5);
	for (int i = 0; i < 20; i++)
		fx_d_fw[i] = (float)fx_d_w[i] / 32.0f + 0.001f;
	for (int i = 0; i < 5; i++)
		fx_d_fb[i] = (float)fx_d_b[i] / 32.0f;
	L[7].float_weights = fx_d_fw;
	L[7].float_bias = fx_d_fb;

	fx_rec(&L[8].rec, "s", QNN_LAYER_SOFTMAX, 1, 1, 5, 1, 1, 5);
	L[8].rec.result_t = fx_type(16, 6, 1, 0, 0);
	L[8].rec.softmax_impl = QNN_SOFTMAX_STABLE;
	L[8].rec.softmax_rule = QNN_SMX_RULE_HLS4ML_08;
	L[8].rec.table_size = 64;
	L[8].rec.exp_table_t = fx_type(18, 8, 1, QNN_RND_RND, QNN_OVF_SAT);
	L[8].rec.inv_table_t = fx_type(18, 8, 1, QNN_RND_RND, QNN_OVF_SAT);
	for (int i = 0; i < 64; i++) {
		fx_exp[i] = 1024 - i;
		fx_inv[i] = 4096 / (i + 1);
	}
	L[8].exp_table = fx_exp;
	L[8].inv_table = fx_inv;
	L[8].n_table = 64;
}

/* A valid file image (malloc'ed, 8-aligned); NULL on failure. */
static void *fx_build(size_t *len)
{
	struct hlsgen_model_desc d;
	struct hlsgen_layer_desc L[FX_N_LAYERS];
	char err[256];
	void *buf;

	fx_desc(&d, L);
	if (hlsgen_model_build(&d, 0, &buf, len, err, sizeof(err)))
		return NULL;
	return buf;
}

static inline struct qnn_file_header *fx_hdr(void *buf)
{
	return buf;
}

static inline struct qnn_layer_rec *fx_layer(void *buf, uint32_t i)
{
	return (struct qnn_layer_rec *)((uint8_t *)buf + QNN_HEADER_SIZE) + i;
}

#endif
