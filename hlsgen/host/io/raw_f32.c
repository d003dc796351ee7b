// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * raw_f32.c - headerless little-endian float32 files (.f32): what the
 * accelerator's DMA buffers hold, sample after sample.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hlsgen_io.h"

#define F32_MAX_FILE ((size_t)16 << 30)

int hlsgen_f32_load(const char *path, uint32_t n_per_sample, struct hlsgen_array *a, char *err,
		    size_t errlen)
{
	size_t len, sample_bytes = (size_t)n_per_sample * 4;
	void *buf;
	int ret;

	memset(a, 0, sizeof(*a));
	if (!n_per_sample) {
		snprintf(err, errlen, "%s: zero values per sample", path);
		return -EINVAL;
	}
	ret = hlsgen_read_file(path, F32_MAX_FILE, &buf, &len, err, errlen);
	if (ret)
		return ret;
	if (len == 0 || len % sample_bytes) {
		snprintf(err, errlen,
			 "%s: %zu bytes is not a whole number of samples of %u float32 values "
			 "(%zu bytes each)",
			 path, len, n_per_sample, sample_bytes);
		free(buf);
		return -EINVAL;
	}
	a->dtype = HLSGEN_DT_F32;
	a->ndim = 2;
	a->shape[0] = len / sample_bytes;
	a->shape[1] = n_per_sample;
	a->count = len / 4;
	a->data = buf; /* little-endian host: the bytes are the floats */
	return 0;
}

int hlsgen_f32_save(const char *path, const float *data, uint64_t count, char *err, size_t errlen)
{
	/* little-endian host: the floats are the file's bytes */
	return hlsgen_write_file(path, NULL, 0, data, count * 4, err, errlen);
}
