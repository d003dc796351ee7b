// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * test_grad_layers.c - every layer's backward pass against central finite
 * differences of the loss (accumulated in double): Conv2D valid/same with
 * strides and its inner ReLU, Dense, ReLU, MaxPool (including a dropped
 * odd row), Dropout (same mask for the same step), softmax cross-entropy,
 * and the whole lab CNN; parameter and input gradients, on two threads so
 * the cross-thread reduction is part of what is checked. Where a probe
 * crosses a ReLU/max kink (the one-sided slopes disagree) the analytic
 * value must lie between the two slopes; at most a third of the probes.
 * Then the straight-through estimators: a quantized kernel gets the
 * gradient of its quantized value, a quantized_relu passes it on (0, top].
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../../../hlsgen/train/net/tnet.h"
#include "hlsgen_train.h"

#define N_SAMPLES 5
#define EPS	  1e-2f

static uint64_t rng_state;

static float frand(void)
{
	rng_state = rng_state * 6364136223846793005ull + 1442695040888963407ull;
	return (float)((rng_state >> 40) & 0xffffff) / 16777216.0f * 2.0f - 1.0f;
}

static struct hg_layer_spec *add(struct hg_net_spec *s, int kind, const char *name)
{
	struct hg_layer_spec *l = &s->layers[s->n_layers++];

	memset(l, 0, sizeof(*l));
	snprintf(l->name, sizeof(l->name), "%s", name);
	l->kind = kind;
	l->sh = l->sw = 1;
	l->use_bias = 1;
	return l;
}

static struct hg_layer_spec *conv(struct hg_net_spec *s, int filters, int k, int stride, int same,
				  int act)
{
	struct hg_layer_spec *l = add(s, HG_L_CONV2D, "conv");

	l->units = filters;
	l->kh = l->kw = k;
	l->sh = l->sw = stride;
	l->same_padding = same;
	l->activation = act;
	return l;
}

static struct hg_layer_spec *dense(struct hg_net_spec *s, int units, int act)
{
	struct hg_layer_spec *l = add(s, HG_L_DENSE, "dense");

	l->units = units;
	l->activation = act;
	return l;
}

static void head(struct hg_net_spec *s)
{
	add(s, HG_L_FLATTEN, "flatten");
	dense(s, 4, HG_ACT_LINEAR);
	add(s, HG_L_SOFTMAX, "softmax");
}

static void input(struct hg_net_spec *s, int h, int w, int c)
{
	memset(s, 0, sizeof(*s));
	s->in_h = h;
	s->in_w = w;
	s->in_c = c;
}

/* ---- an independent float64 forward pass (naive loops) for the kinked nets ---- */

struct dref {
	const struct hg_net_spec *s;
	double *x;
	double *w[HG_MAX_LAYERS], *b[HG_MAX_LAYERS];
	size_t nw[HG_MAX_LAYERS], nb[HG_MAX_LAYERS];
};

static void dconv(const struct hg_layer_spec *l, const double *w, const double *b, const double *in,
		  int h, int wd, int c, double *out, int *oh, int *ow)
{
	int pt = 0, pl = 0;

	if (l->same_padding) {
		*oh = (h + l->sh - 1) / l->sh;
		*ow = (wd + l->sw - 1) / l->sw;
		pt = ((*oh - 1) * l->sh + l->kh - h) / 2;
		pl = ((*ow - 1) * l->sw + l->kw - wd) / 2;
		pt = pt < 0 ? 0 : pt;
		pl = pl < 0 ? 0 : pl;
	} else {
		*oh = (h - l->kh) / l->sh + 1;
		*ow = (wd - l->kw) / l->sw + 1;
	}
	for (int y = 0; y < *oh; y++)
		for (int x = 0; x < *ow; x++)
			for (int o = 0; o < l->units; o++) {
				double acc = l->use_bias ? b[o] : 0.0;

				for (int fy = 0; fy < l->kh; fy++)
					for (int fx = 0; fx < l->kw; fx++)
						for (int ci = 0; ci < c; ci++) {
							int iy = y * l->sh - pt + fy,
							    ix = x * l->sw - pl + fx;

							if (iy < 0 || iy >= h || ix < 0 || ix >= wd)
								continue;
							acc += in[(iy * wd + ix) * c + ci] *
							       w[((fy * l->kw + fx) * c + ci) *
								     l->units +
								 o];
						}
				out[(y * *ow + x) * l->units + o] =
				    l->activation == HG_ACT_RELU && acc < 0 ? 0.0 : acc;
			}
}

