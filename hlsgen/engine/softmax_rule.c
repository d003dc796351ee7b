// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * softmax_rule.c - resolve the types of an hls4ml softmax for the chosen
 * hls4ml version (see softmax_rule.h for the two rules).
 */
#include "softmax_rule.h"

static int log2_exact(uint32_t v)
{
	int k = 0;

	if (v == 0 || (v & (v - 1)))
		return -1;
	while (v >>= 1)
		k++;
	return k;
}

static uint32_t ceil_log2(uint32_t n)
{
	uint32_t k = 0;

	while (k < 32 && ((uint64_t)1 << k) < n)
		k++;
	return k;
}

static struct qnn_fixed_type mk(unsigned w, int i, int sgn, unsigned q, unsigned o)
{
	struct qnn_fixed_type t = {(uint8_t)w, (uint8_t)sgn, (uint8_t)q, (uint8_t)o, (int16_t)i, 0};

	return t;
}

static void resolve_08(const struct qnn_layer_rec *r, struct qnn_softmax_types *st)
{
	const struct qnn_fixed_type *in = &st->in_t;

	if (st->stable) {
		/* ap_fixed<data_T::width, data_T::iwidth, AP_RND, AP_SAT> */
		st->norm_t = mk(in->width, in->int_bits, 1, QNN_RND_RND, QNN_OVF_SAT);
		st->norm_to_in = 1;
	}
	st->exp_idx_t = *in;
	st->sum_t = r->exp_table_t;
	st->inv_idx_t = r->exp_table_t;
}

static void resolve_12(const struct qnn_layer_rec *r, uint32_t n, struct qnn_softmax_types *st)
{
	const struct qnn_fixed_type *in = &st->in_t;
	const struct qnn_fixed_type *e = &r->exp_table_t;
	uint32_t grow = ceil_log2(n);

	if (st->stable) {
		st->norm_t = r->inp_norm_t.width
				 ? r->inp_norm_t
				 : mk(in->width, in->int_bits, 0, QNN_RND_TRN, QNN_OVF_WRAP);
		st->negate = 1;
		st->exp_idx_t = st->norm_t;
	} else {
		st->exp_idx_t = *in;
	}
	/* hls4ml's default accumulator: exp_table_t widened by ceil(log2 n) */
	st->sum_t = r->accum_t.width ? r->accum_t
				     : mk(e->width + grow, e->int_bits + (int)grow, e->is_signed,
					  QNN_RND_TRN, QNN_OVF_WRAP);
	st->inv_idx_t = r->inv_inp_t.width ? r->inv_inp_t : *e;
}

int qnn_softmax_resolve(const struct qnn_layer_rec *r, const struct qnn_fixed_type *in_t,
			uint32_t n, struct qnn_softmax_types *st)
{
	static const struct qnn_softmax_types zero;
	int bits;

	*st = zero;
	st->in_t = *in_t;
	st->stable = r->softmax_impl == QNN_SOFTMAX_STABLE;
	if (r->softmax_impl == QNN_SOFTMAX_ARGMAX)
		return 0;
	if (r->softmax_impl >= QNN_SOFTMAX_IMPL_COUNT || r->softmax_rule >= QNN_SMX_RULE_COUNT)
		return -22;
	bits = log2_exact(r->table_size);
	if (bits < 1 || r->table_size > QNN_MAX_TABLE)
		return -22;
	st->index_bits = (uint32_t)bits;
	st->exp_t = r->exp_table_t;
	st->inv_t = r->inv_table_t;
	if (r->softmax_rule == QNN_SMX_RULE_HLS4ML_08)
		resolve_08(r, st);
	else
		resolve_12(r, n, st);
	if (qnn_fixed_type_check(&st->exp_t, 32) || qnn_fixed_type_check(&st->inv_t, 32) ||
	    qnn_fixed_type_check(&st->exp_idx_t, 64) || qnn_fixed_type_check(&st->sum_t, 64) ||
	    qnn_fixed_type_check(&st->inv_idx_t, 64) ||
	    (st->stable && qnn_fixed_type_check(&st->norm_t, 64)))
		return -22;
	/* hls4ml slices bits that do not exist otherwise (its issue #885) */
	if (st->index_bits > st->exp_idx_t.width || st->index_bits > st->inv_idx_t.width)
		return -22;
	/* e_i * inv must be exact in 64 bits */
	if (st->sum_t.width + st->inv_t.width > 64)
		return -22;
	return 0;
}
