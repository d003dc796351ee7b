// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * IEEE-754 bits <-> fixed codes: signed zeros, subnormals, exact ties,
 * +-inf, NaN and huge values. Bit patterns are written out by hand and the
 * expected codes derived in the comments (value * 2^F, then the mode).
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

/* hls4ml's default input_t: ap_fixed<16,6>, TRN, WRAP; F = 10 */
static const struct qnn_fixed_type def16 = {16, 1, QNN_RND_TRN, QNN_OVF_WRAP, 6, 0};

static int64_t f32(uint32_t bits, const struct qnn_fixed_type *t, int *nf)
{
	return qnn_fixed_from_f32(bits, t, nf);
}

Test(float_in, zeros)
{
	int nf = 0;

	cr_assert_eq(f32(0x00000000u, &def16, &nf), 0);
	cr_assert_eq(f32(0x80000000u, &def16, &nf), 0); /* -0.0 */
	cr_assert_eq(nf, 0);
}

Test(float_in, ordinary_values)
{
	struct qnn_fixed_type i8t = ty(8, 8, 1, QNN_RND_TRN, QNN_OVF_WRAP);
	struct qnn_fixed_type i8r = ty(8, 8, 1, QNN_RND_RND, QNN_OVF_WRAP);
	struct qnn_fixed_type i8c = ty(8, 8, 1, QNN_RND_CONV, QNN_OVF_WRAP);

	cr_assert_eq(f32(0x3f800000u, &def16, NULL), 1024);  /* 1.0 * 1024 */
	cr_assert_eq(f32(0xbfc00000u, &def16, NULL), -1536); /* -1.5 * 1024 */
	cr_assert_eq(f32(0xbfc00000u, &i8t, NULL), -2);	     /* floor(-1.5) */
	cr_assert_eq(f32(0xbfc00000u, &i8r, NULL), -1);	     /* -1.5 ties up */
	/* 0.1f = 0x3dcccccd = 13421773 * 2^-27 = 0.10000000149...; *1024 = 102.4 */
	cr_assert_eq(f32(0x3dcccccdu, &def16, NULL), 102);
	/* 2.5f = 0x40200000: an exact tie */
	cr_assert_eq(f32(0x40200000u, &i8c, NULL), 2);
	cr_assert_eq(f32(0x40200000u, &i8r, NULL), 3);
	/* 255/255 pixel = 1.0, 128/255 = 0x3f008081 = 0.50196081...; *1024 = 514.0078 */
	cr_assert_eq(f32(0x3f008081u, &def16, NULL), 514);
}

Test(float_in, subnormals)
{
	/* ap_fixed<16,-140>: F = 156, so 2^-149 is code 2^7 */
	struct qnn_fixed_type tiny = ty(16, -140, 1, QNN_RND_TRN, QNN_OVF_WRAP);
	/* ap_fixed<32,-116>: F = 148 */
	struct qnn_fixed_type t148 = ty(32, -116, 1, QNN_RND_TRN, QNN_OVF_WRAP);
	struct qnn_fixed_type r148 = ty(32, -116, 1, QNN_RND_RND, QNN_OVF_WRAP);
	struct qnn_fixed_type c148 = ty(32, -116, 1, QNN_RND_CONV, QNN_OVF_WRAP);
	struct qnn_fixed_type z148 = ty(32, -116, 1, QNN_RND_ZERO, QNN_OVF_WRAP);
	struct qnn_fixed_type def_rnd = ty(16, 6, 1, QNN_RND_RND, QNN_OVF_WRAP);
	struct qnn_fixed_type def_tz = ty(16, 6, 1, QNN_RND_TRN_ZERO, QNN_OVF_WRAP);

	cr_assert_eq(f32(0x00000001u, &tiny, NULL), 128);
	cr_assert_eq(f32(0x80000001u, &tiny, NULL), -128);
	/* smallest positive subnormal into ap_fixed<16,6>: floor -> 0 */
	cr_assert_eq(f32(0x00000001u, &def16, NULL), 0);
	/* smallest negative: floor of a tiny negative is -1 */
	cr_assert_eq(f32(0x80000001u, &def16, NULL), -1);
	cr_assert_eq(f32(0x80000001u, &def_rnd, NULL), 0);
	cr_assert_eq(f32(0x80000001u, &def_tz, NULL), 0);
	/* largest subnormal (2^23 - 1) * 2^-149 at F 148: 4194303.5 */
	cr_assert_eq(f32(0x007fffffu, &t148, NULL), 4194303);
	cr_assert_eq(f32(0x007fffffu, &r148, NULL), 4194304);
	cr_assert_eq(f32(0x007fffffu, &c148, NULL), 4194304); /* 4194303 odd */
	cr_assert_eq(f32(0x007fffffu, &z148, NULL), 4194303);
}

