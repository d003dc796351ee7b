// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * ref_layers.c - one sample through the float reference, layer by layer.
 * Tensors are (h, w, c) arrays, as Keras' channels_last and the .qnn file
 * lay them out.
 */
#include <float.h>
#include <math.h>
#include <string.h>

#include "hlsgen_ref.h"

/* Keras Conv2D: zero padding, kernel [kh][kw][cin][cout]. */
static void conv2d(const struct qnn_layer_rec *l, const float *w, const float *b, const float *in,
		   float *out, double *acc)
{
	uint32_t cin = l->in_c, cout = l->out_c;

	for (uint32_t oy = 0; oy < l->out_h; oy++) {
		for (uint32_t ox = 0; ox < l->out_w; ox++) {
			for (uint32_t co = 0; co < cout; co++)
				acc[co] = b ? b[co] : 0.0;
			for (uint32_t ky = 0; ky < l->kernel_h; ky++) {
				int64_t iy = (int64_t)oy * l->stride_h + ky - l->pad_top;

				if (iy < 0 || iy >= l->in_h)
					continue;
				for (uint32_t kx = 0; kx < l->kernel_w; kx++) {
					int64_t ix = (int64_t)ox * l->stride_w + kx - l->pad_left;
					const float *px, *wk;

					if (ix < 0 || ix >= l->in_w)
						continue;
					px = in + ((size_t)iy * l->in_w + (size_t)ix) * cin;
					wk = w + ((size_t)ky * l->kernel_w + kx) * cin * cout;
					for (uint32_t ci = 0; ci < cin; ci++) {
						double x = px[ci];
						const float *wr = wk + (size_t)ci * cout;

						if (x == 0.0)
							continue; /* post-relu inputs are mostly 0
								   */
						for (uint32_t co = 0; co < cout; co++)
							acc[co] += x * wr[co];
					}
				}
			}
			for (uint32_t co = 0; co < cout; co++)
				out[((size_t)oy * l->out_w + ox) * cout + co] = (float)acc[co];
		}
	}
}

/* Keras Dense on the flattened input: weights [n_in][n_out]. */
static void dense(const struct qnn_layer_rec *l, const float *w, const float *b, const float *in,
		  float *out, double *acc)
{
	uint32_t n_in = l->in_h * l->in_w * l->in_c, n_out = l->out_c;

	for (uint32_t j = 0; j < n_out; j++)
		acc[j] = b ? b[j] : 0.0;
	for (uint32_t i = 0; i < n_in; i++) {
		double x = in[i];

		if (x == 0.0)
			continue;
		for (uint32_t j = 0; j < n_out; j++)
			acc[j] += x * w[(size_t)i * n_out + j];
	}
	for (uint32_t j = 0; j < n_out; j++)
		out[j] = (float)acc[j];
}

/* Keras MaxPooling2D: padded positions do not take part in the max. */
static void maxpool(const struct qnn_layer_rec *l, const float *in, float *out)
{
	uint32_t c = l->in_c;

	for (uint32_t oy = 0; oy < l->out_h; oy++)
		for (uint32_t ox = 0; ox < l->out_w; ox++)
			for (uint32_t ch = 0; ch < c; ch++) {
				float m = -INFINITY;

				for (uint32_t ky = 0; ky < l->kernel_h; ky++) {
					int64_t iy = (int64_t)oy * l->stride_h + ky - l->pad_top;

					for (uint32_t kx = 0; kx < l->kernel_w; kx++) {
						int64_t ix =
						    (int64_t)ox * l->stride_w + kx - l->pad_left;
						float v;

						if (iy < 0 || iy >= l->in_h || ix < 0 ||
						    ix >= l->in_w)
							continue;
						v = in[((size_t)iy * l->in_w + (size_t)ix) * c +
						       ch];
						m = v > m ? v : m;
					}
				}
				out[((size_t)oy * l->out_w + ox) * c + ch] = m;
			}
}

/* Exact softmax (max subtracted for range; the result is the same). */
static void softmax(uint32_t n, const float *in, float *out)
{
	double mx = -INFINITY, sum = 0;

	for (uint32_t i = 0; i < n; i++)
		mx = in[i] > mx ? in[i] : mx;
	for (uint32_t i = 0; i < n; i++)
		sum += exp(in[i] - mx);
	for (uint32_t i = 0; i < n; i++)
		out[i] = (float)(exp(in[i] - mx) / sum);
}

/* The activation quantizer that follows every layer (result_q). */
static void activation(const struct hlsgen_ref *r, const struct qnn_layer_rec *l, float *v,
		       uint32_t n)
{
	if (l->result_q.kind == QNN_QK_NONE)
		return;
	for (uint32_t i = 0; i < n; i++)
		v[i] = r->mode == HLSGEN_REF_QKERAS ? hlsgen_qkeras_quantize(&l->result_q, v[i])
						    : hlsgen_qkeras_unquantized(&l->result_q, v[i]);
}

static void layer(const struct hlsgen_ref *r, uint32_t i, const float *in, float *out, double *acc)
{
	const struct qnn_layer_rec *l = r->model->layers[i].rec;
	uint32_t n = l->out_h * l->out_w * l->out_c;

	switch (l->kind) {
	case QNN_LAYER_CONV2D:
		conv2d(l, r->w[i], r->b[i], in, out, acc);
		break;
	case QNN_LAYER_DENSE:
		dense(l, r->w[i], r->b[i], in, out, acc);
		break;
	case QNN_LAYER_RELU:
		for (uint32_t k = 0; k < n; k++)
			out[k] = in[k] > 0.0f ? in[k] : 0.0f;
		break;
	case QNN_LAYER_MAXPOOL2D:
		maxpool(l, in, out);
		break;
	case QNN_LAYER_SOFTMAX:
		softmax(n, in, out);
		break;
	default: /* linear, flatten, dropout: identity on the values */
		memcpy(out, in, (size_t)n * sizeof(float));
		break;
	}
	activation(r, l, out, n);
}

void hlsgen_ref_forward(const struct hlsgen_ref *r, struct hlsgen_ref_ws *ws, const float *in,
			float *out, uint64_t sample, hlsgen_ref_trace_fn trace, void *trace_ctx)
{
	const struct qnn_model *m = r->model;
	const float *cur = in;
	float *bufs[2] = {ws->t0, ws->t1};

	for (uint32_t i = 0; i < m->n_layers; i++) {
		const struct qnn_layer_rec *l = m->layers[i].rec;
		float *dst = bufs[i & 1];

		layer(r, i, cur, dst, ws->acc);
		if (trace)
			trace(trace_ctx, sample, i, dst, l->out_h * l->out_w * l->out_c);
		cur = dst;
	}
	memcpy(out, cur, (size_t)m->n_out * sizeof(float));
}
