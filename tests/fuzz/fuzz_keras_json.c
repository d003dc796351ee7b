// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * fuzz_keras_json.c - libFuzzer target for the one Keras model JSON reader
 * (hlsgen/host/keras/keras_model_json.c, keras_layer_json.c; json-c): whatever
 * the document, a description inside its documented ranges or a refusal
 * with a message; never a crash, a leak or an assertion in json-c.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hlsgen_keras_json.h"

static int in_range(int v, int lo, int hi)
{
	return v >= lo && v <= hi;
}

/* What the header promises of every accepted layer. */
static int layer_ok(const struct hg_keras_layer *l)
{
	if (!in_range(l->cls, HG_KC_CONV2D, HG_KC_DROPOUT) || !l->name[0] ||
	    strlen(l->name) >= QNN_NAME_LEN || !in_range(l->activation, HG_KA_NONE, HG_KA_SOFTMAX))
		return 0;
	if ((l->cls == HG_KC_CONV2D || l->cls == HG_KC_DENSE) &&
	    !in_range(l->units, 1, QNN_MAX_DIM))
		return 0;
	if ((l->cls == HG_KC_CONV2D || l->cls == HG_KC_MAXPOOL) &&
	    (!in_range(l->kh, 1, QNN_MAX_DIM) || !in_range(l->kw, 1, QNN_MAX_DIM) ||
	     !in_range(l->sh, 1, QNN_MAX_DIM) || !in_range(l->sw, 1, QNN_MAX_DIM)))
		return 0;
	if (l->kernel_q.kind == HG_Q_RELU || l->bias_q.kind == HG_Q_RELU)
		return 0;
	return l->rate >= 0.0f && l->rate <= 1.0f;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1), err[512] = "";
	struct hg_keras_model m;
	int rc;

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = 0;
	rc = hg_keras_model_from_text(text, &m, err, sizeof(err));
	free(text);
	if (rc) {
		if (rc > 0 || !err[0])
			abort();
		return 0;
	}
	if (!m.n_layers || !in_range((int)m.in_h, 1, QNN_MAX_DIM) ||
	    !in_range((int)m.in_w, 1, QNN_MAX_DIM) || !in_range((int)m.in_c, 1, QNN_MAX_DIM))
		abort();
	for (size_t i = 0; i < m.n_layers; i++)
		if (!layer_ok(&m.layers[i]))
			abort();
	hg_keras_model_free(&m);
	return 0;
}