Test(float_in, infinities)
{
	struct qnn_fixed_type sat = ty(16, 6, 1, QNN_RND_TRN, QNN_OVF_SAT);
	struct qnn_fixed_type sym = ty(16, 6, 1, QNN_RND_TRN, QNN_OVF_SAT_SYM);
	struct qnn_fixed_type sz = ty(16, 6, 1, QNN_RND_TRN, QNN_OVF_SAT_ZERO);
	struct qnn_fixed_type usat = ty(8, 0, 0, QNN_RND_RND, QNN_OVF_SAT);
	int nf = 0;

	cr_assert_eq(f32(0x7f800000u, &def16, &nf), 0); /* +inf, WRAP: no bit kept */
	cr_assert_eq(nf, 1);
	nf = 0;
	cr_assert_eq(f32(0xff800000u, &def16, &nf), 0);
	cr_assert_eq(nf, 1);
	cr_assert_eq(f32(0x7f800000u, &sat, NULL), 32767);
	cr_assert_eq(f32(0xff800000u, &sat, NULL), -32768);
	cr_assert_eq(f32(0x7f800000u, &sym, NULL), 32767);
	cr_assert_eq(f32(0xff800000u, &sym, NULL), -32767);
	cr_assert_eq(f32(0x7f800000u, &sz, NULL), 0);
	cr_assert_eq(f32(0x7f800000u, &usat, NULL), 255);
	cr_assert_eq(f32(0xff800000u, &usat, NULL), 0);
}

Test(float_in, nan_is_zero_and_counted)
{
	struct qnn_fixed_type sat = ty(16, 6, 1, QNN_RND_RND, QNN_OVF_SAT);
	int nf = 0;

	cr_assert_eq(f32(0x7fc00000u, &def16, &nf), 0);
	cr_assert_eq(nf, 1);
	nf = 0;
	cr_assert_eq(f32(0xffc00001u, &sat, &nf), 0); /* negative NaN, payload */
	cr_assert_eq(nf, 1);
	nf = 0;
	cr_assert_eq(f32(0x7f800001u, &sat, &nf), 0); /* signalling NaN */
	cr_assert_eq(nf, 1);
}

Test(float_in, huge_values)
{
	struct qnn_fixed_type sat = ty(16, 6, 1, QNN_RND_TRN, QNN_OVF_SAT);
	int nf = 0;

	/* 1e30f = 0x7149f2ca: m * 2^76; times 2^10 every kept bit is zero */
	cr_assert_eq(f32(0x7149f2cau, &def16, &nf), 0);
	cr_assert_eq(f32(0x7149f2cau, &sat, &nf), 32767);
	cr_assert_eq(f32(0xf149f2cau, &sat, &nf), -32768);
	cr_assert_eq(nf, 0); /* finite */
	/* 100.0f = 0x42c80000: 102400 wraps to 102400 - 65536 = 36864 -> -28672 */
	cr_assert_eq(f32(0x42c80000u, &def16, NULL), -28672);
	cr_assert_eq(f32(0x42c80000u, &sat, NULL), 32767);
	/* largest float 0x7f7fffff into a 64-bit accumulator type saturates */
	{
		struct qnn_fixed_type s64 = ty(64, 40, 1, QNN_RND_TRN, QNN_OVF_SAT);

		cr_assert_eq(f32(0x7f7fffffu, &s64, NULL), INT64_MAX);
	}
}

Test(float_in, doubles)
{
	struct qnn_fixed_type i8c = ty(8, 8, 1, QNN_RND_CONV, QNN_OVF_WRAP);
	struct qnn_fixed_type i8i = ty(8, 8, 1, QNN_RND_INF, QNN_OVF_WRAP);
	struct qnn_fixed_type i8m = ty(8, 8, 1, QNN_RND_MIN_INF, QNN_OVF_WRAP);
	struct qnn_fixed_type i8r = ty(8, 8, 1, QNN_RND_RND, QNN_OVF_WRAP);
	/* ap_fixed<16,-1064>: F = 1080, so 2^-1074 is code 2^6 */
	struct qnn_fixed_type tiny = ty(16, -1064, 1, QNN_RND_TRN, QNN_OVF_WRAP);
	struct qnn_fixed_type sat = ty(16, 6, 1, QNN_RND_TRN, QNN_OVF_SAT);
	int nf = 0;

	/* 0.1 = 0x3fb999999999999a, slightly above 0.1: * 1024 = 102.4 -> 102 */
	cr_assert_eq(qnn_fixed_from_f64(0x3fb999999999999aull, &def16, NULL), 102);
	/* -2.5 = 0xc004000000000000 */
	cr_assert_eq(qnn_fixed_from_f64(0xc004000000000000ull, &i8c, NULL), -2);
	cr_assert_eq(qnn_fixed_from_f64(0xc004000000000000ull, &i8i, NULL), -3);
	cr_assert_eq(qnn_fixed_from_f64(0xc004000000000000ull, &i8m, NULL), -3);
	cr_assert_eq(qnn_fixed_from_f64(0xc004000000000000ull, &i8r, NULL), -2);
	cr_assert_eq(qnn_fixed_from_f64(0x0000000000000001ull, &tiny, NULL), 64);
	cr_assert_eq(qnn_fixed_from_f64(0x8000000000000000ull, &def16, &nf), 0);
	cr_assert_eq(qnn_fixed_from_f64(0x7ff0000000000000ull, &sat, &nf), 32767);
	cr_assert_eq(nf, 1);
	nf = 0;
	cr_assert_eq(qnn_fixed_from_f64(0x7ff8000000000000ull, &sat, &nf), 0);
	cr_assert_eq(nf, 1);
}

