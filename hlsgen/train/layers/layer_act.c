// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Element-wise layers: ReLU/linear (also a Conv/Dense layer's inner
 * activation), QActivation with its straight-through gradient, and
 * dropout. In the float path a quantized activation becomes what it
 * quantizes: quantized_relu -> ReLU, quantized_bits/po2 -> identity.
 */
#include <math.h>
#include <string.h>

#include "../net/tnet.h"

void inner_act_forward(int activation, float *x, size_t n)
{
	if (activation != HG_ACT_RELU)
		return;
	for (size_t i = 0; i < n; i++)
		x[i] = x[i] > 0.0f ? x[i] : 0.0f;
}

/* ReLU's derivative read from its output: out > 0 exactly where in > 0. */
void inner_act_backward(int activation, const float *out, float *dout, size_t n)
{
	if (activation != HG_ACT_RELU)
		return;
	for (size_t i = 0; i < n; i++)
		dout[i] = out[i] > 0.0f ? dout[i] : 0.0f;
}

static void relu_window_backward(const float *restrict in, const float *restrict dout,
				 float *restrict din, size_t n, float top)
{
	for (size_t i = 0; i < n; i++)
		din[i] = ((in[i] > 0.0f) & (in[i] <= top)) ? dout[i] : 0.0f;
}

static int float_fallback(const struct tlayer *L)
{
	return L->s->act_q.kind == HG_Q_RELU ? HG_ACT_RELU : HG_ACT_LINEAR;
}

void act_forward(const struct tlayer *L, const float *in, float *out, size_t n, int quantized)
{
	size_t cnt = n * L->out_n;

	if (L->s->activation == HG_ACT_QUANT && quantized) {
		hg_quantize_array(&L->s->act_q, in, out, cnt);
		return;
	}
	memcpy(out, in, cnt * sizeof(float));
	inner_act_forward(L->s->activation == HG_ACT_QUANT ? float_fallback(L) : L->s->activation,
			  out, cnt);
}

void act_backward(const struct tlayer *L, const float *in, const float *dout, float *din, size_t n,
		  int quantized)
{
	size_t cnt = n * L->out_n;
	int a = L->s->activation;

	if (a == HG_ACT_QUANT && quantized) {
		const struct hg_quantizer *q = &L->s->act_q;

		if (q->kind == HG_Q_RELU) {
			/* the gradient passes on (0, top], top being the largest code */
			float top = hg_quantize(q, INFINITY);

			relu_window_backward(in, dout, din, cnt, top);
			return;
		}
		for (size_t i = 0; i < cnt; i++)
			din[i] = dout[i] * hg_quantizer_grad(q, in[i]);
		return;
	}
	if (a == HG_ACT_QUANT)
		a = float_fallback(L);
	for (size_t i = 0; i < cnt; i++)
		din[i] = (a == HG_ACT_RELU && !(in[i] > 0.0f)) ? 0.0f : dout[i];
}

/*
 * A counter-based generator: the keep decision of an element depends only
 * on (seed, step, sample, element), so it is the same whichever thread
 * handles the sample and however the batch is split.
 */
static uint64_t mix64(uint64_t z)
{
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

void dropout_forward(const struct tlayer *L, const float *in, float *out, float *keep, size_t n,
		     uint64_t seed, long step, size_t first_sample)
{
	float rate = L->s->rate;
	float scale = rate < 1.0f ? 1.0f / (1.0f - rate) : 0.0f;
	size_t per = L->out_n;

	for (size_t i = 0; i < n; i++) {
		uint64_t base = mix64(seed ^ mix64((uint64_t)step * 0x9e3779b97f4a7c15ull +
						   (uint64_t)(first_sample + i)));

		for (size_t j = 0; j < per; j++) {
			uint64_t r = mix64(base + (uint64_t)j * 0x9e3779b97f4a7c15ull);
			float u = (float)(r >> 40) * (1.0f / 16777216.0f);
			float k = u >= rate ? scale : 0.0f;

			keep[i * per + j] = k;
			out[i * per + j] = in[i * per + j] * k;
		}
	}
}

void dropout_backward(const struct tlayer *L, const float *dout, const float *keep, float *din,
		      size_t n)
{
	size_t cnt = n * L->out_n;

	for (size_t i = 0; i < cnt; i++)
		din[i] = dout[i] * keep[i];
}
