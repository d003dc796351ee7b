// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Forward and backward passes over one thread's shard of samples, the
 * fixed-order gradient reduction across threads, and the two entry points
 * built on them that are not the training loop: evaluation and a single
 * loss + gradient evaluation (for gradient checks).
 */
#include <math.h>
#include <string.h>

#include "tnet.h"

void net_prepare_weights(struct hg_net *net, int quantized)
{
	for (int l = 0; l < net->n_layers; l++) {
		struct tlayer *L = &net->L[l];

		if (!L->nw)
			continue;
		if (quantized)
			hg_quantize_array(&L->s->kernel_q, L->w, L->wq, L->nw);
		else
			memcpy(L->wq, L->w, L->nw * sizeof(float));
		if (!L->nb)
			continue;
		if (quantized)
			hg_quantize_array(&L->s->bias_q, L->b, L->bq, L->nb);
		else
			memcpy(L->bq, L->b, L->nb * sizeof(float));
	}
}

void net_forward(struct hg_net *net, struct tws *ws, const float *x, size_t n, int train,
		 int quantized, uint64_t seed, long step, size_t first_sample)
{
	const float *in = x;

	for (int l = 0; l < net->n_layers; l++) {
		struct tlayer *L = &net->L[l];
		float *out = ws->act[l];

		switch (L->s->kind) {
		case HG_L_CONV2D:
			conv_forward(L, in, out, ws->cols[l], n);
			break;
		case HG_L_DENSE:
			dense_forward(L, in, out, n);
			break;
		case HG_L_ACT:
			act_forward(L, in, out, n, quantized);
			break;
		case HG_L_MAXPOOL:
			pool_forward(L, in, out, ws->argmax[l], n);
			break;
		case HG_L_DROPOUT:
			if (train) {
				dropout_forward(L, in, out, ws->dmask[l], n, seed, step,
						first_sample);
				break;
			}
			__attribute__((fallthrough)); /* identity at inference */
		default: /* flatten, softmax (logits kept; softmax_xent applies it) */
			memcpy(out, in, n * L->out_n * sizeof(float));
			break;
		}
		in = out;
	}
}

static int has_params_below(const struct hg_net *net, int l)
{
	for (int i = 0; i < l; i++)
		if (net->L[i].nw)
			return 1;
	return 0;
}

void net_backward(struct hg_net *net, struct tws *ws, const float *x, size_t n, int quantized,
		  float *din_user)
{
	float *dout = ws->g0, *spare = ws->g1;

	/* g0 holds d(loss)/d(logits), the gradient entering the softmax layer */
	for (int l = net->n_layers - 2; l >= 0; l--) {
		struct tlayer *L = &net->L[l];
		const float *in = l ? ws->act[l - 1] : x;
		int need_din = din_user || has_params_below(net, l);
		float *din = !need_din ? NULL : l ? spare : din_user;

		if (!need_din && !L->nw)
			break; /* nothing at or below this layer needs a gradient */
		switch (L->s->kind) {
		case HG_L_CONV2D:
			conv_backward(L, ws->act[l], dout, ws->cols[l], ws->dcols, din, ws->gw[l],
				      ws->gb[l], n);
			break;
		case HG_L_DENSE:
			dense_backward(L, in, ws->act[l], dout, din, ws->gw[l], ws->gb[l], n);
			break;
		case HG_L_ACT:
			act_backward(L, in, dout, din, n, quantized);
			break;
		case HG_L_MAXPOOL:
			pool_backward(L, dout, ws->argmax[l], din, n);
			break;
		case HG_L_DROPOUT:
			dropout_backward(L, dout, ws->dmask[l], din, n);
			break;
		default:
			memcpy(din, dout, n * L->in_n * sizeof(float));
			break;
		}
		if (!din)
			break;
		spare = dout;
		dout = din;
	}
}