static double dref_loss(const struct dref *r, const double *x, const uint8_t *y, int n)
{
	static double a[2][16384];
	double total = 0.0;
	size_t in_n = (size_t)r->s->in_h * r->s->in_w * r->s->in_c;

	for (int smp = 0; smp < n; smp++) {
		int h = r->s->in_h, w = r->s->in_w, c = r->s->in_c, cur = 0;

		for (size_t i = 0; i < in_n; i++)
			a[0][i] = x[smp * in_n + i];
		for (int l = 0; l < r->s->n_layers; l++) {
			const struct hg_layer_spec *ls = &r->s->layers[l];
			double *in = a[cur], *out = a[cur ^ 1];
			int oh = h, ow = w, oc = c;

			switch (ls->kind) {
			case HG_L_CONV2D:
				dconv(ls, r->w[l], r->b[l], in, h, w, c, out, &oh, &ow);
				oc = ls->units;
				break;
			case HG_L_DENSE:
				oh = ow = 1;
				oc = ls->units;
				for (int o = 0; o < oc; o++) {
					double acc = ls->use_bias ? r->b[l][o] : 0.0;

					for (int i = 0; i < h * w * c; i++)
						acc += in[i] * r->w[l][i * oc + o];
					out[o] =
					    ls->activation == HG_ACT_RELU && acc < 0 ? 0.0 : acc;
				}
				break;
			case HG_L_MAXPOOL:
				oh = (h - ls->kh) / ls->sh + 1;
				ow = (w - ls->kw) / ls->sw + 1;
				for (int yy = 0; yy < oh; yy++)
					for (int xx = 0; xx < ow; xx++)
						for (int ci = 0; ci < c; ci++) {
							double m = -INFINITY;

							for (int fy = 0; fy < ls->kh; fy++)
								for (int fx = 0; fx < ls->kw; fx++)
									m = fmax(
									    m,
									    in[((yy * ls->sh + fy) *
										    w +
										xx * ls->sw + fx) *
										   c +
									       ci]);
							out[(yy * ow + xx) * c + ci] = m;
						}
				break;
			case HG_L_ACT:
				for (int i = 0; i < h * w * c; i++)
					out[i] = ls->activation == HG_ACT_RELU && in[i] < 0 ? 0.0
											    : in[i];
				break;
			case HG_L_SOFTMAX: {
				double mx = in[0], sum = 0.0;

				for (int i = 1; i < c; i++)
					mx = fmax(mx, in[i]);
				for (int i = 0; i < c; i++)
					sum += exp(in[i] - mx);
				total += log(sum) - (in[y[smp]] - mx);
				break;
			}
			default: /* flatten; dropout is not modelled here */
				for (int i = 0; i < h * w * c; i++)
					out[i] = in[i];
				oh = ow = 1;
				oc = h * w * c;
				break;
			}
			h = oh;
			w = ow;
			c = oc;
			cur ^= 1;
		}
	}
	return total / n;
}

struct probe {
	struct hg_net *net;
	float *x;
	uint8_t *y;
	struct dref *ref; /* NULL: finite differences of the float32 net itself */
};

static double loss_at(struct probe *p)
{
	if (p->ref)
		return dref_loss(p->ref, p->ref->x, p->y, N_SAMPLES);
	return hg_net_loss_grad(p->net, p->x, p->y, N_SAMPLES, 7, 3, 0, NULL);
}

/* Probe value v[i] by +-e around its value; returns (f+ - f-) / 2e and the sides. */
static double probe_f(struct probe *p, float *v, size_t i, double e, double *s1, double *s2)
{
	float keep = v[i];
	double l0 = loss_at(p), lp, lm;

	v[i] = (float)(keep + e);
	lp = loss_at(p);
	v[i] = (float)(keep - e);
	lm = loss_at(p);
	v[i] = keep;
	*s1 = (lp - l0) / e;
	*s2 = (l0 - lm) / e;
	return (lp - lm) / (2.0 * e);
}

static double probe_d(struct probe *p, double *v, size_t i, double e, double *s1, double *s2)
{
	double keep = v[i], l0 = loss_at(p), lp, lm;

	v[i] = keep + e;
	lp = loss_at(p);
	v[i] = keep - e;
	lm = loss_at(p);
	v[i] = keep;
	*s1 = (lp - l0) / e;
	*s2 = (l0 - lm) / e;
	return (lp - lm) / (2.0 * e);
}

