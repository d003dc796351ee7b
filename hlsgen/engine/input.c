// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * input.c - the AXI wrapper's input conversion, input_t(float), for a
 * whole sample: the IEEE-754 bits of each element become an input_t code
 * (qnn_fixed_from_f32), NaN and +-inf counted as the header documents.
 */
#include "engine_internal.h"

void qnn_input_from_f32(int32_t *dst, const uint32_t *src, uint32_t n,
			const struct qnn_fixed_type *t, uint32_t *nonfinite)
{
	uint32_t i;

	for (i = 0; i < n; i++) {
		int nf = 0;

		dst[i] = (int32_t)qnn_fixed_from_f32(src[i], t, &nf);
		*nonfinite += (uint32_t)nf;
	}
}
