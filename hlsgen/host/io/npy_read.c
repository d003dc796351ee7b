// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * npy_read.c - NumPy .npy reader (format versions 1.0, 2.0, 3.0).
 *
 * The header is a Python dict literal such as
 *   {'descr': '<f4', 'fortran_order': False, 'shape': (100, 28, 28, 1), }
 * parsed here by a small strict scanner: the three keys numpy writes,
 * nothing else. Anything we cannot represent faithfully is refused with a
 * message rather than guessed at.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hlsgen_io.h"

#define NPY_MAX_FILE ((size_t)16 << 30)

struct npy_header {
	enum hlsgen_dtype dtype;
	int swap; /* big-endian data */
	int fortran;
	uint32_t ndim;
	uint64_t shape[HLSGEN_ARRAY_MAX_DIM];
	int have_descr, have_order, have_shape;
};

struct scanner {
	const char *p, *end;
	const char *name;
	char *err;
	size_t errlen;
};

static int fail(struct scanner *s, const char *what)
{
	snprintf(s->err, s->errlen, "%s: bad .npy header: %s", s->name, what);
	return -EINVAL;
}

static void skip_ws(struct scanner *s)
{
	while (s->p < s->end && isspace((unsigned char)*s->p))
		s->p++;
}

static int expect(struct scanner *s, char c)
{
	skip_ws(s);
	if (s->p >= s->end || *s->p != c) {
		char msg[32];

		snprintf(msg, sizeof(msg), "expected '%c'", c);
		return fail(s, msg);
	}
	s->p++;
	return 0;
}

/* A quoted Python string without escapes (all numpy ever writes here). */
static int scan_string(struct scanner *s, char *out, size_t outlen)
{
	char q;
	size_t n = 0;

	skip_ws(s);
	if (s->p >= s->end || (*s->p != '\'' && *s->p != '"'))
		return fail(s, "expected a quoted string");
	q = *s->p++;
	while (s->p < s->end && *s->p != q) {
		if (*s->p == '\\' || n + 1 >= outlen)
			return fail(s, "string too long or escaped");
		out[n++] = *s->p++;
	}
	if (s->p >= s->end)
		return fail(s, "unterminated string");
	s->p++;
	out[n] = 0;
	return 0;
}

static int parse_descr(struct scanner *s, struct npy_header *h, const char *d)
{
	static const struct {
		char kind;
		int size;
		enum hlsgen_dtype t;
	} known[] = {
	    {'b', 1, HLSGEN_DT_BOOL}, {'u', 1, HLSGEN_DT_U8},  {'i', 1, HLSGEN_DT_I8},
	    {'u', 2, HLSGEN_DT_U16},  {'i', 2, HLSGEN_DT_I16}, {'u', 4, HLSGEN_DT_U32},
	    {'i', 4, HLSGEN_DT_I32},  {'u', 8, HLSGEN_DT_U64}, {'i', 8, HLSGEN_DT_I64},
	    {'f', 4, HLSGEN_DT_F32},  {'f', 8, HLSGEN_DT_F64},
	};
	char *endp;
	long size;

	if (strlen(d) < 3 || !strchr("<>|=", d[0]))
		goto unsupported;
	size = strtol(d + 2, &endp, 10);
	if (*endp)
		goto unsupported;
	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
		if (known[i].kind == d[1] && known[i].size == size) {
			h->dtype = known[i].t;
			h->swap = d[0] == '>' && size > 1;
			return 0;
		}
	}
unsupported:
	snprintf(s->err, s->errlen,
		 "%s: unsupported .npy dtype '%s' (supported: bool, int8..int64, uint8..uint64, "
		 "float32, float64)",
		 s->name, d);
	return -EOPNOTSUPP;
}

static int parse_shape(struct scanner *s, struct npy_header *h)
{
	int ret = expect(s, '(');

	if (ret)
		return ret;
	h->ndim = 0;
	for (;;) {
		uint64_t v = 0;

		skip_ws(s);
		if (s->p < s->end && *s->p == ')')
			break;
		if (s->p >= s->end || !isdigit((unsigned char)*s->p))
			return fail(s, "shape must be a tuple of non-negative integers");
		while (s->p < s->end && isdigit((unsigned char)*s->p)) {
			if (v > (UINT64_MAX - 9) / 10)
				return fail(s, "shape dimension too large");
			v = v * 10 + (uint64_t)(*s->p++ - '0');
		}
		if (h->ndim == HLSGEN_ARRAY_MAX_DIM)
			return fail(s, "more than 8 dimensions");
		h->shape[h->ndim++] = v;
		skip_ws(s);
		if (s->p < s->end && *s->p == ',')
			s->p++;
		else if (s->p < s->end && *s->p != ')')
			return fail(s, "expected ',' or ')' in shape");
	}
	s->p++;
	return 0;
}

static int parse_bool(struct scanner *s, int *v)
{
	skip_ws(s);
	if (s->end - s->p >= 4 && !memcmp(s->p, "True", 4)) {
		s->p += 4;
		*v = 1;
		return 0;
	}
	if (s->end - s->p >= 5 && !memcmp(s->p, "False", 5)) {
		s->p += 5;
		*v = 0;
		return 0;
	}
	return fail(s, "fortran_order must be True or False");
}