/*
 * Compare analytic g[i] with the central difference of the loss in v[i]
 * (float32 net, step 1e-2) or dv[i] (float64 reference, step 1e-6).
 */
static void check_vector(struct probe *p, float *v, double *dv, const float *g, size_t n,
			 size_t stride, const char *what, int *kinks, int *checked)
{
	for (size_t i = 0; i < n; i += stride) {
		double s1, s2, num, tol;

		num = dv ? probe_d(p, dv, i, 1e-6, &s1, &s2) : probe_f(p, v, i, EPS, &s1, &s2);
		tol = (dv ? 2e-5 : 1e-4) + (dv ? 2e-3 : 1e-2) * fabs(num);
		if (fabs(s1 - s2) > 0.01 * (fabs(s1) + fabs(s2)) + (dv ? 1e-5 : 1e-4)) {
			/* a ReLU/max kink within the step: the slopes on either side differ */
			(*kinks)++;
			continue;
		}
		cr_expect(fabs(num - g[i]) <= tol, "%s[%zu]: analytic %.7g, numeric %.7g", what, i,
			  (double)g[i], num);
		(*checked)++;
	}
}

static double *to_double(const float *v, size_t n)
{
	double *d = malloc((n + 1) * sizeof(double));

	for (size_t i = 0; i < n; i++)
		d[i] = v[i];
	return d;
}

/*
 * Build, randomize (biases too), and check parameter and input gradients.
 * use_ref: numeric derivatives from the float64 reference (nets with kinks).
 */
static void grad_check(const struct hg_net_spec *spec, size_t max_per_tensor, int use_ref)
{
	struct hg_net *net;
	char err[256];
	struct probe p = {0};
	struct dref ref = {.s = spec};
	int kinks = 0, checked = 0;
	size_t in_n = (size_t)spec->in_h * spec->in_w * spec->in_c, dummy;
	float *din = malloc(N_SAMPLES * in_n * sizeof(float));

	cr_assert_eq(hg_net_create(&net, spec, 2, err, sizeof(err)), 0, "%s", err);
	hg_net_init_weights(net, 11);
	p.net = net;
	p.x = malloc(N_SAMPLES * in_n * sizeof(float));
	p.y = malloc(N_SAMPLES);
	for (size_t i = 0; i < N_SAMPLES * in_n; i++)
		p.x[i] = frand();
	for (int i = 0; i < N_SAMPLES; i++)
		p.y[i] = (uint8_t)(i % 4);
	for (int l = 0; l < spec->n_layers; l++) {
		size_t nb;
		float *b = hg_net_param(net, l, HG_P_BIAS, &nb);

		for (size_t i = 0; i < nb; i++)
			b[i] = 0.3f * frand();
	}
	/* analytic gradients, all taken before any probe changes the net's state */
	hg_net_loss_grad(net, p.x, p.y, N_SAMPLES, 7, 3, 0, din);
	float *gw[HG_MAX_LAYERS] = {0}, *gb[HG_MAX_LAYERS] = {0};

	for (int l = 0; l < spec->n_layers; l++) {
		size_t nw, nb;
		float *w = hg_net_param(net, l, HG_P_KERNEL, &nw);
		float *b = hg_net_param(net, l, HG_P_BIAS, &nb);

		gw[l] = malloc((nw + 1) * sizeof(float));
		gb[l] = malloc((nb + 1) * sizeof(float));
		if (nw)
			memcpy(gw[l], hg_net_param(net, l, HG_P_KERNEL_GRAD, &dummy),
			       nw * sizeof(float));
		if (nb)
			memcpy(gb[l], hg_net_param(net, l, HG_P_BIAS_GRAD, &dummy),
			       nb * sizeof(float));
		ref.w[l] = to_double(w, nw);
		ref.b[l] = to_double(b, nb);
		ref.nw[l] = nw;
		ref.nb[l] = nb;
	}
	ref.x = to_double(p.x, N_SAMPLES * in_n);
	if (use_ref) {
		double d = dref_loss(&ref, ref.x, p.y, N_SAMPLES);
		double f = hg_net_loss_grad(net, p.x, p.y, N_SAMPLES, 7, 3, 0, NULL);

		/* the float32 forward pass agrees with the float64 one */
		cr_expect(fabs(d - f) < 1e-5 * (1 + fabs(d)), "loss float64 %.9g, float32 %.9g", d,
			  f);
		p.ref = &ref;
	}
	for (int l = 0; l < spec->n_layers; l++) {
		size_t nw, nb;
		float *w = hg_net_param(net, l, HG_P_KERNEL, &nw);
		float *b = hg_net_param(net, l, HG_P_BIAS, &nb);

		if (nw)
			check_vector(&p, w, use_ref ? ref.w[l] : NULL, gw[l], nw,
				     nw / max_per_tensor + 1, "kernel", &kinks, &checked);
		if (nb)
			check_vector(&p, b, use_ref ? ref.b[l] : NULL, gb[l], nb, 1, "bias", &kinks,
				     &checked);
	}
	check_vector(&p, p.x, use_ref ? ref.x : NULL, din, N_SAMPLES * in_n,
		     (N_SAMPLES * in_n) / max_per_tensor + 1, "input", &kinks, &checked);
	for (int l = 0; l < spec->n_layers; l++) {
		free(gw[l]);
		free(gb[l]);
		free(ref.w[l]);
		free(ref.b[l]);
	}
	cr_expect_gt(checked, 10);
	cr_expect_leq(kinks * 10, checked, "%d of %d probes near kinks", kinks, checked);
	hg_net_free(net);
	free(ref.x);
	free(p.x);
	free(p.y);
	free(din);
}

