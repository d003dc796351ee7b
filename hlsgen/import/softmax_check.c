// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * softmax_check.c - can a softmax configuration produce outputs that sum
 * to 1? Its tables are run on a few probe vectors through the engine's own
 * softmax (qnn_softmax_vector), so what is judged is what the accelerator
 * computes. hls4ml's table softmax is an approximation: sums of 0.8..1.25
 * are what its default types give; a configuration far outside (the
 * inverse table read at 1/0 and saturated, every top output its maximum)
 * produces scores, not probabilities, and the importer says so.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "import_internal.h"
#include "qnn_fixed.h"
#include "../engine/softmax_rule.h"

/* sums outside this band are reported: wider than hls4ml's defaults ever give */
#define SUM_LO 0.5
#define SUM_HI 1.5

static double value(int64_t code, const struct qnn_fixed_type *t)
{
	return ldexp((double)code, -qnn_fixed_frac(t));
}

/* probe p: 0 all equal (0), then one value v above the rest (0) */
static void probe(int p, const struct qnn_fixed_type *t, uint32_t n, int32_t *x)
{
	static const double peak[] = {0, 0.5, 1, 2, 4, 8, 16};
	int64_t c = (int64_t)llround(ldexp(peak[p], qnn_fixed_frac(t)));

	if (c > qnn_fixed_max(t))
		c = qnn_fixed_max(t);
	for (uint32_t i = 0; i < n; i++)
		x[i] = 0;
	x[0] = (int32_t)c;
}

int imp_softmax_sum_check(const struct qnn_layer_rec *rec, const struct qnn_fixed_type *in_t,
			  const int32_t *exp_table, const int32_t *inv_table, char *msg, size_t len)
{
	struct qnn_softmax_types st;
	uint32_t n = rec->in_c;
	int32_t *x, *y;
	double worst = 1, worst_top = 0, worst_peak = 0;
	int bad = 0;

	if (rec->softmax_impl == QNN_SOFTMAX_ARGMAX || n < 2 ||
	    qnn_softmax_resolve(rec, in_t, n, &st))
		return 0;
	x = calloc(n, sizeof(*x));
	y = calloc(n, sizeof(*y));
	if (!x || !y) {
		free(x);
		free(y);
		return 0;
	}
	for (int p = 0; p < 7; p++) {
		double sum = 0;

		probe(p, in_t, n, x);
		qnn_softmax_vector(&st, exp_table, inv_table, &rec->result_t, x, n, y);
		for (uint32_t i = 0; i < n; i++)
			sum += value(y[i], &rec->result_t);
		if (fabs(sum - 1) > fabs(worst - 1)) {
			worst = sum;
			worst_top = value(y[0], &rec->result_t);
			worst_peak = value(x[0], in_t);
		}
	}
	bad = worst < SUM_LO || worst > SUM_HI;
	if (bad) {
		double step = ldexp(1.0, (int)st.inv_idx_t.width - (int)st.index_bits -
					     qnn_fixed_frac(&st.inv_idx_t));
		double inv_max = value(qnn_fixed_max(&st.inv_t), &st.inv_t);
		char a[64], b[64];

		snprintf(
		    msg, len,
		    "outputs do not sum to 1: inputs (%g, 0, ...) give outputs summing to "
		    "%.4g (top output %.4g); they are scores, not probabilities. The inverse "
		    "table is indexed by the top %u bits of the exp sum as %s, in steps of %g, "
		    "and reads 1/0 = the maximum of inv_table_t %s (%g) for sums below %g. "
		    "Give the type that indexes it (exp_table_t before hls4ml 1.2, inv_inp_t "
		    "from 1.2) fewer integer bits (hls4ml's default: ap_fixed<18,8,AP_RND,"
		    "AP_SAT>) or raise table_size",
		    worst_peak, worst, worst_top, st.index_bits,
		    imp_type_str(&st.inv_idx_t, a, sizeof(a)), step,
		    imp_type_str(&st.inv_t, b, sizeof(b)), inv_max, step);
	}
	free(x);
	free(y);
	return bad;
}
