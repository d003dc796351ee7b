// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * softmax.c - hls4ml's softmax over the channels of each pixel (a flat
 * vector in practice), 'stable', 'latency' and 'argmax', with the table
 * index rule of the model's hls4ml version (softmax_rule.h).
 *
 * The exp sum is hls4ml's reduce(): a binary tree whose left half is the
 * largest power of two below n, each addition cast to the sum type, which
 * matters when that type saturates.
 */
#include "engine_internal.h"

struct smx_ctx {
	const int32_t *exp_table;
	const struct qnn_softmax_types *st;
	const int32_t *x;
	int64_t xmax;
};

/* exp term i, already cast to the sum type */
static int64_t exp_term(const struct smx_ctx *c, uint32_t i)
{
	const struct qnn_softmax_types *st = c->st;
	int32_t fi = qnn_fixed_frac(&st->in_t);
	int64_t v = c->x[i];
	uint32_t idx;

	if (st->stable && st->negate) {
		v = qnn_fixed_convert(c->xmax - c->x[i], fi, &st->norm_t);
	} else if (st->stable) {
		v = qnn_fixed_convert(c->x[i] - c->xmax, fi, &st->norm_t);
		if (st->norm_to_in)
			v = qnn_fixed_convert(v, qnn_fixed_frac(&st->norm_t), &st->in_t);
	}
	idx = qnn_softmax_slice(v, &st->exp_idx_t, st->index_bits);
	return qnn_fixed_convert(c->exp_table[idx], qnn_fixed_frac(&st->exp_t), &st->sum_t);
}

static uint32_t left_size(uint32_t n)
{
	uint32_t p = 1;

	/* largest power of two <= n - 1 (n >= 3 here) */
	while (p * 2 <= n - 1)
		p *= 2;
	return p;
}

static int64_t reduce_sum(const struct smx_ctx *c, uint32_t lo, uint32_t n)
{
	uint32_t left;

	if (n == 1)
		return exp_term(c, lo);
	if (n == 2)
		return qnn_fixed_add(exp_term(c, lo), exp_term(c, lo + 1), &c->st->sum_t);
	left = left_size(n);
	return qnn_fixed_add(reduce_sum(c, lo, left), reduce_sum(c, lo + left, n - left),
			     &c->st->sum_t);
}

void qnn_softmax_vector(const struct qnn_softmax_types *st, const int32_t *exp_table,
			const int32_t *inv_table, const struct qnn_fixed_type *result_t,
			const int32_t *x, uint32_t n, int32_t *out)
{
	struct smx_ctx c = {exp_table, st, x, x[0]};
	int32_t fs = qnn_fixed_frac(&st->sum_t);
	int64_t sum, inv;
	uint32_t i;

	for (i = 1; i < n; i++)
		c.xmax = x[i] > c.xmax ? x[i] : c.xmax;
	sum = qnn_fixed_convert(reduce_sum(&c, 0, n), fs, &st->inv_idx_t);
	inv = inv_table[qnn_softmax_slice(sum, &st->inv_idx_t, st->index_bits)];
	for (i = 0; i < n; i++)
		out[i] = (int32_t)qnn_fixed_convert(exp_term(&c, i) * inv,
						    fs + qnn_fixed_frac(&st->inv_t), result_t);
}

/* one-hot of the first maximum: hls4ml replaces only on a strictly larger value */
static void softmax_argmax(const struct qnn_layer *l, const int32_t *x, uint32_t n, int32_t *out)
{
	uint32_t i, best = 0;
	int32_t one = (int32_t)qnn_fixed_convert(1, 0, &l->rec->result_t);

	for (i = 1; i < n; i++)
		if (x[i] > x[best])
			best = i;
	for (i = 0; i < n; i++)
		out[i] = 0;
	out[best] = one;
}

void qnn_layer_softmax(const struct qnn_layer *l, const struct qnn_layer_plan *p, const int32_t *in,
		       int32_t *out)
{
	const struct qnn_layer_rec *r = l->rec;
	uint32_t n = r->in_c, px, n_px = r->in_h * r->in_w;

	for (px = 0; px < n_px; px++) {
		if (r->softmax_impl == QNN_SOFTMAX_ARGMAX)
			softmax_argmax(l, in + (size_t)px * n, n, out + (size_t)px * n);
		else
			qnn_softmax_vector(&p->smx, l->exp_table, l->inv_table, &r->result_t,
					   in + (size_t)px * n, n, out + (size_t)px * n);
	}
}
