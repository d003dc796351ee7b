/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * hlsgen_engine_batch.h - the bit-exact engine over a large host batch on
 * several threads (one engine and workspace per thread), for the tools.
 */
#ifndef HLSGEN_ENGINE_BATCH_H
#define HLSGEN_ENGINE_BATCH_H

#include <stddef.h>
#include <stdint.h>

#include "hlsgen_progress.h"
#include "qnn_model.h"

struct hlsgen_engine_results {
	float *values;	       /* [n * n_out] as the AXI output carries them, or NULL */
	uint16_t *classes;     /* [n] argmax, lowest index wins ties, or NULL */
	uint32_t engine_flags; /* in: QNN_ENGINE_* (e.g. the scalar reference kernels) */
	uint64_t nonfinite;    /* out: NaN/Inf input elements the engine saw */
};

/*
 * Run n samples of float32 input (n * m->n_in values) on `threads` threads
 * (0: one per online CPU). 0 or a negative errno code with a message.
 */
int hlsgen_engine_batch(const struct qnn_model *m, const float *in, uint64_t n, unsigned threads,
			struct hlsgen_engine_results *res, struct hlsgen_progress *progress,
			char *err, size_t errlen);

#endif /* HLSGEN_ENGINE_BATCH_H */
