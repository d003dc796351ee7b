// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * dataset.c - loads labelled evaluation data: the prepared idx data sets
 * (scripts/prepare-data.sh) or a pair of .npy files.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hlsgen_dataset.h"

#define MAX_LABEL 65535

static int label_value(double v, const char *name, uint64_t row, int32_t *out, char *err,
		       size_t errlen)
{
	if (!(v >= 0 && v <= MAX_LABEL) || v != floor(v)) {
		snprintf(err, errlen, "%s: label %g in row %llu is not a class index", name, v,
			 (unsigned long long)row);
		return -EINVAL;
	}
	*out = (int32_t)v;
	return 0;
}

static int one_hot_row(const struct hlsgen_array *a, const char *name, uint64_t row, int32_t *out,
		       char *err, size_t errlen)
{
	uint64_t k = a->shape[1];
	int64_t hot = -1;

	for (uint64_t j = 0; j < k; j++) {
		double v = hlsgen_array_get(a, row * k + j);

		if (v == 1 && hot < 0) {
			hot = (int64_t)j;
		} else if (v != 0) {
			snprintf(err, errlen,
				 "%s: row %llu is not one-hot (labels must be class indices or "
				 "one-hot rows)",
				 name, (unsigned long long)row);
			return -EINVAL;
		}
	}
	if (hot < 0) {
		snprintf(err, errlen, "%s: one-hot row %llu has no 1", name,
			 (unsigned long long)row);
		return -EINVAL;
	}
	*out = (int32_t)hot;
	return 0;
}

int hlsgen_labels_from_array(const struct hlsgen_array *a, const char *name, uint64_t n, int32_t *y,
			     uint32_t *n_classes, char *err, size_t errlen)
{
	int one_hot = a->ndim == 2 && a->shape[1] > 1;
	int32_t max = -1;
	char shape[160];

	if (a->ndim < 1 || a->ndim > 2 || a->shape[0] != n || (a->ndim == 2 && !a->shape[1]) ||
	    (one_hot && a->shape[1] > MAX_LABEL)) {
		snprintf(err, errlen, "%s: labels of shape %s do not fit %llu samples", name,
			 hlsgen_shape_str(a->shape, a->ndim, shape, sizeof(shape)),
			 (unsigned long long)n);
		return -EINVAL;
	}
	for (uint64_t i = 0; i < n; i++) {
		int ret = one_hot
			      ? one_hot_row(a, name, i, &y[i], err, errlen)
			      : label_value(hlsgen_array_get(a, i), name, i, &y[i], err, errlen);

		if (ret)
			return ret;
		if (y[i] > max)
			max = y[i];
	}
	*n_classes = one_hot ? (uint32_t)a->shape[1] : (uint32_t)(max + 1);
	return 0;
}

static int labels(const struct hlsgen_array *a, const char *name, struct hlsgen_dataset *d,
		  char *err, size_t errlen)
{
	d->y = malloc(d->n * sizeof(int32_t) + 1);
	if (!d->y) {
		snprintf(err, errlen, "%s: out of memory", name);
		return -ENOMEM;
	}
	return hlsgen_labels_from_array(a, name, d->n, d->y, &d->n_classes, err, errlen);
}

/*
 * uint8 idx images (N, rows, cols) -> x = u / 255 as np.float32(X / 255.),
 * for a model input of (rows, cols, 1) or flat (1, 1, rows * cols).
 */
static int idx_images(const struct hlsgen_array *img, const char *path, uint32_t h, uint32_t w,
		      uint32_t c, float **x, char *err, size_t errlen)
{
	char shape[160];
	int fits = img->dtype == HLSGEN_DT_U8 && img->ndim == 3 &&
		   ((img->shape[1] == h && img->shape[2] == w && c == 1) ||
		    (h == 1 && w == 1 && img->shape[1] * img->shape[2] == c));

	if (!fits) {
		snprintf(err, errlen, "%s: images %s %s do not fit the model input (%u, %u, %u)",
			 path, hlsgen_dtype_name(img->dtype),
			 hlsgen_shape_str(img->shape, img->ndim, shape, sizeof(shape)), h, w, c);
		return -EINVAL;
	}
	*x = malloc(img->count * sizeof(float) + 1);
	if (!*x) {
		snprintf(err, errlen, "%s: out of memory", path);
		return -ENOMEM;
	}
	for (uint64_t i = 0; i < img->count; i++)
		(*x)[i] = (float)(((const uint8_t *)img->data)[i] / 255.0);
	return 0;
}

