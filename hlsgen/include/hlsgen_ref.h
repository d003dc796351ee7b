/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * hlsgen_ref.h - the float reference forward pass of a .qnn model, the
 * two "software" columns of the lab's accuracy table:
 *
 *   HLSGEN_REF_FLOAT   float_weights / float_bias, activations unquantized
 *                      (quantized_relu acts as a plain relu, quantized_bits
 *                      activations as identity): what Keras computes with
 *                      the quantizers switched off.
 *   HLSGEN_REF_QKERAS  weights and biases through their QKeras quantizers
 *                      (weight_q / bias_q), activations through result_q,
 *                      in float math: what QKeras' model.predict computes.
 *
 * Layer order and shapes are the .qnn's. A layer without float copies of
 * its parameters uses codes * 2^-F (its weight_t / bias_t) in both modes.
 * Sums are accumulated in double, so results do not depend on the thread
 * count or summation order. Softmax is the exact float softmax.
 */
#ifndef HLSGEN_REF_H
#define HLSGEN_REF_H

#include <stddef.h>
#include <stdint.h>

#include "hlsgen_progress.h"
#include "qnn_model.h"

enum hlsgen_ref_mode {
	HLSGEN_REF_FLOAT = 0,
	HLSGEN_REF_QKERAS = 1,
};

struct hlsgen_ref {
	const struct qnn_model *model;
	enum hlsgen_ref_mode mode;
	float *w[QNN_MAX_LAYERS]; /* prepared weights per layer, or NULL */
	float *b[QNN_MAX_LAYERS]; /* prepared biases per layer, or NULL */
	uint32_t max_cout;	  /* widest conv/dense output (accumulators) */
};

/* Per-thread scratch for one forward pass. */
struct hlsgen_ref_ws {
	float *t0, *t1; /* ping-pong activations, model->max_tensor each */
	double *acc;	/* max_cout accumulators */
};

/* Called after each layer with its float output for one sample. */
typedef void (*hlsgen_ref_trace_fn)(void *ctx, uint64_t sample, uint32_t layer, const float *v,
				    uint32_t count);

/*
 * Prepare m (which must outlive r) for mode. Refuses layer kinds or
 * quantizers it cannot compute, naming the layer. 0 or negative errno.
 */
int hlsgen_ref_init(struct hlsgen_ref *r, const struct qnn_model *m, enum hlsgen_ref_mode mode,
		    char *err, size_t errlen);
void hlsgen_ref_free(struct hlsgen_ref *r);

int hlsgen_ref_ws_alloc(const struct hlsgen_ref *r, struct hlsgen_ref_ws *ws);
void hlsgen_ref_ws_free(struct hlsgen_ref_ws *ws);

/* One sample: in[model->n_in] -> out[model->n_out]. trace may be NULL. */
void hlsgen_ref_forward(const struct hlsgen_ref *r, struct hlsgen_ref_ws *ws, const float *in,
			float *out, uint64_t sample, hlsgen_ref_trace_fn trace, void *trace_ctx);

/*
 * n samples on `threads` threads (0: one per online CPU); progress may be
 * NULL. out gets n * n_out values. 0 or a negative errno code.
 */
int hlsgen_ref_run(const struct hlsgen_ref *r, const float *in, uint64_t n, float *out,
		   unsigned threads, struct hlsgen_progress *progress);

/*
 * QKeras' forward value of quantizer q at x (docs/semantics.md section 2), in
 * float32 as TensorFlow computes it; QNN_QK_NONE returns x.
 */
float hlsgen_qkeras_quantize(const struct qnn_qkeras_quantizer *q, float x);

/* The quantizer with its quantization switched off (FLOAT mode). */
float hlsgen_qkeras_unquantized(const struct qnn_qkeras_quantizer *q, float x);

#endif /* HLSGEN_REF_H */
