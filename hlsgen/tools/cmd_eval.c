// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * cmd_eval.c - `hlsgen eval`: the lab's accuracy comparison in one
 * command. The same inputs go through the float reference (Keras float,
 * QKeras-quantized) and the bit-exact engine; then accuracies, agreement
 * of the predicted classes, per-class ROC AUC and the ROC plot.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli_engine_opts.h"
#include "cli_number.h"
#include "eval.h"
#include "hlsgen_cmd.h"
#include "hlsgen_dataset.h"
#include "hlsgen_engine_batch.h"
#include "hlsgen_io.h"
#include "hlsgen_ref.h"

static const char usage[] =
    "usage: hlsgen eval MODEL.qnn --data mnist|fashion|X.npy:Y.npy [options]\n"
    "\n"
    "Accuracy of the model three ways, as the lab compares them: float weights in\n"
    "float math (Keras), QKeras-quantized in float math, and the bit-exact engine\n"
    "(what the FPGA computes); the agreement of their predicted classes, per-class\n"
    "ROC AUC (one vs rest, ties count 1/2) and images/s.\n"
    "\n"
    "  --data SPEC        mnist, fashion (test split; add :train for the training\n"
    "                     split) from $QNN_DATA or build/data, or X.npy:Y.npy with\n"
    "                     integer or one-hot labels\n"
    "  --data-dir DIR     where the prepared data sets live\n"
    "  --limit N          only the first N samples\n"
    "  --roc FILE         ROC plot, .png or .svg (solid: Keras float, dashed: QKeras,\n"
    "                     dotted: bit-exact; one colour per class)\n"
    "  --threads N        threads (default: all CPUs)\n"
    "  --json             machine-readable results (on stdout, or -o FILE)\n"
    "  -o, --output FILE  write the results to FILE instead of stdout\n"
    "  --allow-nonfinite  feed NaN/Inf inputs to the engine instead of refusing them\n"
    "  --quiet            no progress indicator\n";

struct eval_opts {
	const char *model, *data, *data_dir, *roc, *output;
	uint64_t limit;
	struct cli_engine_opts eng;
	int json;
};