void net_zero_thread_grads(struct hg_net *net, struct tws *ws)
{
	ws->loss = 0.0;
	ws->correct = 0;
	for (int l = 0; l < net->n_layers; l++) {
		if (net->L[l].nw)
			memset(ws->gw[l], 0, net->L[l].nw * sizeof(float));
		if (net->L[l].nb)
			memset(ws->gb[l], 0, net->L[l].nb * sizeof(float));
	}
}

struct reduce_ctx {
	struct hg_net *net;
	float scale;
};

static void reduce_one(float *dst, float *const *src_by_thread, size_t off, int nt, size_t n,
		       float scale)
{
	(void)off;
	for (size_t i = 0; i < n; i++) {
		float s = 0.0f;

		for (int t = 0; t < nt; t++)
			s += src_by_thread[t][i];
		dst[i] = s * scale;
	}
}

static void reduce_fn(void *vctx, int tid, int nt)
{
	struct reduce_ctx *c = vctx;
	struct hg_net *net = c->net;
	float *src[64];

	for (int l = 0; l < net->n_layers; l++) {
		struct tlayer *L = &net->L[l];
		unsigned long b, e;

		if (!L->nw)
			continue;
		hg_split(L->nw, tid, nt, &b, &e);
		for (int t = 0; t < net->threads; t++)
			src[t] = net->ws[t].gw[l] + b;
		reduce_one(L->gw + b, src, b, net->threads, e - b, c->scale);
		if (!L->nb)
			continue;
		hg_split(L->nb, tid, nt, &b, &e);
		for (int t = 0; t < net->threads; t++)
			src[t] = net->ws[t].gb[l] + b;
		reduce_one(L->gb + b, src, b, net->threads, e - b, c->scale);
	}
}

void net_reduce_grads(struct hg_net *net, float scale)
{
	struct reduce_ctx c = {net, scale};

	hg_pool_run(net->pool, reduce_fn, &c);
}

/* Copy samples [b, e) (through idx when given) into the shard buffers. */
static void gather(const struct hg_net *net, struct tws *ws, const float *x, const uint8_t *y,
		   const uint32_t *idx, size_t b, size_t e)
{
	for (size_t i = b; i < e; i++) {
		size_t src = idx ? idx[i] : i;

		memcpy(ws->x + (i - b) * net->in_n, x + src * net->in_n, net->in_n * sizeof(float));
		if (y)
			ws->y[i - b] = y[src];
	}
}

/* ---- single loss + gradient evaluation ---- */

struct lg_ctx {
	struct hg_net *net;
	const float *x;
	const uint8_t *y;
	size_t n;
	long step;
	uint64_t seed;
	int quantized;
	float *din;
};

void net_shard_loss_grad(struct hg_net *net, struct tws *ws, size_t n, int quantized, uint64_t seed,
			 long step, size_t first, float *din)
{
	int last = net->n_layers - 1;
	int c = net->L[last].out_c;
	float *logits = ws->act[last];

	net_forward(net, ws, ws->x, n, 1, quantized, seed, step, first);
	ws->loss += softmax_xent(logits, ws->y, n, c, &ws->correct);
	/* d(sum of losses)/d(logits) = p - onehot */
	for (size_t i = 0; i < n; i++) {
		memcpy(ws->g0 + i * c, logits + i * c, c * sizeof(float));
		ws->g0[i * c + ws->y[i]] -= 1.0f;
	}
	net_backward(net, ws, ws->x, n, quantized, din);
}

static void lg_fn(void *vctx, int tid, int nt)
{
	struct lg_ctx *c = vctx;
	struct tws *ws = &c->net->ws[tid];
	unsigned long b, e;

	hg_split(c->n, tid, nt, &b, &e);
	net_zero_thread_grads(c->net, ws);
	if (e == b)
		return;
	gather(c->net, ws, c->x, c->y, NULL, b, e);
	net_shard_loss_grad(c->net, ws, e - b, c->quantized, c->seed, c->step, b,
			    c->din ? c->din + b * c->net->in_n : NULL);
}

