// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * MaxPooling2D ('valid': trailing rows/cols that do not fill a window are
 * dropped). The first maximum in (fy, fx) order wins and receives the
 * whole gradient.
 */
#include <string.h>

#include "../net/tnet.h"

/* The lab's 2x2, stride 2 pool: four candidates per channel, branch-free. */
static void pool2x2(const struct tlayer *L, const float *restrict x, float *restrict o,
		    int32_t *restrict am)
{
	int C = L->in_c;
	size_t row = (size_t)L->in_w * C;

	for (int oy = 0; oy < L->out_h; oy++)
		for (int ox = 0; ox < L->out_w; ox++) {
			size_t base = (size_t)oy * 2 * row + (size_t)ox * 2 * C;
			const float *a = x + base, *b = a + C, *c = a + row, *d = c + C;

			for (int k = 0; k < C; k++) {
				/* first maximum in (fy, fx) order wins: strict > */
				float m = a[k];
				int32_t at = (int32_t)(base + k);

				at = b[k] > m ? (int32_t)(base + C + k) : at;
				m = b[k] > m ? b[k] : m;
				at = c[k] > m ? (int32_t)(base + row + k) : at;
				m = c[k] > m ? c[k] : m;
				at = d[k] > m ? (int32_t)(base + row + C + k) : at;
				m = d[k] > m ? d[k] : m;
				o[k] = m;
				am[k] = at;
			}
			o += C;
			am += C;
		}
}

void pool_forward(const struct tlayer *L, const float *in, float *out, int32_t *argmax, size_t n)
{
	const struct hg_layer_spec *s = L->s;

	if (s->kh == 2 && s->kw == 2 && s->sh == 2 && s->sw == 2) {
		for (size_t i = 0; i < n; i++)
			pool2x2(L, in + i * L->in_n, out + i * L->out_n, argmax + i * L->out_n);
		return;
	}
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
