// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * test_io_input.c - model-input shape checks, raw .f32 files, idx files
 * and label arrays.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hlsgen_dataset.h"
#include "hlsgen_io.h"

static char err[512];

static struct hlsgen_array arr(enum hlsgen_dtype t, void *data, uint32_t ndim,
			       const uint64_t *shape)
{
	struct hlsgen_array a = {.dtype = t, .ndim = ndim, .data = data, .count = 1};

	for (uint32_t i = 0; i < ndim; i++) {
		a.shape[i] = shape[i];
		a.count *= shape[i];
	}
	return a;
}

Test(input, accepted_shapes)
{
	static double d[2 * 4 * 3 * 1];
	const uint64_t s4[4] = {2, 4, 3, 1}, s3[3] = {2, 4, 3}, s2[2] = {2, 12};
	uint64_t n;
	float *x;

	d[13] = 0.1; /* float64 -> float32 as np.float32() rounds */
	struct hlsgen_array a = arr(HLSGEN_DT_F64, d, 4, s4);
	cr_assert_eq(hlsgen_input_to_f32(&a, "x", 4, 3, 1, &n, &x, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(n, 2);
	cr_assert_eq(x[13], 0.1f);
	free(x);
	a = arr(HLSGEN_DT_F64, d, 3, s3);
	cr_assert_eq(hlsgen_input_to_f32(&a, "x", 4, 3, 1, &n, &x, err, sizeof(err)), 0, "%s", err);
	free(x);
	a = arr(HLSGEN_DT_F64, d, 2, s2);
	cr_assert_eq(hlsgen_input_to_f32(&a, "x", 4, 3, 1, &n, &x, err, sizeof(err)), 0, "%s", err);
	free(x);
}

/* hlsgen_io.h's input rule: uint8/uint16 are pixels / dtype max, floats as is, the rest refused */
Test(input, integer_pixels_scaled_others_refused)
{
	uint8_t u8[2] = {255, 128};
	uint16_t u16[2] = {65535, 128 * 257};
	int32_t i32[2] = {1, 2};
	const uint64_t s2[2] = {1, 2};
	uint64_t n;
	float *x = NULL;
	struct hlsgen_array a = arr(HLSGEN_DT_U8, u8, 2, s2);

	cr_assert_eq(hlsgen_input_to_f32(&a, "x", 1, 2, 1, &n, &x, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(x[0], 1.0f);
	cr_assert_eq(x[1], (float)(128 / 255.0)); /* np.float32(128 / 255.) */
	free(x);
	a = arr(HLSGEN_DT_U16, u16, 2, s2);
	cr_assert_eq(hlsgen_input_to_f32(&a, "x", 1, 2, 1, &n, &x, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(x[0], 1.0f);
	cr_assert_eq(x[1], (float)(128 / 255.0));
	free(x);
	x = NULL;
	a = arr(HLSGEN_DT_I32, i32, 2, s2);
	cr_assert_lt(hlsgen_input_to_f32(&a, "X.npy", 1, 2, 1, &n, &x, err, sizeof(err)), 0);
	cr_assert(strstr(err, "X.npy: int32 arrays are not model inputs"), "%s", err);
	cr_assert_null(x);
}

Test(input, unscaled_pixels_are_suspect)
{
	float px[3] = {0, 17, 255}, scaled[3] = {0, 0.5f, 1}, neg[3] = {-3, 2, 200};
	const uint64_t s1[1] = {3};
	struct hlsgen_array a = arr(HLSGEN_DT_F32, px, 1, s1);
	char msg[320];

	cr_assert_eq(hlsgen_input_suspect(&a, px, 3, msg, sizeof(msg)), 1);
	cr_assert(strstr(msg, "0..255"), "%s", msg);
	cr_assert_eq(hlsgen_input_suspect(&a, scaled, 3, msg, sizeof(msg)), 0);
	cr_assert_eq(hlsgen_input_suspect(&a, neg, 3, msg, sizeof(msg)), 0);
	px[1] = 17.5f; /* not whole numbers: not pixels */
	cr_assert_eq(hlsgen_input_suspect(&a, px, 3, msg, sizeof(msg)), 0);
}

Test(input, shape_mismatch_names_both_shapes)
{
	static float d[2 * 28 * 28];
	const uint64_t bad[4] = {2, 1, 28, 28}, flat[2] = {2, 783 + 1};
	uint64_t n;
	float *x = NULL;
	struct hlsgen_array a = arr(HLSGEN_DT_F32, d, 4, bad);

	cr_assert_lt(hlsgen_input_to_f32(&a, "X.npy", 28, 28, 1, &n, &x, err, sizeof(err)), 0);
	cr_assert(strstr(err, "(2, 1, 28, 28)"), "%s", err);
	cr_assert(strstr(err, "(N, 28, 28, 1)"), "%s", err);
	cr_assert_null(x);
	/* (N, h, w) is only a shorthand when c == 1 */
	a = arr(HLSGEN_DT_F32, d, 2, flat);
	cr_assert_lt(hlsgen_input_to_f32(&a, "X.npy", 14, 14, 2, &n, &x, err, sizeof(err)), 0);
}

Test(input, f32_raw_files)
{
	char path[] = "/tmp/test_f32_XXXXXX";
	int fd = mkstemp(path);
	float v[6] = {1, 2, 3, 4, 5, 6};
	uint64_t n;
	float *x;

	close(fd);
	cr_assert_eq(hlsgen_f32_save(path, v, 6, err, sizeof(err)), 0);
	cr_assert_eq(hlsgen_input_load(path, 1, 3, 1, &n, &x, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(n, 2);
	cr_assert_eq(x[5], 6);
	free(x);
	/* 6 values are not a whole number of 4-value samples */
	cr_assert_lt(hlsgen_input_load(path, 2, 2, 1, &n, &x, err, sizeof(err)), 0);
	cr_assert(strstr(err, "not a whole number of samples"), "%s", err);
	unlink(path);
}

Test(idx, parse_and_reject)
{
	uint8_t f[4 + 8 + 4] = {0, 0, 0x08, 2, 0, 0, 0, 2, 0, 0, 0, 2, 1, 2, 3, 255};
	uint8_t g[4 + 4 + 8] = {0, 0, 0x0D, 1, 0, 0, 0, 2, 0x3f, 0x80, 0, 0, 0xc0, 0, 0, 0};
	struct hlsgen_array a;

	cr_assert_eq(hlsgen_idx_parse(f, sizeof(f), "i", &a, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(a.ndim, 2);
	cr_assert_eq(hlsgen_array_get(&a, 3), 255);
	hlsgen_array_free(&a);
	/* big-endian float32: 1.0, -2.0 */
	cr_assert_eq(hlsgen_idx_parse(g, sizeof(g), "g", &a, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(hlsgen_array_get(&a, 0), 1.0);
	cr_assert_eq(hlsgen_array_get(&a, 1), -2.0);
	hlsgen_array_free(&a);

	cr_assert_lt(hlsgen_idx_parse(f, sizeof(f) - 1, "i", &a, err, sizeof(err)), 0);
	cr_assert(strstr(err, "header announces"), "%s", err);
	cr_assert_lt(hlsgen_idx_parse(f, 6, "i", &a, err, sizeof(err)), 0);
	cr_assert(strstr(err, "truncated"), "%s", err);
	f[2] = 0x07;
	cr_assert_lt(hlsgen_idx_parse(f, sizeof(f), "i", &a, err, sizeof(err)), 0);
	cr_assert(strstr(err, "magic"), "%s", err);
	f[2] = 0x08;
	f[3] = 0;
	cr_assert_lt(hlsgen_idx_parse(f, sizeof(f), "i", &a, err, sizeof(err)), 0);
}

Test(labels, integer_and_one_hot)
{
	int64_t ints[3] = {3, 0, 9};
	float hot[2 * 4] = {0, 0, 1, 0, 1, 0, 0, 0};
	const uint64_t s1[1] = {3}, s2[2] = {2, 4};
	int32_t y[3];
	uint32_t k;
	struct hlsgen_array a = arr(HLSGEN_DT_I64, ints, 1, s1);

	cr_assert_eq(hlsgen_labels_from_array(&a, "y", 3, y, &k, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(y[2], 9);
	cr_assert_eq(k, 10);
	a = arr(HLSGEN_DT_F32, hot, 2, s2);
	cr_assert_eq(hlsgen_labels_from_array(&a, "y", 2, y, &k, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(y[0], 2);
	cr_assert_eq(y[1], 0);
	cr_assert_eq(k, 4);
	/* not one-hot, negative, fractional, wrong count */
	hot[1] = 0.5f;
	cr_assert_lt(hlsgen_labels_from_array(&a, "y", 2, y, &k, err, sizeof(err)), 0);
	cr_assert(strstr(err, "not one-hot"), "%s", err);
	ints[1] = -1;
	a = arr(HLSGEN_DT_I64, ints, 1, s1);
	cr_assert_lt(hlsgen_labels_from_array(&a, "y", 3, y, &k, err, sizeof(err)), 0);
	cr_assert_lt(hlsgen_labels_from_array(&a, "y", 4, y, &k, err, sizeof(err)), 0);
	cr_assert(strstr(err, "do not fit 4 samples"), "%s", err);
}

/* The prepared data set (scripts/prepare-data.sh): split and order as documented. */
Test(dataset, prepared_mnist_split)
{
	static const int test_counts[10] = {201, 327, 191, 232, 180, 63, 214, 270, 144, 178};
	struct hlsgen_dataset d;
	int counts[10] = {0};

	if (!getenv("QNN_DATA"))
		cr_skip_test("QNN_DATA not set");
	cr_assert_eq(hlsgen_dataset_load("mnist", NULL, 28, 28, 1, &d, err, sizeof(err)), 0, "%s",
		     err);
	cr_assert_eq(d.n, 2000);
	for (uint64_t i = 0; i < d.n; i++)
		counts[d.y[i]]++;
	for (int c = 0; c < 10; c++) {
		cr_expect_eq(counts[c], test_counts[c], "class %d", c);
		cr_expect_eq(d.y[c], c, "round-robin order starts 0..9");
	}
	for (uint64_t i = 0; i < d.n * d.n_in; i++)
		cr_assert(d.x[i] >= 0 && d.x[i] <= 1);
	hlsgen_dataset_free(&d);
	cr_assert_eq(hlsgen_dataset_load("mnist:train", NULL, 28, 28, 1, &d, err, sizeof(err)), 0,
		     "%s", err);
	cr_assert_eq(d.n, 8000);
	hlsgen_dataset_free(&d);
	cr_assert_eq(hlsgen_dataset_load("fashion", NULL, 28, 28, 1, &d, err, sizeof(err)), 0, "%s",
		     err);
	cr_assert_eq(d.n, 10000);
	hlsgen_dataset_free(&d);
	/* a flat model input takes the same pixels in the same order */
	{
		struct hlsgen_dataset f;

		cr_assert_eq(hlsgen_dataset_load("mnist", NULL, 28, 28, 1, &d, err, sizeof(err)),
			     0);
		cr_assert_eq(hlsgen_dataset_load("mnist", NULL, 1, 1, 784, &f, err, sizeof(err)), 0,
			     "%s", err);
		cr_expect_eq(memcmp(d.x, f.x, d.n * 784 * sizeof(float)), 0);
		hlsgen_dataset_free(&d);
		hlsgen_dataset_free(&f);
	}
	/* wrong model shape and unknown split are refused */
	cr_assert_lt(hlsgen_dataset_load("mnist", NULL, 32, 32, 3, &d, err, sizeof(err)), 0);
	cr_assert(strstr(err, "do not fit"), "%s", err);
	cr_assert_lt(hlsgen_dataset_load("mnist:val", NULL, 28, 28, 1, &d, err, sizeof(err)), 0);
	cr_assert_lt(hlsgen_dataset_load("nosuch", NULL, 28, 28, 1, &d, err, sizeof(err)), 0);
}
