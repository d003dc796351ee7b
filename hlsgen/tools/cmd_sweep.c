// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * cmd_sweep.c - `hlsgen sweep`: the lab's question "how many bits, how
 * much pruning, at what cost" in one command. Trains every requested
 * bits/pruning setting with the same recipe and seed, then writes the
 * table (Markdown + CSV) and the accuracy-vs-size plot.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "hlsgen_cmd.h"
#include "hlsgen_io.h"
#include "hlsgen_sweep.h"

#define MAX_SETTINGS 32

static const char usage_text[] =
    "usage: hlsgen sweep [options] -o DIR\n"
    "\n"
    "Trains each setting (weight/activation bits x pruning), exports it (DIR/TAG.json,\n"
    "_weights.h5, .qnn, .ckpt), and measures float / QKeras-quantized / bit-exact test\n"
    "accuracy, model size, widest multiplier and estimated resources. Writes\n"
    "DIR/sweep.md, DIR/sweep.csv and DIR/sweep.svg (accuracy vs model size).\n"
    "\n"
    "  -o DIR               output directory (created)\n"
    "  --settings LIST      bit settings, default 16/16,8/8,6/6,4/4,3/3,2/2\n"
    "  --pruning LIST       none,constant,polynomial: each setting once per entry\n"
    "                       (default none,constant)\n"
    "  --no-float-baseline  skip the unquantized, unpruned reference row\n"
    "  --part PART          part for the resource estimate (default xczu7ev)\n"
    "  --plot FILE          plot file (.svg or .png), relative to DIR unless it is\n"
    "                       absolute; default DIR/sweep.svg\n"
    "  --title TEXT         table and plot title\n"
    "\n"
    "The training recipe (defaults: the lab's; --sparsity sets the pruned "
    "rows'):\n" HG_RECIPE_USAGE;

struct sweep_cli {
	struct hg_recipe r;
	const char *dir, *settings, *pruning, *part, *plot, *title;
	int float_baseline;
};

static int parse(int argc, char **argv, struct sweep_cli *c)
{
	char err[256];

	hg_recipe_default(&c->r);
	c->settings = "16/16,8/8,6/6,4/4,3/3,2/2";
	c->pruning = "none,constant";
	c->part = "xczu7ev";
	c->float_baseline = 1;
	for (int i = 1; i < argc; i++) {
		int rc = hg_recipe_option(&c->r, argc, argv, &i, err, sizeof(err));
		const char *a = argv[i];

		if (rc < 0) {
			fprintf(stderr, "hlsgen sweep: %s\n", err);
			return -1;
		}
		if (rc)
			continue;
		if ((!strcmp(a, "-o") || !strcmp(a, "--output")) && i + 1 < argc)
			c->dir = argv[++i];
		else if (!strcmp(a, "--settings") && i + 1 < argc)
			c->settings = argv[++i];
		else if (!strcmp(a, "--pruning") && i + 1 < argc)
			c->pruning = argv[++i];
		else if (!strcmp(a, "--part") && i + 1 < argc)
			c->part = argv[++i];
		else if (!strcmp(a, "--plot") && i + 1 < argc)
			c->plot = argv[++i];
		else if (!strcmp(a, "--title") && i + 1 < argc)
			c->title = argv[++i];
		else if (!strcmp(a, "--no-float-baseline"))
			c->float_baseline = 0;
		else {
			fprintf(stderr, "hlsgen sweep: unknown option '%s' (see --help)\n", a);
			return -1;
		}
	}
	if (!c->dir) {
		fprintf(stderr, "hlsgen sweep: -o DIR is required\n");
		return -1;
	}
	return 0;
}

struct setting {
	int w, a, prune;
};

static int plan(const struct sweep_cli *c, struct setting *s, int *n)
{
	char bits[256], prn[128], *sb = NULL, *sp = NULL;
	int kinds[3], nk = 0;

	snprintf(prn, sizeof(prn), "%s", c->pruning);
	for (char *t = strtok_r(prn, ",", &sp); t; t = strtok_r(NULL, ",", &sp)) {
		if (nk == 3)
			return -1;
		if (!strcmp(t, "none"))
			kinds[nk++] = HG_PRUNE_NONE;
		else if (!strcmp(t, "constant"))
			kinds[nk++] = HG_PRUNE_CONSTANT;
		else if (!strcmp(t, "polynomial"))
			kinds[nk++] = HG_PRUNE_POLYNOMIAL;
		else {
			fprintf(stderr, "hlsgen sweep: --pruning: none, constant, polynomial\n");
			return -1;
		}
	}
	*n = 0;
	if (c->float_baseline)
		s[(*n)++] = (struct setting){0, 0, HG_PRUNE_NONE};
	snprintf(bits, sizeof(bits), "%s", c->settings);
	for (char *t = strtok_r(bits, ",", &sb); t; t = strtok_r(NULL, ",", &sb)) {
		struct hg_quantizer kq, bq, aq;
		int w = 0, a = 0;

		if (hg_bits_quantizers(t, &kq, &bq, &aq)) {
			fprintf(stderr, "hlsgen sweep: --settings: '%s' is not W/A bits\n", t);
			return -1;
		}
		w = kq.bits;
		a = aq.bits;
		for (int k = 0; k < nk; k++) {
			if (*n == MAX_SETTINGS) {
				fprintf(stderr, "hlsgen sweep: more than %d settings\n",
					MAX_SETTINGS);
				return -1;
			}
			s[(*n)++] = (struct setting){w, a, kinds[k]};
		}
	}
	return *n ? 0 : -1;
}

