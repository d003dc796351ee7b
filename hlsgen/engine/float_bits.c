// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * float_bits.c - IEEE-754 <-> fixed conversion done on the raw bits, so
 * that the kernel (no FPU) computes the same codes as the host.
 *
 * A finite float is exactly m * 2^e with an integer m: converting it is
 * qnn_fixed_convert(m, -e, t). Non-finite inputs follow the rule in
 * qnn_fixed.h.
 */
#include "qnn_fixed.h"

/* +-inf: a value beyond every type; only its sign matters. */
static int64_t from_inf(int negative, const struct qnn_fixed_type *t, int *nonfinite)
{
	if (nonfinite)
		*nonfinite = 1;
	return qnn_fixed_overflow(0, negative ? -1 : 1, t);
}

int64_t qnn_fixed_from_f32(uint32_t bits, const struct qnn_fixed_type *t, int *nonfinite)
{
	uint32_t biased = (bits >> 23) & 0xffu;
	int64_t m = bits & 0x7fffffu;
	int32_t e;

	if (biased == 0xffu) {
		if (m != 0) {
			if (nonfinite)
				*nonfinite = 1;
			return 0;
		}
		return from_inf((int)(bits >> 31), t, nonfinite);
	}
	if (biased == 0) {
		e = -149; /* subnormal: 0.m * 2^-126 */
	} else {
		m |= (int64_t)1 << 23;
		e = (int32_t)biased - 150;
	}
	if (bits >> 31)
		m = -m;
	return qnn_fixed_convert(m, -e, t);
}

int64_t qnn_fixed_from_f64(uint64_t bits, const struct qnn_fixed_type *t, int *nonfinite)
{
	uint32_t biased = (uint32_t)(bits >> 52) & 0x7ffu;
	int64_t m = (int64_t)(bits & 0xfffffffffffffull);
	int32_t e;

	if (biased == 0x7ffu) {
		if (m != 0) {
			if (nonfinite)
				*nonfinite = 1;
			return 0;
		}
		return from_inf((int)(bits >> 63), t, nonfinite);
	}
	if (biased == 0) {
		e = -1074;
	} else {
		m |= (int64_t)1 << 52;
		e = (int32_t)biased - 1075;
	}
	if (bits >> 63)
		m = -m;
	return qnn_fixed_convert(m, -e, t);
}

static unsigned bit_length(uint64_t v)
{
	return v ? 64u - (unsigned)__builtin_clzll(v) : 0u;
}

/* mag * 2^-sh rounded to nearest, ties to even; sh may be <= 0 (exact). */
static uint64_t rne_shift(uint64_t mag, int64_t sh)
{
	uint64_t q, rem, half;

	if (sh <= 0)
		return mag << -sh; /* callers keep the result below 2^24 */
	if (sh > 64)
		return 0; /* mag < 2^64 <= half */
	if (sh == 64) {
		q = 0;
		rem = mag;
		half = (uint64_t)1 << 63;
	} else {
		q = mag >> sh;
		rem = mag & (((uint64_t)1 << sh) - 1);
		half = (uint64_t)1 << (sh - 1);
	}
	if (rem > half || (rem == half && (q & 1)))
		q++;
	return q;
}

uint32_t qnn_fixed_to_f32(int64_t code, const struct qnn_fixed_type *t)
{
	uint32_t sign = code < 0 ? 0x80000000u : 0u;
	uint64_t mag = code < 0 ? (uint64_t)0 - (uint64_t)code : (uint64_t)code;
	int64_t f = qnn_fixed_frac(t);
	int64_t lead, lsb;
	uint64_t q;

	if (mag == 0)
		return 0;
	/* value = mag * 2^-f; its leading bit has weight 2^lead */
	lead = (int64_t)bit_length(mag) - 1 - f;
	lsb = lead - 23;
	if (lsb < -149)
		lsb = -149; /* subnormal range: fixed lsb weight 2^-149 */
	q = rne_shift(mag, f + lsb);
	if (q >> 24) { /* rounding carried into a new leading bit */
		q >>= 1;
		lsb++;
	}
	if (q < ((uint64_t)1 << 23)) /* subnormal or zero */
		return sign | (uint32_t)q;
	if (lsb + 150 >= 255)
		return sign | 0x7f800000u;
	return sign | ((uint32_t)(lsb + 150) << 23) | ((uint32_t)q & 0x7fffffu);
}
