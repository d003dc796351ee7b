// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Conv2D forward/backward as im2col + GEMM. Columns are laid out
 * (fh, fw, cin) per output pixel, which is Keras' kernel order
 * [kh][kw][cin][cout]: the kernel is used as a K x cout matrix as stored.
 */
#include <string.h>

#include "../net/tnet.h"

static void im2col(const struct tlayer *L, const float *in, float *cols)
{
	const struct hg_layer_spec *s = L->s;
	size_t cin = (size_t)L->in_c;

	for (int oy = 0; oy < L->out_h; oy++) {
		for (int ox = 0; ox < L->out_w; ox++) {
			for (int fy = 0; fy < s->kh; fy++) {
				int iy = oy * s->sh - L->pad_t + fy;
				int ix0 = ox * s->sw - L->pad_l;

				if (iy < 0 || iy >= L->in_h) {
					for (size_t j = 0; j < (size_t)s->kw * cin; j++)
						cols[j] = 0.0f;
					cols += (size_t)s->kw * cin;
					continue;
				}
				const float *row = in + (size_t)iy * L->in_w * cin;

				if (ix0 >= 0 && ix0 + s->kw <= L->in_w) {
					/* the common case: kw * cin contiguous input values */
					const float *src = row + (size_t)ix0 * cin;

					for (size_t j = 0; j < (size_t)s->kw * cin; j++)
						cols[j] = src[j];
					cols += (size_t)s->kw * cin;
					continue;
				}
				for (int fx = 0; fx < s->kw; fx++) {
					int ix = ix0 + fx;

					for (size_t c = 0; c < cin; c++)
						cols[c] = (ix < 0 || ix >= L->in_w)
							      ? 0.0f
							      : row[(size_t)ix * cin + c];
					cols += cin;
				}
			}
		}
	}
}

static void col2im(const struct tlayer *L, const float *cols, float *din)
{
	const struct hg_layer_spec *s = L->s;
	size_t cin = (size_t)L->in_c;

	memset(din, 0, L->in_n * sizeof(float));
	for (int oy = 0; oy < L->out_h; oy++) {
		for (int ox = 0; ox < L->out_w; ox++) {
			for (int fy = 0; fy < s->kh; fy++) {
				int iy = oy * s->sh - L->pad_t + fy;

				for (int fx = 0; fx < s->kw; fx++) {
					int ix = ox * s->sw - L->pad_l + fx;

					if (iy >= 0 && iy < L->in_h && ix >= 0 && ix < L->in_w) {
						float *d = din + ((size_t)iy * L->in_w + ix) * cin;

						for (size_t c = 0; c < cin; c++)
							d[c] += cols[c];
					}
					cols += cin;
				}
			}
		}
	}
}

static void add_bias_rows(float *out, const float *b, size_t rows, size_t cols)
{
	if (!b)
		return;
	for (size_t r = 0; r < rows; r++)
		for (size_t c = 0; c < cols; c++)
			out[r * cols + c] += b[c];
}

static void sum_rows(const float *d, float *acc, size_t rows, size_t cols)
{
	for (size_t r = 0; r < rows; r++)
		for (size_t c = 0; c < cols; c++)
			acc[c] += d[r * cols + c];
}

void conv_forward(const struct tlayer *L, const float *in, float *out, float *cols, size_t n)
{
	size_t P = (size_t)L->out_h * L->out_w;
	size_t cout = (size_t)L->out_c;

	for (size_t i = 0; i < n; i++)
		im2col(L, in + i * L->in_n, cols + i * P * L->k);
	hg_sgemm(0, 0, n * P, cout, L->k, 1.0f, cols, L->k, L->wq, cout, 0.0f, out, cout);
	add_bias_rows(out, L->s->use_bias ? L->bq : NULL, n * P, cout);
	inner_act_forward(L->s->activation, out, n * P * cout);
}

void conv_backward(const struct tlayer *L, const float *out, float *dout, const float *cols,
		   float *dcols, float *din, float *gw, float *gb, size_t n)
{
	size_t P = (size_t)L->out_h * L->out_w;
	size_t cout = (size_t)L->out_c;

	inner_act_backward(L->s->activation, out, dout, n * P * cout);
	if (gb)
		sum_rows(dout, gb, n * P, cout);
	hg_sgemm(1, 0, L->k, cout, n * P, 1.0f, cols, L->k, dout, cout, 1.0f, gw, cout);
	if (!din)
		return;
	hg_sgemm(0, 1, n * P, L->k, cout, 1.0f, dout, cout, L->wq, cout, 0.0f, dcols, L->k);
	for (size_t i = 0; i < n; i++)
		col2im(L, dcols + i * P * L->k, din + i * L->in_n);
}
