// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * mac_lanes.c - the multiply-accumulate inner loops in 16- and 32-bit
 * lanes, 16 output channels at a time, up to 4 output pixels sharing each
 * weight load. mac_plan.c decides when they are exact and packs weights.
 *
 * Each kernel exists as plain C (what the kernel build and CPUs without
 * AVX2 run) and, in x86-64 userspace, as an AVX2 version written with gcc
 * vector types. Both compute the same integers: lane sums wrap modulo
 * 2^16 / 2^32, which is what the plan relies on.
 */
#include "engine_internal.h"

#define LANES	 16u
#define PX_BLOCK 4u

/* ---- plain C ---- */

static int16_t op16(int16_t x, int16_t w, uint8_t lop)
{
	int32_t p = (int32_t)x * w;

	if (lop == QNN_LOP_MULHI)
		return (int16_t)(p >> 16);
	return (int16_t)(uint16_t)(uint32_t)p;
}

static void lanes16_c(const struct qnn_lane_job *j)
{
	uint32_t cb, px, p, r, t, i;

	for (cb = 0; cb < j->cpad; cb += LANES)
		for (px = 0; px < j->n_px; px += PX_BLOCK) {
			uint32_t np = j->n_px - px < PX_BLOCK ? j->n_px - px : PX_BLOCK;
			int16_t a[PX_BLOCK][LANES];

			for (p = 0; p < np; p++)
				for (i = 0; i < LANES; i++)
					a[p][i] = (int16_t)(uint16_t)(uint32_t)j->bias[cb + i];
			for (r = 0; r < j->n_rows; r++) {
				const int16_t *xr = (const int16_t *)j->x +
						    (size_t)r * j->x_row_stride +
						    (size_t)px * j->x_px_stride;
				const int16_t *wr =
				    (const int16_t *)j->w + (size_t)r * j->run * j->cpad + cb;

				for (t = 0; t < j->run; t++)
					for (p = 0; p < np; p++)
						for (i = 0; i < LANES; i++)
							a[p][i] =
							    (int16_t)(uint16_t)((uint16_t)a[p][i] +
										(uint16_t)op16(
										    xr[(size_t)p *
											   j->x_px_stride +
										       t],
										    wr[(size_t)t *
											   j->cpad +
										       i],
										    j->lop));
			}
			for (p = 0; p < np; p++)
				for (i = 0; i < LANES && cb + i < j->cout; i++)
					j->acc[(size_t)(px + p) * j->cout + cb + i] = a[p][i];
		}
}

static int32_t op32(int32_t x, int32_t w, const struct qnn_lane_job *j)
{
	uint32_t p = (uint32_t)x * (uint32_t)w;

	if (j->lop == QNN_LOP_SHR)
		return (int32_t)(((int64_t)x * w + j->round_c) >> j->shift);
	return (int32_t)p;
}

