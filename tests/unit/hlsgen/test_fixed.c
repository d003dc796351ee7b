// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Rounding and overflow modes of the ap_fixed assignment rule
 * (docs/semantics.md section 1), on hand-derived cases. Each expected value is
 * worked out in the comment next to it.
 */
#include <criterion/criterion.h>
#include <stdint.h>

#include "qnn_fixed.h"

static struct qnn_fixed_type ty(unsigned w, int i, int is_signed, unsigned q, unsigned o)
{
	struct qnn_fixed_type t = {
	    .width = (uint8_t)w,
	    .is_signed = (uint8_t)is_signed,
	    .rounding = (uint8_t)q,
	    .overflow = (uint8_t)o,
	    .int_bits = (int16_t)i,
	};
	return t;
}

/* round a value given as a / 2^fs into ap_fixed<8,8,q> (integers) */
static int64_t to_int8(int64_t a, int fs, unsigned q)
{
	struct qnn_fixed_type t = ty(8, 8, 1, q, QNN_OVF_WRAP);

	return qnn_fixed_convert(a, fs, &t);
}

Test(fixed_round, trn_is_floor)
{
	cr_assert_eq(to_int8(-5, 2, QNN_RND_TRN), -2); /* -1.25 -> floor -2 */
	cr_assert_eq(to_int8(5, 2, QNN_RND_TRN), 1);   /* 1.25 -> 1 */
	cr_assert_eq(to_int8(-8, 2, QNN_RND_TRN), -2); /* -2.0 exact */
	cr_assert_eq(to_int8(-1, 2, QNN_RND_TRN), -1); /* -0.25 -> -1 */
}

Test(fixed_round, rnd_ties_up)
{
	cr_assert_eq(to_int8(6, 2, QNN_RND_RND), 2);   /* 1.5 -> 2 */
	cr_assert_eq(to_int8(-6, 2, QNN_RND_RND), -1); /* -1.5 -> -1 (toward +inf) */
	cr_assert_eq(to_int8(-7, 2, QNN_RND_RND), -2); /* -1.75 -> -2 */
	cr_assert_eq(to_int8(5, 2, QNN_RND_RND), 1);   /* 1.25 -> 1 */
	cr_assert_eq(to_int8(-5, 2, QNN_RND_RND), -1); /* -1.25 -> -1 */
}

Test(fixed_round, conv_ties_even)
{
	cr_assert_eq(to_int8(6, 2, QNN_RND_CONV), 2);	 /* 1.5 -> 2 */
	cr_assert_eq(to_int8(10, 2, QNN_RND_CONV), 2);	 /* 2.5 -> 2 */
	cr_assert_eq(to_int8(-6, 2, QNN_RND_CONV), -2);	 /* -1.5 -> -2 */
	cr_assert_eq(to_int8(-10, 2, QNN_RND_CONV), -2); /* -2.5 -> -2 */
	cr_assert_eq(to_int8(11, 2, QNN_RND_CONV), 3);	 /* 2.75 -> 3 */
}

Test(fixed_round, rnd_zero_ties_toward_zero)
{
	cr_assert_eq(to_int8(6, 2, QNN_RND_ZERO), 1);	/* 1.5 -> 1 */
	cr_assert_eq(to_int8(-6, 2, QNN_RND_ZERO), -1); /* -1.5 -> -1 */
	cr_assert_eq(to_int8(7, 2, QNN_RND_ZERO), 2);	/* 1.75 -> 2 */
	cr_assert_eq(to_int8(-7, 2, QNN_RND_ZERO), -2); /* -1.75 -> -2 */
}

Test(fixed_round, rnd_inf_ties_away)
{
	cr_assert_eq(to_int8(6, 2, QNN_RND_INF), 2);   /* 1.5 -> 2 */
	cr_assert_eq(to_int8(-6, 2, QNN_RND_INF), -2); /* -1.5 -> -2 */
	cr_assert_eq(to_int8(-5, 2, QNN_RND_INF), -1); /* -1.25 -> -1 */
}

