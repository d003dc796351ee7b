// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The engine's float input conversion (which has an inline fast path for
 * ordinary values) against the rule qnn_fixed_from_f32() (pinned by the
 * hand-derived cases in test_fixed_float.c), for random float bit patterns
 * around each type's scale, specials included, over random input types and
 * every rounding and overflow mode. A flatten-only model passes the input
 * codes through.
 */
#include "test_engine_model.h"

static uint64_t rng = 0x2545f4914f6cdd1dull;

static uint32_t rnd(uint32_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng % n);
}

/* a float whose magnitude is within a few powers of two of the type's range */
static uint32_t rnd_float(const struct qnn_fixed_type *t, int specials)
{
	static const uint32_t special[] = {0x00000000u, 0x80000000u, 0x7f800000u, 0xff800000u,
					   0x7fc00000u, 0xffc00001u, 0x00000001u, 0x807fffffu,
					   0x7f7fffffu, 0x3f800000u};
	int32_t scale = (int32_t)t->int_bits - (int32_t)t->width; /* log2 of the LSB */
	int32_t e;

	if (specials && rnd(8) == 0)
		return special[rnd(10)];
	if (!specials && rnd(4) == 0)
		return rnd(2) << 31; /* +-0 */
	e = scale - 4 + (int32_t)rnd((uint32_t)t->width + (specials ? 12 : 4)) + 127;
	if (e < 1)
		e = 1;
	if (e > 254)
		e = 254;
	return (rnd(2) << 31) | ((uint32_t)e << 23) | (rnd(1u << 23) & 0x7fffffu);
}

Test(engine_input, fast_path_matches_the_rule)
{
	enum { N = 64 };
	uint32_t x[N];
	int32_t got[N];

	for (int m = 0; m < 3000; m++) {
		struct tm t;
		unsigned w = 1 + rnd(32), sgn = rnd(2);
		struct qnn_fixed_type it;
		struct qnn_engine_out o = {.codes = got};
		uint32_t want_nf = 0;

		if (!sgn && w > 31)
			w = 31;
		it = tm_type(w, (int)rnd(w + 16) - 8, (int)sgn, rnd(QNN_RND_COUNT),
			     rnd(QNN_OVF_COUNT));
		tm_begin(&t, 1, 1, N, it);
		tm_add(&t, QNN_LAYER_FLATTEN, 1, 1, N);
		cr_assert_eq(tm_end(&t, 0), 0);
		/* odd models: ordinary values only, the vectorized whole-sample path */
		for (int i = 0; i < N; i++)
			x[i] = rnd_float(&it, m % 2 == 0);
		cr_assert_eq(qnn_engine_run(&t.e, QNN_INPUT_F32, x, 1, &o, NULL, NULL), 0);
		for (int i = 0; i < N; i++) {
			int nf = 0;
			int64_t want = qnn_fixed_from_f32(x[i], &it, &nf);

			want_nf += (uint32_t)nf;
			cr_assert_eq(got[i], want, "type <%u,%d,%s,q%u,o%u> bits %08x: %d != %lld",
				     w, it.int_bits, sgn ? "s" : "u", it.rounding, it.overflow,
				     x[i], got[i], (long long)want);
		}
		cr_assert_eq(o.nonfinite, want_nf);
		tm_free(&t);
	}
}
