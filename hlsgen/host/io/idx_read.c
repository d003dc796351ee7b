// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * idx_read.c - reader for the idx format of the MNIST family: 4-byte magic
 * (0, 0, type, ndim), ndim big-endian uint32 dimensions, big-endian data.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hlsgen_io.h"

#define IDX_MAX_FILE ((size_t)4 << 30)

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int idx_dtype(uint8_t code, enum hlsgen_dtype *t)
{
	switch (code) {
	case 0x08:
		*t = HLSGEN_DT_U8;
		return 0;
	case 0x09:
		*t = HLSGEN_DT_I8;
		return 0;
	case 0x0B:
		*t = HLSGEN_DT_I16;
		return 0;
	case 0x0C:
		*t = HLSGEN_DT_I32;
		return 0;
	case 0x0D:
		*t = HLSGEN_DT_F32;
		return 0;
	case 0x0E:
		*t = HLSGEN_DT_F64;
		return 0;
	default:
		return -1;
	}
}

static void from_big_endian(void *data, uint64_t count, size_t size)
{
	uint8_t *p = data;

	for (uint64_t i = 0; size > 1 && i < count; i++, p += size)
		for (size_t j = 0; j < size / 2; j++) {
			uint8_t t = p[j];

			p[j] = p[size - 1 - j];
			p[size - 1 - j] = t;
		}
}

int hlsgen_idx_parse(const void *buf, size_t len, const char *name, struct hlsgen_array *a,
		     char *err, size_t errlen)
{
	const uint8_t *b = buf;
	uint64_t count = 1;
	size_t esz, off;

	memset(a, 0, sizeof(*a));
	if (len < 4 || b[0] || b[1] || idx_dtype(b[2], &a->dtype)) {
		snprintf(err, errlen, "%s: not an idx file (bad magic)", name);
		return -EINVAL;
	}
	a->ndim = b[3];
	if (a->ndim < 1 || a->ndim > HLSGEN_ARRAY_MAX_DIM) {
		snprintf(err, errlen, "%s: idx file with %u dimensions", name, a->ndim);
		return -EINVAL;
	}
	off = 4 + 4 * (size_t)a->ndim;
	if (len < off) {
		snprintf(err, errlen, "%s: truncated idx header", name);
		return -EINVAL;
	}
	for (uint32_t i = 0; i < a->ndim; i++) {
		a->shape[i] = be32(b + 4 + 4 * i);
		if (a->shape[i] && count > UINT64_MAX / a->shape[i]) {
			snprintf(err, errlen, "%s: idx dimensions overflow", name);
			return -EINVAL;
		}
		count *= a->shape[i];
	}
	esz = hlsgen_dtype_size(a->dtype);
	if (count > (len - off) / esz || count * esz != len - off) {
		snprintf(err, errlen, "%s: idx data is %zu bytes, its header announces %llu x %zu",
			 name, len - off, (unsigned long long)count, esz);
		return -EINVAL;
	}
	a->data = malloc(count * esz + 1);
	if (!a->data) {
		snprintf(err, errlen, "%s: out of memory", name);
		return -ENOMEM;
	}
	memcpy(a->data, b + off, count * esz);
	from_big_endian(a->data, count, esz);
	a->count = count;
	return 0;
}

int hlsgen_idx_load(const char *path, struct hlsgen_array *a, char *err, size_t errlen)
{
	return hlsgen_array_load(path, IDX_MAX_FILE, hlsgen_idx_parse, a, err, errlen);
}