Test(fixed_round, rnd_min_inf_ties_down)
{
	cr_assert_eq(to_int8(6, 2, QNN_RND_MIN_INF), 1);   /* 1.5 -> 1 */
	cr_assert_eq(to_int8(-6, 2, QNN_RND_MIN_INF), -2); /* -1.5 -> -2 */
	cr_assert_eq(to_int8(7, 2, QNN_RND_MIN_INF), 2);   /* 1.75 -> 2 */
}

Test(fixed_round, trn_zero_truncates_toward_zero)
{
	cr_assert_eq(to_int8(-5, 2, QNN_RND_TRN_ZERO), -1); /* -1.25 -> -1 */
	cr_assert_eq(to_int8(7, 2, QNN_RND_TRN_ZERO), 1);   /* 1.75 -> 1 */
	cr_assert_eq(to_int8(-8, 2, QNN_RND_TRN_ZERO), -2); /* -2.0 exact */
	cr_assert_eq(to_int8(-7, 2, QNN_RND_TRN_ZERO), -1); /* -1.75 -> -1 */
}

Test(fixed_round, shifts_of_64_and_more)
{
	/* INT64_MIN * 2^-64 = -0.5 exactly: floor -1, a tie */
	cr_assert_eq(qnn_fixed_round_shift(INT64_MIN, 64, QNN_RND_TRN), -1);
	cr_assert_eq(qnn_fixed_round_shift(INT64_MIN, 64, QNN_RND_RND), 0);
	cr_assert_eq(qnn_fixed_round_shift(INT64_MIN, 64, QNN_RND_CONV), 0); /* -1 odd */
	cr_assert_eq(qnn_fixed_round_shift(INT64_MIN, 64, QNN_RND_ZERO), 0);
	cr_assert_eq(qnn_fixed_round_shift(INT64_MIN, 64, QNN_RND_INF), -1);
	cr_assert_eq(qnn_fixed_round_shift(INT64_MIN, 64, QNN_RND_MIN_INF), -1);
	cr_assert_eq(qnn_fixed_round_shift(INT64_MIN, 64, QNN_RND_TRN_ZERO), 0);
	/* (INT64_MIN + 1) * 2^-64 is just above -0.5: nearest is 0 */
	cr_assert_eq(qnn_fixed_round_shift(INT64_MIN + 1, 64, QNN_RND_MIN_INF), 0);
	cr_assert_eq(qnn_fixed_round_shift(INT64_MIN + 1, 64, QNN_RND_INF), 0);
	/* -1 * 2^-65: floor -1, nearest 0 */
	cr_assert_eq(qnn_fixed_round_shift(-1, 65, QNN_RND_TRN), -1);
	cr_assert_eq(qnn_fixed_round_shift(-1, 65, QNN_RND_RND), 0);
	cr_assert_eq(qnn_fixed_round_shift(-1, 65, QNN_RND_TRN_ZERO), 0);
	/* 5 * 2^-200: 0 in every mode; -5 * 2^-200 floors to -1 */
	cr_assert_eq(qnn_fixed_round_shift(5, 200, QNN_RND_INF), 0);
	cr_assert_eq(qnn_fixed_round_shift(-5, 200, QNN_RND_TRN), -1);
	cr_assert_eq(qnn_fixed_round_shift(-5, 200, QNN_RND_MIN_INF), 0);
	/* (2^62 + 2^61) * 2^-63 = 0.75 -> 1 for RND, 0 for TRN */
	cr_assert_eq(qnn_fixed_round_shift(((int64_t)3) << 61, 63, QNN_RND_RND), 1);
	cr_assert_eq(qnn_fixed_round_shift(((int64_t)3) << 61, 63, QNN_RND_TRN), 0);
}

