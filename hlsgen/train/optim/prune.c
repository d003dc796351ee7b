// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Magnitude pruning as TF-MOT's prune_low_magnitude does it: at steps the
 * schedule selects, each prunable kernel's mask keeps the weights whose
 * magnitude is at least the k-th largest (k = max(1, round(n * (1 - s))),
 * ties kept); before every forward pass the kernel is multiplied by its
 * mask (the pruned weights still receive Adam updates in between, exactly
 * as the wrapper's variable does, and are zeroed again).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../net/tnet.h"

int hg_prune_should_update(const struct hg_prune_schedule *s, long step, float *sparsity)
{
	int in_range, turn;

	if (s->kind == HG_PRUNE_NONE)
		return 0;
	in_range = step >= s->begin_step && (step <= s->end_step || s->end_step < 0);
	turn = s->frequency > 0 &&
	       ((step - s->begin_step) % s->frequency + s->frequency) % s->frequency == 0;
	if (s->kind == HG_PRUNE_CONSTANT) {
		*sparsity = s->target_sparsity;
	} else {
		float p = (float)(step - s->begin_step) / (float)(s->end_step - s->begin_step);

		p = p < 0.0f ? 0.0f : p > 1.0f ? 1.0f : p;
		*sparsity = (s->initial_sparsity - s->target_sparsity) * powf(1.0f - p, s->power) +
			    s->target_sparsity;
	}
	return in_range && turn;
}

static int cmp_desc(const void *a, const void *b)
{
	float x = *(const float *)a, y = *(const float *)b;

	return (x < y) - (x > y);
}

void hg_prune_mask(const float *w, size_t n, float sparsity, float *mask)
{
	float *mag = malloc(n * sizeof(float));
	float keepf = rintf((float)n * (1.0f - sparsity));
	size_t k = keepf < 1.0f ? 1 : (size_t)keepf;
	float thr;

	if (!mag) {
		/* keep everything rather than prune at random */
		for (size_t i = 0; i < n; i++)
			mask[i] = 1.0f;
		return;
	}
	for (size_t i = 0; i < n; i++)
		mag[i] = fabsf(w[i]);
	qsort(mag, n, sizeof(float), cmp_desc);
	thr = mag[k > n ? n - 1 : k - 1];
	for (size_t i = 0; i < n; i++)
		mask[i] = fabsf(w[i]) >= thr ? 1.0f : 0.0f;
	free(mag);
}

void net_update_masks(struct hg_net *net, float sparsity)
{
	for (int l = 0; l < net->n_layers; l++) {
		struct tlayer *L = &net->L[l];

		if (L->mask)
			hg_prune_mask(L->w, L->nw, sparsity, L->mask);
	}
}

void net_apply_masks(struct hg_net *net)
{
	for (int l = 0; l < net->n_layers; l++) {
		struct tlayer *L = &net->L[l];

		for (size_t i = 0; L->mask && i < L->nw; i++)
			L->w[i] *= L->mask[i];
	}
}
