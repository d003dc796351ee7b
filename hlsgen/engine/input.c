// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * input.c - the AXI wrapper's input conversion, input_t(float), for a
 * whole sample: the IEEE-754 bits of each element become an input_t code,
 * NaN and +-inf counted as qnn_fixed.h documents.
 *
 * qnn_fixed_from_f32() is the rule. Most elements of a real input are zero
 * or ordinary normal floats whose scaled value fits 31 bits; for those the
 * same result is computed inline here (for input types of at most 31 bits),
 * everything else (subnormals, NaN, inf, huge or tiny values) goes through
 * the general function.
 */
#include "engine_internal.h"

/* m * 2^-s rounded with mode q, for 1 <= s <= 30 and |m| < 2^25 */
static inline int32_t round_m(int32_t m, int32_t s, unsigned q)
{
	int32_t half = (int32_t)1 << (s - 1);

	switch (q) {
	case QNN_RND_RND:
		return (m + half) >> s;
	case QNN_RND_MIN_INF:
		return (m + half - 1) >> s;
	case QNN_RND_CONV:
		return (m + half - 1 + ((m >> s) & 1)) >> s;
	case QNN_RND_INF:
		return (m + half + (m >> 31)) >> s;
	case QNN_RND_ZERO:
		return (m + half - 1 - (m >> 31)) >> s;
	case QNN_RND_TRN_ZERO:
		return (m + ((m >> 31) & (int32_t)(((uint32_t)1 << s) - 1))) >> s;
	default:
		return m >> s;
	}
}

struct in_conv {
	const struct qnn_fixed_type *t;
	int32_t frac;
	int32_t lo, hi; /* overflow bounds (SAT_SYM: -hi) */
	uint32_t sh;	/* 32 - width */
};

/* the overflow step for a value known to fit int32 */
static inline int32_t ovf(const struct in_conv *c, int32_t v)
{
	if (v >= c->lo && v <= c->hi)
		return v;
	switch (c->t->overflow) {
	case QNN_OVF_SAT:
	case QNN_OVF_SAT_SYM:
		return v < c->lo ? c->lo : c->hi;
	case QNN_OVF_SAT_ZERO:
		return 0;
	default:
		if (c->t->is_signed)
			return (int32_t)((uint32_t)v << c->sh) >> c->sh;
		return (int32_t)(((uint32_t)v << c->sh) >> c->sh);
	}
}

/* 1 and *code when the inline path applies to these bits */
static inline int convert_inline(const struct in_conv *c, uint32_t bits, int32_t *code)
{
	uint32_t mag = bits & 0x7fffffffu, biased = mag >> 23;
	int32_t m, e;

	if (mag == 0) {
		*code = 0;
		return 1;
	}
	if (biased == 0 || biased == 0xffu)
		return 0; /* subnormal, inf, NaN */
	m = (int32_t)((mag & 0x7fffffu) | 0x800000u);
	if (bits >> 31)
		m = -m;
	e = (int32_t)biased - 150 + c->frac; /* value * 2^F = m * 2^e */
	if (e >= 0) {
		if (e > 6)
			return 0; /* could leave 31 bits */
		*code = ovf(c, (int32_t)((uint32_t)m << e));
		return 1;
	}
	if (e < -30)
		return 0;
	*code = ovf(c, round_m(m, -e, c->t->rounding));
	return 1;
}

/*
 * AP_TRN (the default input_t mode), whole sample at once and branch-free so
 * it vectorizes: floor(m * 2^e) is a shift left or an arithmetic shift
 * right. Returns nonzero when some element needs the general rule
 * (subnormal, inf, NaN, or a scaled value that could leave 31 bits).
 */
QNN_SIMD_CLONES
static uint32_t floor_all(int32_t *restrict d, const uint32_t *restrict x, uint32_t n, int32_t frac)
{
	uint32_t i, bad = 0;

	for (i = 0; i < n; i++) {
		uint32_t b = x[i], mag = b & 0x7fffffffu, ex = mag >> 23;
		int32_t m = (int32_t)((mag & 0x7fffffu) | 0x800000u), sg = (int32_t)b >> 31;
		int32_t e = (int32_t)ex - 150 + frac;
		int32_t l = e > 0 ? (e > 7 ? 7 : e) : 0, r = e < 0 ? -e : 0;

		m = ex ? m : 0;
		m = (m ^ sg) - sg;
		r = r > 31 ? 31 : r;
		d[i] = (int32_t)((uint32_t)m << l) >> r;
		bad |= (uint32_t)((ex == 0 && mag != 0) | (ex == 255) | (e > 6));
	}
	return bad;
}

void qnn_input_from_f32(int32_t *dst, const uint32_t *src, uint32_t n,
			const struct qnn_fixed_type *t, uint32_t *nonfinite)
{
	struct in_conv c = {t, qnn_fixed_frac(t), (int32_t)qnn_fixed_min(t),
			    (int32_t)qnn_fixed_max(t), 32u - t->width};
	int fast = t->width <= 31 && c.frac > -200 && c.frac < 200;
	uint32_t i;

	if (t->overflow == QNN_OVF_SAT_SYM && t->is_signed)
		c.lo = -c.hi;
	if (fast && t->rounding == QNN_RND_TRN && !floor_all(dst, src, n, c.frac)) {
		qnn_overflow_array(dst, n, t);
		return;
	}
	for (i = 0; i < n; i++) {
		int nf = 0;

		if (fast && convert_inline(&c, src[i], &dst[i]))
			continue;
		dst[i] = (int32_t)qnn_fixed_from_f32(src[i], t, &nf);
		*nonfinite += (uint32_t)nf;
	}
}