/* ap_fixed<4,4>: codes -8..7 */
Test(fixed_overflow, signed_edges)
{
	struct qnn_fixed_type w = ty(4, 4, 1, QNN_RND_TRN, QNN_OVF_WRAP);
	struct qnn_fixed_type s = ty(4, 4, 1, QNN_RND_TRN, QNN_OVF_SAT);
	struct qnn_fixed_type y = ty(4, 4, 1, QNN_RND_TRN, QNN_OVF_SAT_SYM);
	struct qnn_fixed_type z = ty(4, 4, 1, QNN_RND_TRN, QNN_OVF_SAT_ZERO);

	cr_assert_eq(qnn_fixed_convert(9, 0, &w), -7); /* 9 - 16 */
	cr_assert_eq(qnn_fixed_convert(9, 0, &s), 7);
	cr_assert_eq(qnn_fixed_convert(9, 0, &y), 7);
	cr_assert_eq(qnn_fixed_convert(9, 0, &z), 0);
	cr_assert_eq(qnn_fixed_convert(-9, 0, &w), 7); /* -9 + 16 */
	cr_assert_eq(qnn_fixed_convert(-9, 0, &s), -8);
	cr_assert_eq(qnn_fixed_convert(-9, 0, &y), -7); /* symmetric bound */
	cr_assert_eq(qnn_fixed_convert(-9, 0, &z), 0);
	/* -8 is in range, except for SAT_SYM whose lower bound is -7 */
	cr_assert_eq(qnn_fixed_convert(-8, 0, &w), -8);
	cr_assert_eq(qnn_fixed_convert(-8, 0, &s), -8);
	cr_assert_eq(qnn_fixed_convert(-8, 0, &y), -7);
	cr_assert_eq(qnn_fixed_convert(-8, 0, &z), -8);
	cr_assert_eq(qnn_fixed_convert(7, 0, &z), 7);
	/* 23 = 0b10111: the low 4 bits 0111 are 7 */
	cr_assert_eq(qnn_fixed_convert(23, 0, &w), 7);
	cr_assert_eq(qnn_fixed_min(&s), -8);
	cr_assert_eq(qnn_fixed_max(&s), 7);
}

/* ap_ufixed<4,4>: codes 0..15 */
Test(fixed_overflow, unsigned_edges)
{
	struct qnn_fixed_type w = ty(4, 4, 0, QNN_RND_TRN, QNN_OVF_WRAP);
	struct qnn_fixed_type s = ty(4, 4, 0, QNN_RND_TRN, QNN_OVF_SAT);
	struct qnn_fixed_type y = ty(4, 4, 0, QNN_RND_TRN, QNN_OVF_SAT_SYM);
	struct qnn_fixed_type z = ty(4, 4, 0, QNN_RND_TRN, QNN_OVF_SAT_ZERO);

	cr_assert_eq(qnn_fixed_convert(-1, 0, &w), 15); /* low 4 bits of ...1111 */
	cr_assert_eq(qnn_fixed_convert(-1, 0, &s), 0);
	cr_assert_eq(qnn_fixed_convert(-1, 0, &y), 0);
	cr_assert_eq(qnn_fixed_convert(-1, 0, &z), 0);
	cr_assert_eq(qnn_fixed_convert(16, 0, &w), 0);
	cr_assert_eq(qnn_fixed_convert(17, 0, &w), 1);
	cr_assert_eq(qnn_fixed_convert(16, 0, &s), 15);
	cr_assert_eq(qnn_fixed_convert(16, 0, &y), 15);
	cr_assert_eq(qnn_fixed_convert(16, 0, &z), 0);
	cr_assert_eq(qnn_fixed_convert(15, 0, &z), 15);
}

