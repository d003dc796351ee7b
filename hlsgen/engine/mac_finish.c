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

void qnn_mac_finish(const struct qnn_layer *l, const struct qnn_layer_plan *p,
		    const int32_t *acc, uint32_t n_px, uint32_t acc_px_stride, int32_t *tmp,
		    int32_t *out)
{
	const struct qnn_fixed_type *t = &l->rec->accum_t;
	uint32_t sh = 32u - t->width, px, co;

	for (px = 0; px < n_px; px++) {
		const int32_t *a = acc + (size_t)px * acc_px_stride;
		int32_t *d = tmp + (size_t)px * p->cout;

		if (!p->acc_wrap) {
			for (co = 0; co < p->cout; co++)
				d[co] = a[co];
		} else if (t->is_signed) {
			for (co = 0; co < p->cout; co++)
				d[co] = (int32_t)((uint32_t)a[co] << sh) >> sh;
		} else {
			for (co = 0; co < p->cout; co++)
				d[co] = (int32_t)(((uint32_t)a[co] << sh) >> sh);
		}
	}
	qnn_cast_array(out, tmp, n_px * p->cout, &p->out_cast);
}
