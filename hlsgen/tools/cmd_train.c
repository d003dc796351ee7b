// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * cmd_train.c - `hlsgen train`: quantization-aware training of the lab's
 * CNN (or a Keras/QKeras model JSON) on real data, then the files the
 * rest of the flow needs: Keras JSON + HDF5 weights (for hls4ml), the .qnn
 * built from them by the importer, and a float checkpoint. Prints the
 * test accuracy three ways (float, QKeras-quantized, bit-exact).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hlsgen_cmd.h"
#include "hlsgen_io.h"
#include "hlsgen_train_run.h"

static const char usage_text[] =
    "usage: hlsgen train [options] -o PREFIX\n"
    "\n"
    "Quantization-aware training equivalent to QKeras (straight-through estimator,\n"
    "round half to even) with TF-MOT magnitude pruning, Keras' Adam, ReduceLROnPlateau\n"
    "and EarlyStopping. Deterministic for a given --seed and --threads. Writes\n"
    "PREFIX.json + PREFIX_weights.h5 (Keras/QKeras, for hls4ml), PREFIX.qnn (through\n"
    "the importer's hls4ml precision rules) and PREFIX.ckpt (float checkpoint).\n"
    "\n"
    "  -o, --output PREFIX  where the files go (required; PREFIX's directory is\n"
    "                       created, and checked writable before training)\n"
    "  --json               print the results as one JSON object on stdout\n"
    "\n" HG_RECIPE_USAGE;

struct train_cli {
	struct hg_recipe r;
	const char *out;
	int json;
};

static int parse(int argc, char **argv, struct train_cli *c)
{
	char err[256];

	hg_recipe_default(&c->r);
	for (int i = 1; i < argc; i++) {
		int rc = hg_recipe_option(&c->r, argc, argv, &i, err, sizeof(err));

		if (rc < 0) {
			fprintf(stderr, "hlsgen train: %s\n", err);
			return -1;
		}
		if (rc)
			continue;
		if ((!strcmp(argv[i], "-o") || !strcmp(argv[i], "--output")) && i + 1 < argc) {
			c->out = argv[++i];
		} else if (!strcmp(argv[i], "--json")) {
			c->json = 1;
		} else {
			fprintf(stderr, "hlsgen train: unknown option '%s' (see --help)\n",
				argv[i]);
			return -1;
		}
	}
	if (!c->out) {
		fprintf(stderr, "hlsgen train: -o PREFIX is required\n");
		return -1;
	}
	return 0;
}

/* The model to train: a checkpoint, the lab's CNN, or a Keras JSON. */
static int load_spec(struct hg_recipe *r, struct hg_net **init, struct hg_net_spec *spec, char *err,
		     size_t errlen)
{
	*init = NULL;
	if (r->init) {
		if (hg_checkpoint_read(r->init, r->cfg.threads, init, err, errlen))
			return -1;
		*spec = *hg_net_spec_of(*init);
		return 0;
	}
	if (!strcmp(r->model, "lab")) {
		hg_spec_lab_cnn(spec, &r->kq, &r->bq, &r->aq);
		return 0;
	}
	return hg_spec_from_keras_json(r->model, spec, err, errlen);
}

static int build_net(struct hg_recipe *r, struct hg_net_spec *spec, struct hg_net **net,
		     const struct hg_data *tr, char *err, size_t errlen)
{
	hg_recipe_apply(r, spec, tr->n);
	if (*net) /* from a checkpoint: its quantizers stay as trained */
		return 0;
	if (hg_net_create(net, spec, r->cfg.threads, err, errlen))
		return -1;
	hg_net_init_weights(*net, r->cfg.seed);
	return 0;
}

static void report(const struct train_cli *c, const struct hg_train_result *res, double fa,
		   double qa, double ba, const struct hg_export_paths *p)
{
	const struct hg_train_config *cfg = &c->r.cfg;
	double spe = res->epochs_run ? res->seconds / res->epochs_run : 0.0;

	if (c->json) {
		double va = res->epochs_run ? res->hist[res->epochs_run - 1].val_acc : NAN;
		char vas[32] = "null"; /* no validation split: JSON has no NaN */

		if (isfinite(va))
			snprintf(vas, sizeof(vas), "%.4f", va);
		printf("{\"data\": \"%s\", \"epochs_run\": %d, \"stopped_early\": %s, "
		       "\"steps\": %ld, \"threads\": %d, \"seconds\": %.3f, "
		       "\"seconds_per_epoch\": %.4f, \"val_acc\": %s, \"float_acc\": %.4f, "
		       "\"quantized_acc\": %.4f, \"bitexact_acc\": %.4f, \"qnn\": \"%s\"}\n",
		       c->r.data, res->epochs_run, res->stopped_early ? "true" : "false",
		       res->steps, cfg->threads, res->seconds, spe, vas, fa, qa, ba, p->qnn);
		return;
	}
	printf("trained %d epoch%s (%ld steps) in %.1f s, %.3f s/epoch on %d thread%s%s\n",
	       res->epochs_run, res->epochs_run == 1 ? "" : "s", res->steps, res->seconds, spe,
	       cfg->threads, cfg->threads == 1 ? "" : "s",
	       res->stopped_early ? " (early stop)" : "");
	printf("test accuracy (%s): float %.4f  QKeras-quantized %.4f  bit-exact %.4f\n", c->r.data,
	       fa, qa, ba);
	printf("wrote %s %s %s %s\n", p->json, p->h5, p->qnn, p->ckpt);
}

static int run(int argc, char **argv)
{
	struct train_cli c = {0};
	struct hg_data tr = {0}, te = {0};
	struct hg_net *net = NULL;
	static struct hg_train_result res;
	struct hg_export_paths paths;
	struct hg_net_spec *spec = NULL;
	char err[512];
	double fl, fa, ql, qa, ba = 0.0;
	int rc = 1;

	if (parse(argc, argv, &c))
		return 2;
	/* the outputs' directory exists and is writable before hours of training */
	if (hlsgen_output_dir_of(c.out, err, sizeof(err))) {
		fprintf(stderr, "hlsgen train: -o %s: %s\n", c.out, err);
		return 1;
	}
	spec = calloc(1, sizeof(*spec));
	if (!spec || load_spec(&c.r, &net, spec, err, sizeof(err)) ||
	    hg_recipe_load_data(&c.r, spec->in_h, spec->in_w, spec->in_c, &tr, &te, err,
				sizeof(err)) ||
	    build_net(&c.r, spec, &net, &tr, err, sizeof(err)) ||
	    hg_net_train(net, &c.r.cfg, &tr, &res, stderr, err, sizeof(err)))
		goto out;
	hg_net_evaluate(net, &te, 0, &fl, &fa, NULL);
	hg_net_evaluate(net, &te, 1, &ql, &qa, NULL);
	hg_export_paths_from_prefix(&paths, c.out);
	if (hg_export_model(net, &paths, &c.r.exp, err, sizeof(err)) ||
	    hg_bitexact_accuracy(paths.qnn, &te, (unsigned)c.r.cfg.threads, &ba, NULL, err,
				 sizeof(err)))
		goto out;
	report(&c, &res, fa, qa, ba, &paths);
	rc = 0;
out:
	if (rc)
		fprintf(stderr, "hlsgen train: %s\n", err);
	hg_net_free(net);
	free(spec);
	hg_data_free(&tr);
	hg_data_free(&te);
	return rc;
}

const struct hlsgen_cmd hlsgen_cmd_train = {
    .name = "train",
    .summary = "quantization-aware training + pruning -> Keras JSON/HDF5, .qnn, checkpoint",
    .usage = usage_text,
    .run = run,
};
