// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * test_io_npy.c - .npy parsing and writing: valid files of every supported
 * dtype and header version, and malformed files that must be refused with
 * a message naming the problem.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hlsgen_io.h"

static char err[512];

/* Build a .npy image: magic, version, header dict padded like numpy, data. */
static size_t make_npy(uint8_t *out, int major, const char *dict, const void *data, size_t data_len)
{
	size_t pre = major == 1 ? 10 : 12, dl = strlen(dict), hl = dl + 1;

	while ((pre + hl) % 64)
		hl++;
	memcpy(out, "\x93NUMPY", 6);
	out[6] = (uint8_t)major;
	out[7] = 0;
	out[8] = hl & 0xff;
	out[9] = (hl >> 8) & 0xff;
	if (major != 1) {
		out[10] = (hl >> 16) & 0xff;
		out[11] = (hl >> 24) & 0xff;
	}
	memset(out + pre, ' ', hl);
	memcpy(out + pre, dict, dl);
	out[pre + hl - 1] = '\n';
	if (data_len)
		memcpy(out + pre + hl, data, data_len);
	return pre + hl + data_len;
}

static uint8_t buf[1 << 16];

static int parse(size_t len, struct hlsgen_array *a)
{
	err[0] = 0;
	return hlsgen_npy_parse(buf, len, "t.npy", a, err, sizeof(err));
}

Test(npy, float32_4d)
{
	float v[2 * 2 * 2 * 1] = {0, 0.5f, -1, 2, 3, 4, 5, 6};
	struct hlsgen_array a;
	size_t len =
	    make_npy(buf, 1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2, 2, 1), }", v,
		     sizeof(v));

	cr_assert_eq(parse(len, &a), 0, "%s", err);
	cr_assert_eq(a.dtype, HLSGEN_DT_F32);
	cr_assert_eq(a.ndim, 4);
	cr_assert_eq(a.shape[0], 2);
	cr_assert_eq(a.shape[3], 1);
	cr_assert_eq(a.count, 8);
	cr_assert_eq(hlsgen_array_get(&a, 2), -1.0);
	hlsgen_array_free(&a);
}

Test(npy, float64_v2_header_double_quotes)
{
	double v[3] = {0.25, -0.125, 1e300};
	struct hlsgen_array a;
	size_t len =
	    make_npy(buf, 2, "{\"descr\": \"<f8\", \"fortran_order\": False, \"shape\": (3,)}", v,
		     sizeof(v));

	cr_assert_eq(parse(len, &a), 0, "%s", err);
	cr_assert_eq(a.dtype, HLSGEN_DT_F64);
	cr_assert_eq(a.ndim, 1);
	cr_assert_eq(hlsgen_array_get(&a, 1), -0.125);
	cr_assert_eq(hlsgen_array_get(&a, 2), 1e300);
	hlsgen_array_free(&a);
}

Test(npy, big_endian_int32_is_swapped)
{
	uint8_t be[8] = {0, 0, 1, 2, 0xff, 0xff, 0xff, 0xfe}; /* 258, -2 */
	struct hlsgen_array a;
	size_t len = make_npy(buf, 1, "{'descr': '>i4', 'fortran_order': False, 'shape': (2,), }",
			      be, sizeof(be));

	cr_assert_eq(parse(len, &a), 0, "%s", err);
	cr_assert_eq(hlsgen_array_get(&a, 0), 258);
	cr_assert_eq(hlsgen_array_get(&a, 1), -2);
	hlsgen_array_free(&a);
}

Test(npy, uint8_int64_bool_and_scalar)
{
	uint8_t u[4] = {0, 255, 7, 1};
	int64_t l[2] = {-5, 9};
	struct hlsgen_array a;
	size_t len;

	len = make_npy(buf, 1, "{'descr': '|u1', 'fortran_order': False, 'shape': (2, 2), }", u, 4);
	cr_assert_eq(parse(len, &a), 0, "%s", err);
	cr_assert_eq(hlsgen_array_get(&a, 1), 255);
	hlsgen_array_free(&a);
	len = make_npy(buf, 1, "{'descr': '<i8', 'fortran_order': False, 'shape': (2,), }", l, 16);
	cr_assert_eq(parse(len, &a), 0, "%s", err);
	cr_assert_eq(hlsgen_array_get(&a, 0), -5);
	hlsgen_array_free(&a);
	len = make_npy(buf, 1, "{'descr': '|b1', 'fortran_order': False, 'shape': (4,), }", u, 4);
	cr_assert_eq(parse(len, &a), 0, "%s", err);
	cr_assert_eq(a.dtype, HLSGEN_DT_BOOL);
	hlsgen_array_free(&a);
	/* a 0-d array holds one element */
	len = make_npy(buf, 1, "{'descr': '<i8', 'fortran_order': False, 'shape': (), }", l, 8);
	cr_assert_eq(parse(len, &a), 0, "%s", err);
	cr_assert_eq(a.count, 1);
	hlsgen_array_free(&a);
}

Test(npy, empty_array)
{
	struct hlsgen_array a;
	size_t len = make_npy(
	    buf, 1, "{'descr': '<f4', 'fortran_order': False, 'shape': (0, 784), }", NULL, 0);

	cr_assert_eq(parse(len, &a), 0, "%s", err);
	cr_assert_eq(a.count, 0);
	hlsgen_array_free(&a);
}

