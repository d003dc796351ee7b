/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * hlsgen_dataset.h - labelled evaluation data for `hlsgen eval`:
 *   "mnist", "fashion"      the test split prepared in <data dir>/<name>/
 *   "mnist:train", ...      the training split
 *   "X.npy:Y.npy"           inputs (any numeric dtype, model-shaped) and
 *                           labels (integers (N,) / (N, 1), or one-hot (N, K))
 * idx images are uint8 pixels u and become x = u / 255 (float32).
 */
#ifndef HLSGEN_DATASET_H
#define HLSGEN_DATASET_H

#include <stddef.h>
#include <stdint.h>

#include "hlsgen_io.h"

struct hlsgen_dataset {
	char name[64];
	uint64_t n;
	uint32_t n_in;	    /* values per sample (the model's h * w * c) */
	float *x;	    /* n * n_in, (h, w, c) order */
	int32_t *y;	    /* n labels, each >= 0 */
	uint32_t n_classes; /* one-hot width, or max label + 1 */
};

/*
 * The data-set directory, the same for every tool and working directory
 * (data_dir.c): $QNN_DATA when set, else ../data beside the executable
 * when it exists (the build tree's build/data), else /usr/share/qnn/data.
 * A tool's --data-dir option is passed to hlsgen_dataset_load instead.
 */
const char *hlsgen_data_dir(void);

/*
 * Load spec for a model whose input is (h, w, c). data_dir NULL means
 * hlsgen_data_dir(). 0 or a negative errno code with a message in err.
 */
int hlsgen_dataset_load(const char *spec, const char *data_dir, uint32_t h, uint32_t w, uint32_t c,
			struct hlsgen_dataset *d, char *err, size_t errlen);
void hlsgen_dataset_free(struct hlsgen_dataset *d);

/*
 * Labels from an array with n rows: integer-valued (N,) or (N, 1), or
 * one-hot (N, K) rows (exactly one 1, the rest 0). y gets n labels.
 */
int hlsgen_labels_from_array(const struct hlsgen_array *a, const char *name, uint64_t n, int32_t *y,
			     uint32_t *n_classes, char *err, size_t errlen);

#endif /* HLSGEN_DATASET_H */
