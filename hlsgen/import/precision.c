// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * precision.c - hls4ml >= 1.0 'auto' precision inference for Conv2D and
 * Dense (model/optimizer/passes/infer_precision.py, _infer_common_precision):
 * a type wide enough that the sum of n_ops products plus the bias never
 * rounds or overflows, then clamped by the model's 'maximum' precision.
 */
#include "import_internal.h"

static int ceil_log2(uint64_t n)
{
	int b = 0;

	while ((1ull << b) < n)
		b++;
	return b;
}

struct qnn_fixed_type imp_infer_accum(const struct qnn_fixed_type *in,
				      const struct qnn_fixed_type *w,
				      const struct qnn_fixed_type *b, uint64_t n_ops,
				      const struct qnn_fixed_type *maximum)
{
	int lg = ceil_log2(n_ops);
	int width = w->width + in->width + lg;
	int integers = w->int_bits + in->int_bits + lg;
	bool sgn = w->is_signed || in->is_signed;
	int frac = width - integers;
	int b_frac = b->width - b->int_bits;
	int with_bias, bias_side;

	/* hls4ml adds the bias even when it is all zeros (ap_uint<1> then) */
	with_bias = integers + (b->is_signed && !sgn);
	bias_side = b->int_bits + (sgn && !b->is_signed);
	integers = (with_bias > bias_side ? with_bias : bias_side) + 1;
	width = integers + (frac > b_frac ? frac : b_frac);
	sgn = sgn || b->is_signed;
	if (maximum && maximum->width) {
		/* _apply_max_precision_constraints: min of each, modes of the max
		 * when it sets non-default ones, signedness of the max */
		struct qnn_fixed_type t =
		    imp_fixed(width < maximum->width ? width : maximum->width,
			      integers < maximum->int_bits ? integers : maximum->int_bits,
			      maximum->is_signed, maximum->rounding, maximum->overflow);
		return t;
	}
	return imp_fixed(width, integers, sgn, QNN_RND_TRN, QNN_OVF_WRAP);
}