static int parse_args(int argc, char **argv, struct eval_opts *o)
{
	static const struct option opts[] = {
	    {"data", required_argument, NULL, 'd'},
	    {"data-dir", required_argument, NULL, 'D'},
	    {"limit", required_argument, NULL, 'l'},
	    {"roc", required_argument, NULL, 'r'},
	    {"json", no_argument, NULL, 'J'},
	    {"output", required_argument, NULL, 'o'},
	    CLI_ENGINE_LONG_OPTS,
	    {NULL, 0, NULL, 0},
	};
	unsigned long long v;
	int c;

	memset(o, 0, sizeof(*o));
	optind = 1;
	while ((c = getopt_long(argc, argv, "d:l:r:o:" CLI_ENGINE_SHORT_OPTS, opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			o->data = optarg;
			break;
		case 'D':
			o->data_dir = optarg;
			break;
		case 'l':
			if (cli_number("eval", "limit", optarg, 1, ULLONG_MAX, &v))
				return -1;
			o->limit = v;
			break;
		case 'r':
			o->roc = optarg;
			break;
		case 'J':
			o->json = 1;
			break;
		case 'o':
			o->output = optarg;
			break;
		default:
			if (cli_engine_option("eval", c, optarg, &o->eng) != 1)
				return -1;
		}
	}
	if (optind != argc - 1 || !o->data) {
		fprintf(stderr, "hlsgen eval: %s\n\n",
			optind == argc	    ? "MODEL.qnn is required"
			: optind < argc - 1 ? "one MODEL.qnn only"
					    : "--data SPEC is required");
		return -1;
	}
	o->model = argv[optind];
	return 0;
}

static uint16_t argmax(const float *v, uint32_t n)
{
	uint16_t best = 0;

	for (uint32_t i = 1; i < n; i++)
		if (v[i] > v[best])
			best = (uint16_t)i;
	return best;
}

static int check_data(const struct hlsgen_dataset *d, const struct qnn_model *m,
		      const struct eval_opts *o, char *err, size_t errlen)
{
	uint64_t bad = hlsgen_find_nonfinite(d->x, d->n * d->n_in);

	if (m->n_out > EV_MAX_CLASSES) {
		snprintf(err, errlen, "model has %u outputs; eval handles up to %u classes",
			 m->n_out, EV_MAX_CLASSES);
		return -EINVAL;
	}
	for (uint64_t i = 0; i < d->n; i++)
		if ((uint32_t)d->y[i] >= m->n_out) {
			snprintf(err, errlen,
				 "%s: label %d of sample %llu is not one of the model's %u "
				 "classes",
				 d->name, d->y[i], (unsigned long long)i, m->n_out);
			return -EINVAL;
		}
	if (bad < d->n * d->n_in && !o->eng.allow_nonfinite) {
		snprintf(
		    err, errlen,
		    "%s: sample %llu has a non-finite input (NaN/Inf); --allow-nonfinite feeds "
		    "it to the engine under its documented rule",
		    d->name, (unsigned long long)(bad / d->n_in));
		return -EINVAL;
	}
	if (!d->n) {
		snprintf(err, errlen, "%s: no samples", d->name);
		return -EINVAL;
	}
	return 0;
}

static int run_ref(struct eval_result *r, const struct qnn_model *m, const float *x,
		   enum hlsgen_ref_mode mode, const struct eval_opts *o, char *err, size_t errlen)
{
	int meth = mode == HLSGEN_REF_FLOAT ? EV_FLOAT : EV_QKERAS;
	struct hlsgen_progress p;
	struct hlsgen_ref ref;
	double t0;
	int ret = hlsgen_ref_init(&ref, m, mode, err, errlen);

	if (ret)
		return ret;
	hlsgen_progress_begin(&p, NULL, eval_method_title[meth], r->n, !o->eng.quiet);
	t0 = hlsgen_now();
	ret = hlsgen_ref_run(&ref, x, r->n, r->scores[meth], o->eng.threads, &p);
	r->seconds[meth] = hlsgen_now() - t0;
	hlsgen_progress_end(&p);
	hlsgen_ref_free(&ref);
	for (uint64_t i = 0; !ret && i < r->n; i++)
		r->pred[meth][i] = argmax(r->scores[meth] + i * m->n_out, m->n_out);
	if (ret)
		snprintf(err, errlen, "float reference failed: %s", strerror(-ret));
	return ret;
}

static int run_engine(struct eval_result *r, const struct qnn_model *m, const float *x,
		      const struct eval_opts *o, char *err, size_t errlen)
{
	struct hlsgen_engine_results res = {.values = r->scores[EV_BITEXACT],
					    .classes = r->pred[EV_BITEXACT]};
	struct hlsgen_progress p;
	double t0;
	int ret;

	hlsgen_progress_begin(&p, NULL, eval_method_title[EV_BITEXACT], r->n, !o->eng.quiet);
	t0 = hlsgen_now();
	ret = hlsgen_engine_batch(m, x, r->n, o->eng.threads, &res, &p, err, errlen);
	r->seconds[EV_BITEXACT] = hlsgen_now() - t0;
	hlsgen_progress_end(&p);
	r->nonfinite = res.nonfinite;
	return ret;
}

static void score(struct eval_result *r, const int32_t *labels)
{
	for (int a = 0; a < EV_METHODS; a++) {
		uint64_t hit = 0;

		for (uint64_t i = 0; i < r->n; i++)
			hit += r->pred[a][i] == (uint16_t)labels[i];
		r->accuracy[a] = (double)hit / (double)r->n;
		for (int b = 0; b < EV_METHODS; b++) {
			uint64_t same = 0;

			for (uint64_t i = 0; i < r->n; i++)
				same += r->pred[a][i] == r->pred[b][i];
			r->agreement[a][b] = (double)same / (double)r->n;
		}
		/* a class absent from the labels has no ROC curve (n stays 0) */
		for (uint32_t k = 0; k < r->n_classes; k++)
			hlsgen_roc_curve(r->scores[a] + k, r->n_classes, labels, r->n, (int32_t)k,
					 &r->roc[a][k]);
	}
}

static int plot(const struct eval_result *r, const char *path, char *err, size_t errlen)
{
	struct hlsgen_roc_series s[EV_METHODS];
	char title[160];

	for (int m = 0; m < EV_METHODS; m++) {
		s[m].name = eval_method_title[m];
		s[m].curves = r->roc[m];
	}
	snprintf(title, sizeof(title), "ROC, %s on %s (%llu samples)", r->model_name, r->data_name,
		 (unsigned long long)r->n);
	return hlsgen_roc_plot(path, title, s, EV_METHODS, r->n_classes, err, errlen);
}

static int alloc_result(struct eval_result *r, uint32_t n_out)
{
	for (int m = 0; m < EV_METHODS; m++) {
		r->scores[m] = malloc(r->n * n_out * sizeof(float) + 1);
		r->pred[m] = malloc(r->n * sizeof(uint16_t) + 1);
		if (!r->scores[m] || !r->pred[m])
			return -ENOMEM;
	}
	return 0;
}

static void free_result(struct eval_result *r)
{
	for (int m = 0; m < EV_METHODS; m++) {
		free(r->scores[m]);
		free(r->pred[m]);
		for (uint32_t k = 0; k < EV_MAX_CLASSES; k++)
			hlsgen_roc_curve_free(&r->roc[m][k]);
	}
}

static int evaluate(const struct eval_opts *o, const struct qnn_model *m,
		    const struct hlsgen_dataset *d, char *err, size_t errlen)
{
	static struct eval_result r; /* large (ROC tables): not on the stack */
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	int ret;

	memset(&r, 0, sizeof(r));
	r.model_path = o->model;
	r.model_name = m->hdr->name;
	r.data_name = d->name;
	r.n = o->limit && o->limit < d->n ? o->limit : d->n;
	r.n_classes = m->n_out;
	r.threads = o->eng.threads ? o->eng.threads : (unsigned)(cpus > 0 ? cpus : 1);
	ret = alloc_result(&r, m->n_out);
	if (ret)
		snprintf(err, errlen, "out of memory");
	if (!ret)
		ret = run_ref(&r, m, d->x, HLSGEN_REF_FLOAT, o, err, errlen);
	if (!ret)
		ret = run_ref(&r, m, d->x, HLSGEN_REF_QKERAS, o, err, errlen);
	if (!ret)
		ret = run_engine(&r, m, d->x, o, err, errlen);
	if (!ret) {
		score(&r, d->y);
		if (o->roc)
			ret = plot(&r, o->roc, err, errlen);
	}
	if (!ret) {
		if (o->json)
			eval_print_json(&r);
		else
			eval_print_text(&r);
	}
	free_result(&r);
	return ret;
}

static int cmd_eval(int argc, char **argv)
{
	struct hlsgen_dataset d = {0};
	struct eval_opts o;
	struct qnn_model m;
	char err[512];
	void *buf = NULL;
	int ret;

	if (parse_args(argc, argv, &o)) {
		fputs(usage, stderr);
		return 2;
	}
	ret = hlsgen_model_load(o.model, &buf, &m, err, sizeof(err));
	if (!ret && o.output && !freopen(o.output, "w", stdout)) {
		snprintf(err, sizeof(err), "cannot write %s: %s", o.output, strerror(errno));
		ret = -errno;
	}
	if (!ret)
		ret = hlsgen_dataset_load(o.data, o.data_dir, m.hdr->in_h, m.hdr->in_w, m.hdr->in_c,
					  &d, err, sizeof(err));
	if (!ret)
		ret = check_data(&d, &m, &o, err, sizeof(err));
	if (!ret)
		ret = evaluate(&o, &m, &d, err, sizeof(err));
	hlsgen_dataset_free(&d);
	free(buf);
	if (ret) {
		fprintf(stderr, "hlsgen eval: %s\n", err);
		return 1;
	}
	return 0;
}

const struct hlsgen_cmd hlsgen_cmd_eval = {
    .name = "eval",
    .summary = "accuracy, agreement and ROC of float, QKeras and bit-exact (the lab's table)",
    .usage = usage,
    .run = cmd_eval,
};