Test(fixed_overflow, rounding_carry_overflows)
{
	/* 7.5 = 15 / 2^1 into ap_fixed<4,4>: rounds to 8, which is out of range */
	struct qnn_fixed_type rs = ty(4, 4, 1, QNN_RND_RND, QNN_OVF_SAT);
	struct qnn_fixed_type rw = ty(4, 4, 1, QNN_RND_RND, QNN_OVF_WRAP);
	struct qnn_fixed_type cs = ty(4, 4, 1, QNN_RND_CONV, QNN_OVF_SAT);
	struct qnn_fixed_type ts = ty(4, 4, 1, QNN_RND_TRN, QNN_OVF_SAT);
	/* ap_ufixed<6,0,RND_CONV,SAT> (quantized_relu(6)): 63.5/64 -> 64/64 -> 63 */
	struct qnn_fixed_type qr = ty(6, 0, 0, QNN_RND_CONV, QNN_OVF_SAT);

	cr_assert_eq(qnn_fixed_convert(15, 1, &rs), 7);
	cr_assert_eq(qnn_fixed_convert(15, 1, &rw), -8);  /* 8 wraps to -8 */
	cr_assert_eq(qnn_fixed_convert(15, 1, &cs), 7);	  /* fl 7 is odd: up to 8: clamp */
	cr_assert_eq(qnn_fixed_convert(15, 1, &ts), 7);	  /* floor 7, no overflow */
	cr_assert_eq(qnn_fixed_convert(127, 7, &qr), 63); /* 127/128 * 64 = 63.5 */
	cr_assert_eq(qnn_fixed_convert(125, 7, &qr), 62); /* 62.5 -> even 62 */
	cr_assert_eq(qnn_fixed_convert(-3, 7, &qr), 0);	  /* negative -> 0 */
}

Test(fixed_types, negative_frac_bits)
{
	/* ap_fixed<4,6>: F = -2, the LSB weighs 4 */
	struct qnn_fixed_type t = ty(4, 6, 1, QNN_RND_TRN, QNN_OVF_WRAP);
	struct qnn_fixed_type r = ty(4, 6, 1, QNN_RND_RND, QNN_OVF_SAT);

	cr_assert_eq(qnn_fixed_frac(&t), -2);
	cr_assert_eq(qnn_fixed_convert(13, 0, &t), 3);	/* 13/4 = 3.25 -> 3 (12) */
	cr_assert_eq(qnn_fixed_convert(14, 0, &r), 4);	/* 3.5 -> 4 (16) */
	cr_assert_eq(qnn_fixed_convert(40, 0, &r), 7);	/* 10 -> clamp 7 (28) */
	cr_assert_eq(qnn_fixed_convert(40, 0, &t), -6); /* 10 wraps: 10 - 16 */
	/* code 3 of ap_fixed<4,6> (value 12) into ap_fixed<8,8>: 12 */
	{
		struct qnn_fixed_type d = ty(8, 8, 1, QNN_RND_TRN, QNN_OVF_WRAP);

		cr_assert_eq(qnn_fixed_convert(3, -2, &d), 12);
	}
}

Test(fixed_types, frac_bits_beyond_width)
{
	/* ap_fixed<4,-2>: F = 6, values -8/64 .. 7/64 */
	struct qnn_fixed_type t = ty(4, -2, 1, QNN_RND_TRN, QNN_OVF_SAT);

	cr_assert_eq(qnn_fixed_frac(&t), 6);
	cr_assert_eq(qnn_fixed_convert(3, 5, &t), 6); /* 3/32 = 6/64 */
	cr_assert_eq(qnn_fixed_convert(1, 2, &t), 7); /* 1/4 = 16/64 -> clamp 7 */
	cr_assert_eq(qnn_fixed_convert(-1, 2, &t), -8);
	cr_assert_eq(qnn_fixed_convert(5, 7, &t), 2); /* 5/128 = 2.5/64 -> floor 2 */
}

