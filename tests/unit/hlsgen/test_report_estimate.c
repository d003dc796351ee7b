// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * test_report_estimate.c - the resource estimate: recomputes its
 * calibration from scratch (the published QKeras CNN from shared/models,
 * magnitude-pruned to 75% per layer with TF-MOT's rule, imported with its
 * published hls4ml config) and checks it reproduces the lab's published
 * figures; then that it moves the right way: pruning and narrower weights
 * cost less, 2-bit weights need no DSP, and the sizes it reports are the
 * model's.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "hlsgen_import.h"
#include "hlsgen_synth.h"
#include "qnn_model.h"

static const double published[HG_RES_COUNT] = {120, 138, 38665, 111163, 0};

static void *import_shared(struct qnn_model *m)
{
	const char *shared = getenv("QNN_SHARED");
	char json[512], h5[512], yml[512], err[512];
	struct hlsgen_import_opts o = {.json_path = json,
				       .h5_path = h5,
				       .config_path = yml,
				       .hls4ml_major = 0,
				       .hls4ml_minor = 8};
	void *buf = NULL;
	size_t len = 0;

	cr_assert_not_null(shared, "QNN_SHARED is not set");
	snprintf(json, sizeof(json), "%s/models/qkeras_mnist_cnn.json", shared);
	snprintf(h5, sizeof(h5), "%s/models/qkeras_mnist_cnn_weights.h5", shared);
	snprintf(yml, sizeof(yml), "%s/models/qkeras_mnist_cnn_config.yml", shared);
	cr_assert_eq(hlsgen_import_build(&o, &buf, &len, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(qnn_model_parse(buf, len, m, err, sizeof(err)), 0, "%s", err);
	return buf;
}

static int cmp_desc(const void *a, const void *b)
{
	float x = *(const float *)a, y = *(const float *)b;

	return (x < y) - (x > y);
}

/* TF-MOT's magnitude rule on the float weights, applied to the codes. */
static void prune(struct qnn_model *m, float sparsity)
{
	for (uint32_t l = 0; l < m->n_layers; l++) {
		struct qnn_layer *ly = &m->layers[l];
		uint32_t n = ly->weights ? ly->rec->weights.count : 0;
		float *mag, thr;
		size_t k;

		if (!n)
			continue;
		cr_assert_not_null(ly->float_weights, "layer %u has no float weights", l);
		mag = malloc(n * sizeof(float));
		for (uint32_t i = 0; i < n; i++) {
			float f;

			memcpy(&f, &ly->float_weights[i], 4);
			mag[i] = fabsf(f);
		}
		qsort(mag, n, sizeof(float), cmp_desc);
		k = (size_t)rintf((float)n * (1.0f - sparsity));
		thr = mag[k ? k - 1 : 0];
		for (uint32_t i = 0; i < n; i++) {
			float f;

			memcpy(&f, &ly->float_weights[i], 4);
			if (fabsf(f) < thr)
				((int32_t *)ly->weights)[i] = 0;
		}
		free(mag);
	}
}

Test(report_estimate, reproduces_the_published_design)
{
	struct qnn_model m;
	void *buf = import_shared(&m);
	struct hg_synth r;
	struct hg_estimate_detail d;
	char err[256];

	prune(&m, 0.75f);
	cr_assert_eq(hg_estimate(&m, "zcu104", &r, &d, err, sizeof(err)), 0, "%s", err);
	cr_expect_eq(r.source, HG_SRC_ESTIMATE);
	cr_expect(strstr(r.tool, "estimate") != NULL);
	cr_expect_eq(d.nonzero_weights, 36 + 576 + 1000);
	cr_expect_eq(d.total_weights, 144 + 2304 + 4000);
	cr_expect_eq(d.widest_a, 16);
	cr_expect_eq(d.widest_b, 6);
	for (int i = 0; i < HG_RES_COUNT; i++) {
		double err_pct =
		    published[i] ? 100.0 * (r.used[i] - published[i]) / published[i] : 0;

		cr_expect(fabs(err_pct) < 0.5, "%s: estimate %.0f, published %.0f (%.2f%%)",
			  hg_res_name[i], r.used[i], published[i], err_pct);
	}
	cr_expect_float_eq(hg_synth_pct(&r, HG_LUT), 48.25, 0.2);
	free(buf);
}

Test(report_estimate, moves_the_right_way)
{
	struct qnn_model m;
	void *buf = import_shared(&m);
	struct hg_synth dense, pruned, narrow;
	struct hg_estimate_detail d1, d2, d3;
	char err[256];

	cr_assert_eq(hg_estimate(&m, "xczu7ev", &dense, &d1, err, sizeof(err)), 0, "%s", err);
	prune(&m, 0.75f);
	cr_assert_eq(hg_estimate(&m, "xczu7ev", &pruned, &d2, err, sizeof(err)), 0, "%s", err);
	for (int i = HG_DSP; i <= HG_LUT; i++)
		cr_expect_gt(dense.used[i], pruned.used[i], "%s", hg_res_name[i]);
	cr_expect_gt(d1.size_bits, d2.size_bits);
	/* 2-bit weights: codes -2..1 have at most one CSD digit, no multipliers at all */
	for (uint32_t l = 0; l < m.n_layers; l++) {
		struct qnn_layer *ly = &m.layers[l];

		if (!ly->weights)
			continue;
		for (uint32_t i = 0; i < ly->rec->weights.count; i++) {
			int32_t *c = (int32_t *)&ly->weights[i];

			*c = *c > 1 ? 1 : *c < -2 ? -2 : *c;
		}
		((struct qnn_layer_rec *)ly->rec)->weight_t.width = 2;
	}
	cr_assert_eq(hg_estimate(&m, "xczu7ev", &narrow, &d3, err, sizeof(err)), 0, "%s", err);
	cr_expect_eq(narrow.used[HG_DSP], 0);
	cr_expect_lt(narrow.used[HG_LUT], pruned.used[HG_LUT]);
	cr_expect_eq(d3.widest_b, 2);
	cr_expect_eq(hg_estimate(&m, "no-such-part", &narrow, NULL, err, sizeof(err)), -1);
	cr_expect(strstr(err, "no-such-part") != NULL, "%s", err);
	free(buf);
}
