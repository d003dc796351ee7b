// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * test_import_config.c - config mistakes are named (a misspelled LayerName,
 * IOType io_parallel, Strategy Resource) and a softmax whose tables cannot
 * give outputs summing to 1 gets a warning saying what to change. Each case
 * edits the real CNN's published config (../shared/models).
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hlsgen_import.h"

static char dir[] = "/tmp/qnn-import-cfg-XXXXXX";
static char json[512], h5[512], cfg_in[512], cfg_out[600];
static char err[2048];
static char *published; /* the CNN's config text */
static char *log_text;
static size_t log_len;

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *s = calloc(1, 1 << 16);

	cr_assert_not_null(f, "%s", path);
	fread(s, 1, (1 << 16) - 1, f);
	fclose(f);
	return s;
}

static void setup(void)
{
	const char *s = getenv("QNN_SHARED");

	s = s ? s : "../shared";
	snprintf(json, sizeof(json), "%s/models/qkeras_mnist_cnn.json", s);
	snprintf(h5, sizeof(h5), "%s/models/qkeras_mnist_cnn_weights.h5", s);
	snprintf(cfg_in, sizeof(cfg_in), "%s/models/qkeras_mnist_cnn_config.yml", s);
	cr_assert_not_null(mkdtemp(dir));
	snprintf(cfg_out, sizeof(cfg_out), "%s/c.yml", dir);
	published = slurp(cfg_in);
}

static void teardown(void)
{
	free(published);
	free(log_text);
	unlink(cfg_out);
	rmdir(dir);
}

TestSuite(import_config, .init = setup, .fini = teardown);

/* the published config with 'from' replaced by 'to' (once; from must occur) */
static int run_edit(const char *from, const char *to, int allow)
{
	struct hlsgen_import_opts o = {0};
	char *at = strstr(published, from);
	void *buf = NULL;
	size_t len;
	FILE *f, *log;
	int rc;

	cr_assert_not_null(at, "'%s' not in the published config", from);
	f = fopen(cfg_out, "w");
	fprintf(f, "%.*s%s%s", (int)(at - published), published, to, at + strlen(from));
	fclose(f);
	free(log_text);
	log_text = NULL;
	log = open_memstream(&log_text, &log_len);
	o.json_path = json;
	o.h5_path = h5;
	o.config_path = cfg_out;
	o.hls4ml_minor = 8;
	o.allow_unmodelled = allow;
	o.log = log;
	err[0] = 0;
	rc = hlsgen_import_build(&o, &buf, &len, err, sizeof(err));
	fclose(log);
	free(buf);
	return rc;
}

Test(import_config, misspelled_layer_name_is_an_error)
{
	cr_expect_eq(run_edit("    softmax:\n", "    sofmax:\n", 1), -EINVAL);
	cr_expect(strstr(err, "LayerName 'sofmax' is no layer of the model"), "%s", err);
	cr_expect(strstr(err, "softmax)"), "lists the real names: %s", err);
	cr_expect(strstr(err, "c.yml"), "names the file: %s", err);
}

Test(import_config, io_parallel_refused_or_warned)
{
	cr_expect_eq(run_edit("IOType: io_stream", "IOType: io_parallel", 0), -EOPNOTSUPP);
	cr_expect(strstr(err, "IOType 'io_parallel' unsupported"), "%s", err);
	cr_expect(strstr(err, "--allow-unmodelled"), "%s", err);
	cr_expect_eq(run_edit("IOType: io_stream", "IOType: io_parallel", 1), 0, "%s", err);
	cr_expect(log_text && strstr(log_text, "warning: ") && strstr(log_text, "io_parallel"),
		  "log: %s", log_text);
}

Test(import_config, resource_strategy_refused)
{
	cr_expect_eq(run_edit("Strategy: Latency", "Strategy: Resource", 0), -EOPNOTSUPP);
	cr_expect(strstr(err, "Model: Strategy 'Resource' unsupported"), "%s", err);
	cr_expect_eq(run_edit("    q_dense:\n", "    q_dense:\n      Strategy: resource\n", 0),
		     -EOPNOTSUPP);
	cr_expect(strstr(err, "LayerName 'q_dense': Strategy 'resource'"), "%s", err);
	/* an old config's softmax variant under Strategy is no mistake */
	cr_expect_eq(run_edit("    softmax:\n", "    softmax:\n      Strategy: Stable\n", 0), 0,
		     "%s", err);
}

/*
 * The published config's exp_table_t ap_fixed<18,12> indexes the inverse
 * table in steps of 4: sums of 1..4 read 1/0, saturated to 7.99994, so the
 * outputs sum to far more than 1. hls4ml's default type (18,8) does not.
 */
Test(import_config, saturating_softmax_warned)
{
	cr_expect_eq(run_edit("Trace: true", "Trace: true", 0), 0, "%s", err);
	cr_assert_not_null(log_text);
	cr_expect(strstr(log_text, "warning: layer 'softmax': outputs do not sum to 1"), "%s",
		  log_text);
	cr_expect(strstr(log_text, "7.99994"), "names the saturated maximum: %s", log_text);
	cr_expect(strstr(log_text, "fewer integer bits"), "says what to change: %s", log_text);
	cr_expect_eq(run_edit("exp_table_t: ap_fixed<18,12,AP_RND,AP_SAT>",
			      "exp_table_t: ap_fixed<18,8,AP_RND,AP_SAT>", 0),
		     0, "%s", err);
	cr_expect(!log_text || !strstr(log_text, "do not sum to 1"), "%s", log_text);
}
