// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * model_input.c - turns an array file into a model's float32 input batch,
 * checking its shape against the model's (h, w, c) input.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hlsgen_io.h"

static int shape_fits(const struct hlsgen_array *a, uint32_t h, uint32_t w, uint32_t c)
{
	uint64_t n_in = (uint64_t)h * w * c;

	if (a->ndim == 2)
		return a->shape[1] == n_in;
	if (a->ndim == 3)
		return c == 1 && a->shape[1] == h && a->shape[2] == w;
	if (a->ndim == 4)
		return a->shape[1] == h && a->shape[2] == w && a->shape[3] == c;
	return 0;
}

int hlsgen_input_to_f32(const struct hlsgen_array *a, const char *name, uint32_t h, uint32_t w,
			uint32_t c, uint64_t *n, float **x, char *err, size_t errlen)
{
	char got[160];
	float *out;

	if (!shape_fits(a, h, w, c)) {
		char hw[48] = "";

		if (c == 1)
			snprintf(hw, sizeof(hw), ", (N, %u, %u)", h, w);
		hlsgen_shape_str(a->shape, a->ndim, got, sizeof(got));
		snprintf(err, errlen,
			 "%s: input shape %s does not fit the model: expected (N, %u, %u, %u)%s or "
			 "(N, %u)",
			 name, got, h, w, c, hw, h * w * c);
		return -EINVAL;
	}
	if (a->dtype == HLSGEN_DT_BOOL) {
		snprintf(err, errlen, "%s: boolean arrays are not model inputs", name);
		return -EINVAL;
	}
	out = malloc(a->count * sizeof(float) + 1);
	if (!out) {
		snprintf(err, errlen, "%s: out of memory", name);
		return -ENOMEM;
	}
	if (a->dtype == HLSGEN_DT_F32)
		memcpy(out, a->data, a->count * sizeof(float));
	else
		for (uint64_t i = 0; i < a->count; i++)
			out[i] = (float)hlsgen_array_get(a, i);
	*n = a->shape[0];
	*x = out;
	return 0;
}

static int ends_with(const char *s, const char *suffix)
{
	size_t ls = strlen(s), lx = strlen(suffix);

	return ls >= lx && !strcmp(s + ls - lx, suffix);
}

int hlsgen_input_load(const char *path, uint32_t h, uint32_t w, uint32_t c, uint64_t *n, float **x,
		      char *err, size_t errlen)
{
	struct hlsgen_array a;
	int ret;

	if (ends_with(path, ".npy"))
		ret = hlsgen_npy_load(path, &a, err, errlen);
	else
		ret = hlsgen_f32_load(path, h * w * c, &a, err, errlen);
	if (ret)
		return ret;
	ret = hlsgen_input_to_f32(&a, path, h, w, c, n, x, err, errlen);
	hlsgen_array_free(&a);
	return ret;
}

uint64_t hlsgen_find_nonfinite(const float *x, uint64_t count)
{
	for (uint64_t i = 0; i < count; i++)
		if (!isfinite(x[i]))
			return i;
	return count;
}
