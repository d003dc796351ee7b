// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * mac_finish.c - the two ends of a lane-path multiply-accumulate: inputs
 * copied into the lane type (pre-shifted for mulhi), and lane sums turned
 * back into accumulator codes (reduced modulo 2^W_acc when the plan relies
 * on wrap-around) and then cast to result_t.
 */
#include "engine_internal.h"

void qnn_mac_load_x(const struct qnn_layer_plan *p, void *dst, size_t di, const int32_t *src,
		    uint32_t n)
{
	uint32_t i;

	if (p->path == QNN_MAC_I16) {
		int16_t *d = (int16_t *)dst + di;
		uint32_t a = p->x_shift;

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
		    const int32_t *acc, uint32_t n_px, int32_t *tmp, int32_t *out)
{
	const struct qnn_fixed_type *t = &l->rec->accum_t;
	uint32_t n = n_px * p->cout;

	if (p->out_cast.identity) {
		reduce_row(out, acc, n, p->acc_wrap, t->is_signed, 32u - t->width);
		return;
	}
	reduce_row(tmp, acc, n, p->acc_wrap, t->is_signed, 32u - t->width);
	qnn_cast_array(out, tmp, n, &p->out_cast);
}