double hg_net_loss_grad(struct hg_net *net, const float *x, const uint8_t *y, size_t n, long step,
			uint64_t seed, int quantized, float *din)
{
	struct lg_ctx c = {net, x, y, n, step, seed, quantized, din};
	double loss = 0.0;

	if (!n || net_ensure_ws(net, (n + net->threads - 1) / net->threads))
		return NAN;
	net_prepare_weights(net, quantized);
	hg_pool_run(net->pool, lg_fn, &c);
	net_reduce_grads(net, 1.0f / (float)n);
	for (int t = 0; t < net->threads; t++)
		loss += net->ws[t].loss;
	for (size_t i = 0; din && i < n * net->in_n; i++)
		din[i] /= (float)n;
	return loss / (double)n;
}

/* ---- evaluation ---- */

struct eval_ctx {
	struct hg_net *net;
	const struct hg_data *d;
	int quantized;
	uint16_t *pred;
	float *probs;
};

static void eval_fn(void *vctx, int tid, int nt)
{
	struct eval_ctx *c = vctx;
	struct hg_net *net = c->net;
	struct tws *ws = &net->ws[tid];
	int last = net->n_layers - 1;
	int nc = net->L[last].out_c;
	unsigned long b, e;

	ws->loss = 0.0;
	ws->correct = 0;
	hg_split(c->d->n, tid, nt, &b, &e);
	for (size_t s = b; s < e; s += ws->cap) {
		size_t m = e - s < ws->cap ? e - s : ws->cap;
		float *p = ws->act[last];

		gather(net, ws, c->d->x, c->d->y, NULL, s, s + m);
		net_forward(net, ws, ws->x, m, 0, c->quantized, 0, 0, s);
		ws->loss += softmax_xent(p, c->d->y ? ws->y : NULL, m, nc, &ws->correct);
		if (c->probs)
			memcpy(c->probs + s * nc, p, m * nc * sizeof(float));
		for (size_t i = 0; c->pred && i < m; i++) {
			int arg = 0;

			for (int j = 1; j < nc; j++)
				if (p[i * nc + j] > p[i * nc + arg])
					arg = j;
			c->pred[s + i] = (uint16_t)arg;
		}
	}
}

int hg_net_evaluate(struct hg_net *net, const struct hg_data *d, int quantized, double *loss,
		    double *acc, uint16_t *pred)
{
	struct eval_ctx c = {net, d, quantized, pred, NULL};
	double l = 0.0;
	long correct = 0;

	if (net_ensure_ws(net, net->ws_cap ? net->ws_cap : 64))
		return -1;
	net_prepare_weights(net, quantized);
	hg_pool_run(net->pool, eval_fn, &c);
	for (int t = 0; t < net->threads; t++) {
		l += net->ws[t].loss;
		correct += net->ws[t].correct;
	}
	if (loss)
		*loss = d->n ? l / (double)d->n : 0.0;
	if (acc)
		*acc = d->n ? (double)correct / (double)d->n : 0.0;
	return 0;
}

int hg_net_predict(struct hg_net *net, const float *x, size_t n, int quantized, float *probs)
{
	struct hg_data d = {.n = n, .x = (float *)x};
	struct eval_ctx c = {net, &d, quantized, NULL, probs};

	if (net_ensure_ws(net, net->ws_cap ? net->ws_cap : 64))
		return -1;
	net_prepare_weights(net, quantized);
	hg_pool_run(net->pool, eval_fn, &c);
	return 0;
}

/* The training loop's shard step (trainer.c): gather through idx, then loss + grads. */
void net_train_shard(struct hg_net *net, struct tws *ws, const struct hg_data *d,
		     const uint32_t *idx, size_t b, size_t e, uint64_t seed, long step)
{
	net_zero_thread_grads(net, ws);
	if (e == b)
		return;
	gather(net, ws, d->x, d->y, idx, b, e);
	/* dropout is keyed by (step, position in the batch): thread-count free */
	net_shard_loss_grad(net, ws, e - b, 1, seed, step, b, NULL);
}
