// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * softmax_tables.c - fill a softmax layer's exp and inverse tables the way
 * the hls4ml templates of the chosen version do in C simulation:
 *
 *   for each index i: x = (float) <the indexed type with top bits = i>
 *     exp_table[i] = (exp_table_t) std::exp(x)        (float exp, expf)
 *                    hls4ml 1.2+ 'stable': std::exp(-x) (x = x_max - x_j)
 *   for each index i: y = (float) <the sum type with top bits = i>
 *     inv_table[i] = (inv_table_t) (1 / y)            (float division)
 *                    hls4ml 1.2+: y == 0 is replaced by FLT_MIN
 *
 * All float math is single precision, as in the templates; the casts to the
 * table types are the exact ap_fixed(float) rule (qnn_fixed_from_f32), the
 * float view of an index is ap_fixed::to_float (qnn_fixed_to_f32). Which
 * type is indexed comes from the engine's own rule (softmax_rule.h), so the
 * engine and the tables cannot disagree.
 */
#include <float.h>
#include <math.h>
#include <string.h>

#include "hlsgen_softmax_tables.h"
#include "qnn_fixed.h"
#include "../../engine/softmax_rule.h"

static float from_bits(uint32_t b)
{
	float f;

	memcpy(&f, &b, sizeof(f));
	return f;
}

static uint32_t to_bits(float f)
{
	uint32_t b;

	memcpy(&b, &f, sizeof(b));
	return b;
}

/* the float value of the code of t whose top index bits are i */
static float index_value(uint32_t i, const struct qnn_fixed_type *t, uint32_t bits)
{
	return from_bits(qnn_fixed_to_f32(qnn_softmax_unslice(i, t, bits), t));
}

int hlsgen_softmax_tables(const struct qnn_layer_rec *rec, const struct qnn_fixed_type *in_t,
			  int32_t *exp_table, int32_t *inv_table)
{
	struct qnn_softmax_types st;
	uint32_t i;
	int rc, rule12;

	if (!rec || !in_t)
		return -22;
	rule12 = rec->softmax_rule == QNN_SMX_RULE_HLS4ML_12;
	if (rec->softmax_impl == QNN_SOFTMAX_ARGMAX)
		return 0;
	rc = qnn_softmax_resolve(rec, in_t, rec->in_c, &st);
	if (rc)
		return rc;
	if (!exp_table || !inv_table)
		return -22;
	for (i = 0; i < rec->table_size; i++) {
		float x = index_value(i, &st.exp_idx_t, st.index_bits);

		if (st.negate)
			x = -x; /* the table is indexed by x_max - x_j: it holds exp(-v) */
		exp_table[i] = (int32_t)qnn_fixed_from_f32(to_bits(expf(x)), &st.exp_t, NULL);
	}
	for (i = 0; i < rec->table_size; i++) {
		float y = index_value(i, &st.inv_idx_t, st.index_bits);

		if (rule12 && y == 0.0f)
			y = FLT_MIN;
		inv_table[i] = (int32_t)qnn_fixed_from_f32(to_bits(1.0f / y), &st.inv_t, NULL);
	}
	return 0;
}
