/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * softmax_rule.h - the types an hls4ml softmax really computes in, per
 * hls4ml version, resolved once from a layer record. Shared by the engine
 * (which indexes the tables) and the host table builder (which fills them),
 * so both agree on which type's top bits form an index.
 *
 * hls4ml 0.8 .. 1.1 (nnet_activation{,_stream}.h):
 *   stable:  d = (ap_fixed<W,I,AP_RND,AP_SAT>)(x - x_max), passed as input_t;
 *            exp_table[top bits of d as input_t]
 *   latency: exp_table[top bits of x]
 *   the exp terms and their sum are exp_table_t (each tree addition cast);
 *   inv_table[top bits of the sum as exp_table_t]; out = e_i * inv.
 *   Tables: exp_table[i] = exp(value of input_t whose top bits are i),
 *           inv_table[i] = 1 / (value of exp_table_t whose top bits are i).
 * hls4ml 1.2+ (PR #1225, "Vivado bit exact softmax"):
 *   stable:  d = (inp_norm_t)(x_max - x); exp_table[top bits of d], the
 *            table holds exp(-value) (default inp_norm_t = ap_ufixed<W,I>)
 *   latency: exp_table[top bits of x]
 *   the exp terms and their tree sum are accum_t; the sum is then cast to
 *   inv_inp_t (default exp_table_t) and indexes inv_table; out = e_i * inv.
 * argmax: no tables, one-hot of the first maximum.
 */
#ifndef QNN_SOFTMAX_RULE_H
#define QNN_SOFTMAX_RULE_H

#include "qnn_fixed.h"

struct qnn_softmax_types {
	struct qnn_fixed_type in_t;	 /* codes entering the softmax */
	struct qnn_fixed_type norm_t;	 /* stable: type of the max-normalized value */
	struct qnn_fixed_type exp_idx_t; /* its top bits index exp_table */
	struct qnn_fixed_type exp_t;	 /* exp_table_t */
	struct qnn_fixed_type sum_t;	 /* exp terms and partial sums */
	struct qnn_fixed_type inv_idx_t; /* the sum's type that indexes inv_table */
	struct qnn_fixed_type inv_t;	 /* inv_table_t */
	uint32_t index_bits;		 /* log2(table_size) */
	uint8_t stable;			 /* implementation 'stable' */
	uint8_t negate;			 /* index by x_max - x, table holds exp(-v) */
	uint8_t norm_to_in;		 /* 0.8 stable: d is passed on as input_t */
};

/*
 * Fill *st for a softmax record whose input codes have type in_t and which
 * normalizes over n values. Returns 0, or -22 (EINVAL) for anything the
 * hls4ml templates leave undefined or the engine cannot hold exactly
 * (table size not a power of two, more index bits than the indexed type
 * has, a product of exp term and inverse wider than 64 bits).
 */
int qnn_softmax_resolve(const struct qnn_layer_rec *r, const struct qnn_fixed_type *in_t,
			uint32_t n, struct qnn_softmax_types *st);

/*
 * One softmax over x[0..n) (codes of st->in_t) with the layer's tables, as
 * the engine computes it; out gets codes of result_t. Exposed so that the
 * importer can check what a configuration's softmax outputs sum to.
 */
void qnn_softmax_vector(const struct qnn_softmax_types *st, const int32_t *exp_table,
			const int32_t *inv_table, const struct qnn_fixed_type *result_t,
			const int32_t *x, uint32_t n, int32_t *out);

/* The top index_bits bits of code's width-bit two's complement pattern. */
static inline uint32_t qnn_softmax_slice(int64_t code, const struct qnn_fixed_type *t,
					 uint32_t index_bits)
{
	return (uint32_t)(((uint64_t)code >> (t->width - index_bits)) &
			  (((uint64_t)1 << index_bits) - 1));
}

/* The code of t whose top index_bits bits are i and the rest zero. */
static inline int64_t qnn_softmax_unslice(uint32_t i, const struct qnn_fixed_type *t,
					  uint32_t index_bits)
{
	uint64_t u = (uint64_t)i << (t->width - index_bits);

	if (t->is_signed && t->width < 64 && ((u >> (t->width - 1)) & 1))
		u |= ~(((uint64_t)1 << t->width) - 1);
	return (int64_t)u;
}

#endif /* QNN_SOFTMAX_RULE_H */
