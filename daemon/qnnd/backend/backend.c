// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * backend.c - choosing a backend ("auto") and the helpers every backend
 * shares: argmax, self-test inputs, the engine as a reference.
 */
#include <glob.h>
#include <stdlib.h>
#include <string.h>

#include "backend.h"
#include "qnn_proto.h" /* and, beside it, the client API qnn.h */
#include "qnn_engine.h"

bool backend_dev_present(char *path, size_t len)
{
	glob_t g;
	bool found = false;

	if (glob("/dev/qnn[0-9]*", 0, NULL, &g) == 0) {
		found = g.gl_pathc > 0;
		if (found && path && len) {
			strncpy(path, g.gl_pathv[0], len - 1);
			path[len - 1] = 0;
		}
	}
	globfree(&g);
	return found;
}

const struct backend_ops *backend_find(const char *name)
{
	if (!strcmp(name, "sw"))
		return &backend_sw_ops;
	if (!strcmp(name, "null"))
		return &backend_null_ops;
	if (!strcmp(name, "dev"))
		return &backend_dev_ops; /* NULL when backend_dev.c is not built */
	if (!strcmp(name, "auto"))
		return backend_dev_present(NULL, 0) && &backend_dev_ops ? &backend_dev_ops
									: &backend_sw_ops;
	return NULL;
}

static float bits_to_float(uint32_t b)
{
	float f;

	memcpy(&f, &b, 4);
	return f;
}

uint16_t backend_argmax_values(const uint32_t *values, uint32_t n_out)
{
	uint16_t best = 0;

	for (uint32_t k = 1; k < n_out; k++)
		if (bits_to_float(values[k]) > bits_to_float(values[best]))
			best = (uint16_t)k;
	return best;
}

void backend_test_pattern(float *in, uint32_t n, uint32_t n_in, uint32_t seed)
{
	uint32_t x = seed * 2654435761u + 1;

	for (size_t i = 0; i < (size_t)n * n_in; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		in[i] = (float)(x >> 8) / 16777216.0f;
	}
}

int backend_reference_run(const struct qnn_model *m, const float *in, uint32_t n, uint32_t *values,
			  int32_t *logits, uint16_t *classes)
{
	size_t ws_size = qnn_engine_workspace_size(m);
	void *ws = aligned_alloc(64, (ws_size + 63) & ~(size_t)63);
	struct qnn_engine e;
	struct qnn_engine_out out = {.values = values, .logits = logits, .classes = classes};
	int r;

	if (!ws)
		return QNN_E_NOMEM;
	r = qnn_engine_init(&e, m, ws, ws_size);
	if (!r)
		r = qnn_engine_run(&e, QNN_INPUT_F32, in, n, &out, NULL, NULL);
	free(ws);
	return r ? QNN_E_BACKEND : 0;
}

int32_t backend_logits_frac_bits(const struct qnn_model *m)
{
	size_t ws_size = qnn_engine_workspace_size(m);
	void *ws = malloc(ws_size ? ws_size : 1);
	struct qnn_engine e;
	int32_t frac = 0;

	if (ws && !qnn_engine_init(&e, m, ws, ws_size)) {
		const struct qnn_fixed_type *t = qnn_engine_logits_type(&e);

		if (t)
			frac = (int32_t)t->width - t->int_bits;
	}
	free(ws);
	return frac;
}
