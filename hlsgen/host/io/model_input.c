// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * model_input.c - turns an array file into a model's float32 input batch,
 * checking its shape against the model's (h, w, c) input.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* program_invocation_short_name */
#endif
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

/* The dtype's maximum for the integer dtypes that are pixel values, else 0. */
static double pixel_max(enum hlsgen_dtype t)
{
	return t == HLSGEN_DT_U8 ? 255.0 : t == HLSGEN_DT_U16 ? 65535.0 : 0.0;
}

int hlsgen_input_values(const struct hlsgen_array *a, const char *name, float *out, char *err,
			size_t errlen)
{
	double max = pixel_max(a->dtype);

	if (a->dtype == HLSGEN_DT_F32) {
		memcpy(out, a->data, a->count * sizeof(float));
	} else if (a->dtype == HLSGEN_DT_F64) {
		for (uint64_t i = 0; i < a->count; i++)
			out[i] = (float)hlsgen_array_get(a, i);
	} else if (max > 0) {
		/* (float)(u / max) is np.float32(X / 255.): one rounding of the exact quotient */
		for (uint64_t i = 0; i < a->count; i++)
			out[i] = (float)(hlsgen_array_get(a, i) / max);
	} else {
		snprintf(err, errlen,
			 "%s: %s arrays are not model inputs: give float32/float64 values as the "
			 "model was trained on them, or uint8/uint16 pixels (divided by 255/65535)",
			 name, hlsgen_dtype_name(a->dtype));
		return -EINVAL;
	}
	return 0;
}

int hlsgen_input_suspect(const struct hlsgen_array *a, const float *x, uint64_t count, char *msg,
			 size_t len)
{
	float hi = 0;

	if (a->dtype != HLSGEN_DT_F32 && a->dtype != HLSGEN_DT_F64)
		return 0;
	for (uint64_t i = 0; i < count; i++) {
		if (!isfinite(x[i]) || x[i] < 0 || x[i] > 255 || x[i] != floorf(x[i]))
			return 0;
		if (x[i] > hi)
			hi = x[i];
	}
	if (hi <= 1.5f)
		return 0;
	snprintf(msg, len,
		 "%s values are whole numbers in 0..%.0f: unscaled 0..255 pixels? The models "
		 "here are trained on pixels / 255 (as idx, PGM and PNG inputs are scaled); "
		 "divide by 255 or save the array as uint8",
		 hlsgen_dtype_name(a->dtype), hi);
	return 1;
}

int hlsgen_input_to_f32(const struct hlsgen_array *a, const char *name, uint32_t h, uint32_t w,
			uint32_t c, uint64_t *n, float **x, char *err, size_t errlen)
{
	char got[160], msg[320];
	float *out;
	int ret;

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
	out = malloc(a->count * sizeof(float) + 1);
	if (!out) {
		snprintf(err, errlen, "%s: out of memory", name);
		return -ENOMEM;
	}
	ret = hlsgen_input_values(a, name, out, err, errlen);
	if (ret) {
		free(out);
		return ret;
	}
	if (hlsgen_input_suspect(a, out, a->count, msg, sizeof(msg)))
		fprintf(stderr, "%s: warning: %s: %s\n", program_invocation_short_name, name, msg);
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
