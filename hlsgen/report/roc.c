// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * roc.c - one-vs-rest ROC curves and exact AUC. Samples are sorted by
 * score once; a run of equal scores is one threshold, which is what makes
 * the curve's trapezoid area equal the midrank (Mann-Whitney) AUC.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>

#include "hlsgen_roc.h"

struct scored {
	float s;
	int pos;
};

/* descending score; NaN scores sort last (they never beat a threshold) */
static int by_score_desc(const void *a, const void *b)
{
	float x = ((const struct scored *)a)->s, y = ((const struct scored *)b)->s;

	if (isnan(x) || isnan(y))
		return isnan(x) - isnan(y);
	return (x < y) - (x > y);
}

static struct scored *sorted(const float *scores, size_t stride, const int32_t *labels, uint64_t n,
			     int32_t cls, uint64_t *n_pos)
{
	struct scored *v = malloc((n + 1) * sizeof(*v));

	if (!v)
		return NULL;
	*n_pos = 0;
	for (uint64_t i = 0; i < n; i++) {
		v[i].s = scores[i * stride];
		v[i].pos = labels[i] == cls;
		*n_pos += (uint64_t)v[i].pos;
	}
	qsort(v, n, sizeof(*v), by_score_desc);
	return v;
}

/* length of the tie group starting at i */
static uint64_t tie_group(const struct scored *v, uint64_t n, uint64_t i)
{
	uint64_t j = i + 1;

	while (j < n && (v[j].s == v[i].s || (isnan(v[j].s) && isnan(v[i].s))))
		j++;
	return j - i;
}

int hlsgen_roc_curve(const float *scores, size_t stride, const int32_t *labels, uint64_t n,
		     int32_t cls, struct hlsgen_roc_curve *c)
{
	uint64_t n_pos, n_neg, tp = 0, fp = 0;
	struct scored *v = sorted(scores, stride, labels, n, cls, &n_pos);
	double area = 0;

	c->n = 0;
	c->fpr = c->tpr = NULL;
	c->auc = NAN;
	if (!v)
		return -ENOMEM;
	n_neg = n - n_pos;
	if (!n_pos || !n_neg) {
		free(v);
		return -EDOM;
	}
	c->fpr = malloc((n + 2) * sizeof(double));
	c->tpr = malloc((n + 2) * sizeof(double));
	if (!c->fpr || !c->tpr) {
		free(v);
		hlsgen_roc_curve_free(c);
		return -ENOMEM;
	}
	c->fpr[0] = c->tpr[0] = 0;
	c->n = 1;
	for (uint64_t i = 0; i < n;) {
		uint64_t g = tie_group(v, n, i), gp = 0;

		for (uint64_t k = i; k < i + g; k++)
			gp += (uint64_t)v[k].pos;
		/* trapezoid of this step, in units of 1/(P*N): exact in double */
		area += (double)(g - gp) * ((double)tp + (double)gp / 2);
		tp += gp;
		fp += g - gp;
		c->fpr[c->n] = (double)fp / (double)n_neg;
		c->tpr[c->n] = (double)tp / (double)n_pos;
		c->n++;
		i += g;
	}
	c->auc = area / ((double)n_pos * (double)n_neg);
	free(v);
	return 0;
}

void hlsgen_roc_curve_free(struct hlsgen_roc_curve *c)
{
	free(c->fpr);
	free(c->tpr);
	c->fpr = c->tpr = NULL;
	c->n = 0;
}

double hlsgen_roc_auc(const float *scores, size_t stride, const int32_t *labels, uint64_t n,
		      int32_t cls)
{
	struct hlsgen_roc_curve c;
	double auc;

	if (hlsgen_roc_curve(scores, stride, labels, n, cls, &c))
		return NAN;
	auc = c.auc;
	hlsgen_roc_curve_free(&c);
	return auc;
}