Test(grad, conv_valid_linear)
{
	struct hg_net_spec s;

	rng_state = 1;
	input(&s, 6, 6, 2);
	conv(&s, 3, 3, 1, 0, HG_ACT_LINEAR);
	head(&s);
	grad_check(&s, 80, 1);
}

Test(grad, conv_same_stride2)
{
	struct hg_net_spec s;

	rng_state = 2;
	input(&s, 7, 7, 2);
	conv(&s, 3, 3, 2, 1, HG_ACT_LINEAR);
	head(&s);
	grad_check(&s, 80, 1);
}

Test(grad, conv_inner_relu_and_stride2_valid)
{
	struct hg_net_spec s;

	rng_state = 3;
	input(&s, 8, 7, 3);
	conv(&s, 4, 3, 2, 0, HG_ACT_RELU);
	head(&s);
	grad_check(&s, 80, 1);
}

Test(grad, dense_relu_dense)
{
	struct hg_net_spec s;

	rng_state = 4;
	input(&s, 1, 1, 10);
	dense(&s, 6, HG_ACT_RELU);
	dense(&s, 4, HG_ACT_LINEAR);
	add(&s, HG_L_SOFTMAX, "softmax");
	grad_check(&s, 80, 1);
}

Test(grad, maxpool_after_conv_odd_size)
{
	struct hg_net_spec s;
	struct hg_layer_spec *p;

	rng_state = 5;
	input(&s, 7, 7, 2);
	conv(&s, 3, 3, 1, 1, HG_ACT_LINEAR); /* 7x7: the pool drops the last row/col */
	p = add(&s, HG_L_MAXPOOL, "pool");
	p->kh = p->kw = p->sh = p->sw = 2;
	head(&s);
	grad_check(&s, 80, 1);
}

Test(grad, relu_activation_layer)
{
	struct hg_net_spec s;

	rng_state = 6;
	input(&s, 3, 3, 2);
	add(&s, HG_L_ACT, "relu")->activation = HG_ACT_RELU;
	head(&s);
	grad_check(&s, 80, 1);
}

Test(grad, dropout_same_mask_per_step)
{
	struct hg_net_spec s;

	rng_state = 7;
	input(&s, 1, 1, 9);
	dense(&s, 12, HG_ACT_LINEAR);
	add(&s, HG_L_DROPOUT, "dropout")->rate = 0.4f;
	dense(&s, 4, HG_ACT_LINEAR);
	add(&s, HG_L_SOFTMAX, "softmax");
	grad_check(&s, 80, 0); /* smooth: the float32 net's own differences */
}

Test(grad, lab_cnn_float)
{
	struct hg_net_spec s;
	struct hg_quantizer none = {0};

	rng_state = 8;
	hg_spec_lab_cnn(&s, &none, &none, &none);
	s.layers[7].rate = 0.0f; /* the float64 reference has no dropout (tested above) */
	grad_check(&s, 25, 1);
}