static int run(int argc, char **argv)
{
	struct sweep_cli c;
	struct setting s[MAX_SETTINGS];
	static struct hg_sweep_row rows[MAX_SETTINGS];
	struct hg_data tr = {0}, te = {0};
	char err[800], path[700], title[200];
	int n = 0, rc = 1;

	memset(&c, 0, sizeof(c));
	if (parse(argc, argv, &c) || plan(&c, s, &n))
		return 2;
	if (hlsgen_mkdir_p(c.dir, err, sizeof(err))) {
		fprintf(stderr, "hlsgen sweep: %s\n", err);
		return 1;
	}
	if (hg_recipe_load_data(&c.r, 28, 28, 1, &tr, &te, err, sizeof(err)))
		goto out;
	snprintf(title, sizeof(title), "%s", c.title ? c.title : "");
	if (!c.title)
		snprintf(title, sizeof(title),
			 "Quantization sweep: lab CNN on %s, %d epoch%s%s%.0ld%s%s%.0ld%s",
			 c.r.data, c.r.cfg.epochs, c.r.cfg.epochs == 1 ? "" : "s",
			 c.r.train_limit ? ", first " : "", c.r.train_limit,
			 c.r.train_limit ? " training samples" : "",
			 c.r.test_limit ? ", first " : "", c.r.test_limit,
			 c.r.test_limit ? " test samples" : "");
	for (int i = 0; i < n; i++) {
		fprintf(stderr, "sweep %d/%d\n", i + 1, n);
		if (hg_sweep_run_one(&c.r, s[i].w, s[i].a, s[i].prune, &tr, &te, c.dir, c.part,
				     &rows[i], stderr, err, sizeof(err)))
			goto out;
		printf(
		    "%-12s float %.4f  QKeras %.4f  bit-exact %.4f  sparsity %.1f%%  size %ld bits"
		    "  widest %dx%d  LUT %.0f (est.)  %.2f s/epoch\n",
		    rows[i].tag, rows[i].float_acc, rows[i].quant_acc, rows[i].bitexact_acc,
		    100.0 * rows[i].sparsity, rows[i].size_bits, rows[i].widest_a, rows[i].widest_b,
		    rows[i].est.used[HG_LUT], rows[i].sec_per_epoch);
		fflush(stdout);
	}
	snprintf(path, sizeof(path), "%s/sweep.csv", c.dir);
	if (hg_sweep_write_csv(path, rows, n)) {
		snprintf(err, sizeof(err), "cannot write %s: %s", path, strerror(errno));
		goto out;
	}
	snprintf(path, sizeof(path), "%s/sweep.md", c.dir);
	if (hg_sweep_write_markdown(path, rows, n, title)) {
		snprintf(err, sizeof(err), "cannot write %s: %s", path, strerror(errno));
		goto out;
	}
	/* --plot is relative to DIR, as the usage says, unless absolute */
	if (c.plot && c.plot[0] == '/')
		snprintf(path, sizeof(path), "%s", c.plot);
	else
		snprintf(path, sizeof(path), "%s/%s", c.dir, c.plot ? c.plot : "sweep.svg");
	if (hg_sweep_plot(path, rows, n, title, err, sizeof(err)))
		goto out;
	printf("wrote %s/sweep.md, %s/sweep.csv, %s\n", c.dir, c.dir, path);
	rc = 0;
out:
	if (rc)
		fprintf(stderr, "hlsgen sweep: %s\n", err);
	hg_data_free(&tr);
	hg_data_free(&te);
	return rc;
}

const struct hlsgen_cmd hlsgen_cmd_sweep = {
    .name = "sweep",
    .summary = "train a bits x pruning grid; table (md/csv) and accuracy-vs-size plot",
    .usage = usage_text,
    .run = run,
};
