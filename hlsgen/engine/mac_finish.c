// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * mac_finish.c - the two ends of a lane-path multiply-accumulate: inputs
 * copied into the lane type (pre-shifted for mulhi), and lane sums turned
 * back into accumulator codes (reduced modulo 2^W_acc when the plan relies
 * on wrap-around) and then cast to result_t.
 */
#include "engine_internal.h"

void qnn_mac_load_x(const struct qnn_lane_plan *lp, void *dst, size_t di, const int32_t *src,
		    uint32_t n)
{
	uint32_t i;

	if (lp->path == QNN_MAC_I16) {
		int16_t *d = (int16_t *)dst + di;
		uint32_t a = lp->x_shift;

		/* exact for mulhi (the plan checked the range); modulo 2^16 for mullo */
		for (i = 0; i < n; i++)
			d[i] = (int16_t)(uint16_t)((uint32_t)src[i] << a);
	} else {
		int32_t *d = (int32_t *)dst + di;

		for (i = 0; i < n; i++)
			d[i] = src[i];
	}
}

/* lane sums of one pixel -> accumulator codes (modulo 2^W when the plan wraps) */
QNN_SIMD_CLONES
static void reduce_row(int32_t *d, const int32_t *a, uint32_t n, int wrap, int is_signed,
		       uint32_t sh)
{
	uint32_t i;

	if (!wrap) {
		for (i = 0; i < n; i++)
			d[i] = a[i];
	} else if (is_signed) {
		for (i = 0; i < n; i++)
			d[i] = (int32_t)((uint32_t)a[i] << sh) >> sh;
	} else {
		for (i = 0; i < n; i++)
			d[i] = (int32_t)(((uint32_t)a[i] << sh) >> sh);
	}
}

void qnn_mac_finish(const struct qnn_layer *l, const struct qnn_layer_plan *p,
		    const struct qnn_lane_plan *lp, const int32_t *acc, uint32_t n_px, int32_t *tmp,
		    int32_t *out)
{
	const struct qnn_fixed_type *t = &l->rec->accum_t;
	uint32_t n = n_px * p->cout;

	if (p->out_cast.identity) {
		reduce_row(out, acc, n, lp->acc_wrap, t->is_signed, 32u - t->width);
		return;
	}
	reduce_row(tmp, acc, n, lp->acc_wrap, t->is_signed, 32u - t->width);
	qnn_cast_array(out, tmp, n, &p->out_cast);
}

/* smallest and largest of n codes */
QNN_SIMD_CLONES
static void min_max(const int32_t *x, uint32_t n, int32_t *lo, int32_t *hi)
{
	int32_t a = x[0], b = x[0];
	uint32_t i;

	for (i = 1; i < n; i++) {
		a = x[i] < a ? x[i] : a;
		b = x[i] > b ? x[i] : b;
	}
	*lo = a;
	*hi = b;
}

const struct qnn_lane_plan *qnn_mac_choose(const struct qnn_layer_plan *p, const int32_t *in)
{
	int32_t lo, hi;

	if (!p->has_narrow)
		return &p->lane[0];
	min_max(in, p->in_n, &lo, &hi);
	return lo >= p->narrow_lo && hi <= p->narrow_hi ? &p->lane[1] : &p->lane[0];
}
