// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * range.c - an interval of codes each layer's output can take, derived from
 * its input's interval. The SIMD lane paths (mac_plan.c) may only be used
 * when inputs fit 16-bit lanes; a type's full range is often much wider
 * than what the previous layers can actually produce (a ReLU output is
 * never negative; ap_fixed<7,1> codes cast to ap_fixed<16,6> stay below
 * 2^10), so knowing the interval lets more layers take the fast path.
 *
 * Every step is sound for all inputs: casts are monotone as long as
 * nothing overflows or the type saturates; otherwise the interval is the
 * destination type's full range.
 */
#include "engine_internal.h"

static void full(const struct qnn_fixed_type *t, int64_t *lo, int64_t *hi)
{
	*lo = qnn_fixed_min(t);
	*hi = qnn_fixed_max(t);
}

/* x * 2^-s rounded (s > 0) or shifted (s <= 0); *big set when beyond int64 */
static int64_t scaled(int64_t x, int64_t s, unsigned q, int *big)
{
	if (s > 0)
		return qnn_fixed_round_shift(x, (uint32_t)(s > 200 ? 200 : s), q);
	if (x == 0)
		return 0;
	if (-s >= 62 || (x >> (62 + s)) != (x < 0 ? -1 : 0)) {
		*big = 1;
		return x;
	}
	return x * ((int64_t)1 << -s);
}

/* returns 1 when the cast is monotone non-decreasing over [lo, hi] */
static int cast_range(int64_t lo, int64_t hi, const struct qnn_fixed_type *src,
		      const struct qnn_fixed_type *dst, int64_t *olo, int64_t *ohi)
{
	int64_t s = (int64_t)qnn_fixed_frac(src) - qnn_fixed_frac(dst);
	int64_t tlo = qnn_fixed_min(dst), thi = qnn_fixed_max(dst);
	int big = 0;
	int64_t rl = scaled(lo, s, dst->rounding, &big), rh = scaled(hi, s, dst->rounding, &big);

	if (dst->overflow == QNN_OVF_SAT_SYM && dst->is_signed)
		tlo = -thi;
	if (!big && rl >= tlo && rh <= thi) {
		*olo = rl;
		*ohi = rh;
		return 1;
	}
	if (!big && (dst->overflow == QNN_OVF_SAT || dst->overflow == QNN_OVF_SAT_SYM)) {
		/* rounding is monotone and clamping is monotone */
		*olo = rl < tlo ? tlo : (rl > thi ? thi : rl);
		*ohi = rh < tlo ? tlo : (rh > thi ? thi : rh);
		return 1;
	}
	full(dst, olo, ohi);
	return dst->overflow == QNN_OVF_SAT || dst->overflow == QNN_OVF_SAT_SYM;
}

void qnn_range_layer(const struct qnn_layer_rec *r, struct qnn_layer_plan *p)
{
	p->monotone = 0;
	switch (r->kind) {
	case QNN_LAYER_RELU: /* max(x, 0) is monotone too */
		p->monotone =
		    (uint8_t)cast_range(p->in_lo > 0 ? p->in_lo : 0, p->in_hi > 0 ? p->in_hi : 0,
					&p->in_t, &p->out_t, &p->out_lo, &p->out_hi);
		break;
	case QNN_LAYER_LINEAR:
		p->monotone = (uint8_t)cast_range(p->in_lo, p->in_hi, &p->in_t, &p->out_t,
						  &p->out_lo, &p->out_hi);
		break;
	case QNN_LAYER_MAXPOOL2D: /* a maximum of values from [lo, hi] */
		cast_range(p->in_lo, p->in_hi, &p->in_t, &p->out_t, &p->out_lo, &p->out_hi);
		break;
	case QNN_LAYER_FLATTEN:
	case QNN_LAYER_DROPOUT:
		p->out_lo = p->in_lo;
		p->out_hi = p->in_hi;
		break;
	default: /* conv, dense, softmax: anything of the result type */
		full(&p->out_t, &p->out_lo, &p->out_hi);
		break;
	}
}
