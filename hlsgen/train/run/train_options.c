// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The training recipe as command-line options, shared by `hlsgen train`
 * and `hlsgen sweep`. Defaults are the lab's recipe: 6-bit weights and
 * activations, 75% constant sparsity from step 0 updated every 100 steps,
 * 30 epochs of batch 32 with Adam 1e-3, 10% validation split,
 * ReduceLROnPlateau(0.5, patience 3) and EarlyStopping(patience 10), the
 * lab CNN's Dropout at rate 0 (HG_LAB_DROPOUT says why).
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hlsgen_error.h"
#include "hlsgen_import.h"
#include "hlsgen_train_run.h"

const char hg_recipe_usage[] = HG_RECIPE_USAGE;

void hg_recipe_default(struct hg_recipe *r)
{
	memset(r, 0, sizeof(*r));
	hg_train_config_default(&r->cfg);
	r->model = "lab";
	r->data = "mnist";
	r->cfg.prune.kind = HG_PRUNE_CONSTANT;
	r->cfg.prune.target_sparsity = 0.75f;
	r->cfg.prune.begin_step = 0;
	r->cfg.prune.end_step = -1;
	r->cfg.prune.frequency = 100;
	r->poly_end_auto = 1;
	r->dropout = -1.0f;
	hg_bits_quantizers("6/6", &r->kq, &r->bq, &r->aq);
	r->have_q = 1;
	r->exp.hls4ml_major = 0;
	r->exp.hls4ml_minor = 8;
}

int hg_bits_quantizers(const char *text, struct hg_quantizer *kq, struct hg_quantizer *bq,
		       struct hg_quantizer *aq)
{
	int w, a;
	char tail;

	memset(kq, 0, sizeof(*kq));
	memset(bq, 0, sizeof(*bq));
	memset(aq, 0, sizeof(*aq));
	if (!strcmp(text, "float") || !strcmp(text, "0"))
		return 0;
	if (sscanf(text, "%d/%d%c", &w, &a, &tail) != 2) {
		if (sscanf(text, "%d%c", &w, &tail) != 1)
			return -1;
		a = w;
	}
	if (w < 2 || w > 32 || a < 1 || a > 32)
		return -1;
	*kq = (struct hg_quantizer){.kind = HG_Q_BITS, .bits = w, .keep_negative = 1};
	*bq = *kq;
	*aq = (struct hg_quantizer){.kind = HG_Q_RELU, .bits = a};
	return 0;
}

static int num(const char *v, double lo, double hi, double *out)
{
	char *end;
	double x = strtod(v, &end);

	if (end == v || *end || !(x >= lo && x <= hi))
		return -1;
	*out = x;
	return 0;
}

struct numopt {
	const char *name;
	double lo, hi;
	int is_int;
	size_t off; /* offset in struct hg_recipe */
	int size;   /* sizeof the field */
};

#define RO(f) offsetof(struct hg_recipe, f), (int)sizeof(((struct hg_recipe *)0)->f)

static const struct numopt numopts[] = {
    {"--epochs", 1, 1024, 1, RO(cfg.epochs)},
    {"--batch", 1, 65536, 1, RO(cfg.batch_size)},
    {"--lr", 1e-9, 10, 0, RO(cfg.lr)},
    {"--val-split", 0, 0.99, 0, RO(cfg.val_split)},
    {"--threads", 1, 64, 1, RO(cfg.threads)},
    {"--sparsity", 0, 0.999, 0, RO(cfg.prune.target_sparsity)},
    {"--initial-sparsity", 0, 0.999, 0, RO(cfg.prune.initial_sparsity)},
    {"--frequency", 1, 1e9, 1, RO(cfg.prune.frequency)},
    {"--begin-step", 0, 1e12, 1, RO(cfg.prune.begin_step)},
    {"--power", 0, 100, 0, RO(cfg.prune.power)},
    {"--lr-patience", 0, 1e6, 1, RO(cfg.lr_patience)},
    {"--lr-factor", 1e-6, 1, 0, RO(cfg.lr_factor)},
    {"--lr-min", 0, 10, 0, RO(cfg.lr_min)},
    {"--lr-min-delta", 0, 1e6, 0, RO(cfg.lr_min_delta)},
    {"--lr-cooldown", 0, 1e6, 1, RO(cfg.lr_cooldown)},
    {"--stop-patience", 0, 1e6, 1, RO(cfg.stop_patience)},
    {"--train-limit", 1, 1e12, 1, RO(train_limit)},
    {"--test-limit", 1, 1e12, 1, RO(test_limit)},
    {"--dropout", 0, 0.99, 0, RO(dropout)},
};

