// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * test_roc.c - ROC AUC on hand-computed cases (ties count 1/2), the curve
 * points across tie groups, a brute-force pair count, and the plot files.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hlsgen_roc.h"

Test(auc, separable_inverted_and_sklearn_example)
{
	const float s1[4] = {0.9f, 0.8f, 0.1f, 0.2f};
	const int32_t y1[4] = {1, 1, 0, 0};
	const float s2[4] = {0.1f, 0.4f, 0.35f, 0.8f}; /* sklearn's roc_auc_score doc: 0.75 */
	const int32_t y2[4] = {0, 0, 1, 1};

	cr_expect_eq(hlsgen_roc_auc(s1, 1, y1, 4, 1), 1.0);
	cr_expect_eq(hlsgen_roc_auc(s1, 1, y1, 4, 0), 0.0); /* class 0 vs rest, same scores */
	cr_expect_eq(hlsgen_roc_auc(s2, 1, y2, 4, 1), 0.75);
}

Test(auc, ties_count_half)
{
	/* pos {0.5, 0.9}, neg {0.5, 0.1}: pairs 0.5, 1, 1, 1 -> 3.5 / 4 */
	const float s[4] = {0.5f, 0.9f, 0.5f, 0.1f};
	const int32_t y[4] = {1, 1, 0, 0};
	const float flat[5] = {0.3f, 0.3f, 0.3f, 0.3f, 0.3f};
	const int32_t yf[5] = {1, 0, 1, 0, 0};

	cr_expect_eq(hlsgen_roc_auc(s, 1, y, 4, 1), 0.875);
	cr_expect_eq(hlsgen_roc_auc(flat, 1, yf, 5, 1), 0.5);
}

Test(auc, curve_steps_across_tie_groups)
{
	const float s[4] = {0.5f, 0.5f, 0.7f, 0.1f};
	const int32_t y[4] = {1, 0, 1, 0};
	const double fx[4] = {0, 0, 0.5, 1}, ty[4] = {0, 0.5, 1, 1};
	struct hlsgen_roc_curve c;

	cr_assert_eq(hlsgen_roc_curve(s, 1, y, 4, 1, &c), 0);
	cr_assert_eq(c.n, 4);
	for (int i = 0; i < 4; i++) {
		cr_expect_eq(c.fpr[i], fx[i], "fpr[%d]", i);
		cr_expect_eq(c.tpr[i], ty[i], "tpr[%d]", i);
	}
	cr_expect_eq(c.auc, 0.875);
	hlsgen_roc_curve_free(&c);
}

Test(auc, strided_scores_and_undefined_class)
{
	/* 3 samples x 3 classes; nobody is class 2 */
	const float s[9] = {0.8f, 0.1f, 0.1f, 0.2f, 0.7f, 0.1f, 0.6f, 0.3f, 0.1f};
	const int32_t y[3] = {0, 1, 0};
	struct hlsgen_roc_curve c;

	cr_expect_eq(hlsgen_roc_auc(s + 0, 3, y, 3, 0), 1.0);
	cr_expect_eq(hlsgen_roc_auc(s + 1, 3, y, 3, 1), 1.0);
	cr_expect(isnan(hlsgen_roc_auc(s + 2, 3, y, 3, 2)));
	cr_expect_eq(hlsgen_roc_curve(s + 2, 3, y, 3, 2, &c), -EDOM);
}

Test(auc, matches_brute_force_pair_count)
{
	enum { N = 400 };
	float s[N];
	int32_t y[N];
	double wins = 0, pairs = 0;

	srand(7);
	for (int i = 0; i < N; i++) {
		s[i] = (float)(rand() % 13) / 12.0f; /* many ties */
		y[i] = rand() % 3 == 0;
	}
	for (int i = 0; i < N; i++)
		for (int j = 0; j < N; j++)
			if (y[i] && !y[j]) {
				pairs++;
				wins += s[i] > s[j] ? 1 : s[i] == s[j] ? 0.5 : 0;
			}
	cr_expect_float_eq(hlsgen_roc_auc(s, 1, y, N, 1), wins / pairs, 1e-12);
}

/*
 * fontconfig (behind cairo's text) keeps its configuration for the life of
 * the process; that is not our leak, so LeakSanitizer skips it here.
 */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
	return "leak:libfontconfig\n";
}

static int file_starts_with(const char *path, const char *magic, size_t n)
{
	char buf[16] = {0};
	FILE *f = fopen(path, "rb");
	size_t got;

	if (!f)
		return 0;
	got = fread(buf, 1, n, f);
	fclose(f);
	return got == n && !memcmp(buf, magic, n);
}

Test(plot, png_and_svg)
{
	const float s[6] = {0.9f, 0.1f, 0.4f, 0.6f, 0.3f, 0.7f};
	const int32_t y[3] = {0, 1, 1};
	struct hlsgen_roc_curve c[2][2];
	struct hlsgen_roc_series ser[2] = {{"Keras", c[0]}, {"QKeras", c[1]}};
	char err[256], png[] = "/tmp/test_roc_XXXXXX.png", svg[] = "/tmp/test_roc_XXXXXX.svg";

	for (int m = 0; m < 2; m++)
		for (int k = 0; k < 2; k++)
			cr_assert_eq(hlsgen_roc_curve(s + k, 2, y, 3, k, &c[m][k]), 0);
	close(mkstemps(png, 4));
	close(mkstemps(svg, 4));
	cr_assert_eq(hlsgen_roc_plot(png, "t", ser, 2, 2, err, sizeof(err)), 0, "%s", err);
	cr_expect(file_starts_with(png, "\x89PNG\r\n", 6));
	cr_assert_eq(hlsgen_roc_plot(svg, "t", ser, 2, 2, err, sizeof(err)), 0, "%s", err);
	cr_expect(file_starts_with(svg, "<?xml", 5));
	cr_expect_lt(hlsgen_roc_plot("/tmp/x.jpg", "t", ser, 2, 2, err, sizeof(err)), 0);
	cr_expect(strstr(err, ".png or .svg"), "%s", err);
	cr_expect_lt(hlsgen_roc_plot("/nonexistent/dir/x.png", "t", ser, 2, 2, err, sizeof(err)),
		     0);
	unlink(png);
	unlink(svg);
	for (int m = 0; m < 2; m++)
		for (int k = 0; k < 2; k++)
			hlsgen_roc_curve_free(&c[m][k]);
}
