// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The engine on the lab's real CNN (../shared/models/qkeras_mnist_cnn with
 * its published hls4ml config, imported in-process under the hls4ml 0.8 and
 * 1.3 rules) and the real MNIST test digits (build/data/mnist):
 *   - bit-exact accuracy of the fast engine >= 0.92 (hls4ml's own test bar);
 *   - on the first images, every layer's codes of the fast engine (SIMD lane
 *     paths, narrow plans, pools before activations) equal the scalar
 *     reference kernels', traced and untraced, and so do the final codes of
 *     the lane paths in plain C (QNN_ENGINE_SCALAR, what kernel builds run).
 */
#include <stdio.h>

#include "hlsgen_import.h"
#include "hlsgen_io.h"
#include "test_engine_model.h"

#define N_REF 300 /* images checked against the (slow) reference kernels */

static const char *env_or(const char *name, const char *def)
{
	const char *s = getenv(name);

	return s ? s : def;
}

struct mnist {
	struct hlsgen_array imgs, labs;
	uint32_t *x; /* float bits, pixel / 255 */
	uint32_t n;
};

static void load_mnist(struct mnist *d)
{
	char p[512], err[256];

	snprintf(p, sizeof(p), "%s/mnist/test-images-idx3-ubyte", env_or("QNN_DATA", "build/data"));
	if (hlsgen_idx_load(p, &d->imgs, err, sizeof(err)))
		cr_skip_test("no MNIST data (%s): run scripts/prepare-data.sh", err);
	snprintf(p, sizeof(p), "%s/mnist/test-labels-idx1-ubyte", env_or("QNN_DATA", "build/data"));
	cr_assert_eq(hlsgen_idx_load(p, &d->labs, err, sizeof(err)), 0, "%s", err);
	d->n = (uint32_t)d->labs.count;
	cr_assert_eq(d->imgs.count, (uint64_t)d->n * 784);
	d->x = malloc(d->imgs.count * 4);
	for (uint64_t i = 0; i < d->imgs.count; i++) {
		float f = (float)((uint8_t *)d->imgs.data)[i] / 255.0f;

		memcpy(&d->x[i], &f, 4);
	}
}

static void import_cnn(int major, int minor, void **buf, struct qnn_model *m)
{
	char json[512], h5[512], cfg[512], err[512];
	const char *sh = env_or("QNN_SHARED", "../shared");
	struct hlsgen_import_opts o = {0};
	size_t len;

	snprintf(json, sizeof(json), "%s/models/qkeras_mnist_cnn.json", sh);
	snprintf(h5, sizeof(h5), "%s/models/qkeras_mnist_cnn_weights.h5", sh);
	snprintf(cfg, sizeof(cfg), "%s/models/qkeras_mnist_cnn_config.yml", sh);
	o.json_path = json;
	o.h5_path = h5;
	o.config_path = cfg;
	o.hls4ml_major = major;
	o.hls4ml_minor = minor;
	cr_assert_eq(hlsgen_import_build(&o, buf, &len, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(qnn_model_parse(*buf, len, m, err, sizeof(err)), 0, "%s", err);
}

struct layers {
	int32_t *codes[QNN_MAX_LAYERS];
	uint32_t n[QNN_MAX_LAYERS];
};

static void keep(void *ctx, uint32_t sample, uint32_t layer, const int32_t *codes, uint32_t count)
{
	struct layers *L = ctx;

	(void)sample;
	if (!L->codes[layer])
		L->codes[layer] = malloc((size_t)count * 4);
	memcpy(L->codes[layer], codes, (size_t)count * 4);
	L->n[layer] = count;
}

static void bind(struct qnn_engine *e, const struct qnn_model *m, void **ws, uint32_t flags)
{
	size_t n = qnn_engine_workspace_size(m);

	*ws = malloc(n);
	e->flags = flags;
	cr_assert_eq(qnn_engine_init(e, m, *ws, n), 0);
}

static void check_model(int major, int minor)
{
	struct mnist d = {0};
	struct qnn_model m;
	struct qnn_engine fast = {0}, ref = {0}, scal = {0};
	struct layers lf, lr;
	void *buf = NULL, *wf, *wr, *ws;
	uint16_t *cls;
	int32_t out[10];
	uint32_t i, l, correct = 0;

	memset(&lf, 0, sizeof(lf));
	memset(&lr, 0, sizeof(lr));
	load_mnist(&d);
	import_cnn(major, minor, &buf, &m);
	bind(&fast, &m, &wf, 0);
	bind(&ref, &m, &wr, QNN_ENGINE_REFERENCE);
	bind(&scal, &m, &ws, QNN_ENGINE_SCALAR);
	cls = malloc(sizeof(*cls) * d.n);
	{
		struct qnn_engine_out o = {.classes = cls};

		cr_assert_eq(qnn_engine_run(&fast, QNN_INPUT_F32, d.x, d.n, &o, NULL, NULL), 0);
		cr_assert_eq(o.nonfinite, 0);
	}
	for (i = 0; i < d.n; i++)
		correct += cls[i] == ((uint8_t *)d.labs.data)[i];
	printf("hls4ml %d.%d rules: bit-exact accuracy %u/%u = %.4f\n", major, minor, correct, d.n,
	       (double)correct / d.n);
	cr_expect_geq(correct * 100, d.n * 92, "accuracy %u/%u below 0.92", correct, d.n);
	for (i = 0; i < N_REF && i < d.n; i++) {
		const uint32_t *xi = d.x + (size_t)i * 784;
		struct qnn_engine_out o = {.codes = out};

		cr_assert_eq(qnn_engine_run(&fast, QNN_INPUT_F32, xi, 1, NULL, keep, &lf), 0);
		cr_assert_eq(qnn_engine_run(&ref, QNN_INPUT_F32, xi, 1, NULL, keep, &lr), 0);
		for (l = 0; l < m.n_layers; l++)
			cr_assert_arr_eq(lf.codes[l], lr.codes[l], (size_t)lr.n[l] * 4,
					 "image %u layer %u (%s) differs", i, l,
					 m.layers[l].rec->name);
		cr_assert_eq(qnn_engine_run(&fast, QNN_INPUT_F32, xi, 1, &o, NULL, NULL), 0);
		cr_assert_arr_eq(out, lr.codes[m.n_layers - 1], 40, "image %u untraced", i);
		/* the lane paths as plain C, as the kernel's simulated accelerator runs them */
		cr_assert_eq(qnn_engine_run(&scal, QNN_INPUT_F32, xi, 1, &o, NULL, NULL), 0);
		cr_assert_arr_eq(out, lr.codes[m.n_layers - 1], 40, "image %u scalar", i);
	}
	for (l = 0; l < QNN_MAX_LAYERS; l++) {
		free(lf.codes[l]);
		free(lr.codes[l]);
	}
	free(cls);
	free(wf);
	free(wr);
	free(ws);
	free(buf);
	free(d.x);
	hlsgen_array_free(&d.imgs);
	hlsgen_array_free(&d.labs);
}

Test(engine_mnist, cnn_hls4ml_08)
{
	check_model(0, 8);
}

Test(engine_mnist, cnn_hls4ml_13)
{
	check_model(1, 3);
}