static void lanes32_c(const struct qnn_lane_job *j)
{
	uint32_t cb, px, p, r, t, i;

	for (cb = 0; cb < j->cpad; cb += LANES)
		for (px = 0; px < j->n_px; px += PX_BLOCK) {
			uint32_t np = j->n_px - px < PX_BLOCK ? j->n_px - px : PX_BLOCK;
			uint32_t a[PX_BLOCK][LANES];

			for (p = 0; p < np; p++)
				for (i = 0; i < LANES; i++)
					a[p][i] = (uint32_t)j->bias[cb + i];
			for (r = 0; r < j->n_rows; r++) {
				const int32_t *xr = (const int32_t *)j->x +
						    (size_t)r * j->x_row_stride +
						    (size_t)px * j->x_px_stride;
				const int32_t *wr =
				    (const int32_t *)j->w + (size_t)r * j->run * j->cpad + cb;

				for (t = 0; t < j->run; t++)
					for (p = 0; p < np; p++)
						for (i = 0; i < LANES; i++)
							a[p][i] += (uint32_t)op32(
							    xr[(size_t)p * j->x_px_stride + t],
							    wr[(size_t)t * j->cpad + i], j);
			}
			for (p = 0; p < np; p++)
				for (i = 0; i < LANES && cb + i < j->cout; i++)
					j->acc[(size_t)(px + p) * j->cout + cb + i] =
					    (int32_t)a[p][i];
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
AVX2 static inline v16hu op16v(v16hi x, v16hi w, int hi)
{
	return hi ? (v16hu)__builtin_ia32_pmulhw256(x, w) : (v16hu)x * (v16hu)w;
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

/* one block of up to 4 pixels x 16 channels; hi selects mulhi vs mullo */
AVX2 static inline void block16(const struct qnn_lane_job *j, uint32_t cb, uint32_t px, uint32_t np,
				int hi)
{
	v16hu a0, a1, a2, a3, b;
	uint32_t r, t, i;
	size_t s = j->x_px_stride;

	b = __builtin_convertvector(*(const v16si_u *)(j->bias + cb), v16hu);
	a0 = a1 = a2 = a3 = b;
	if (j->tap_off && np == PX_BLOCK) {
		/* short kernel rows: walk every tap of the window through the table */
		const int16_t *xw = (const int16_t *)j->x + (size_t)px * s;
		const int16_t *wr = (const int16_t *)j->w + cb;

		for (t = 0; t < j->n_taps; t++) {
			v16hi w = ld16(wr + (size_t)t * j->cpad);
			const int16_t *xt = xw + j->tap_off[t];

			a0 += op16v((v16hi){} + xt[0], w, hi);
			a1 += op16v((v16hi){} + xt[s], w, hi);
			a2 += op16v((v16hi){} + xt[2 * s], w, hi);
			a3 += op16v((v16hi){} + xt[3 * s], w, hi);
		}
	}
	for (r = 0; r < j->n_rows && !(j->tap_off && np == PX_BLOCK); r++) {
		const int16_t *xr =
		    (const int16_t *)j->x + (size_t)r * j->x_row_stride + (size_t)px * s;
		const int16_t *wr = (const int16_t *)j->w + (size_t)r * j->run * j->cpad + cb;

		if (np == PX_BLOCK) {
			for (t = 0; t < j->run; t++) {
				v16hi w = ld16(wr + (size_t)t * j->cpad);

				a0 += op16v((v16hi){} + xr[t], w, hi);
				a1 += op16v((v16hi){} + xr[s + t], w, hi);
				a2 += op16v((v16hi){} + xr[2 * s + t], w, hi);
				a3 += op16v((v16hi){} + xr[3 * s + t], w, hi);
			}
		} else {
			for (t = 0; t < j->run; t++) {
				v16hi w = ld16(wr + (size_t)t * j->cpad);

				a0 += op16v((v16hi){} + xr[t], w, hi);
				if (np > 1)
					a1 += op16v((v16hi){} + xr[s + t], w, hi);
				if (np > 2)
					a2 += op16v((v16hi){} + xr[2 * s + t], w, hi);
			}
		}
	}
	{
		int32_t *o = j->acc + (size_t)px * j->cout + cb;
		uint32_t nc = j->cout - cb;

		store16(o, a0, nc);
		if (np > 1)
			store16(o + j->cout, a1, nc);
		if (np > 2)
			store16(o + 2 * (size_t)j->cout, a2, nc);
		if (np > 3)
			store16(o + 3 * (size_t)j->cout, a3, nc);
	}
	(void)i;
}

AVX2 static void lanes16_avx2(const struct qnn_lane_job *j)
{
	uint32_t cb, px;
	int hi = j->lop == QNN_LOP_MULHI;

	for (cb = 0; cb < j->cpad; cb += LANES)
		for (px = 0; px < j->n_px; px += PX_BLOCK) {
			uint32_t np = j->n_px - px < PX_BLOCK ? j->n_px - px : PX_BLOCK;

			if (hi)
				block16(j, cb, px, np, 1);
			else
				block16(j, cb, px, np, 0);
		}
}

/* 32-bit lanes, up to 4 pixels x 16 channels in registers; shr selects the op */
AVX2 static inline void block32(const struct qnn_lane_job *j, uint32_t cb, uint32_t px, uint32_t np,
				int shr)
{
	v8su a[4][2], b0 = (v8su) * (const v8si_u *)(j->bias + cb),
		      b1 = (v8su) * (const v8si_u *)(j->bias + cb + 8);
	v8si rc = (v8si){} + j->round_c;
	uint32_t r, t, p, i, sh = (uint32_t)j->shift;
	size_t s = j->x_px_stride;

	for (p = 0; p < 4; p++) {
		a[p][0] = b0;
		a[p][1] = b1;
	}
	for (r = 0; r < j->n_rows; r++) {
		const int32_t *xr =
		    (const int32_t *)j->x + (size_t)r * j->x_row_stride + (size_t)px * s;
		const int32_t *wr = (const int32_t *)j->w + (size_t)r * j->run * j->cpad + cb;

		for (t = 0; t < j->run; t++) {
			v8si w0 = *(const v8si_u *)(wr + (size_t)t * j->cpad);
			v8si w1 = *(const v8si_u *)(wr + (size_t)t * j->cpad + 8);

			/* np is 4 except at the end of a row: the compiler unrolls p */
			for (p = 0; p < 4; p++) {
				v8si x;

				if (p >= np)
					break;
				x = (v8si){} + xr[p * s + t];
				if (shr) {
					/* exact: the plan bounds |x * w| + rc below 2^31 */
					a[p][0] += (v8su)((x * w0 + rc) >> sh);
					a[p][1] += (v8su)((x * w1 + rc) >> sh);
				} else {
					a[p][0] += (v8su)x * (v8su)w0;
					a[p][1] += (v8su)x * (v8su)w1;
				}
			}
		}
	}
	for (p = 0; p < np; p++) {
		int32_t *o = j->acc + (size_t)(px + p) * j->cout + cb;

		if (j->cout - cb >= LANES) {
			*(v8si_u *)o = (v8si)a[p][0];
			*(v8si_u *)(o + 8) = (v8si)a[p][1];
		} else {
			for (i = 0; cb + i < j->cout; i++)
				o[i] = (int32_t)a[p][i / 8][i % 8];
		}
	}
}

AVX2 static void lanes32_avx2(const struct qnn_lane_job *j)
{
	uint32_t cb, px;
	int shr = j->lop == QNN_LOP_SHR;

	for (cb = 0; cb < j->cpad; cb += LANES)
		for (px = 0; px < j->n_px; px += PX_BLOCK) {
			uint32_t np = j->n_px - px < PX_BLOCK ? j->n_px - px : PX_BLOCK;

			if (shr)
				block32(j, cb, px, np, 1);
			else
				block32(j, cb, px, np, 0);
		}
}
#endif /* QNN_X86_SIMD */

static int have_avx2(void)
{
#if defined(QNN_X86_SIMD)
	return __builtin_cpu_supports("avx2");
#else
	return 0;
#endif
}

void qnn_mac_lanes(const struct qnn_lane_job *j, uint8_t path)
{
#if defined(QNN_X86_SIMD)
	if (have_avx2()) {
		if (path == QNN_MAC_I16)
			lanes16_avx2(j);
		else
			lanes32_avx2(j);
		return;
	}
#endif
	(void)have_avx2;
	if (path == QNN_MAC_I16)
		lanes16_c(j);
	else
		lanes32_c(j);
}
