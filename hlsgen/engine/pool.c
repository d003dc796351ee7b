// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * pool.c - MaxPool2D: the maximum over each full window (hls4ml reduces
 * with a >= b ? a : b, which is the plain maximum), cast to result_t.
 * Windows only start where they fit, so odd trailing rows and columns are
 * dropped (11 -> 5 for a 2x2 pool). Padded positions, if any, never win
 * (hls4ml pads max pooling with the most negative code).
 */
#include "engine_internal.h"

/* the common 2x2 window: one pass over the channels of the four pixels */
static inline void max4(int32_t *restrict o, const int32_t *restrict a, const int32_t *restrict b,
			const int32_t *restrict c, const int32_t *restrict d, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		int32_t x = a[i] > b[i] ? a[i] : b[i], y = c[i] > d[i] ? c[i] : d[i];

		o[i] = x > y ? x : y;
	}
}

/* unpadded windows: no bounds to check, channel loops vectorize */
QNN_SIMD_CLONES
static void pool_row_valid(const struct qnn_layer_rec *r, const int32_t *restrict in, uint32_t oh,
			   int32_t *restrict out)
{
	size_t C = r->in_c, row = (size_t)r->in_w * C;
	uint32_t ow, kh, kw, c;

	for (ow = 0; ow < r->out_w; ow++) {
		const int32_t *win =
		    in + (size_t)oh * r->stride_h * row + (size_t)ow * r->stride_w * C;
		int32_t *o = out + (size_t)ow * C;

		if (r->kernel_h == 2 && r->kernel_w == 2) {
			max4(o, win, win + C, win + row, win + row + C, C);
			continue;
		}
		for (c = 0; c < C; c++)
			o[c] = win[c];
		for (kh = 0; kh < r->kernel_h; kh++)
			for (kw = kh ? 0 : 1; kw < r->kernel_w; kw++) {
				const int32_t *px = win + kh * row + (size_t)kw * C;

				for (c = 0; c < C; c++)
					o[c] = px[c] > o[c] ? px[c] : o[c];
			}
	}
}

QNN_SIMD_CLONES
static void pool_row(const struct qnn_layer_rec *r, const int32_t *in, uint32_t oh, int32_t *out)
{
	uint32_t ow, kh, kw, c, C = r->in_c;

	for (ow = 0; ow < r->out_w; ow++) {
		int32_t *o = out + (size_t)ow * C;
		int first = 1;

		for (kh = 0; kh < r->kernel_h; kh++) {
			int64_t ih = (int64_t)oh * r->stride_h + kh - r->pad_top;

			if (ih < 0 || ih >= r->in_h)
				continue;
			for (kw = 0; kw < r->kernel_w; kw++) {
				int64_t iw = (int64_t)ow * r->stride_w + kw - r->pad_left;
				const int32_t *px;

				if (iw < 0 || iw >= r->in_w)
					continue;
				px = in + ((size_t)ih * r->in_w + (size_t)iw) * C;
				if (first) {
					for (c = 0; c < C; c++)
						o[c] = px[c];
					first = 0;
					continue;
				}
				for (c = 0; c < C; c++)
					o[c] = px[c] > o[c] ? px[c] : o[c];
			}
		}
		if (first) /* unreachable: engine.c keeps pads below the kernel size */
			for (c = 0; c < C; c++)
				o[c] = 0;
	}
}

void qnn_pool_max(const struct qnn_layer_rec *r, const int32_t *in, int32_t *out)
{
	size_t row = (size_t)r->out_w * r->out_c;
	int padded = r->pad_top || r->pad_bottom || r->pad_left || r->pad_right;
	uint32_t oh;

	for (oh = 0; oh < r->out_h; oh++) {
		if (padded)
			pool_row(r, in, oh, out + oh * row);
		else
			pool_row_valid(r, in, oh, out + oh * row);
	}
}

void qnn_layer_maxpool(const struct qnn_layer *l, const struct qnn_layer_plan *p, const int32_t *in,
		       int32_t *out)
{
	qnn_pool_max(l->rec, in, out);
	qnn_cast_array(out, out, p->out_n, &p->out_cast);
}
