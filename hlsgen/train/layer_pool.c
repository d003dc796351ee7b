// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * MaxPooling2D ('valid': trailing rows/cols that do not fill a window are
 * dropped). The first maximum in (fy, fx) order wins and receives the
 * whole gradient.
 */
#include <string.h>

#include "tnet.h"

void pool_forward(const struct tlayer *L, const float *in, float *out, int32_t *argmax,
		  size_t n)
{
	const struct hg_layer_spec *s = L->s;
	int C = L->in_c;
	size_t row = (size_t)L->in_w * C;

	for (size_t i = 0; i < n; i++) {
		const float *x = in + i * L->in_n;
		float *o = out + i * L->out_n;
		int32_t *am = argmax + i * L->out_n;

		for (int oy = 0; oy < L->out_h; oy++)
			for (int ox = 0; ox < L->out_w; ox++) {
				size_t base = (size_t)oy * s->sh * row + (size_t)ox * s->sw * C;

				for (int c = 0; c < C; c++) {
					o[c] = x[base + c];
					am[c] = (int32_t)(base + c);
				}
				for (int fy = 0; fy < s->kh; fy++)
					for (int fx = 0; fx < s->kw; fx++) {
						size_t at = base + fy * row + (size_t)fx * C;

						if (!fy && !fx)
							continue;
						for (int c = 0; c < C; c++)
							if (x[at + c] > o[c]) {
								o[c] = x[at + c];
								am[c] = (int32_t)(at + c);
							}
					}
				o += C;
				am += C;
			}
	}
}

void pool_backward(const struct tlayer *L, const float *dout, const int32_t *argmax, float *din,
		   size_t n)
{
	memset(din, 0, n * L->in_n * sizeof(float));
	for (size_t i = 0; i < n; i++) {
		float *d = din + i * L->in_n;

		for (size_t j = 0; j < L->out_n; j++)
			d[argmax[i * L->out_n + j]] += dout[i * L->out_n + j];
	}
}
