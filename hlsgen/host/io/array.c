// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * array.c - struct hlsgen_array helpers shared by the .npy, idx and .f32
 * readers, the whole-file reader and writer they all use, and "read the
 * file, parse the buffer" (hlsgen_array_load) for the .npy and idx loaders.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hlsgen_io.h"

static const struct {
	const char *name;
	size_t size;
} dtypes[HLSGEN_DT_COUNT] = {
    [HLSGEN_DT_BOOL] = {"bool", 1},   [HLSGEN_DT_U8] = {"uint8", 1},
    [HLSGEN_DT_I8] = {"int8", 1},     [HLSGEN_DT_U16] = {"uint16", 2},
    [HLSGEN_DT_I16] = {"int16", 2},   [HLSGEN_DT_U32] = {"uint32", 4},
    [HLSGEN_DT_I32] = {"int32", 4},   [HLSGEN_DT_U64] = {"uint64", 8},
    [HLSGEN_DT_I64] = {"int64", 8},   [HLSGEN_DT_F32] = {"float32", 4},
    [HLSGEN_DT_F64] = {"float64", 8},
};

size_t hlsgen_dtype_size(enum hlsgen_dtype t)
{
	return (unsigned)t < HLSGEN_DT_COUNT ? dtypes[t].size : 0;
}

const char *hlsgen_dtype_name(enum hlsgen_dtype t)
{
	return (unsigned)t < HLSGEN_DT_COUNT ? dtypes[t].name : "?";
}

double hlsgen_array_get(const struct hlsgen_array *a, uint64_t i)
{
	switch (a->dtype) {
	case HLSGEN_DT_BOOL:
	case HLSGEN_DT_U8:
		return ((const uint8_t *)a->data)[i];
	case HLSGEN_DT_I8:
		return ((const int8_t *)a->data)[i];
	case HLSGEN_DT_U16:
		return ((const uint16_t *)a->data)[i];
	case HLSGEN_DT_I16:
		return ((const int16_t *)a->data)[i];
	case HLSGEN_DT_U32:
		return ((const uint32_t *)a->data)[i];
	case HLSGEN_DT_I32:
		return ((const int32_t *)a->data)[i];
	case HLSGEN_DT_U64:
		return (double)((const uint64_t *)a->data)[i];
	case HLSGEN_DT_I64:
		return (double)((const int64_t *)a->data)[i];
	case HLSGEN_DT_F32:
		return ((const float *)a->data)[i];
	case HLSGEN_DT_F64:
		return ((const double *)a->data)[i];
	default:
		return 0;
	}
}

const char *hlsgen_shape_str(const uint64_t *shape, uint32_t ndim, char *buf, size_t len)
{
	size_t off = 0;

	off += snprintf(buf + off, len - off, "(");
	for (uint32_t i = 0; i < ndim && off < len; i++)
		off += snprintf(buf + off, len - off, "%s%llu", i ? ", " : "",
				(unsigned long long)shape[i]);
	if (off < len)
		snprintf(buf + off, len - off, ndim == 1 ? ",)" : ")");
	return buf;
}

void hlsgen_array_free(struct hlsgen_array *a)
{
	free(a->data);
	a->data = NULL;
	a->count = 0;
}

int hlsgen_read_file(const char *path, size_t max_len, void **buf, size_t *len, char *err,
		     size_t errlen)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	int ret = 0;
	char *p = NULL;

	if (fd < 0) {
		ret = -errno;
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return ret;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		ret = -EINVAL;
		snprintf(err, errlen, "%s: not a regular file", path);
		goto out;
	}
	if ((uint64_t)st.st_size > max_len) {
		ret = -EFBIG;
		snprintf(err, errlen, "%s: %lld bytes is more than the limit of %zu", path,
			 (long long)st.st_size, max_len);
		goto out;
	}
	/* +1: a valid pointer for an empty file, and room for the NUL */
	p = malloc((size_t)st.st_size + 1);
	if (!p) {
		ret = -ENOMEM;
		snprintf(err, errlen, "%s: out of memory", path);
		goto out;
	}
	for (size_t got = 0; got < (size_t)st.st_size;) {
		ssize_t r = read(fd, p + got, (size_t)st.st_size - got);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			ret = r < 0 ? -errno : -EIO;
			snprintf(err, errlen, "%s: read failed: %s", path,
				 r < 0 ? strerror(errno) : "file shrank while reading");
			free(p);
			p = NULL;
			goto out;
		}
		got += (size_t)r;
	}
	p[st.st_size] = 0;
	*buf = p;
	*len = (size_t)st.st_size;
out:
	close(fd);
	return ret;
}

int hlsgen_write_file(const char *path, const void *head, size_t head_len, const void *data,
		      size_t data_len, char *err, size_t errlen)
{
	FILE *f = fopen(path, "wb");
	int ok, e;

	if (!f) {
		e = errno;
		snprintf(err, errlen, "%s: %s", path, strerror(e));
		return -e;
	}
	ok = (head_len == 0 || fwrite(head, 1, head_len, f) == head_len) &&
	     (data_len == 0 || fwrite(data, 1, data_len, f) == data_len);
	/* a full disk may only show when the buffered rest is flushed */
	if (fclose(f) != 0)
		ok = 0;
	if (!ok) {
		snprintf(err, errlen, "%s: write failed: %s", path, strerror(errno));
		return -EIO;
	}
	return 0;
}

int hlsgen_array_load(const char *path, size_t max_len, hlsgen_array_parser parse,
		      struct hlsgen_array *a, char *err, size_t errlen)
{
	void *buf;
	size_t len;
	int ret = hlsgen_read_file(path, max_len, &buf, &len, err, errlen);

	if (ret)
		return ret;
	ret = parse(buf, len, path, a, err, errlen);
	free(buf);
	return ret;
}
