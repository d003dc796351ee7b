// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Keras' Adam (tf.keras.optimizers.Adam, amsgrad off):
 *   m = b1 m + (1 - b1) g,  v = b2 v + (1 - b2) g^2,
 *   w -= lr * sqrt(1 - b2^t) / (1 - b1^t) * m / (sqrt(v) + epsilon)
 * followed by the layers' constraints (QKeras' Clip), as Keras applies
 * them after every update.
 */
#include <math.h>

#include "../net/tnet.h"

static void adam_update(float *w, const float *g, float *m, float *v, size_t n, float lr_t,
			float b1, float b2, float eps)
{
	for (size_t i = 0; i < n; i++) {
		m[i] = b1 * m[i] + (1.0f - b1) * g[i];
		v[i] = b2 * v[i] + (1.0f - b2) * g[i] * g[i];
		w[i] -= lr_t * m[i] / (sqrtf(v[i]) + eps);
	}
}

void adam_step(struct hg_net *net, struct adam_state *a)
{
	double t = (double)++a->t;
	float lr_t = (float)(a->lr * sqrt(1.0 - pow(a->beta2, t)) / (1.0 - pow(a->beta1, t)));

	for (int l = 0; l < net->n_layers; l++) {
		struct tlayer *L = &net->L[l];

		if (!L->nw)
			continue;
		adam_update(L->w, L->gw, L->mw, L->vw, L->nw, lr_t, a->beta1, a->beta2, a->epsilon);
		if (L->nb)
			adam_update(L->b, L->gb, L->mb, L->vb, L->nb, lr_t, a->beta1, a->beta2,
				    a->epsilon);
	}
}

static void clip(float *w, size_t n, float m)
{
	for (size_t i = 0; i < n; i++)
		w[i] = w[i] < -m ? -m : w[i] > m ? m : w[i];
}

void net_apply_constraints(struct hg_net *net)
{
	for (int l = 0; l < net->n_layers; l++) {
		struct tlayer *L = &net->L[l];

		if (L->nw && L->s->kernel_q.kind != HG_Q_NONE)
			clip(L->w, L->nw, hg_quantizer_max(&L->s->kernel_q));
		if (L->nb && L->s->bias_q.kind != HG_Q_NONE)
			clip(L->b, L->nb, hg_quantizer_max(&L->s->bias_q));
	}
}
