// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * dense.c - Dense: the input (any shape, read in (h, w, c) order as hls4ml's
 * io_stream flatten does) times weights [n_in][n_out], through the same
 * multiply-accumulate as a conv window.
 */
#include "engine_internal.h"

static void dense_lanes(const struct qnn_engine *e, const struct qnn_layer *l,
			const struct qnn_layer_plan *p, const int32_t *in, int32_t *out)
{
	char *x = qnn_ws_at(e, qnn_ws_hdr(e)->scratch);
	size_t xbytes = ((size_t)p->n_taps * 4 + 63) / 64 * 64;
	int32_t *acc = p->direct ? out : (int32_t *)(x + xbytes);
	int32_t *tmp = (int32_t *)(x + xbytes) + p->cout;
	struct qnn_lane_job j = {
		.x = x,
		.n_rows = 1,
		.run = p->n_taps,
		.n_px = 1,
		.w = qnn_ws_at(e, p->w_off),
		.bias = qnn_ws_at(e, p->b_off),
		.cpad = p->cpad,
		.cout = p->cout,
		.lop = p->lop,
		.shift = p->p_shift,
		.round_c = p->round_c,
		.acc = acc,
	};

	qnn_mac_load_x(p, x, 0, in, p->n_taps);
	qnn_mac_lanes(&j, p->path);
	if (!p->direct)
		qnn_mac_finish(l, p, acc, 1, tmp, out);
}

void qnn_layer_dense(const struct qnn_engine *e, const struct qnn_layer *l,
		     const struct qnn_layer_plan *p, const int32_t *in, int32_t *out)
{
	if (p->path == QNN_MAC_GENERIC)
		qnn_mac_generic(l, &p->in_t, in, p->n_taps, p->cout, out);
	else
		dense_lanes(e, l, p, in, out);
}

/* Scratch bytes a dense layer needs (either path). */
size_t qnn_dense_scratch_size(const struct qnn_layer_rec *r)
{
	size_t n_in = (size_t)r->in_h * r->in_w * r->in_c;
	size_t cpad = ((size_t)r->out_c + 15) / 16 * 16;

	(void)cpad;
	return (n_in * 4 + 63) / 64 * 64 + 2 * (size_t)r->out_c * 4;
}
