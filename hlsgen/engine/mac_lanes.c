// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * mac_lanes.c - the multiply-accumulate inner loops in 16- and 32-bit
 * lanes, 16 output channels per vector, several output pixels sharing each
 * weight load. mac_plan.c decides when they are exact and packs weights.
 *
 * A job is a whole layer: n_px output pixels numbered row-major, each with
 * a window origin in the (padded) input plane, and n_taps taps per window
 * at fixed offsets from that origin (a table for conv, contiguous for
 * dense). Pixels are processed in blocks; a short last block is redone as a
 * full block ending at the last pixel, which recomputes a few pixels to the
 * same codes instead of running a slower partial loop.
 *
 * Each kernel exists as plain C (what the kernel build and CPUs without
 * AVX2 run) and, in x86-64 userspace, as an AVX2 version written with gcc
 * vector types. Both compute the same integers: lane sums wrap modulo
 * 2^16 / 2^32, which is what the plan relies on.
 */
#include "engine_internal.h"

#define LANES 16u

static inline size_t origin(const struct qnn_lane_job *j, uint32_t p)
{
	return (size_t)(p / j->px_w) * j->row_step + (size_t)(p % j->px_w) * j->col_step;
}

static inline size_t tap(const struct qnn_lane_job *j, uint32_t t)
{
	return j->tap_off ? j->tap_off[t] : t;
}

/* ---- plain C: one pixel, 16 lanes at a time ---- */

static int16_t op16(int16_t x, int16_t w, uint8_t lop)
{
	int32_t p = (int32_t)x * w;

	if (lop == QNN_LOP_MULHI)
		return (int16_t)(p >> 16);
	return (int16_t)(uint16_t)(uint32_t)p;
}

static int32_t op32(int32_t x, int32_t w, const struct qnn_lane_job *j)
{
	if (j->lop == QNN_LOP_SHR)
		return (int32_t)(((int64_t)x * w + j->round_c) >> j->shift);
	return (int32_t)((uint32_t)x * (uint32_t)w);
}

static void lanes_c(const struct qnn_lane_job *j, int i16)
{
	uint32_t p, cb, t, i;

	for (p = 0; p < j->n_px; p++)
		for (cb = 0; cb < j->cpad; cb += LANES) {
			uint32_t a[LANES];

			for (i = 0; i < LANES; i++)
				a[i] = (uint32_t)j->bias[cb + i];
			for (t = 0; t < j->n_taps; t++) {
				size_t xi = origin(j, p) + tap(j, t), wi = (size_t)t * j->cpad + cb;

				for (i = 0; i < LANES; i++) {
					if (i16)
						a[i] += (uint16_t)op16(
						    ((const int16_t *)j->x)[xi],
						    ((const int16_t *)j->w)[wi + i], j->lop);
					else
						a[i] += (uint32_t)op32(
						    ((const int32_t *)j->x)[xi],
						    ((const int32_t *)j->w)[wi + i], j);
				}
			}
			for (i = 0; i < LANES && cb + i < j->cout; i++)
				j->acc[(size_t)p * j->cout + cb + i] =
				    i16 ? (int16_t)(uint16_t)a[i] : (int32_t)a[i];
		}
}

/* ---- AVX2 (x86-64 userspace only) ---- */

#if defined(QNN_X86_SIMD)
typedef int16_t v16hi __attribute__((vector_size(32)));
typedef int16_t v16hi_u __attribute__((vector_size(32), aligned(2)));
typedef uint16_t v16hu __attribute__((vector_size(32)));
typedef int32_t v8si __attribute__((vector_size(32)));
typedef int32_t v8si_u __attribute__((vector_size(32), aligned(4)));
typedef uint32_t v8su __attribute__((vector_size(32)));
typedef int32_t v16si_u __attribute__((vector_size(64), aligned(4)));

#define AVX2 __attribute__((target("avx2")))

AVX2 static inline v16hi ld16(const int16_t *p)
{
	return *(const v16hi_u *)p;
}

/* lane arithmetic is unsigned: sums and low products wrap modulo 2^16 by design */
AVX2 static inline v16hu op16v(int16_t x, v16hi w, int hi)
{
	v16hi xv = (v16hi){} + x;

	return hi ? (v16hu)__builtin_ia32_pmulhw256(xv, w) : (v16hu)xv * (v16hu)w;
}