/* Quantized kernels: the gradient with respect to w is that of q(w). */
Test(grad, weight_ste_is_gradient_of_quantized_value)
{
	struct hg_net_spec sq, sf;
	struct hg_quantizer b4 = {.kind = HG_Q_BITS, .bits = 4, .keep_negative = 1};
	struct hg_quantizer none = {0};
	struct hg_net *nq, *nf;
	char err[256];
	float x[N_SAMPLES * 36];
	uint8_t y[N_SAMPLES] = {0, 1, 2, 3, 0};
	double lq, lf;

	rng_state = 9;
	input(&sq, 6, 6, 1);
	conv(&sq, 2, 3, 1, 0, HG_ACT_RELU)->kernel_q = b4;
	sq.layers[0].bias_q = b4;
	head(&sq);
	sq.layers[2].kernel_q = b4;
	sf = sq;
	sf.layers[0].kernel_q = sf.layers[0].bias_q = sf.layers[2].kernel_q = none;
	cr_assert_eq(hg_net_create(&nq, &sq, 2, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(hg_net_create(&nf, &sf, 2, err, sizeof(err)), 0, "%s", err);
	hg_net_init_weights(nq, 5);
	for (int i = 0; i < N_SAMPLES * 36; i++)
		x[i] = frand();
	for (int l = 0; l < sq.n_layers; l++) {
		size_t n, m;
		float *w = hg_net_param(nq, l, HG_P_KERNEL, &n);
		float *wf = hg_net_param(nf, l, HG_P_KERNEL, &m);

		for (size_t i = 0; i < n; i++)
			wf[i] = hg_quantize(&sq.layers[l].kernel_q, w[i]);
		w = hg_net_param(nq, l, HG_P_BIAS, &n);
		wf = hg_net_param(nf, l, HG_P_BIAS, &m);
		for (size_t i = 0; i < n; i++) {
			w[i] = 0.2f * frand();
			wf[i] = hg_quantize(&sq.layers[l].bias_q, w[i]);
		}
	}
	lq = hg_net_loss_grad(nq, x, y, N_SAMPLES, 0, 1, 1, NULL);
	lf = hg_net_loss_grad(nf, x, y, N_SAMPLES, 0, 1, 0, NULL);
	cr_expect_eq(lq, lf);
	for (int l = 0; l < sq.n_layers; l++) {
		size_t n;
		float *gq = hg_net_param(nq, l, HG_P_KERNEL_GRAD, &n);
		float *gf = hg_net_param(nf, l, HG_P_KERNEL_GRAD, &n);

		for (size_t i = 0; i < n; i++)
			cr_expect_eq(gq[i], gf[i], "layer %d kernel %zu", l, i);
	}
	hg_net_free(nq);
	hg_net_free(nf);
}

/* quantized_relu(3, 1): output gradient passes exactly where 0 < x <= 1.75. */
Test(grad, activation_ste_window)
{
	struct hg_layer_spec ls = {.kind = HG_L_ACT,
				   .activation = HG_ACT_QUANT,
				   .act_q = {.kind = HG_Q_RELU, .bits = 3, .integer = 1}};
	struct tlayer L = {.s = &ls, .in_h = 1, .in_w = 1, .in_c = 8, .out_n = 8, .in_n = 8};
	const float in[8] = {-1.0f, 0.0f, 0.01f, 0.5f, 1.75f, 1.7501f, 3.0f, -0.0f};
	const float dout[8] = {1, 2, 3, 4, 5, 6, 7, 8};
	const float want[8] = {0, 0, 3, 4, 5, 0, 0, 0};
	float din[8], out[8];

	act_backward(&L, in, dout, din, 1, 1);
	for (int i = 0; i < 8; i++)
		cr_expect_eq(din[i], want[i], "x = %g: %g, want %g", (double)in[i], (double)din[i],
			     (double)want[i]);
	/* the float path of the same layer is a plain ReLU, forward and backward */
	act_forward(&L, in, out, 1, 0);
	act_backward(&L, in, dout, din, 1, 0);
	for (int i = 0; i < 8; i++) {
		cr_expect_eq(out[i], in[i] > 0 ? in[i] : 0.0f);
		cr_expect_eq(din[i], in[i] > 0 ? dout[i] : 0.0f);
	}
}