static int parse_entry(struct scanner *s, struct npy_header *h)
{
	char key[32], val[64];
	int ret = scan_string(s, key, sizeof(key));

	if (!ret)
		ret = expect(s, ':');
	if (ret)
		return ret;
	if (!strcmp(key, "descr")) {
		skip_ws(s);
		if (s->p < s->end && *s->p == '[') {
			snprintf(s->err, s->errlen, "%s: structured .npy dtypes are not supported",
				 s->name);
			return -EOPNOTSUPP;
		}
		ret = scan_string(s, val, sizeof(val));
		h->have_descr = 1;
		return ret ? ret : parse_descr(s, h, val);
	}
	if (!strcmp(key, "fortran_order")) {
		h->have_order = 1;
		return parse_bool(s, &h->fortran);
	}
	if (!strcmp(key, "shape")) {
		h->have_shape = 1;
		return parse_shape(s, h);
	}
	return fail(s, "unknown key (expected descr, fortran_order, shape)");
}

static int parse_dict(struct scanner *s, struct npy_header *h)
{
	int ret = expect(s, '{');

	while (!ret) {
		skip_ws(s);
		if (s->p < s->end && *s->p == '}')
			break;
		ret = parse_entry(s, h);
		if (ret)
			return ret;
		skip_ws(s);
		if (s->p < s->end && *s->p == ',')
			s->p++;
		else if (s->p >= s->end || *s->p != '}')
			return fail(s, "expected ',' or '}'");
	}
	if (ret)
		return ret;
	if (!h->have_descr || !h->have_order || !h->have_shape)
		return fail(s, "missing descr, fortran_order or shape");
	return 0;
}

/* Locate the header text and the data; checks magic and version. */
static int split_file(const uint8_t *b, size_t len, struct scanner *s, size_t *data_off)
{
	size_t hlen, hoff;

	if (len < 10 || memcmp(b, "\x93NUMPY", 6))
		return fail(s, "not a .npy file (magic \\x93NUMPY missing)");
	if (b[6] == 1) {
		hlen = b[8] | (size_t)b[9] << 8;
		hoff = 10;
	} else if (b[6] == 2 || b[6] == 3) {
		if (len < 12)
			return fail(s, "truncated header");
		hlen = b[8] | (size_t)b[9] << 8 | (size_t)b[10] << 16 | (size_t)b[11] << 24;
		hoff = 12;
	} else {
		snprintf(s->err, s->errlen, "%s: unsupported .npy format version %u.%u", s->name,
			 b[6], b[7]);
		return -EOPNOTSUPP;
	}
	if (hlen > len - hoff)
		return fail(s, "truncated header");
	s->p = (const char *)b + hoff;
	s->end = s->p + hlen;
	*data_off = hoff + hlen;
	return 0;
}

static void byteswap(void *data, uint64_t count, size_t size)
{
	uint8_t *p = data;

	for (uint64_t i = 0; i < count; i++, p += size)
		for (size_t j = 0; j < size / 2; j++) {
			uint8_t t = p[j];

			p[j] = p[size - 1 - j];
			p[size - 1 - j] = t;
		}
}

static int check_size(struct scanner *s, const struct npy_header *h, size_t avail, uint64_t *count)
{
	size_t esz = hlsgen_dtype_size(h->dtype);
	uint64_t n = 1;

	for (uint32_t i = 0; i < h->ndim; i++) {
		if (h->shape[i] && n > UINT64_MAX / h->shape[i])
			return fail(s, "shape overflows");
		n *= h->shape[i];
	}
	if (n > avail / esz) {
		snprintf(s->err, s->errlen,
			 "%s: truncated .npy: shape needs %llu elements (%llu bytes), file has %zu "
			 "data bytes",
			 s->name, (unsigned long long)n, (unsigned long long)(n * esz), avail);
		return -EINVAL;
	}
	if (n * esz != avail) {
		snprintf(s->err, s->errlen, "%s: .npy has %zu bytes after the data of shape",
			 s->name, avail - (size_t)(n * esz));
		return -EINVAL;
	}
	*count = n;
	return 0;
}

int hlsgen_npy_parse(const void *buf, size_t len, const char *name, struct hlsgen_array *a,
		     char *err, size_t errlen)
{
	struct scanner s = {.name = name, .err = err, .errlen = errlen};
	struct npy_header h = {0};
	size_t data_off, esz;
	uint64_t count;
	int ret;

	memset(a, 0, sizeof(*a));
	ret = split_file(buf, len, &s, &data_off);
	if (!ret)
		ret = parse_dict(&s, &h);
	if (ret)
		return ret;
	if (h.fortran && h.ndim > 1) {
		snprintf(err, errlen,
			 "%s: Fortran-order .npy is not supported (save with "
			 "np.save(f, np.ascontiguousarray(x)))",
			 name);
		return -EOPNOTSUPP;
	}
	ret = check_size(&s, &h, len - data_off, &count);
	if (ret)
		return ret;
	esz = hlsgen_dtype_size(h.dtype);
	a->data = malloc(count * esz + 1);
	if (!a->data) {
		snprintf(err, errlen, "%s: out of memory", name);
		return -ENOMEM;
	}
	memcpy(a->data, (const uint8_t *)buf + data_off, count * esz);
	if (h.swap)
		byteswap(a->data, count, esz);
	a->dtype = h.dtype;
	a->ndim = h.ndim;
	memcpy(a->shape, h.shape, sizeof(a->shape));
	a->count = count;
	return 0;
}

int hlsgen_npy_load(const char *path, struct hlsgen_array *a, char *err, size_t errlen)
{
	return hlsgen_array_load(path, NPY_MAX_FILE, hlsgen_npy_parse, a, err, errlen);
}
