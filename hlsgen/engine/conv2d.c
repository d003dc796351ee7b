// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * conv2d.c - Conv2D as hls4ml's io_stream kernel computes it: for each
 * full window, the taps in (fh, fw, cin) order (Keras' kernel layout
 * [fh][fw][cin][cout]) go through the dense multiply-accumulate. 'same'
 * padding is hls4ml's zero-padding layer in front of a 'valid' conv: the
 * padded taps are code 0.
 */
#include "engine_internal.h"

/* Gather one window's taps (zero outside the input) into x[]. */
static void gather_window(const struct qnn_layer_rec *r, const int32_t *in, uint32_t oh,
			  uint32_t ow, int32_t *x)
{
	uint32_t kh, kw, c, n = 0;

	for (kh = 0; kh < r->kernel_h; kh++) {
		int64_t ih = (int64_t)oh * r->stride_h + kh - r->pad_top;

		for (kw = 0; kw < r->kernel_w; kw++) {
			int64_t iw = (int64_t)ow * r->stride_w + kw - r->pad_left;
			int inside = ih >= 0 && ih < r->in_h && iw >= 0 && iw < r->in_w;
			const int32_t *px =
			    in + ((size_t)(inside ? ih : 0) * r->in_w + (size_t)(inside ? iw : 0)) *
				     r->in_c;

			for (c = 0; c < r->in_c; c++)
				x[n++] = inside ? px[c] : 0;
		}
	}
}

static void conv_generic(const struct qnn_engine *e, const struct qnn_layer *l,
			 const struct qnn_layer_plan *p, const int32_t *in, int32_t *out)
{
	const struct qnn_layer_rec *r = l->rec;
	int32_t *x = qnn_ws_at(e, qnn_ws_hdr(e)->scratch);
	uint32_t oh, ow;

	for (oh = 0; oh < r->out_h; oh++)
		for (ow = 0; ow < r->out_w; ow++) {
			gather_window(r, in, oh, ow, x);
			qnn_mac_generic(l, &p->in_t, x, p->n_taps, r->out_c,
					out + ((size_t)oh * r->out_w + ow) * r->out_c);
		}
}

/* Lane path scratch: the zero-padded input in the lane type, lane sums, codes. */
static size_t a64(size_t v)
{
	return (v + 63) / 64 * 64;
}

static size_t xpad_bytes(const struct qnn_layer_rec *r)
{
	return a64(((size_t)r->in_h + r->pad_top + r->pad_bottom) *
		   ((size_t)r->in_w + r->pad_left + r->pad_right) * r->in_c * 4);
}

static size_t plane_bytes(const struct qnn_layer_rec *r)
{
	return a64((size_t)r->out_h * r->out_w * r->out_c * 4);
}

static void conv_lanes(const struct qnn_engine *e, const struct qnn_layer *l,
		       const struct qnn_layer_plan *p, const struct qnn_lane_plan *lp,
		       const int32_t *in, int32_t *out)
{
	const struct qnn_layer_rec *r = l->rec;
	uint32_t C = r->in_c, pw = r->in_w + r->pad_left + r->pad_right;
	uint32_t ph = r->in_h + r->pad_top + r->pad_bottom, ih;
	size_t esz = lp->path == QNN_MAC_I16 ? 2 : 4, i;
	char *xpad = qnn_ws_at(e, qnn_ws_hdr(e)->scratch);
	int32_t *acc = (int32_t *)(xpad + xpad_bytes(r));
	int32_t *tmp = (int32_t *)((char *)acc + plane_bytes(r));
	struct qnn_lane_job j = qnn_lane_job_from_plan(e, p, lp);

	j.x = xpad;
	j.tap_off = qnn_ws_at(e, p->tap_off);
	j.n_px = r->out_h * r->out_w;
	j.px_w = r->out_w;
	j.row_step = (uint32_t)r->stride_h * pw * C;
	j.col_step = (uint32_t)r->stride_w * C;
	/* lane sums are final codes when the plan says so: write them in place */
	j.acc = lp->direct ? out : acc;
	/* zero padding is code 0, which every lane op maps to 0 */
	if (r->pad_top || r->pad_bottom || r->pad_left || r->pad_right)
		for (i = 0; i < (size_t)ph * pw * C * esz; i++)
			xpad[i] = 0;
	for (ih = 0; ih < r->in_h; ih++)
		qnn_mac_load_x(lp, xpad, ((size_t)(ih + r->pad_top) * pw + r->pad_left) * C,
			       in + (size_t)ih * r->in_w * C, r->in_w * C);
	qnn_mac_lanes(&j, lp->path);
	if (!lp->direct)
		qnn_mac_finish(l, p, lp, acc, j.n_px, tmp, out);
}

void qnn_layer_conv2d(const struct qnn_engine *e, const struct qnn_layer *l,
		      const struct qnn_layer_plan *p, const int32_t *in, int32_t *out)
{
	const struct qnn_lane_plan *lp = qnn_mac_choose(p, in);

	if (lp->path == QNN_MAC_GENERIC)
		conv_generic(e, l, p, in, out);
	else
		conv_lanes(e, l, p, lp, in, out);
}

/* Scratch bytes a conv layer needs (either path). */
size_t qnn_conv2d_scratch_size(const struct qnn_layer_rec *r)
{
	size_t lanes = xpad_bytes(r) + 2 * plane_bytes(r);
	size_t generic = (size_t)r->kernel_h * r->kernel_w * r->in_c * 4;

	return lanes > generic ? lanes : generic;
}
