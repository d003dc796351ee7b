/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * hlsgen_model_write.h - build a .qnn model file from an in-memory
 * description (host only). Used by the importer and the trainer.
 *
 * Usage:
 *   struct hlsgen_model_desc d = { .name = "mnist", .in_h = 28, ... };
 *   struct hlsgen_layer_desc layers[N] = { ... };  // rec + arrays
 *   d.layers = layers; d.n_layers = N;
 *   hlsgen_model_write_file(&d, "out.qnn", err, sizeof(err));
 *
 * In each layer's rec, fill name, kind, flags, shapes, geometry, types,
 * table_size and quantizers; leave the blob refs zero: the writer lays the
 * arrays out (8-byte aligned, in layer order) and sets them. Header fields
 * the writer owns (magic, version, sizes, crc, n_layers) are computed.
 */
#ifndef HLSGEN_MODEL_WRITE_H
#define HLSGEN_MODEL_WRITE_H

#include <stddef.h>
#include <stdint.h>

#include "qnn_model.h"

struct hlsgen_layer_desc {
	struct qnn_layer_rec rec; /* blob refs are ignored and overwritten */
	const int32_t *weights;	  /* codes in rec.weight_t */
	uint32_t n_weights;
	const int32_t *bias; /* codes in rec.bias_t */
	uint32_t n_bias;
	const int32_t *exp_table; /* rec.table_size codes (softmax) */
	const int32_t *inv_table;
	uint32_t n_table;	    /* entries in each table; 0 = none */
	const float *float_weights; /* optional; n_weights floats */
	const float *float_bias;    /* optional; n_bias floats */
};

struct hlsgen_model_desc {
	const char *name; /* < QNN_NAME_LEN bytes */
	uint32_t in_h, in_w, in_c;
	uint32_t n_out; /* 0: taken from the last layer's output */
	struct qnn_fixed_type input_t;
	uint16_t hls4ml_major, hls4ml_minor;
	uint32_t n_layers;
	const struct hlsgen_layer_desc *layers;
};

/* Skip the self-check: only tests that build malformed files want this. */
#define HLSGEN_MW_NO_VALIDATE 0x1u

/*
 * Lay out the file in a malloc'ed, 8-byte aligned buffer (*out, *out_len;
 * free() it). Unless HLSGEN_MW_NO_VALIDATE, the result is checked with
 * qnn_model_parse() so a writer never produces a file readers reject.
 * Returns 0 or a negative errno code with a message in err.
 */
int hlsgen_model_build(const struct hlsgen_model_desc *d, unsigned int flags, void **out,
		       size_t *out_len, char *err, size_t errlen);

/* hlsgen_model_build() + write to path (atomically: temp file + rename). */
int hlsgen_model_write_file(const struct hlsgen_model_desc *d, const char *path, char *err,
			    size_t errlen);

/* Write a file image to path atomically (temp file, fsync, rename). */
int hlsgen_model_save(const void *buf, size_t len, const char *path, char *err, size_t errlen);

/* Recompute the crc32 field of a file image in place (for tests and tools). */
void hlsgen_model_seal(void *buf, size_t len);

#endif
