// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * One setting of the quantization sweep: the base recipe with this
 * setting's bits and pruning, trained from the same seed as every other
 * setting, exported through the importer, and measured three ways plus
 * the resource estimate.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hlsgen_io.h"
#include "hlsgen_sweep.h"

static void tag_of(char *tag, size_t len, int wbits, int abits, int prune_kind, float sparsity)
{
	int n = wbits ? snprintf(tag, len, "%dw%da", wbits, abits) : snprintf(tag, len, "float");

	if (prune_kind == HG_PRUNE_CONSTANT)
		snprintf(tag + n, len - (size_t)n, "-p%.0f", sparsity * 100);
	else if (prune_kind == HG_PRUNE_POLYNOMIAL)
		snprintf(tag + n, len - (size_t)n, "-g%.0f", sparsity * 100);
}

static int measure(struct hg_net *net, const struct hg_data *test, struct hg_sweep_row *row,
		   unsigned threads, const char *part, char *err, size_t errlen)
{
	struct qnn_model m;
	struct hg_estimate_detail d;
	void *buf;
	long zeros = 0, total = 0;

	hg_net_evaluate(net, test, 0, NULL, &row->float_acc, NULL);
	hg_net_evaluate(net, test, 1, NULL, &row->quant_acc, NULL);
	for (int l = 0; l < hg_net_spec_of(net)->n_layers; l++) {
		size_t n;
		float *w = hg_net_param(net, l, HG_P_KERNEL, &n);

		for (size_t i = 0; i < n; i++)
			zeros += w[i] == 0.0f;
		total += (long)n;
	}
	row->sparsity = total ? (double)zeros / (double)total : 0.0;
	if (hg_bitexact_accuracy(row->qnn, test, threads, &row->bitexact_acc, NULL, err, errlen) ||
	    hlsgen_model_load(row->qnn, &buf, &m, err, errlen))
		return -1;
	if (hg_estimate(&m, part, &row->est, &d, err, errlen)) {
		free(buf);
		return -1;
	}
	snprintf(row->est.name, sizeof(row->est.name), "%s", row->tag);
	row->nonzero = d.nonzero_weights;
	row->total = d.total_weights;
	row->size_bits = d.size_bits;
	row->widest_a = d.widest_a;
	row->widest_b = d.widest_b;
	free(buf);
	return 0;
}

int hg_sweep_run_one(const struct hg_recipe *base, int wbits, int abits, int prune_kind,
		     const struct hg_data *train, const struct hg_data *test, const char *dir,
		     const char *part, struct hg_sweep_row *row, FILE *log, char *err,
		     size_t errlen)
{
	struct hg_recipe r = *base;
	struct hg_net_spec *spec = calloc(1, sizeof(*spec));
	static struct hg_train_result res;
	struct hg_export_paths paths;
	struct hg_net *net = NULL;
	char bits[32], prefix[600];
	int rc = -1;

	if (!spec)
		return -1;
	memset(row, 0, sizeof(*row));
	row->wbits = wbits;
	row->abits = abits;
	row->prune_kind = prune_kind;
	row->target_sparsity = prune_kind ? base->cfg.prune.target_sparsity : 0.0f;
	tag_of(row->tag, sizeof(row->tag), wbits, abits, prune_kind, row->target_sparsity);
	snprintf(bits, sizeof(bits), wbits ? "%d/%d" : "float", wbits, abits);
	hg_bits_quantizers(bits, &r.kq, &r.bq, &r.aq);
	r.have_q = 1;
	r.cfg.prune.kind = prune_kind;
	if (!strcmp(r.model, "lab"))
		hg_spec_lab_cnn(spec, &r.kq, &r.bq, &r.aq);
	else if (hg_spec_from_keras_json(r.model, spec, err, errlen))
		goto out;
	hg_recipe_apply(&r, spec, train->n);
	if (hg_net_create(&net, spec, r.cfg.threads, err, errlen))
		goto out;
	hg_net_init_weights(net, r.cfg.seed);
	if (log)
		fprintf(log, "--- sweep: %s\n", row->tag);
	if (hg_net_train(net, &r.cfg, train, &res, log, err, errlen))
		goto out;
	row->epochs_run = res.epochs_run;
	row->sec_per_epoch = res.epochs_run ? res.seconds / res.epochs_run : 0.0;
	snprintf(prefix, sizeof(prefix), "%s/%s", dir, row->tag);
	hg_export_paths_from_prefix(&paths, prefix);
	snprintf(row->qnn, sizeof(row->qnn), "%s", paths.qnn);
	if (hg_export_model(net, &paths, &r.exp, err, errlen) ||
	    measure(net, test, row, (unsigned)r.cfg.threads, part, err, errlen))
		goto out;
	rc = 0;
out:
	hg_net_free(net);
	free(spec);
	return rc;
}
