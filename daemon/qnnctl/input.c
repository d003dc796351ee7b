// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * input.c - turns a file into model-shaped float samples for `qnnctl
 * classify`, choosing the reader by the file name. Array formats go
 * through hlsgen's readers (the same ones `hlsgen run` uses, so qnnctl and
 * hlsgen agree on what a file means); images have their own readers.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "hlsgen_io.h"
#include "qnn.h"
#include "qnnctl.h"

static int has_suffix(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);

	return n >= k && !strcasecmp(s + n - k, suffix);
}

/* One sample given without the leading N axis, e.g. a (28, 28) .npy. */
static int single_sample(const struct hlsgen_array *a, const struct qnn_model_info *m, float **x)
{
	float *v = malloc((size_t)m->n_in * sizeof(*v));

	if (!v)
		return -1;
	for (uint32_t i = 0; i < m->n_in; i++)
		v[i] = (float)hlsgen_array_get(a, i);
	*x = v;
	return 0;
}

/* idx images are pixels: scale u8 by 1/255 exactly as the data-set loader does. */
static int idx_samples(const struct hlsgen_array *a, const char *path,
		       const struct qnn_model_info *m, uint64_t *n, float **x, char *err,
		       size_t errlen)
{
	int r = hlsgen_input_to_f32(a, path, m->in_h, m->in_w, m->in_c, n, x, err, errlen);

	if (r == 0 && a->dtype == HLSGEN_DT_U8)
		for (uint64_t i = 0; i < *n * m->n_in; i++)
			(*x)[i] /= 255.0f;
	return r;
}

int qnnctl_load_input(const char *path, const struct qnn_model_info *m, uint64_t *n, float **x,
		      char *err, size_t errlen)
{
	struct hlsgen_array a;
	int r;

	if (has_suffix(path, ".pgm") || has_suffix(path, ".pnm")) {
		*n = 1;
		return qnnctl_load_pgm(path, m, x, err, errlen);
	}
	if (has_suffix(path, ".png")) {
		*n = 1;
		return qnnctl_load_png(path, m, x, err, errlen);
	}
	if (has_suffix(path, ".npy") || has_suffix(path, ".idx") || has_suffix(path, "-ubyte")) {
		int is_npy = has_suffix(path, ".npy");

		r = is_npy ? hlsgen_npy_load(path, &a, err, errlen)
			   : hlsgen_idx_load(path, &a, err, errlen);
		if (r)
			return -1;
		if (a.count == m->n_in && (a.ndim == 0 || a.shape[0] != 1)) {
			*n = 1;
			r = single_sample(&a, m, x);
			if (r)
				snprintf(err, errlen, "%s: out of memory", path);
		} else if (is_npy) {
			r = hlsgen_input_to_f32(&a, path, m->in_h, m->in_w, m->in_c, n, x, err,
						errlen);
		} else {
			r = idx_samples(&a, path, m, n, x, err, errlen);
		}
		hlsgen_array_free(&a);
		return r ? -1 : 0;
	}
	/* Anything else is raw float32, the format hls4ml's tb_data uses in binary form. */
	r = hlsgen_input_load(path, m->in_h, m->in_w, m->in_c, n, x, err, errlen);
	return r ? -1 : 0;
}
