// SPDX-License-Identifier: GPL-2.0 OR MIT
/* Dense forward/backward: one GEMM each way, Keras' [n_in][n_out] kernel. */
#include "../net/tnet.h"

void dense_forward(const struct tlayer *L, const float *in, float *out, size_t n)
{
	size_t no = (size_t)L->out_c;

	hg_sgemm(0, 0, n, no, L->k, 1.0f, in, L->k, L->wq, no, 0.0f, out, no);
	if (L->s->use_bias)
		for (size_t i = 0; i < n; i++)
			for (size_t j = 0; j < no; j++)
				out[i * no + j] += L->bq[j];
	inner_act_forward(L->s->activation, out, n * no);
}

void dense_backward(const struct tlayer *L, const float *in, const float *out, float *dout,
		    float *din, float *gw, float *gb, size_t n)
{
	size_t no = (size_t)L->out_c;

	inner_act_backward(L->s->activation, out, dout, n * no);
	if (gb)
		for (size_t i = 0; i < n; i++)
			for (size_t j = 0; j < no; j++)
				gb[j] += dout[i * no + j];
	hg_sgemm(1, 0, L->k, no, n, 1.0f, in, L->k, dout, no, 1.0f, gw, no);
	if (din)
		hg_sgemm(0, 1, n, L->k, no, 1.0f, dout, no, L->wq, no, 0.0f, din, L->k);
}