/* 16 lanes, sign-extended to int32, the first nc of them (all when nc >= 16) */
AVX2 static inline void store16(int32_t *o, v16hu a, uint32_t nc)
{
	v8si l8 = __builtin_convertvector(
	    __builtin_shufflevector((v16hi)a, (v16hi)a, 0, 1, 2, 3, 4, 5, 6, 7), v8si);
	v8si h8 = __builtin_convertvector(
	    __builtin_shufflevector((v16hi)a, (v16hi)a, 8, 9, 10, 11, 12, 13, 14, 15), v8si);
	uint32_t i;

	if (nc >= LANES) {
		*(v8si_u *)o = l8;
		*(v8si_u *)(o + 8) = h8;
		return;
	}
	for (i = 0; i < nc; i++)
		o[i] = (int16_t)a[i];
}

/*
 * 8 pixels x 16 channels in 8 registers: per tap one weight load, then per
 * pixel a broadcast from its own window, one multiply, one add.
 */
AVX2 static inline void block16x8(const struct qnn_lane_job *j, uint32_t cb, uint32_t px, int hi)
{
	const int16_t *x = j->x;
	const int16_t *x0 = x + origin(j, px), *x1 = x + origin(j, px + 1);
	const int16_t *x2 = x + origin(j, px + 2), *x3 = x + origin(j, px + 3);
	const int16_t *x4 = x + origin(j, px + 4), *x5 = x + origin(j, px + 5);
	const int16_t *x6 = x + origin(j, px + 6), *x7 = x + origin(j, px + 7);
	const int16_t *wr = (const int16_t *)j->w + cb;
	v16hu b = __builtin_convertvector(*(const v16si_u *)(j->bias + cb), v16hu);
	v16hu a0 = b, a1 = b, a2 = b, a3 = b, a4 = b, a5 = b, a6 = b, a7 = b;
	int32_t *o = j->acc + (size_t)px * j->cout + cb;
	uint32_t t, nc = j->cout - cb;

	/*
	 * Keep the eight window pointers opaque: gcc would otherwise fold them
	 * back into one base plus eight offsets and spend an extra add per load.
	 */
	__asm__("" : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3));
	__asm__("" : "+r"(x4), "+r"(x5), "+r"(x6), "+r"(x7));
	for (t = 0; t < j->n_taps; t++) {
		v16hi w = ld16(wr + (size_t)t * j->cpad);
		size_t k = j->tap_off[t];

		a0 += op16v(x0[k], w, hi);
		a1 += op16v(x1[k], w, hi);
		a2 += op16v(x2[k], w, hi);
		a3 += op16v(x3[k], w, hi);
		a4 += op16v(x4[k], w, hi);
		a5 += op16v(x5[k], w, hi);
		a6 += op16v(x6[k], w, hi);
		a7 += op16v(x7[k], w, hi);
	}
	store16(o, a0, nc);
	store16(o + j->cout, a1, nc);
	store16(o + 2 * (size_t)j->cout, a2, nc);
	store16(o + 3 * (size_t)j->cout, a3, nc);
	store16(o + 4 * (size_t)j->cout, a4, nc);
	store16(o + 5 * (size_t)j->cout, a5, nc);
	store16(o + 6 * (size_t)j->cout, a6, nc);
	store16(o + 7 * (size_t)j->cout, a7, nc);
}

/* one pixel (dense layers, tiny convs) */
AVX2 static inline void block16x1(const struct qnn_lane_job *j, uint32_t cb, uint32_t px, int hi)
{
	const int16_t *xp = (const int16_t *)j->x + origin(j, px);
	const int16_t *wr = (const int16_t *)j->w + cb;
	v16hu a = __builtin_convertvector(*(const v16si_u *)(j->bias + cb), v16hu);
	uint32_t t;

	for (t = 0; t < j->n_taps; t++)
		a += op16v(xp[tap(j, t)], ld16(wr + (size_t)t * j->cpad), hi);
	store16(j->acc + (size_t)px * j->cout + cb, a, j->cout - cb);
}

AVX2 static void lanes16_avx2(const struct qnn_lane_job *j)
{
	uint32_t cb, px;
	int hi = j->lop == QNN_LOP_MULHI;

	for (cb = 0; cb < j->cpad; cb += LANES) {
		if (j->n_px < 8 || !j->tap_off) {
			for (px = 0; px < j->n_px; px++)
				if (hi)
					block16x1(j, cb, px, 1);
				else
					block16x1(j, cb, px, 0);
			continue;
		}
		for (px = 0; px < j->n_px; px += 8) {
			uint32_t q = px + 8 <= j->n_px ? px : j->n_px - 8;

			if (hi)
				block16x8(j, cb, q, 1);
			else
				block16x8(j, cb, q, 0);
		}
	}
}

