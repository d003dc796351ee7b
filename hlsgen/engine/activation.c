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
		   const struct qnn_fixed_type *dst, int reference)
{
	int64_t s = (int64_t)qnn_fixed_frac(src) - qnn_fixed_frac(dst);
	int64_t lo = qnn_fixed_min(src), hi = qnn_fixed_max(src), lim = (int64_t)1 << 30;

	c->fs = qnn_fixed_frac(src);
	c->dst = *dst;
	c->shift = (int32_t)s;
	c->identity = (uint8_t)(!reference && qnn_type_within(src, dst));
	/* int32 loops: |x| < 2^30 before rounding, a left shift staying below 2^30 */
	c->fast = !reference && !c->identity && dst->width <= 32 && s < 31 && s > -31 &&
		  lo > -lim && hi < lim &&
		  (s > 0 || (hi * (1 << -s) < lim && -lo * (1 << -s) <= lim));
	c->overflow_possible = 1;
	if (c->fast) {
		int64_t rl =
		    s > 0 ? qnn_fixed_round_shift(lo, (uint32_t)s, dst->rounding) : lo * (1 << -s);
		int64_t rh =
		    s > 0 ? qnn_fixed_round_shift(hi, (uint32_t)s, dst->rounding) : hi * (1 << -s);
		int64_t tlo = qnn_fixed_min(dst), thi = qnn_fixed_max(dst);

		if (dst->overflow == QNN_OVF_SAT_SYM && dst->is_signed)
			tlo = -thi;
		c->overflow_possible = !(rl >= tlo && rh <= thi);
	}
}

/*
 * The fast loops: int32 lanes, one mode per loop so that each loop is a
 * plain vectorizable expression. Rounding x * 2^-s (1 <= s <= 30, |x| <
 * 2^30 so nothing overflows) adds a per-mode bias before the arithmetic
 * shift (fl = floor, rem = x - fl * 2^s, half = 2^(s-1)):
 *   TRN      x >> s
 *   RND      (x + half) >> s                  fl + (rem >= half)
 *   MIN_INF  (x + half - 1) >> s              fl + (rem > half)
 *   CONV     (x + half - 1 + (fl & 1)) >> s   ties go to the even neighbour
 *   INF      RND for x >= 0, MIN_INF for x < 0
 *   ZERO     MIN_INF for x >= 0, RND for x < 0
 *   TRN_ZERO (x + (x < 0 ? 2^s - 1 : 0)) >> s toward zero
 */
QNN_SIMD_CLONES
static void round_loop(int32_t *d, const int32_t *x, uint32_t n, int32_t s, unsigned q)
{
	int32_t half = (int32_t)1 << (s - 1), mask = (int32_t)(((uint32_t)1 << s) - 1);
	uint32_t i;

	switch (q) {
	case QNN_RND_RND:
		for (i = 0; i < n; i++)
			d[i] = (x[i] + half) >> s;
		break;
	case QNN_RND_MIN_INF:
		for (i = 0; i < n; i++)
			d[i] = (x[i] + half - 1) >> s;
		break;
	case QNN_RND_CONV:
		for (i = 0; i < n; i++)
			d[i] = (x[i] + half - 1 + ((x[i] >> s) & 1)) >> s;
		break;
	case QNN_RND_INF:
		for (i = 0; i < n; i++)
			d[i] = (x[i] + half + (x[i] >> 31)) >> s;
		break;
	case QNN_RND_ZERO:
		for (i = 0; i < n; i++)
			d[i] = (x[i] + half - 1 - (x[i] >> 31)) >> s;
		break;
	case QNN_RND_TRN_ZERO:
		for (i = 0; i < n; i++)
			d[i] = (x[i] + ((x[i] >> 31) & mask)) >> s;
		break;
	default:
		for (i = 0; i < n; i++)
			d[i] = x[i] >> s;
		break;
	}
}

/* exact left shift by k (the plan checked it stays within 31 bits) */
QNN_SIMD_CLONES
static void shl_loop(int32_t *d, const int32_t *x, uint32_t n, int32_t k)
{
	uint32_t i;

	for (i = 0; i < n; i++)
		d[i] = (int32_t)((uint32_t)x[i] << k);
}

QNN_SIMD_CLONES
void qnn_overflow_array(int32_t *d, uint32_t n, const struct qnn_fixed_type *t)
{
	int32_t lo = (int32_t)qnn_fixed_min(t), hi = (int32_t)qnn_fixed_max(t);
	uint32_t i, sh = 32u - t->width;
	uint32_t mask = t->width >= 32 ? ~0u : ((uint32_t)1 << t->width) - 1;

	if (t->overflow == QNN_OVF_SAT_SYM && t->is_signed)
		lo = -hi;
	switch (t->overflow) {
	case QNN_OVF_SAT:
	case QNN_OVF_SAT_SYM:
		for (i = 0; i < n; i++)
			d[i] = d[i] < lo ? lo : (d[i] > hi ? hi : d[i]);
		break;
	case QNN_OVF_SAT_ZERO:
		for (i = 0; i < n; i++)
			d[i] = (d[i] < lo || d[i] > hi) ? 0 : d[i];
		break;
	default:
		if (t->is_signed)
			for (i = 0; i < n; i++)
				d[i] = (int32_t)((uint32_t)d[i] << sh) >> sh;
		else
			for (i = 0; i < n; i++)
				d[i] = (int32_t)((uint32_t)d[i] & mask);
		break;
	}
}

static void cast_fast(int32_t *dst, const int32_t *src, uint32_t n, const struct qnn_cast *c)
{
	if (c->shift > 0)
		round_loop(dst, src, n, c->shift, c->dst.rounding);
	else
		shl_loop(dst, src, n, -c->shift);
	if (c->overflow_possible)
		qnn_overflow_array(dst, n, &c->dst);
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

void qnn_layer_act_n(const struct qnn_layer_rec *r, const struct qnn_layer_plan *p, int32_t *d,
		     uint32_t n)
{
	if (r->kind == QNN_LAYER_RELU)
		relu_clip(d, d, n);
	qnn_cast_array(d, d, n, &p->out_cast);
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