static void expect_reject(size_t len, const char *needle)
{
	struct hlsgen_array a = {0};
	int ret = parse(len, &a);

	cr_assert_lt(ret, 0, "accepted a bad file (wanted '%s')", needle);
	cr_assert_null(a.data);
	cr_assert(strstr(err, needle), "message '%s' lacks '%s'", err, needle);
	cr_assert(strstr(err, "t.npy"), "message '%s' does not name the file", err);
}

Test(npy, rejects_fortran_order)
{
	float v[4] = {0};

	expect_reject(
	    make_npy(buf, 1, "{'descr': '<f4', 'fortran_order': True, 'shape': (2, 2), }", v, 16),
	    "Fortran");
}

Test(npy, rejects_unsupported_dtypes)
{
	float v[4] = {0};

	expect_reject(
	    make_npy(buf, 1, "{'descr': '<f2', 'fortran_order': False, 'shape': (2,), }", v, 4),
	    "unsupported .npy dtype '<f2'");
	expect_reject(
	    make_npy(buf, 1, "{'descr': '<c8', 'fortran_order': False, 'shape': (2,), }", v, 16),
	    "'<c8'");
	expect_reject(
	    make_npy(buf, 1, "{'descr': '|O', 'fortran_order': False, 'shape': (2,), }", v, 16),
	    "'|O'");
	expect_reject(make_npy(buf, 1,
			       "{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (2,), }",
			       v, 8),
		      "structured");
}

Test(npy, rejects_truncated_and_trailing_data)
{
	float v[6] = {0};
	size_t len = make_npy(buf, 1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }",
			      v, sizeof(v));

	expect_reject(len - 1, "truncated");
	expect_reject(len - 24, "truncated");
	len = make_npy(buf, 1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2), }", v,
		       sizeof(v));
	expect_reject(len, "8 bytes after the data");
}

Test(npy, rejects_bad_headers)
{
	float v[2] = {0};
	size_t len =
	    make_npy(buf, 1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }", v, 8);

	expect_reject(5, "magic");
	buf[0] = 'X';
	expect_reject(len, "magic");
	len = make_npy(buf, 1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }", v, 8);
	buf[6] = 9;
	expect_reject(len, "version 9.0");
	len = make_npy(buf, 1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }", v, 8);
	buf[8] = 0xff; /* header length beyond the file */
	buf[9] = 0xff;
	expect_reject(len, "truncated header");
	expect_reject(make_npy(buf, 1, "{'descr': '<f4', 'shape': (2,), }", v, 8), "missing");
	expect_reject(
	    make_npy(buf, 1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2,-1), }", v, 8),
	    "shape");
	expect_reject(make_npy(buf, 1,
			       "{'descr': '<f4', 'fortran_order': False, 'shape': "
			       "(99999999999, 99999999999, 99999999999), }",
			       v, 8),
		      "overflows");
	expect_reject(
	    make_npy(buf, 1, "{'descr': '<f4', 'fortran_order': Maybe, 'shape': (2,), }", v, 8),
	    "fortran_order");
	expect_reject(make_npy(buf, 1,
			       "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), "
			       "'extra': 1}",
			       v, 8),
		      "unknown key");
	expect_reject(make_npy(buf, 1,
			       "{'descr': '<f4', 'fortran_order': False, 'shape': (1,1,1,1,"
			       "1,1,1,1,1), }",
			       v, 4),
		      "8 dimensions");
}

Test(npy, save_load_roundtrip)
{
	char path[] = "/tmp/test_npy_XXXXXX";
	int fd = mkstemp(path);
	float v[6] = {1.5f, -2, 0, 3, 4, 5};
	int32_t iv[3] = {-1, 0, 70000};
	uint64_t shape2[2] = {2, 3}, shape1[1] = {3};
	struct hlsgen_array a;
	FILE *f;
	char hdr[128];
	size_t hlen;

	cr_assert_geq(fd, 0);
	close(fd);
	cr_assert_eq(hlsgen_npy_save(path, HLSGEN_DT_F32, v, 2, shape2, err, sizeof(err)), 0, "%s",
		     err);
	cr_assert_eq(hlsgen_npy_load(path, &a, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(a.dtype, HLSGEN_DT_F32);
	cr_assert_eq(a.ndim, 2);
	cr_assert_eq(a.shape[1], 3);
	cr_assert_eq(memcmp(a.data, v, sizeof(v)), 0);
	hlsgen_array_free(&a);
	/* header as numpy writes it: dict, spaces, '\n', total a multiple of 64 */
	cr_assert_eq(hlsgen_npy_save(path, HLSGEN_DT_I32, iv, 1, shape1, err, sizeof(err)), 0);
	f = fopen(path, "rb");
	cr_assert_eq(fread(hdr, 1, sizeof(hdr), f), sizeof(hdr));
	fclose(f);
	hlen = (size_t)(uint8_t)hdr[8] | (size_t)(uint8_t)hdr[9] << 8;
	cr_assert_eq((10 + hlen) % 64, 0);
	cr_assert_eq(
	    memcmp(hdr + 10, "{'descr': '<i4', 'fortran_order': False, 'shape': (3,), }", 57), 0);
	cr_assert_eq(hdr[10 + hlen - 1], '\n');
	cr_assert_eq(hdr[10 + hlen - 2], ' ');
	cr_assert_eq(hlsgen_npy_load(path, &a, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(hlsgen_array_get(&a, 2), 70000);
	hlsgen_array_free(&a);
	unlink(path);
}

Test(npy, load_missing_file_names_it)
{
	struct hlsgen_array a;

	cr_assert_lt(hlsgen_npy_load("/nonexistent/x.npy", &a, err, sizeof(err)), 0);
	cr_assert(strstr(err, "/nonexistent/x.npy"));
}