static int load_idx_set(const char *set, const char *split, const char *dir, uint32_t h, uint32_t w,
			uint32_t c, struct hlsgen_dataset *d, char *err, size_t errlen)
{
	struct hlsgen_array img = {0}, lab = {0};
	char ipath[4096], lpath[4096];
	int ret;

	snprintf(ipath, sizeof(ipath), "%s/%s/%s-images-idx3-ubyte", dir, set, split);
	snprintf(lpath, sizeof(lpath), "%s/%s/%s-labels-idx1-ubyte", dir, set, split);
	ret = hlsgen_idx_load(ipath, &img, err, errlen);
	if (ret == -ENOENT)
		snprintf(err + strlen(err), errlen - strlen(err),
			 " (data sets come from --data-dir, $QNN_DATA, ../data beside the "
			 "executable or /usr/share/qnn/data; scripts/prepare-data.sh writes them)");
	if (!ret)
		ret = hlsgen_idx_load(lpath, &lab, err, errlen);
	if (!ret)
		ret = idx_images(&img, ipath, h, w, c, &d->x, err, errlen);
	if (!ret) {
		d->n = img.shape[0];
		ret = labels(&lab, lpath, d, err, errlen);
	}
	snprintf(d->name, sizeof(d->name), "%s:%s", set, split);
	hlsgen_array_free(&img);
	hlsgen_array_free(&lab);
	return ret;
}

static int load_npy_pair(const char *spec, const char *colon, uint32_t h, uint32_t w, uint32_t c,
			 struct hlsgen_dataset *d, char *err, size_t errlen)
{
	struct hlsgen_array xa = {0}, ya = {0};
	char xpath[4096];
	int ret;

	snprintf(xpath, sizeof(xpath), "%.*s", (int)(colon - spec), spec);
	ret = hlsgen_npy_load(xpath, &xa, err, errlen);
	if (!ret)
		ret = hlsgen_input_to_f32(&xa, xpath, h, w, c, &d->n, &d->x, err, errlen);
	if (!ret)
		ret = hlsgen_npy_load(colon + 1, &ya, err, errlen);
	if (!ret) {
		ret = labels(&ya, colon + 1, d, err, errlen);
	}
	snprintf(d->name, sizeof(d->name), "%.63s", xpath);
	hlsgen_array_free(&xa);
	hlsgen_array_free(&ya);
	return ret;
}

int hlsgen_dataset_load(const char *spec, const char *data_dir, uint32_t h, uint32_t w, uint32_t c,
			struct hlsgen_dataset *d, char *err, size_t errlen)
{
	const char *colon = strchr(spec, ':');
	size_t head = colon ? (size_t)(colon - spec) : strlen(spec);
	int ret;

	memset(d, 0, sizeof(*d));
	d->n_in = h * w * c;
	if ((head == 5 && !strncmp(spec, "mnist", 5)) ||
	    (head == 7 && !strncmp(spec, "fashion", 7))) {
		const char *split = colon ? colon + 1 : "test";

		if (strcmp(split, "test") && strcmp(split, "train")) {
			snprintf(err, errlen, "%s: split must be 'test' or 'train'", spec);
			return -EINVAL;
		}
		ret =
		    load_idx_set(head == 5 ? "mnist" : "fashion", split,
				 data_dir ? data_dir : hlsgen_data_dir(), h, w, c, d, err, errlen);
	} else if (colon) {
		ret = load_npy_pair(spec, colon, h, w, c, d, err, errlen);
	} else {
		snprintf(err, errlen, "%s: data must be mnist, fashion or X.npy:Y.npy", spec);
		return -EINVAL;
	}
	if (ret)
		hlsgen_dataset_free(d);
	return ret;
}

void hlsgen_dataset_free(struct hlsgen_dataset *d)
{
	free(d->x);
	free(d->y);
	d->x = NULL;
	d->y = NULL;
}