static void store(struct hg_recipe *r, const struct numopt *o, double v)
{
	char *p = (char *)r + o->off;

	if (!o->is_int)
		*(float *)p = (float)v;
	else if (o->size == sizeof(long))
		*(long *)p = (long)v;
	else
		*(int *)p = (int)v;
}

static int quantizer_opt(const char *name, const char *v, struct hg_quantizer *q, char *err,
			 size_t errlen)
{
	char e[200];

	if (hg_quantizer_parse(v, q, e, sizeof(e)))
		return hg_fail(err, errlen, -1, "%s: %s", name, e);
	return 0;
}

static int string_opt(struct hg_recipe *r, const char *o, const char *v, char *err, size_t errlen)
{
	if (!strcmp(o, "--model"))
		r->model = v;
	else if (!strcmp(o, "--data"))
		r->data = v;
	else if (!strcmp(o, "--train-data"))
		r->train_data = v;
	else if (!strcmp(o, "--init"))
		r->init = v;
	else if (!strcmp(o, "--config"))
		r->exp.config_path = v;
	else if (!strcmp(o, "--hls4ml-version")) {
		if (hlsgen_import_parse_version(v, &r->exp.hls4ml_major, &r->exp.hls4ml_minor))
			return hg_fail(err, errlen, -1, "--hls4ml-version: unknown version '%s'",
				       v);
		r->hls4ml_version = v;
	} else if (!strcmp(o, "--bits")) {
		if (hg_bits_quantizers(v, &r->kq, &r->bq, &r->aq))
			return hg_fail(err, errlen, -1,
				       "--bits: expected W/A (2..32) or float, got '%s'", v);
		r->have_q = 1;
	} else if (!strcmp(o, "--weight-quantizer")) {
		r->have_q = 1;
		return quantizer_opt(o, v, &r->kq, err, errlen) ? -1 : 1;
	} else if (!strcmp(o, "--bias-quantizer")) {
		r->have_q = 1;
		return quantizer_opt(o, v, &r->bq, err, errlen) ? -1 : 1;
	} else if (!strcmp(o, "--act-quantizer")) {
		r->have_q = 1;
		return quantizer_opt(o, v, &r->aq, err, errlen) ? -1 : 1;
	} else if (!strcmp(o, "--prune")) {
		if (!strcmp(v, "none"))
			r->cfg.prune.kind = HG_PRUNE_NONE;
		else if (!strcmp(v, "constant"))
			r->cfg.prune.kind = HG_PRUNE_CONSTANT;
		else if (!strcmp(v, "polynomial"))
			r->cfg.prune.kind = HG_PRUNE_POLYNOMIAL;
		else
			return hg_fail(err, errlen, -1, "--prune: none, constant or polynomial");
	} else if (!strcmp(o, "--end-step")) {
		char *end;
		long x = strtol(v, &end, 10);

		if (end == v || *end || x < -1)
			return hg_fail(err, errlen, -1, "--end-step: a step number or -1");
		r->cfg.prune.end_step = x;
		r->poly_end_auto = 0;
	} else if (!strcmp(o, "--seed")) {
		char *end;
		unsigned long long x = strtoull(v, &end, 10);

		if (end == v || *end || strchr(v, '-'))
			return hg_fail(err, errlen, -1, "--seed: a non-negative integer");
		r->cfg.seed = x;
	} else if (!strcmp(o, "--progress")) {
		if (!strcmp(v, "none"))
			r->cfg.progress = 0;
		else if (!strcmp(v, "lines"))
			r->cfg.progress = 1;
		else if (!strcmp(v, "bar"))
			r->cfg.progress = 2;
		else
			return hg_fail(err, errlen, -1, "--progress: none, lines or bar");
	} else {
		return 0;
	}
	return 1;
}

