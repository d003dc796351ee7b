// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * test_import_project.c - `hlsgen import-project` (hlsgen/import/
 * hls4ml_project*.c) on project directories laid out as hls4ml's writer
 * does (test_prj_writer.h) for the lab's MNIST CNN: with the types and
 * weights of the Keras import they round-trip to the byte-identical .qnn
 * (0.8 naming, io_parallel; 1.x naming, io_stream nnet::array types); a
 * changed type or weight in the project is reported and taken; incomplete
 * or malformed projects are refused with the file or layer named.
 */
#define _XOPEN_SOURCE 700
#include <criterion/criterion.h>
#include <ftw.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hlsgen_hls4ml_project.h"
#include "hlsgen_import.h"
#include "hlsgen_io.h"
#include "qnn_model.h"
#include "test_prj_writer.h"

static char json[512], h5[512], cfg[512], dir[512];

static void paths(void)
{
	const char *s = getenv("QNN_SHARED");

	cr_assert_not_null(s, "QNN_SHARED must point at ../shared");
	snprintf(json, sizeof(json), "%s/models/qkeras_mnist_cnn.json", s);
	snprintf(h5, sizeof(h5), "%s/models/qkeras_mnist_cnn_weights.h5", s);
	snprintf(cfg, sizeof(cfg), "%s/models/qkeras_mnist_cnn_config.yml", s);
	snprintf(dir, sizeof(dir), "%s/prj-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	cr_assert_not_null(mkdtemp(dir));
}

static int rm_one(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
	return remove(p);
}

static void rm_tree(const char *d)
{
	nftw(d, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static void keras(int major, int minor, void **buf, size_t *len, struct qnn_model *m)
{
	struct hlsgen_import_opts o = {.json_path = json,
				       .h5_path = h5,
				       .config_path = cfg,
				       .hls4ml_major = major,
				       .hls4ml_minor = minor};
	char err[512];

	cr_assert_eq(hlsgen_import_build(&o, buf, len, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(qnn_model_parse(*buf, *len, m, err, sizeof(err)), 0, "%s", err);
}

static void round_trip(int major, int minor, int v1)
{
	struct qnn_model *m = malloc(sizeof(*m));
	void *a, *b;
	size_t alen, blen;
	unsigned n_diff = 99;
	char err[512], *rep = NULL;
	size_t replen;
	FILE *report;

	paths();
	keras(major, minor, &a, &alen, m);
	prj_write(dir, m, cfg, v1);
	report = open_memstream(&rep, &replen);
	cr_assert_eq(hg_prj_import(dir, json, h5, major, minor, report, &n_diff, &b, &blen, err,
				   sizeof(err)),
		     0, "%s", err);
	fclose(report);
	cr_expect_eq(n_diff, 0, "differences reported: %s", rep);
	cr_assert_eq(blen, alen);
	cr_expect_eq(memcmp(a, b, alen), 0, "the .qnn differs from the Keras import");
	rm_tree(dir);
	free(rep);
	free(a);
	free(b);
	free(m);
}

Test(import_project, round_trips_hls4ml_08_names)
{
	round_trip(0, 8, 0);
}

Test(import_project, round_trips_hls4ml_13_io_stream_names)
{
	round_trip(1, 3, 1);
}

/* Replace the first `from` in dir/rel with `to`. */
static void edit(const char *rel, const char *from, const char *to)
{
	char p[1024], *s, *hit;
	FILE *f;
	long n;

	snprintf(p, sizeof(p), "%s/%s", dir, rel);
	f = fopen(p, "r");
	cr_assert_not_null(f, "%s", p);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	s = calloc(1, (size_t)n + 1);
	cr_assert_eq(fread(s, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	hit = strstr(s, from);
	cr_assert_not_null(hit, "%s has no '%s'", rel, from);
	f = fopen(p, "w");
	fwrite(s, 1, (size_t)(hit - s), f);
	fputs(to, f);
	fputs(hit + strlen(from), f);
	fclose(f);
	free(s);
}

static void project08(struct qnn_model *m, void **a, size_t *alen)
{
	paths();
	keras(0, 8, a, alen, m);
	prj_write(dir, m, cfg, 0);
}

Test(import_project, differences_reported_and_taken)
{
	struct qnn_model *m = malloc(sizeof(*m)), *bm = malloc(sizeof(*bm));
	void *a, *b;
	size_t alen, blen, replen;
	unsigned n_diff = 0;
	char err[512], *rep = NULL;
	FILE *report;

	project08(m, &a, &alen);
	cr_assert_str_eq(m->layers[0].rec->name, "q_conv2d");
	edit("firmware/defines.h", "typedef ap_fixed<16,6> layer2_accum_t;",
	     "typedef ap_fixed<18,8> layer2_accum_t;");
	{ /* value [1] of the first conv's kernel becomes 0.25 */
		char v1[32];

		snprintf(v1, sizeof(v1), ", %.5f, ", m->layers[0].weights[1] / 32.0);
		cr_assert_neq(m->layers[0].weights[1], 8);
		edit("firmware/weights/w2.txt", v1, ", 0.25000, ");
	}
	report = open_memstream(&rep, &replen);
	cr_assert_eq(
	    hg_prj_import(dir, json, h5, 0, 8, report, &n_diff, &b, &blen, err, sizeof(err)), 0,
	    "%s", err);
	fclose(report);
	cr_expect_eq(n_diff, 2, "%s", rep);
	cr_expect(strstr(rep, "layer q_conv2d: accum_t ap_fixed<16,6> in the Keras import, "
			      "ap_fixed<18,8> in the project") != NULL,
		  "%s", rep);
	cr_expect(strstr(rep, "layer q_conv2d: 1 of 144 weights differ (first [1]:") != NULL, "%s",
		  rep);
	cr_assert_eq(qnn_model_parse(b, blen, bm, err, sizeof(err)), 0, "%s", err);
	cr_expect_eq(bm->layers[0].rec->accum_t.width, 18);
	cr_expect_eq(bm->layers[0].rec->accum_t.int_bits, 8);
	cr_expect_eq(bm->layers[0].weights[1], 8); /* 0.25 in ap_fixed<6,1> */
	cr_expect_eq(bm->layers[0].weights[0], m->layers[0].weights[0]);
	rm_tree(dir);
	free(rep);
	free(a);
	free(b);
	free(m);
	free(bm);
}

/* A fresh project in a fresh directory (the last one removed). */
static void again(struct qnn_model *m, void **a, size_t *alen)
{
	rm_tree(dir);
	free(*a);
	project08(m, a, alen);
}

static void refused(const char *msg)
{
	void *b = (void *)1;
	size_t blen;
	unsigned n_diff;
	char err[512] = "";

	cr_expect_neq(
	    hg_prj_import(dir, json, h5, 0, 8, NULL, &n_diff, &b, &blen, err, sizeof(err)), 0);
	cr_expect_null(b);
	cr_expect(strstr(err, msg) != NULL, "message '%s' lacks '%s'", err, msg);
}

Test(import_project, incomplete_projects_refused)
{
	struct qnn_model *m = malloc(sizeof(*m));
	char p[1024];
	void *a;
	size_t alen;

	project08(m, &a, &alen);
	snprintf(p, sizeof(p), "%s/firmware/weights/w2.txt", dir);
	cr_assert_eq(unlink(p), 0);
	refused("w2.txt");
	again(m, &a, &alen);
	edit("firmware/myproject.cpp", "// q_dense", "// q_dense_renamed");
	refused("layer q_dense of the Keras import has no call in the project");
	again(m, &a, &alen);
	edit("firmware/defines.h", "typedef ap_fixed<6,1> weight2_t;",
	     "typedef ap_fixed<6> weight2_t;");
	refused("layer 'q_conv2d': type weight2_t (ap_fixed<6>) in defines.h");
	again(m, &a, &alen);
	edit("firmware/weights/b2.txt", ", ", ", x");
	refused("b2.txt: value 2 is not a number");
	again(m, &a, &alen);
	edit("firmware/weights/b2.txt", ", ", ", 0.0, ");
	refused("layer q_conv2d: the project has 17 biases, the model 16");
	again(m, &a, &alen);
	edit("hls4ml_config.yml", "ProjectName: myproject", "ProjectName: otherproject");
	refused("otherproject.cpp");
	rm_tree(dir);
	free(a);
	free(m);
}

/* The CLI on the same project: the report, and the file it writes. */
Test(import_project, cli_writes_the_model_and_reports)
{
	struct qnn_model *m = malloc(sizeof(*m));
	const char *bin = getenv("QNN_BIN");
	char cmd[4096], out[600], line[256] = "", err[256];
	void *a, *b;
	size_t alen, blen;
	FILE *p;

	cr_assert_not_null(bin, "QNN_BIN must point at build/bin");
	paths();
	keras(0, 8, &a, &alen, m);
	prj_write(dir, m, cfg, 0);
	snprintf(out, sizeof(out), "%s/out.qnn", dir);
	snprintf(cmd, sizeof(cmd), "%s/hlsgen import-project %s %s %s --strict -o %s", bin, dir,
		 json, h5, out);
	p = popen(cmd, "r");
	cr_assert_not_null(fgets(line, sizeof(line), p));
	cr_expect_eq(pclose(p), 0);
	cr_expect(strstr(line, ": 0 differences from the Keras import") != NULL, "%s", line);
	cr_assert_eq(hlsgen_read_file(out, 1 << 24, &b, &blen, err, sizeof(err)), 0, "%s", err);
	cr_expect(blen == alen && !memcmp(a, b, alen), "the CLI's .qnn differs");
	free(b);
	edit("firmware/defines.h", "typedef ap_fixed<6,1> bias2_t;",
	     "typedef ap_fixed<8,1> bias2_t;");
	unlink(out);
	p = popen(cmd, "r");
	while (fgets(line, sizeof(line), p))
		;
	cr_expect_neq(pclose(p), 0, "--strict accepted a difference");
	cr_expect_neq(access(out, F_OK), 0, "--strict wrote the model");
	rm_tree(dir);
	free(a);
	free(m);
}

/* 1.x's softmax config: its exp/inv table sizes must be the model's. */
Test(import_project, softmax_tables_must_match)
{
	struct qnn_model *m = malloc(sizeof(*m));
	void *a, *b = (void *)1;
	size_t alen, blen;
	unsigned n_diff;
	char err[512] = "";

	paths();
	keras(1, 3, &a, &alen, m);
	prj_write(dir, m, cfg, 1);
	edit("firmware/parameters.h", "inv_table_size = 1024;", "inv_table_size = 2048;");
	cr_expect_neq(
	    hg_prj_import(dir, json, h5, 1, 3, NULL, &n_diff, &b, &blen, err, sizeof(err)), 0);
	cr_expect_null(b);
	cr_expect(strstr(err, "layer softmax: the project's softmax tables") != NULL, "%s", err);
	rm_tree(dir);
	free(a);
	free(m);
}

/* 1.2+ softmax types (accum_t, inv_inp_t, inp_norm_t) are the project's too. */
Test(import_project, softmax_12_types_reported_and_taken)
{
	struct qnn_model *m = malloc(sizeof(*m)), *bm = malloc(sizeof(*bm));
	const struct qnn_layer_rec *r;
	void *a, *b;
	size_t alen, blen, replen;
	unsigned n_diff = 0;
	char err[512], *rep = NULL, from[96];
	FILE *report;

	paths();
	keras(1, 3, &a, &alen, m);
	r = m->layers[m->n_layers - 1].rec;
	cr_assert_eq(r->kind, QNN_LAYER_SOFTMAX);
	cr_assert_eq(r->softmax_rule, QNN_SMX_RULE_HLS4ML_12);
	cr_assert(r->inv_inp_t.width && r->accum_t.width, "1.3 rules write them explicitly");
	prj_write(dir, m, cfg, 1);
	snprintf(from, sizeof(from), "typedef %s softmax_inv_inp_t;",
		 prj_tstr(&r->inv_inp_t, err, sizeof(err)));
	edit("firmware/defines.h", from, "typedef ap_fixed<20,9,AP_RND,AP_SAT> softmax_inv_inp_t;");
	report = open_memstream(&rep, &replen);
	cr_assert_eq(
	    hg_prj_import(dir, json, h5, 1, 3, report, &n_diff, &b, &blen, err, sizeof(err)), 0,
	    "%s", err);
	fclose(report);
	cr_expect_eq(n_diff, 1, "%s", rep);
	cr_expect(strstr(rep, "layer softmax: inv_inp_t ") != NULL, "%s", rep);
	cr_assert_eq(qnn_model_parse(b, blen, bm, err, sizeof(err)), 0, "%s", err);
	cr_expect_eq(bm->layers[bm->n_layers - 1].rec->inv_inp_t.width, 20);
	rm_tree(dir);
	free(rep);
	free(a);
	free(b);
	free(m);
	free(bm);
}

/* A max pooling's accum_t (pooling2d config): taken under 1.x, checked always. */
Test(import_project, pool_accum_reported_and_taken)
{
	struct qnn_model *m = malloc(sizeof(*m)), *bm = malloc(sizeof(*bm));
	void *a, *b = NULL;
	size_t alen, blen, replen;
	unsigned n_diff = 0;
	char err[512], *rep = NULL;
	FILE *report;
	int rc;

	paths();
	keras(1, 3, &a, &alen, m);
	cr_assert_str_eq(m->layers[3].rec->name, "max_pooling2d");
	cr_assert_eq(m->layers[3].rec->accum_t.width, 16, "1.3 records the pool's accum_t");
	prj_write(dir, m, cfg, 1);
	edit("firmware/defines.h", "typedef ap_fixed<16,6> max_pooling2d_accum_t;",
	     "typedef ap_fixed<18,8> max_pooling2d_accum_t;");
	report = open_memstream(&rep, &replen);
	cr_assert_eq(
	    hg_prj_import(dir, json, h5, 1, 3, report, &n_diff, &b, &blen, err, sizeof(err)), 0,
	    "%s", err);
	fclose(report);
	cr_expect_eq(n_diff, 1, "%s", rep);
	cr_expect(strstr(rep, "layer max_pooling2d: accum_t ap_fixed<16,6> in the Keras import, "
			      "ap_fixed<18,8> in the project") != NULL,
		  "%s", rep);
	cr_assert_eq(qnn_model_parse(b, blen, bm, err, sizeof(err)), 0, "%s", err);
	cr_expect_eq(bm->layers[3].rec->accum_t.width, 18);
	cr_expect_eq(bm->layers[3].rec->accum_t.int_bits, 8);
	free(b);
	b = NULL;
	/* q_activation's ap_fixed<7,1,AP_RND,AP_SAT> does not fit <6,1>: refused */
	edit("firmware/defines.h", "typedef ap_fixed<18,8> max_pooling2d_accum_t;",
	     "typedef ap_fixed<6,1> max_pooling2d_accum_t;");
	rc = hg_prj_import(dir, json, h5, 1, 3, NULL, &n_diff, &b, &blen, err, sizeof(err));
	cr_expect_eq(rc, -EOPNOTSUPP, "rc %d: %s", rc, err);
	cr_expect(strstr(err, "max_pooling2d") && strstr(err, "accum_t ap_fixed<6,1>"), "%s", err);
	cr_expect_null(b);
	rm_tree(dir);
	free(a);
	/* 0.8: the model carries no pool accum_t, but a narrow one is refused too */
	project08(m, &a, &alen);
	edit("firmware/parameters.h", "    typedef model_default_t accum_t;",
	     "    typedef weight2_t accum_t;");
	rc = hg_prj_import(dir, json, h5, 0, 8, NULL, &n_diff, &b, &blen, err, sizeof(err));
	cr_expect_eq(rc, -EOPNOTSUPP, "0.8: rc %d: %s", rc, err);
	cr_expect(strstr(err, "max_pooling2d") != NULL, "%s", err);
	rm_tree(dir);
	free(rep);
	free(a);
	free(m);
	free(bm);
}
