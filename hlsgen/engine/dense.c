// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * dense.c - Dense: the input (any shape, read in (h, w, c) order as hls4ml's
 * io_stream flatten does) times weights [n_in][n_out], through the same
 * multiply-accumulate as a conv window.
 */
#include "engine_internal.h"

static void dense_lanes(const struct qnn_engine *e, const struct qnn_layer *l,
			const struct qnn_layer_plan *p, const struct qnn_lane_plan *lp,
			const int32_t *in, int32_t *out)
{
	char *x = qnn_ws_at(e, qnn_ws_hdr(e)->scratch);
	size_t xbytes = ((size_t)p->n_taps * 4 + 63) / 64 * 64;
	int32_t *acc = lp->direct ? out : (int32_t *)(x + xbytes);
	int32_t *tmp = (int32_t *)(x + xbytes) + p->cout;
	struct qnn_lane_job j = qnn_lane_job_from_plan(e, p, lp);

	j.x = x; /* one window: the whole input, no tap offsets */
	j.acc = acc;
	qnn_mac_load_x(lp, x, 0, in, p->n_taps);
	qnn_mac_lanes(&j, lp->path);
	if (!lp->direct)
		qnn_mac_finish(l, p, lp, acc, 1, tmp, out);
}

void qnn_layer_dense(const struct qnn_engine *e, const struct qnn_layer *l,
		     const struct qnn_layer_plan *p, const int32_t *in, int32_t *out)
{
	const struct qnn_lane_plan *lp = qnn_mac_choose(p, in);

	if (lp->path == QNN_MAC_GENERIC)
		qnn_mac_generic(l, &p->in_t, in, p->n_taps, p->cout, out);
	else
		dense_lanes(e, l, p, lp, in, out);
}

/* Scratch bytes a dense layer needs (either path). */
size_t qnn_dense_scratch_size(const struct qnn_layer_rec *r)
{
	size_t n_in = (size_t)r->in_h * r->in_w * r->in_c;
	size_t cpad = ((size_t)r->out_c + 15) / 16 * 16;

	(void)cpad;
	return (n_in * 4 + 63) / 64 * 64 + 2 * (size_t)r->out_c * 4;
}