Test(fixed_types, wide_accumulators)
{
	struct qnn_fixed_type w64 = ty(64, 64, 1, QNN_RND_TRN, QNN_OVF_WRAP);
	struct qnn_fixed_type s64 = ty(64, 64, 1, QNN_RND_TRN, QNN_OVF_SAT);
	struct qnn_fixed_type u63 = ty(63, 63, 0, QNN_RND_TRN, QNN_OVF_SAT);
	struct qnn_fixed_type r40 = ty(40, 20, 1, QNN_RND_RND, QNN_OVF_SAT);

	cr_assert_eq(qnn_fixed_convert(INT64_MAX, 0, &w64), INT64_MAX);
	cr_assert_eq(qnn_fixed_convert(INT64_MIN, 0, &s64), INT64_MIN);
	/* 2^62 * 2^2 = 2^64: low 64 bits 0, saturates to max */
	cr_assert_eq(qnn_fixed_convert((int64_t)1 << 62, -2, &w64), 0);
	cr_assert_eq(qnn_fixed_convert((int64_t)1 << 62, -2, &s64), INT64_MAX);
	cr_assert_eq(qnn_fixed_convert(-((int64_t)1 << 62), -2, &s64), INT64_MIN);
	/* 3 * 2^61 * 2 = 3 * 2^62 > 2^63: wraps to 3*2^62 - 2^64 = -2^62 */
	cr_assert_eq(qnn_fixed_convert((int64_t)3 << 61, -1, &w64), -((int64_t)1 << 62));
	cr_assert_eq(qnn_fixed_convert((int64_t)3 << 61, -1, &s64), INT64_MAX);
	/* a left shift by 64 or more keeps no bit under WRAP */
	cr_assert_eq(qnn_fixed_convert(5, -70, &w64), 0);
	cr_assert_eq(qnn_fixed_convert(-5, -70, &s64), INT64_MIN);
	cr_assert_eq(qnn_fixed_max(&u63), INT64_MAX);
	cr_assert_eq(qnn_fixed_convert(-1, 0, &u63), 0);
	/* ap_fixed<40,20>, F = 20: (2^38 + 2^19 + 1) at F 21 is
	 * 2^37 + 2^18 + 0.5 at F 20, a tie: RND goes up */
	cr_assert_eq(qnn_fixed_convert(((int64_t)1 << 38) + (1 << 19) + 1, 21, &r40),
		     ((int64_t)1 << 37) + (1 << 18) + 1);
	/* 2^40 at F 21 is 2^39 at F 20: one above max 2^39 - 1 */
	cr_assert_eq(qnn_fixed_convert((int64_t)1 << 40, 21, &r40), ((int64_t)1 << 39) - 1);
	/* 2^45 with F 20 is 2^45 at F 20: above max 2^39 - 1 */
	cr_assert_eq(qnn_fixed_convert((int64_t)1 << 45, 20, &r40), ((int64_t)1 << 39) - 1);
}

Test(fixed_types, type_check)
{
	struct qnn_fixed_type ok = ty(16, 6, 1, QNN_RND_TRN, QNN_OVF_WRAP);
	struct qnn_fixed_type zero = ty(0, 0, 1, QNN_RND_TRN, QNN_OVF_WRAP);
	struct qnn_fixed_type u64 = ty(64, 64, 0, QNN_RND_TRN, QNN_OVF_WRAP);
	struct qnn_fixed_type badq = ty(8, 1, 1, QNN_RND_COUNT, QNN_OVF_WRAP);
	struct qnn_fixed_type bado = ty(8, 1, 1, QNN_RND_TRN, QNN_OVF_COUNT);

	cr_assert_eq(qnn_fixed_type_check(&ok, 32), 0);
	cr_assert_eq(qnn_fixed_type_check(&ok, 8), -22);
	cr_assert_eq(qnn_fixed_type_check(&zero, 64), -22);
	cr_assert_eq(qnn_fixed_type_check(&u64, 64), -22);
	cr_assert_eq(qnn_fixed_type_check(&badq, 64), -22);
	cr_assert_eq(qnn_fixed_type_check(&bado, 64), -22);
}
