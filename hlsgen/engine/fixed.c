// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * fixed.c - the ap_fixed assignment rule on integer codes.
 *
 * Xilinx's ap_fixed_base::operator= shifts the source, asks
 * quantization_adjust() whether to add one (from the bit below the kept
 * LSB, the OR of the bits under it and the source sign), then clamps or
 * wraps. That is exactly "round the exact value, then the overflow step",
 * which is what is computed here with plain 64-bit integers.
 */
#include "qnn_fixed.h"

int qnn_fixed_type_check(const struct qnn_fixed_type *t, unsigned max_width)
{
	if (t->width < 1 || t->width > max_width || t->width > 64)
		return -22;
	if (!t->is_signed && t->width > 63)
		return -22;
	if (t->is_signed > 1 || t->rounding >= QNN_RND_COUNT || t->overflow >= QNN_OVF_COUNT ||
	    t->reserved != 0)
		return -22;
	return 0;
}

int64_t qnn_fixed_min(const struct qnn_fixed_type *t)
{
	if (!t->is_signed)
		return 0;
	return (int64_t)((uint64_t)-1 << (t->width - 1));
}

int64_t qnn_fixed_max(const struct qnn_fixed_type *t)
{
	unsigned bits = t->is_signed ? t->width - 1u : t->width;

	return (int64_t)(((uint64_t)1 << bits) - 1);
}

/*
 * Where the remainder rem = a - (floor(a / 2^s) << s) lies against
 * half = 2^(s-1): -1 below, 0 equal, +1 above. *nonzero tells rem != 0.
 */
static int rem_vs_half(int64_t a, uint32_t s, int *nonzero)
{
	uint64_t rem, half;

	if (s < 64) {
		rem = (uint64_t)a & (((uint64_t)1 << s) - 1);
		half = (uint64_t)1 << (s - 1);
	} else if (s == 64) {
		/* floor is -1 or 0: rem is a + 2^64 or a, i.e. a's bit pattern */
		rem = (uint64_t)a;
		half = (uint64_t)1 << 63;
	} else {
		/* half = 2^(s-1) > 2^63 >= |a|: rem = a + 2^s exceeds it when a < 0 */
		*nonzero = a != 0;
		return a < 0 ? 1 : -1;
	}
	*nonzero = rem != 0;
	if (rem == half)
		return 0;
	return rem < half ? -1 : 1;
}

int64_t qnn_fixed_round_shift(int64_t a, uint32_t s, unsigned q)
{
	int64_t fl = s < 64 ? a >> s : (a < 0 ? -1 : 0);
	int nonzero = 0;
	int cmp = rem_vs_half(a, s, &nonzero);
	int up;

	switch (q) {
	case QNN_RND_RND:
		up = cmp >= 0;
		break;
	case QNN_RND_CONV:
		up = cmp > 0 || (cmp == 0 && (fl & 1));
		break;
	case QNN_RND_ZERO:
		up = cmp > 0 || (cmp == 0 && a < 0);
		break;
	case QNN_RND_INF:
		up = cmp > 0 || (cmp == 0 && a >= 0);
		break;
	case QNN_RND_MIN_INF:
		up = cmp > 0;
		break;
	case QNN_RND_TRN_ZERO:
		up = a < 0 && nonzero;
		break;
	default: /* QNN_RND_TRN */
		up = 0;
		break;
	}
	/* fl <= a / 2, so fl + 1 cannot overflow */
	return fl + up;
}

static int64_t wrap_to(int64_t q, const struct qnn_fixed_type *t)
{
	uint64_t u = (uint64_t)q;
	uint64_t mask;

	if (t->width >= 64)
		return q;
	mask = ((uint64_t)1 << t->width) - 1;
	u &= mask;
	if (t->is_signed && (u >> (t->width - 1)) & 1)
		u |= ~mask;
	return (int64_t)u;
}

int64_t qnn_fixed_overflow(int64_t q, int big, const struct qnn_fixed_type *t)
{
	int64_t lo = qnn_fixed_min(t), hi = qnn_fixed_max(t);

	if (t->overflow == QNN_OVF_SAT_SYM && t->is_signed)
		lo = -hi;
	if (!big && q >= lo && q <= hi)
		return q;
	switch (t->overflow) {
	case QNN_OVF_SAT:
	case QNN_OVF_SAT_SYM:
		if (big > 0 || (!big && q > hi))
			return hi;
		return lo;
	case QNN_OVF_SAT_ZERO:
		return 0;
	default: /* QNN_OVF_WRAP */
		return wrap_to(q, t);
	}
}

int64_t qnn_fixed_convert(int64_t a, int32_t fs, const struct qnn_fixed_type *t)
{
	int64_t s = (int64_t)fs - qnn_fixed_frac(t);
	uint32_t k;
	int64_t top;

	if (a == 0)
		return 0;
	if (s > 0)
		return qnn_fixed_overflow(qnn_fixed_round_shift(a, (uint32_t)s, t->rounding), 0, t);
	/* s <= 0: an exact left shift, possibly beyond 64 bits */
	k = (uint32_t)-s;
	if (k == 0)
		return qnn_fixed_overflow(a, 0, t);
	if (k >= 64)
		return qnn_fixed_overflow(0, a < 0 ? -1 : 1, t);
	top = a >> (63 - k); /* all sign bits when a << k fits */
	if (top == 0 || top == -1)
		return qnn_fixed_overflow((int64_t)((uint64_t)a << k), 0, t);
	return qnn_fixed_overflow((int64_t)((uint64_t)a << k), a < 0 ? -1 : 1, t);
}

int64_t qnn_fixed_add(int64_t a, int64_t b, const struct qnn_fixed_type *t)
{
	int64_t s;

	/* the exact sum needs 65 bits only when both have the same sign */
	if (__builtin_add_overflow(a, b, &s))
		return qnn_fixed_overflow(s, a < 0 ? -1 : 1, t);
	return qnn_fixed_overflow(s, 0, t);
}
