// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * activation.c - elementwise casts between fixed types, and the ReLU and
 * linear layers built on them (hls4ml: res = data, or data > 0 ? data : 0,
 * then the assignment to res_T rounds and saturates).
 *
 * A cast is computed by the general qnn_fixed_convert() unless it is one of
 * the cheap shapes seen in real models (identity, or a shift of at most 31
 * bits into a type of at most 32 bits); those run as branch-free loops the
 * compiler can vectorize, and give the same codes.
 */
#include "engine_internal.h"

/* 1 when every code of inner is a code of outer with the same value. */
int qnn_type_within(const struct qnn_fixed_type *inner, const struct qnn_fixed_type *outer)
{
	if (qnn_fixed_frac(inner) != qnn_fixed_frac(outer))
		return 0;
	if (qnn_fixed_min(inner) < qnn_fixed_min(outer) ||
	    qnn_fixed_max(inner) > qnn_fixed_max(outer))
		return 0;
	/* AP_SAT_SYM maps the most negative code to -max */
	if (outer->overflow == QNN_OVF_SAT_SYM && outer->is_signed &&
	    qnn_fixed_min(inner) == qnn_fixed_min(outer))
		return 0;
	return 1;
}

void qnn_cast_plan(struct qnn_cast *c, const struct qnn_fixed_type *src,
		   const struct qnn_fixed_type *dst)
{
	int64_t s = (int64_t)qnn_fixed_frac(src) - qnn_fixed_frac(dst);

	c->fs = qnn_fixed_frac(src);
	c->dst = *dst;
	c->identity = (uint8_t)qnn_type_within(src, dst);
	/* the fast loops hold intermediates in int64 and need |s| < 32 */
	c->fast = !c->identity && s > -32 && s < 32 && src->width <= 32 && dst->width <= 32;
	c->shift = (int32_t)s;
}

/* floor-or-round of x * 2^-s, s in 1..31, every rounding mode, branch-free */
static inline int64_t round_small(int64_t x, int32_t s, unsigned q)
{
	int64_t fl = x >> s;
	int64_t rem = x & (((int64_t)1 << s) - 1);
	int64_t half = (int64_t)1 << (s - 1);
	int64_t gt = rem > half, eq = rem == half, neg = x < 0;

	switch (q) {
	case QNN_RND_RND:
		return fl + (gt | eq);
	case QNN_RND_CONV:
		return fl + (gt | (eq & (fl & 1)));
	case QNN_RND_ZERO:
		return fl + (gt | (eq & neg));
	case QNN_RND_INF:
		return fl + (gt | (eq & !neg));
	case QNN_RND_MIN_INF:
		return fl + gt;
	case QNN_RND_TRN_ZERO:
		return fl + (neg & (rem != 0));
	default:
		return fl;
	}
}

static inline int64_t overflow_small(int64_t v, const struct qnn_fixed_type *t, int64_t lo,
				     int64_t hi)
{
	uint32_t sh = 64u - t->width;

	switch (t->overflow) {
	case QNN_OVF_SAT:
	case QNN_OVF_SAT_SYM:
		return v < lo ? lo : (v > hi ? hi : v);
	case QNN_OVF_SAT_ZERO:
		return (v < lo || v > hi) ? 0 : v;
	default:
		if (t->is_signed)
			return (int64_t)((uint64_t)v << sh) >> sh;
		return (int64_t)(((uint64_t)v << sh) >> sh);
	}
}

QNN_SIMD_CLONES
static void cast_fast(int32_t *dst, const int32_t *src, uint32_t n, const struct qnn_cast *c)
{
	const struct qnn_fixed_type *t = &c->dst;
	int64_t lo = qnn_fixed_min(t), hi = qnn_fixed_max(t);
	int32_t s = c->shift;
	unsigned q = t->rounding;
	uint32_t i;

	if (t->overflow == QNN_OVF_SAT_SYM && t->is_signed)
		lo = -hi;
	/* one loop per rounding mode keeps the loop body switch-free */
	if (s <= 0) {
		for (i = 0; i < n; i++)
			dst[i] = (int32_t)overflow_small((int64_t)src[i] * ((int64_t)1 << -s), t,
							 lo, hi);
		return;
	}
#define CAST_LOOP(MODE)                                                                            \
	for (i = 0; i < n; i++)                                                                    \
		dst[i] = (int32_t)overflow_small(round_small(src[i], s, MODE), t, lo, hi);         \
	return
	switch (q) {
	case QNN_RND_RND:
		CAST_LOOP(QNN_RND_RND);
	case QNN_RND_CONV:
		CAST_LOOP(QNN_RND_CONV);
	case QNN_RND_ZERO:
		CAST_LOOP(QNN_RND_ZERO);
	case QNN_RND_INF:
		CAST_LOOP(QNN_RND_INF);
	case QNN_RND_MIN_INF:
		CAST_LOOP(QNN_RND_MIN_INF);
	case QNN_RND_TRN_ZERO:
		CAST_LOOP(QNN_RND_TRN_ZERO);
	default:
		CAST_LOOP(QNN_RND_TRN);
	}
#undef CAST_LOOP
}

void qnn_cast_array(int32_t *dst, const int32_t *src, uint32_t n, const struct qnn_cast *c)
{
	uint32_t i;

	if (c->identity) {
		if (dst != src)
			for (i = 0; i < n; i++)
				dst[i] = src[i];
		return;
	}
	if (c->fast) {
		cast_fast(dst, src, n, c);
		return;
	}
	for (i = 0; i < n; i++)
		dst[i] = (int32_t)qnn_fixed_convert(src[i], c->fs, &c->dst);
}

QNN_SIMD_CLONES
static void relu_clip(int32_t *dst, const int32_t *src, uint32_t n)
{
	uint32_t i;

	for (i = 0; i < n; i++)
		dst[i] = src[i] > 0 ? src[i] : 0;
}

void qnn_layer_relu(const struct qnn_layer_plan *p, const int32_t *in, int32_t *out)
{
	relu_clip(out, in, p->in_n);
	qnn_cast_array(out, out, p->in_n, &p->out_cast);
}

void qnn_layer_linear(const struct qnn_layer_plan *p, const int32_t *in, int32_t *out)
{
	qnn_cast_array(out, in, p->in_n, &p->out_cast);
}