int hg_recipe_option(struct hg_recipe *r, int argc, char **argv, int *i, char *err, size_t errlen)
{
	const char *o = argv[*i];
	static const char *const with_value[] = {"--model",
						 "--data",
						 "--train-data",
						 "--init",
						 "--config",
						 "--hls4ml-version",
						 "--bits",
						 "--weight-quantizer",
						 "--bias-quantizer",
						 "--act-quantizer",
						 "--prune",
						 "--end-step",
						 "--seed",
						 "--progress",
						 NULL};
	int rc;

	if (!strcmp(o, "--restore-best")) {
		r->cfg.restore_best = 1;
		return 1;
	}
	if (!strcmp(o, "--no-clip")) {
		r->cfg.clip_constraint = 0;
		return 1;
	}
	if (!strcmp(o, "--no-shuffle")) {
		r->cfg.no_shuffle = 1;
		return 1;
	}
	for (size_t k = 0; k < sizeof(numopts) / sizeof(numopts[0]); k++) {
		double v;

		if (strcmp(o, numopts[k].name))
			continue;
		if (*i + 1 >= argc)
			return hg_fail(err, errlen, -1, "%s needs a value", o);
		if (num(argv[*i + 1], numopts[k].lo, numopts[k].hi, &v) ||
		    (numopts[k].is_int && v != (double)(long)v))
			return hg_fail(err, errlen, -1, "%s: '%s' is not %s in [%g, %g]", o,
				       argv[*i + 1], numopts[k].is_int ? "an integer" : "a number",
				       numopts[k].lo, numopts[k].hi);
		store(r, &numopts[k], v);
		*i += 1;
		return 1;
	}
	for (int k = 0; with_value[k]; k++) {
		if (strcmp(o, with_value[k]))
			continue;
		if (*i + 1 >= argc)
			return hg_fail(err, errlen, -1, "%s needs a value", o);
		rc = string_opt(r, o, argv[*i + 1], err, errlen);
		if (rc > 0)
			*i += 1;
		return rc;
	}
	return 0;
}

/* --dropout R, or the lab recipe's rate for the lab CNN (HG_LAB_DROPOUT). */
static void apply_dropout(const struct hg_recipe *r, struct hg_net_spec *s)
{
	float rate = r->dropout;

	if (rate < 0.0f && !r->init && !strcmp(r->model, "lab"))
		rate = HG_LAB_DROPOUT;
	if (rate < 0.0f)
		return;
	for (int l = 0; l < s->n_layers; l++)
		if (s->layers[l].kind == HG_L_DROPOUT)
			s->layers[l].rate = rate;
}

void hg_recipe_apply(struct hg_recipe *r, struct hg_net_spec *s, size_t n_train)
{
	struct hg_prune_schedule *p = &r->cfg.prune;
	size_t fit = hg_val_split_at(n_train, r->cfg.val_split);
	long steps = (long)((fit + r->cfg.batch_size - 1) / r->cfg.batch_size) * r->cfg.epochs;

	if (p->kind == HG_PRUNE_POLYNOMIAL && r->poly_end_auto)
		p->end_step = p->begin_step + (steps * 2 / 3 > 1 ? steps * 2 / 3 : 1);
	apply_dropout(r, s);
	if (!r->have_q)
		return;
	for (int l = 0; l < s->n_layers; l++) {
		struct hg_layer_spec *ls = &s->layers[l];

		if (ls->kind == HG_L_CONV2D || ls->kind == HG_L_DENSE) {
			ls->kernel_q = r->kq;
			ls->bias_q = r->bq;
		} else if (ls->kind == HG_L_ACT &&
			   (ls->activation == HG_ACT_QUANT || ls->activation == HG_ACT_RELU)) {
			ls->act_q = r->aq;
			ls->activation = r->aq.kind == HG_Q_NONE ? HG_ACT_RELU : HG_ACT_QUANT;
		}
	}
}

int hg_recipe_load_data(const struct hg_recipe *r, int h, int w, int c, struct hg_data *tr,
			struct hg_data *te, char *err, size_t errlen)
{
	char spec[300];

	if (r->train_data)
		snprintf(spec, sizeof(spec), "%s", r->train_data);
	else if (strchr(r->data, ':'))
		return hg_fail(err, errlen, -1,
			       "--data %s: give the training set with --train-data", r->data);
	else
		snprintf(spec, sizeof(spec), "%s:train", r->data);
	if (hg_data_load(spec, h, w, c, tr, err, errlen) ||
	    hg_data_load(r->data, h, w, c, te, err, errlen))
		return -1;
	if (r->train_limit)
		hg_data_truncate(tr, (size_t)r->train_limit);
	if (r->test_limit)
		hg_data_truncate(te, (size_t)r->test_limit);
	return 0;
}
