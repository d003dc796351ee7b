// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * mac_generic.c - the reference multiply-accumulate of a conv/dense output,
 * exactly as hls4ml's dense kernels compute it (docs/semantics.md section 4):
 *
 *   acc = (accum_t) bias
 *   for each tap k in kernel order: acc += (accum_t)(x_k * w_k)
 *   out = (result_t) acc
 *
 * Every product is exact (two codes of at most 32 bits fit in 64), is cast
 * to accum_t on its own, and every addition is followed by accum_t's
 * overflow step, in the order of hls4ml's loops (which only matters for
 * saturating accumulators). Slow but total: any modes, any widths <= 64.
 * The lane paths (mac_lanes.c) must give the same codes.
 *
 * With a product_t (po2 weights) the product is hls4ml's
 * product::weight_exponential: the input shifted by the exponent in
 * product_t (which rounds and wraps like a cast of x * |w|), negated in
 * product_t for a negative weight; so a dropped bit is dropped from the
 * magnitude (floor) before the sign is applied, not from the product.
 */
#include "engine_internal.h"

/* x * w as an accum_t code; fp: the exact product's fraction bits */
int64_t qnn_mac_product(const struct qnn_layer_rec *r, int64_t x, int64_t w, int32_t fp)
{
	const struct qnn_fixed_type *pt = &r->product_t;
	int32_t ft;
	int64_t t;

	if (!pt->width)
		return qnn_fixed_convert(x * w, fp, &r->accum_t);
	ft = qnn_fixed_frac(pt);
	t = qnn_fixed_convert(x * (w < 0 ? -w : w), fp, pt);
	/* product_t is at most 63 bits wide: -t fits */
	if (w < 0)
		t = qnn_fixed_convert(-t, ft, pt);
	return qnn_fixed_convert(t, ft, &r->accum_t);
}

int64_t qnn_mac_bias(const struct qnn_layer *l, uint32_t co)
{
	const struct qnn_layer_rec *r = l->rec;

	if (!l->bias || !(r->flags & QNN_LF_HAS_BIAS))
		return 0;
	return qnn_fixed_convert(l->bias[co], qnn_fixed_frac(&r->bias_t), &r->accum_t);
}

void qnn_mac_generic(const struct qnn_layer *l, const struct qnn_fixed_type *in_t, const int32_t *x,
		     uint32_t n_taps, uint32_t cout, int32_t *out)
{
	const struct qnn_layer_rec *r = l->rec;
	const struct qnn_fixed_type *acc_t = &r->accum_t;
	int32_t fp = qnn_fixed_frac(in_t) + qnn_fixed_frac(&r->weight_t);
	int32_t fa = qnn_fixed_frac(acc_t);
	uint32_t co, k;

	for (co = 0; co < cout; co++) {
		int64_t acc = qnn_mac_bias(l, co);

		for (k = 0; k < n_taps; k++) {
			int64_t t = qnn_mac_product(r, x[k], l->weights[(size_t)k * cout + co], fp);

			acc = qnn_fixed_add(acc, t, acc_t);
		}
		out[co] = (int32_t)qnn_fixed_convert(acc, fa, &r->result_t);
	}
}
