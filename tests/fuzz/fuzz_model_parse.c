// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * fuzz_model_parse.c - libFuzzer target for qnn_model_parse().
 *
 * Each input is parsed twice: as given (exercises the size, magic, version
 * and checksum checks) and with its crc32 field recomputed, so mutations
 * reach the structural checks behind the checksum. A successful parse is
 * then walked the way the engine would walk it, so a validator gap shows up
 * as an ASan report instead of passing silently.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "qnn_model.h"

static uint64_t touch_model(const struct qnn_model *m)
{
	uint64_t sum = m->n_in + m->n_out + m->max_tensor;

	for (uint32_t i = 0; i < m->n_layers; i++) {
		const struct qnn_layer *l = &m->layers[i];
		const struct qnn_layer_rec *r = l->rec;

		if (l->weights)
			sum += (uint32_t)l->weights[r->weights.count - 1];
		if (l->bias)
			sum += (uint32_t)l->bias[r->bias.count - 1];
		if (l->exp_table)
			sum += (uint32_t)l->exp_table[r->table_size - 1] +
			       (uint32_t)l->inv_table[r->table_size - 1];
		if (l->float_weights)
			sum += l->float_weights[r->float_weights.count - 1];
		if (l->float_bias)
			sum += l->float_bias[r->float_bias.count - 1];
		/* the engine sizes buffers from max_tensor: every output must fit */
		if ((uint64_t)r->out_h * r->out_w * r->out_c > m->max_tensor)
			abort();
	}
	return sum;
}

static void parse_once(const uint8_t *buf, size_t len)
{
	static struct qnn_model m;
	char err[160];
	volatile uint64_t sink;

	if (qnn_model_parse(buf, len, &m, err, sizeof(err)) == 0)
		sink = touch_model(&m);
	else if (!err[0])
		abort(); /* every rejection must say why */
	(void)sink;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct qnn_file_header *h;
	uint8_t *buf;

	if (size > QNN_MAX_FILE_SIZE)
		return 0;
	/* exact-size allocation (malloc is 16-aligned): ASan catches any
	 * read past the end */
	buf = malloc(size ? size : 1);
	if (!buf)
		return 0;
	memcpy(buf, data, size);
	parse_once(buf, size);
	if (size >= sizeof(*h)) {
		h = (struct qnn_file_header *)buf;
		h->crc32 = 0;
		h->crc32 = qnn_crc32(0, buf, size);
		parse_once(buf, size);
	}
	free(buf);
	return 0;
}