/* 32-bit lanes: 4 pixels x 16 channels (two vectors each) in registers */
AVX2 static inline v8su op32v(int32_t x, v8si w, const struct qnn_lane_job *j, int shr)
{
	v8si xv = (v8si){} + x;

	if (shr) /* exact: the plan bounds |x * w| + rc below 2^31 */
		return (v8su)((xv * w + j->round_c) >> j->shift);
	return (v8su)xv * (v8su)w; /* modulo 2^32 */
}

AVX2 static inline void store32(int32_t *o, v8su lo, v8su hi, uint32_t nc)
{
	uint32_t i;

	if (nc >= LANES) {
		*(v8si_u *)o = (v8si)lo;
		*(v8si_u *)(o + 8) = (v8si)hi;
		return;
	}
	for (i = 0; i < nc; i++)
		o[i] = (int32_t)(i < 8 ? lo[i] : hi[i - 8]);
}

AVX2 static inline void block32(const struct qnn_lane_job *j, uint32_t cb, uint32_t px, uint32_t np,
				int shr)
{
	const int32_t *x = j->x;
	const int32_t *xp[4];
	const int32_t *wr = (const int32_t *)j->w + cb;
	v8su b0 = (v8su) * (const v8si_u *)(j->bias + cb);
	v8su b1 = (v8su) * (const v8si_u *)(j->bias + cb + 8);
	v8su a0 = b0, a1 = b1, c0 = b0, c1 = b1, d0 = b0, d1 = b1, e0 = b0, e1 = b1;
	int32_t *o = j->acc + (size_t)px * j->cout + cb;
	uint32_t t, p, nc = j->cout - cb;

	for (p = 0; p < 4; p++)
		xp[p] = x + origin(j, px + (p < np ? p : 0));
	for (t = 0; t < j->n_taps; t++) {
		v8si w0 = *(const v8si_u *)(wr + (size_t)t * j->cpad);
		v8si w1 = *(const v8si_u *)(wr + (size_t)t * j->cpad + 8);
		size_t k = tap(j, t);

		a0 += op32v(xp[0][k], w0, j, shr);
		a1 += op32v(xp[0][k], w1, j, shr);
		c0 += op32v(xp[1][k], w0, j, shr);
		c1 += op32v(xp[1][k], w1, j, shr);
		d0 += op32v(xp[2][k], w0, j, shr);
		d1 += op32v(xp[2][k], w1, j, shr);
		e0 += op32v(xp[3][k], w0, j, shr);
		e1 += op32v(xp[3][k], w1, j, shr);
	}
	store32(o, a0, a1, nc);
	if (np > 1)
		store32(o + j->cout, c0, c1, nc);
	if (np > 2)
		store32(o + 2 * (size_t)j->cout, d0, d1, nc);
	if (np > 3)
		store32(o + 3 * (size_t)j->cout, e0, e1, nc);
}

AVX2 static void lanes32_avx2(const struct qnn_lane_job *j)
{
	uint32_t cb, px;
	int shr = j->lop == QNN_LOP_SHR;

	for (cb = 0; cb < j->cpad; cb += LANES)
		for (px = 0; px < j->n_px; px += 4) {
			uint32_t q = px, np = 4;

			if (px + 4 > j->n_px) {
				/* redo the last 4 pixels, or fewer when there are fewer */
				q = j->n_px >= 4 ? j->n_px - 4 : px;
				np = j->n_px >= 4 ? 4 : j->n_px - px;
			}
			if (shr)
				block32(j, cb, q, np, 1);
			else
				block32(j, cb, q, np, 0);
		}
}
#endif /* QNN_X86_SIMD */

void qnn_mac_lanes(const struct qnn_lane_job *j, uint8_t path)
{
#if defined(QNN_X86_SIMD)
	if (!j->scalar && __builtin_cpu_supports("avx2")) {
		if (path == QNN_MAC_I16)
			lanes16_avx2(j);
		else
			lanes32_avx2(j);
		return;
	}
#endif
	lanes_c(j, path == QNN_MAC_I16);
}