Test(float_out, exact_and_rounded)
{
	struct qnn_fixed_type i32 = ty(32, 32, 1, QNN_RND_TRN, QNN_OVF_WRAP);
	struct qnn_fixed_type i64 = ty(64, 64, 1, QNN_RND_TRN, QNN_OVF_WRAP);
	struct qnn_fixed_type u24 = ty(24, 0, 0, QNN_RND_TRN, QNN_OVF_WRAP);
	struct qnn_fixed_type r71 = ty(7, 1, 1, QNN_RND_RND, QNN_OVF_SAT);

	cr_assert_eq(qnn_fixed_to_f32(0, &def16), 0x00000000u);
	cr_assert_eq(qnn_fixed_to_f32(1024, &def16), 0x3f800000u);   /* 1.0 */
	cr_assert_eq(qnn_fixed_to_f32(-1536, &def16), 0xbfc00000u);  /* -1.5 */
	cr_assert_eq(qnn_fixed_to_f32(1, &def16), 0x3a800000u);	     /* 2^-10 */
	cr_assert_eq(qnn_fixed_to_f32(-32768, &def16), 0xc2000000u); /* -32.0 */
	/* ap_fixed<7,1>: code -64 = -1.0, 63 = 0.984375 = 63 * 2^-6 */
	cr_assert_eq(qnn_fixed_to_f32(-64, &r71), 0xbf800000u);
	cr_assert_eq(qnn_fixed_to_f32(63, &r71), 0x3f7c0000u);
	/* 24 significant bits are exact: (2^24 - 1) * 2^-24 */
	cr_assert_eq(qnn_fixed_to_f32(0xffffff, &u24), 0x3f7fffffu);
	/* 2^31 - 1 rounds to 2^31 */
	cr_assert_eq(qnn_fixed_to_f32(0x7fffffff, &i32), 0x4f000000u);
	/* 2^24 + 1: tie between 2^24 and 2^24 + 2, even is 2^24 */
	cr_assert_eq(qnn_fixed_to_f32(16777217, &i32), 0x4b800000u);
	/* 2^24 + 3: tie between +2 and +4; +4 has the even significand */
	cr_assert_eq(qnn_fixed_to_f32(16777219, &i32), 0x4b800002u);
	/* -2^63 */
	cr_assert_eq(qnn_fixed_to_f32(INT64_MIN, &i64), 0xdf000000u);
}

Test(float_out, outside_binary32)
{
	/* ap_fixed<8,-140>: F = 148, code 1 = 2^-148: subnormal 2 * 2^-149 */
	struct qnn_fixed_type f148 = ty(8, -140, 1, QNN_RND_TRN, QNN_OVF_WRAP);
	/* F = 150: code 3 = 1.5 * 2^-149, a tie -> even 2 * 2^-149 */
	struct qnn_fixed_type f150 = ty(8, -142, 1, QNN_RND_TRN, QNN_OVF_WRAP);
	/* F = -132: code 127 = 127 * 2^132 > FLT_MAX */
	struct qnn_fixed_type big = ty(8, 140, 1, QNN_RND_TRN, QNN_OVF_WRAP);

	cr_assert_eq(qnn_fixed_to_f32(1, &f148), 0x00000002u);
	cr_assert_eq(qnn_fixed_to_f32(3, &f150), 0x00000002u);
	cr_assert_eq(qnn_fixed_to_f32(-3, &f150), 0x80000002u);
	cr_assert_eq(qnn_fixed_to_f32(127, &big), 0x7f800000u);
	cr_assert_eq(qnn_fixed_to_f32(-127, &big), 0xff800000u);
}
