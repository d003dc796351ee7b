/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * qnn_engine.h - the bit-exact engine: runs a parsed .qnn model on a batch
 * of samples and returns what the hls4ml accelerator's AXI stream returns.
 *
 * Freestanding C: no libc, no floating point, no allocation while running.
 * The caller provides all memory (workspace sized by
 * qnn_engine_workspace_size()). The same code runs in the host tools, the
 * daemon's software backend and the kernel's simulated accelerator.
 *
 * Floats cross this interface as their IEEE-754 bit patterns (uint32_t),
 * because kernel code may not touch the FPU.
 */
#ifndef QNN_ENGINE_H
#define QNN_ENGINE_H

#include "qnn_model.h"

/* How input elements arrive on the stream. */
enum qnn_input_kind {
	QNN_INPUT_F32 = 0,   /* IEEE-754 float bits, converted to input_t */
	QNN_INPUT_CODES = 1, /* int32 codes already in input_t */
};

/*
 * Per-layer trace hook (like hls4ml's trace): called after each layer with
 * that layer's output codes for one sample, in (h, w, c) order.
 */
typedef void (*qnn_trace_fn)(void *ctx, uint32_t sample, uint32_t layer,
			     const int32_t *codes, uint32_t count);

struct qnn_engine_out {
	int32_t *codes;     /* [n * n_out] last layer's codes, or NULL */
	uint32_t *values;   /* [n * n_out] float bits as the AXI wrapper emits */
	uint16_t *classes;  /* [n] argmax of the last layer, lowest index wins */
	int32_t *logits;    /* [n * n_out] codes entering the final softmax
			     * (the last layer's codes when there is none) */
	uint32_t nonfinite; /* out: count of NaN/Inf input elements seen */
};

struct qnn_engine {
	const struct qnn_model *model;
	void *ws;           /* caller-owned workspace */
	size_t ws_size;
	uint32_t logits_layer;  /* index of the layer whose codes are logits */
	uint32_t flags;     /* QNN_ENGINE_*: set before qnn_engine_init() */
};

/*
 * flags: compute every layer with the scalar reference kernels instead of
 * the (bit-identical) SIMD lane paths. For tests and debugging.
 */
#define QNN_ENGINE_REFERENCE 0x1u
/* flags: run the lane paths as plain C even where SIMD exists (what kernel builds run) */
#define QNN_ENGINE_SCALAR 0x2u

/* Bytes of workspace one engine needs (one per concurrent thread). */
size_t qnn_engine_workspace_size(const struct qnn_model *m);

/* Bind an engine to a model and a workspace. 0 or -EINVAL (-22). */
int qnn_engine_init(struct qnn_engine *e, const struct qnn_model *m,
		    void *ws, size_t ws_size);

/*
 * Run n samples. in holds n * model->n_in elements of the given kind,
 * (h, w, c) order per sample. Any out pointer may be NULL. trace may be NULL.
 * Returns 0 or a negative errno-style code.
 */
int qnn_engine_run(struct qnn_engine *e, enum qnn_input_kind kind,
		   const void *in, uint32_t n, struct qnn_engine_out *out,
		   qnn_trace_fn trace, void *trace_ctx);

/* The type of the codes reported in out->logits. */
const struct qnn_fixed_type *qnn_engine_logits_type(const struct qnn_engine *e);

#endif /* QNN_ENGINE_H */
