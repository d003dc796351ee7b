// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * input.c - turns a file into model-shaped float samples for `qnnctl
 * classify`, choosing the reader by the file name. Array formats go
 * through hlsgen's readers (the same ones `hlsgen run` uses, so qnnctl and
 * hlsgen agree on what a file means: hlsgen_io.h's input rule); images
 * have their own readers, which scale pixels by the same rule.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* program_invocation_short_name */
#endif
#include <errno.h>
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
static int single_sample(const struct hlsgen_array *a, const char *path,
			 const struct qnn_model_info *m, float **x, char *err, size_t errlen)
{
	float *v = malloc((size_t)m->n_in * sizeof(*v));
	char msg[320];

	if (!v) {
		snprintf(err, errlen, "%s: out of memory", path);
		return -1;
	}
	if (hlsgen_input_values(a, path, v, err, errlen)) {
		free(v);
		return -1;
	}
	if (hlsgen_input_suspect(a, v, m->n_in, msg, sizeof(msg)))
		fprintf(stderr, "%s: warning: %s: %s\n", program_invocation_short_name, path, msg);
	*x = v;
	return 0;
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
		r = has_suffix(path, ".npy") ? hlsgen_npy_load(path, &a, err, errlen)
					     : hlsgen_idx_load(path, &a, err, errlen);
		if (r)
			return -1;
		if (a.count == m->n_in && (a.ndim == 0 || a.shape[0] != 1)) {
			*n = 1;
			r = single_sample(&a, path, m, x, err, errlen);
		} else {
			r = hlsgen_input_to_f32(&a, path, m->in_h, m->in_w, m->in_c, n, x, err,
						errlen);
		}
		hlsgen_array_free(&a);
		return r ? -1 : 0;
	}
	/* Anything else is raw float32, the format hls4ml's tb_data uses in binary form. */
	r = hlsgen_input_load(path, m->in_h, m->in_w, m->in_c, n, x, err, errlen);
	return r ? -1 : 0;
}
