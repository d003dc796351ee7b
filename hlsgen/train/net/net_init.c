// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Initial weights as a freshly built QKeras model has them: Keras'
 * HeNormal (truncated normal, stddev sqrt(2 / fan_in) / 0.8796...), wrapped
 * by QKeras' QInitializer, which widens the distribution when the
 * quantizer's step is coarser than its spread and clips to the quantizer's
 * range; biases start at zero.
 */
#include <math.h>
#include <string.h>

#include "../util/rng.h"
#include "tnet.h"

/* stddev of a unit normal truncated to [-2, 2] (Keras' constant) */
#define TRUNC_STD 0.87962566103423978

static void he_normal(struct hg_rng *r, float *w, size_t n, size_t fan_in, double scale)
{
	double sd = sqrt(2.0 * scale / (double)fan_in) / TRUNC_STD;

	for (size_t i = 0; i < n; i++) {
		double z;

		do
			z = hg_rng_normal(r);
		while (z < -2.0 || z > 2.0);
		w[i] = (float)(z * sd);
	}
}

static double stddev(const float *w, size_t n)
{
	double m = 0.0, v = 0.0;

	for (size_t i = 0; i < n; i++)
		m += w[i];
	m /= (double)n;
	for (size_t i = 0; i < n; i++)
		v += (w[i] - m) * (w[i] - m);
	return sqrt(v / (double)n);
}

/* QInitializer: the factor by which the initializer's scale grows. */
static double qinit_scale(const struct hg_quantizer *q, const float *w, size_t n)
{
	double qmax = hg_quantizer_max(q);
	double delta = qmax * ldexp(1.0, -q->bits);
	double qx = 0.0, qq = 0.0, xx = 0.0, maxq = 0.0;

	if (q->kind == HG_Q_NONE || q->kind == HG_Q_RELU || !(delta > stddev(w, n)))
		return 1.0;
	for (size_t i = 0; i < n; i++) {
		double v = hg_quantize(q, w[i]);

		qx += v * w[i];
		qq += v * v;
		xx += (double)w[i] * w[i];
		maxq = fmax(maxq, fabs(v));
	}
	if (maxq == 0.0)
		return qmax / sqrt(xx / (double)n);
	return qq / qx;
}

static void init_kernel(struct hg_rng *r, struct tlayer *L)
{
	const struct hg_quantizer *q = &L->s->kernel_q;
	size_t fan_in = L->k;
	double s;

	he_normal(r, L->w, L->nw, fan_in, 1.0);
	s = qinit_scale(q, L->w, L->nw);
	if (s > 1.0)
		he_normal(r, L->w, L->nw, fan_in, s);
	if (q->kind != HG_Q_NONE) {
		float m = hg_quantizer_max(q);

		for (size_t i = 0; i < L->nw; i++)
			L->w[i] = fminf(fmaxf(L->w[i], -m), m);
	}
}

void hg_net_init_weights(struct hg_net *net, uint64_t seed)
{
	struct hg_rng r;

	hg_rng_seed(&r, seed);
	for (int l = 0; l < net->n_layers; l++) {
		struct tlayer *L = &net->L[l];

		if (!L->nw)
			continue;
		init_kernel(&r, L);
		if (L->nb)
			memset(L->b, 0, L->nb * sizeof(float));
		memset(L->mw, 0, L->nw * sizeof(float));
		memset(L->vw, 0, L->nw * sizeof(float));
		if (L->nb) {
			memset(L->mb, 0, L->nb * sizeof(float));
			memset(L->vb, 0, L->nb * sizeof(float));
		}
		for (size_t i = 0; L->mask && i < L->nw; i++)
			L->mask[i] = 1.0f;
	}
}
