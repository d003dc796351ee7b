// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * test_import_golden08.c - the hls4ml 0.8 rules must not move: importing
 * the two real QKeras models of ../shared/models under --hls4ml-version 0.8,
 * with and without their published configs, gives the same .qnn image,
 * byte for byte, as before the 1.x default fixes (issue 16).
 *
 * How the goldens were made: this test was first added on main at commit
 * e6f1500 (before any importer change of issue 16) with empty expectations;
 * its failure messages printed each image's length and hashes, which were
 * pasted below. The images then were also saved and compared with cmp(1)
 * after the change (hlsgen import ... -o, identical). Two independent
 * 64-bit hashes (FNV-1a and a second FNV-1a over the reversed bytes) plus
 * the length make an accidental match practically impossible.
 */
#include <criterion/criterion.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "hlsgen_import.h"

struct golden {
	const char *model;
	bool with_config;
	size_t len;
	uint64_t fnv, fnv_rev;
};

static const struct golden goldens[] = {
    {"cnn", false, 63440, 0xeda5daebeda7ee53ull, 0x819ccb7d0f9c41b3ull},
    {"cnn", true, 63440, 0x03cabadfde36c332ull, 0xf133452e8e80f120ull},
    {"dense", false, 137008, 0x421cb1801153595aull, 0xfbbc7fb0c3f2e9dcull},
    {"dense", true, 137008, 0xf91243893ff9bd4bull, 0xbb5547bf86aba2e3ull},
};

static uint64_t fnv1a(const unsigned char *p, size_t n, bool reverse)
{
	uint64_t h = 0xcbf29ce484222325ull;

	for (size_t i = 0; i < n; i++) {
		h ^= p[reverse ? n - 1 - i : i];
		h *= 0x100000001b3ull;
	}
	return h;
}

static void check(const struct golden *g)
{
	const char *sh = getenv("QNN_SHARED");
	char json[512], h5[512], cfg[512], err[512];
	struct hlsgen_import_opts o = {0};
	void *buf = NULL;
	size_t len = 0;
	uint64_t a, b;
	int rc;

	sh = sh ? sh : "../shared";
	snprintf(json, sizeof(json), "%s/models/qkeras_mnist_%s.json", sh, g->model);
	snprintf(h5, sizeof(h5), "%s/models/qkeras_mnist_%s_weights.h5", sh, g->model);
	snprintf(cfg, sizeof(cfg), "%s/models/qkeras_mnist_%s_config.yml", sh, g->model);
	o.json_path = json;
	o.h5_path = h5;
	o.config_path = g->with_config ? cfg : NULL;
	o.hls4ml_major = 0;
	o.hls4ml_minor = 8;
	o.allow_unmodelled = 1; /* the published dense config: io_parallel / Resource */
	rc = hlsgen_import_build(&o, &buf, &len, err, sizeof(err));
	cr_assert_eq(rc, 0, "%s: %s", g->model, err);
	a = fnv1a(buf, len, false);
	b = fnv1a(buf, len, true);
	cr_expect(len == g->len && a == g->fnv && b == g->fnv_rev,
		  "%s %s config, 0.8: image %zu bytes, hashes 0x%016" PRIx64 "ull, 0x%016" PRIx64
		  "ull; golden %zu bytes 0x%016" PRIx64 ", 0x%016" PRIx64,
		  g->model, g->with_config ? "with" : "without", len, a, b, g->len, g->fnv,
		  g->fnv_rev);
	free(buf);
}

Test(import_golden08, cnn_without_config)
{
	check(&goldens[0]);
}
Test(import_golden08, cnn_with_config)
{
	check(&goldens[1]);
}
Test(import_golden08, dense_without_config)
{
	check(&goldens[2]);
}
Test(import_golden08, dense_with_config)
{
	check(&goldens[3]);
}
