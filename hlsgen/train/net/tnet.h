/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * tnet.h - the trainer's internal view of a network: per-layer shapes,
 * parameters and optimizer state, and one workspace per thread. Shared by
 * the sources in hlsgen/train only.
 */
#ifndef HG_TNET_H
#define HG_TNET_H

#include <stddef.h>
#include <stdint.h>

#include "hlsgen_train.h"
#include "hlsgen_thread_pool.h"

struct tlayer {
	const struct hg_layer_spec *s;
	int in_h, in_w, in_c, out_h, out_w, out_c;
	size_t in_n, out_n;	  /* elements per sample */
	int pad_t, pad_l;	  /* conv 'same' padding (top/left) */
	size_t k;		  /* conv: kh*kw*cin; dense: n_in */
	size_t nw, nb;		  /* parameter counts */
	float *w, *b;		  /* float parameters (the trained state) */
	float *wq, *bq;		  /* what the forward pass uses this step */
	float *mask;		  /* pruning mask of w (1/0), NULL if not prunable */
	float *gw, *gb;		  /* batch-mean gradients (reduced) */
	float *mw, *vw, *mb, *vb; /* Adam moments */
};

/* Per-thread scratch for a shard of at most cap samples. */
struct tws {
	size_t cap;
	float *x;	  /* gathered input, cap * in_n */
	uint8_t *y;	  /* gathered labels, cap */
	float **act;	  /* act[l]: output of layer l, cap * out_n */
	float **cols;	  /* conv im2col per layer (NULL otherwise) */
	int32_t **argmax; /* maxpool winners per layer */
	float **dmask;	  /* dropout keep-scale per layer */
	float *g0, *g1;	  /* ping-pong gradients, cap * max_n */
	float *dcols;	  /* conv backward scratch */
	float **gw, **gb; /* this thread's gradient sums per layer */
	double loss;	  /* this thread's summed loss, correct count */
	long correct;
};

struct hg_net {
	struct hg_net_spec spec;
	int n_layers;
	struct tlayer L[HG_MAX_LAYERS];
	size_t in_n, max_n, max_cols;
	int threads;
	struct hg_pool *pool;
	struct tws *ws; /* [threads] */
	size_t ws_cap;
};

/* ---- layers (layer_*.c): forward/backward over n samples of a shard ---- */

void conv_forward(const struct tlayer *L, const float *in, float *out, float *cols, size_t n);
void conv_backward(const struct tlayer *L, const float *out, float *dout, const float *cols,
		   float *dcols, float *din, float *gw, float *gb, size_t n);
void dense_forward(const struct tlayer *L, const float *in, float *out, size_t n);
void dense_backward(const struct tlayer *L, const float *in, const float *out, float *dout,
		    float *din, float *gw, float *gb, size_t n);
void act_forward(const struct tlayer *L, const float *in, float *out, size_t n, int quantized);
void act_backward(const struct tlayer *L, const float *in, const float *dout, float *din, size_t n,
		  int quantized);
void pool_forward(const struct tlayer *L, const float *in, float *out, int32_t *argmax, size_t n);
void pool_backward(const struct tlayer *L, const float *dout, const int32_t *argmax, float *din,
		   size_t n);
void dropout_forward(const struct tlayer *L, const float *in, float *out, float *keep, size_t n,
		     uint64_t seed, long step, size_t first_sample);
void dropout_backward(const struct tlayer *L, const float *dout, const float *keep, float *din,
		      size_t n);
/* Softmax in place over rows of c; returns summed cross-entropy against y. */
double softmax_xent(float *p, const uint8_t *y, size_t n, int c, long *correct);

/* The activation applied by a conv/dense layer's inner activation. */
void inner_act_forward(int activation, float *x, size_t n);
void inner_act_backward(int activation, const float *out, float *dout, size_t n);

/* ---- network passes (net_pass.c) ---- */

/* Prepare wq/bq from w/b (mask applied, quantized if asked). */
void net_prepare_weights(struct hg_net *net, int quantized);
/* Forward over a shard in ws; train = dropout on. Returns logits layer output. */
void net_forward(struct hg_net *net, struct tws *ws, const float *x, size_t n, int train,
		 int quantized, uint64_t seed, long step, size_t first_sample);
/* Backward from dlogits (in ws->g0) through all layers; grads summed in ws. */
void net_backward(struct hg_net *net, struct tws *ws, const float *x, size_t n, int quantized,
		  float *din);
void net_zero_thread_grads(struct hg_net *net, struct tws *ws);
/* Forward + softmax cross-entropy + backward over ws->x/ws->y (n samples). */
void net_shard_loss_grad(struct hg_net *net, struct tws *ws, size_t n, int quantized, uint64_t seed,
			 long step, size_t first, float *din);
/* Zero this thread's sums, gather batch positions [b, e) through idx, step. */
void net_train_shard(struct hg_net *net, struct tws *ws, const struct hg_data *d,
		     const uint32_t *idx, size_t b, size_t e, uint64_t seed, long step);
/* gw/gb = (sum over threads in order) * scale, split across the pool. */
void net_reduce_grads(struct hg_net *net, float scale);

/* ---- workspace (net_alloc.c) ---- */
int net_ensure_ws(struct hg_net *net, size_t cap);

/* ---- optimizer and schedules ---- */
struct adam_state {
	float lr, beta1, beta2, epsilon;
	long t;
};
void adam_step(struct hg_net *net, struct adam_state *a);
void net_apply_constraints(struct hg_net *net);
void net_apply_masks(struct hg_net *net);
void net_update_masks(struct hg_net *net, float sparsity);

/* ---- GEMM (gemm.c): C = alpha * op(A) op(B) + beta * C, row-major ---- */
void hg_sgemm(int trans_a, int trans_b, size_t m, size_t n, size_t k, float alpha, const float *a,
	      size_t lda, const float *b, size_t ldb, float beta, float *c, size_t ldc);

#endif /* HG_TNET_H */
