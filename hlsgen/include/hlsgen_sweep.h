/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * hlsgen_sweep.h - the lab's quantization study (`hlsgen sweep`): train
 * each bits/pruning setting, measure float / QKeras / bit-exact accuracy,
 * model size, widest multiplier and the resource estimate, and write the
 * table (Markdown, CSV) and the accuracy-vs-size plot (PNG or SVG).
 */
#ifndef HLSGEN_SWEEP_H
#define HLSGEN_SWEEP_H

#include <stdio.h>

#include "hlsgen_synth.h"
#include "hlsgen_train_run.h"

struct hg_sweep_row {
	char tag[32];	  /* "6w6a", "6w6a-p75", "float" */
	int wbits, abits; /* 0: float */
	int prune_kind;	  /* enum hg_prune_kind */
	float target_sparsity;
	double sparsity; /* measured: zero kernel weights / all */
	double float_acc, quant_acc, bitexact_acc;
	long nonzero, total;
	long size_bits;
	int widest_a, widest_b;
	struct hg_synth est; /* ESTIMATE on the sweep's part */
	int epochs_run;
	double sec_per_epoch;
	char qnn[512];
};

/* Train, export (DIR/TAG.*), evaluate and estimate one setting. */
int hg_sweep_run_one(const struct hg_recipe *base, int wbits, int abits, int prune_kind,
		     const struct hg_data *train, const struct hg_data *test, const char *dir,
		     const char *part, struct hg_sweep_row *row, FILE *log, char *err,
		     size_t errlen);

int hg_sweep_write_csv(const char *path, const struct hg_sweep_row *r, int n);
int hg_sweep_write_markdown(const char *path, const struct hg_sweep_row *r, int n,
			    const char *title);
/* Accuracy (bit-exact) against model size; .png or .svg by the name. */
int hg_sweep_plot(const char *path, const struct hg_sweep_row *r, int n, const char *title,
		  char *err, size_t errlen);

#endif /* HLSGEN_SWEEP_H */
