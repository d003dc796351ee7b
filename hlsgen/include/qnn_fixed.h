/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * qnn_fixed.h - fixed-point primitives of the bit-exact engine: the
 * ap_fixed<W,I,Q,O> assignment rule (round first, then the overflow step),
 * IEEE-754 float <-> fixed conversion on the raw bits, type ranges.
 *
 * Freestanding: integers only, no libc. A "code" is the integer A of a
 * value A * 2^-F, F = width - int_bits; codes are held sign-extended in an
 * int64_t. Widths up to 64 are allowed (accumulators); unsigned types are
 * limited to 63 bits so that every code fits an int64_t.
 *
 * Non-finite floats (the engine's documented rule, also in
 * hlsgen/engine/README.md):
 *   - NaN (either sign, any payload) converts to code 0 and is reported
 *     through *nonfinite. ap_fixed leaves NaN undefined (it only warns).
 *   - +inf / -inf are treated as values larger than any type: under
 *     AP_WRAP they become 0 (every kept bit is zero, as the HLS library
 *     does), under AP_SAT they clamp to max / min, under AP_SAT_SYM to
 *     max / -max, under AP_SAT_ZERO to 0. They are reported through
 *     *nonfinite as well.
 *   - Subnormals and signed zeros are ordinary values (-0.0 gives code 0).
 */
#ifndef QNN_FIXED_H
#define QNN_FIXED_H

#include "qnn_model.h"

/* Fraction bits F = width - int_bits (may be negative or exceed width). */
static inline int32_t qnn_fixed_frac(const struct qnn_fixed_type *t)
{
	return (int32_t)t->width - (int32_t)t->int_bits;
}

/*
 * 0 when t is a usable type of at most max_width bits (1..64, unsigned at
 * most 63, known rounding and overflow modes, reserved field zero),
 * otherwise -22 (EINVAL).
 */
int qnn_fixed_type_check(const struct qnn_fixed_type *t, unsigned max_width);

/* Smallest and largest code of t (ignores AP_SAT_SYM's symmetric bound). */
int64_t qnn_fixed_min(const struct qnn_fixed_type *t);
int64_t qnn_fixed_max(const struct qnn_fixed_type *t);

/*
 * floor-or-round of a * 2^-s for s > 0 under rounding mode q (enum
 * qnn_round), computed exactly for any s >= 1. This is the quantization
 * step of docs/semantics.md section 1 before the overflow step.
 */
int64_t qnn_fixed_round_shift(int64_t a, uint32_t s, unsigned q);

/*
 * The overflow step: q is an exact integer when big == 0. big = +1 / -1
 * means the exact integer lies above / below the int64_t range and q holds
 * its low 64 bits (enough for AP_WRAP, whose result keeps at most 64).
 */
int64_t qnn_fixed_overflow(int64_t q, int big, const struct qnn_fixed_type *t);

/*
 * Assign the exact value a * 2^-fs to type t: rounding with t's mode, then
 * t's overflow step. Any fs is accepted (large shifts are exact too).
 */
int64_t qnn_fixed_convert(int64_t a, int32_t fs, const struct qnn_fixed_type *t);

/* Exact a + b of two codes of t (same F), then t's overflow step. */
int64_t qnn_fixed_add(int64_t a, int64_t b, const struct qnn_fixed_type *t);

/*
 * IEEE-754 binary32 / binary64 bits -> code of t, from the exact value
 * (what ap_fixed's float/double constructor does). *nonfinite is set to 1
 * for NaN and +-inf, left untouched otherwise; it may be NULL.
 */
int64_t qnn_fixed_from_f32(uint32_t bits, const struct qnn_fixed_type *t, int *nonfinite);
int64_t qnn_fixed_from_f64(uint64_t bits, const struct qnn_fixed_type *t, int *nonfinite);

/*
 * Code of t -> binary32 bits, as ap_fixed::to_float(): exact when the code
 * has at most 24 significant bits, otherwise round-to-nearest-even; 0 gives
 * +0.0. Out of binary32 range gives +-inf, below it a correctly rounded
 * subnormal (ap_fixed does not define these; no real type reaches them).
 */
uint32_t qnn_fixed_to_f32(int64_t code, const struct qnn_fixed_type *t);

#endif /* QNN_FIXED_H */
