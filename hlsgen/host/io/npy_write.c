// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * npy_write.c - writes float32 / int32 arrays as C-order .npy 1.0 files,
 * the way numpy.save does (header padded with spaces to a multiple of 64
 * bytes and ended by a newline, so np.load memory-maps it aligned).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "hlsgen_io.h"

static int build_header(enum hlsgen_dtype dtype, uint32_t ndim, const uint64_t *shape, char *hdr,
			size_t hdrlen, size_t *total)
{
	char dims[256];
	size_t len;

	hlsgen_shape_str(shape, ndim, dims, sizeof(dims));
	len = (size_t)snprintf(hdr + 10, hdrlen - 10,
			       "{'descr': '%s', 'fortran_order': False, 'shape': %s, }",
			       dtype == HLSGEN_DT_F32 ? "<f4" : "<i4", dims);
	if (len + 10 + 1 >= hdrlen)
		return -EINVAL;
	/* pad so that magic + length + dict + '\n' is a multiple of 64 */
	while ((10 + len + 1) % 64)
		hdr[10 + len++] = ' ';
	hdr[10 + len++] = '\n';
	memcpy(hdr, "\x93NUMPY\x01\x00", 8);
	hdr[8] = (char)(len & 0xff);
	hdr[9] = (char)(len >> 8);
	*total = 10 + len;
	return 0;
}

int hlsgen_npy_save(const char *path, enum hlsgen_dtype dtype, const void *data, uint32_t ndim,
		    const uint64_t *shape, char *err, size_t errlen)
{
	char hdr[512];
	size_t hlen;
	uint64_t count = 1;

	if ((dtype != HLSGEN_DT_F32 && dtype != HLSGEN_DT_I32) || ndim > HLSGEN_ARRAY_MAX_DIM ||
	    build_header(dtype, ndim, shape, hdr, sizeof(hdr), &hlen)) {
		snprintf(err, errlen, "%s: cannot write this array as .npy", path);
		return -EINVAL;
	}
	for (uint32_t i = 0; i < ndim; i++)
		count *= shape[i];
	/* the host is little-endian (x86_64, arm64), as '<f4'/'<i4' say */
	return hlsgen_write_file(path, hdr, hlen, data, count * 4, err, errlen);
}
