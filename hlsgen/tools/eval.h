/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * eval.h - what `hlsgen eval` measures (cmd_eval.c) and prints
 * (eval_report.c): the lab's three columns side by side.
 */
#ifndef HLSGEN_EVAL_H
#define HLSGEN_EVAL_H

#include <stdint.h>

#include "hlsgen_roc.h"

enum eval_method {
	EV_FLOAT = 0,	 /* float weights, float math (Keras) */
	EV_QKERAS = 1,	 /* QKeras-quantized, float math */
	EV_BITEXACT = 2, /* the bit-exact engine (the FPGA / hls4ml C simulation) */
	EV_METHODS
};

#define EV_MAX_CLASSES 64

struct eval_result {
	const char *model_path;
	const char *model_name;
	const char *data_name;
	uint64_t n;
	uint32_t n_classes;
	unsigned threads;
	float *scores[EV_METHODS];  /* [n * n_classes] model outputs */
	uint16_t *pred[EV_METHODS]; /* [n] argmax, lowest index wins ties */
	double accuracy[EV_METHODS];
	double agreement[EV_METHODS][EV_METHODS];
	struct hlsgen_roc_curve roc[EV_METHODS][EV_MAX_CLASSES]; /* n == 0: undefined */
	double seconds[EV_METHODS];
	uint64_t nonfinite; /* NaN/Inf input elements (with --allow-nonfinite) */
};

extern const char *const eval_method_name[EV_METHODS];	/* "float", "qkeras", "bitexact" */
extern const char *const eval_method_title[EV_METHODS]; /* legend / table headings */

void eval_print_text(const struct eval_result *r);
int eval_print_json(const struct eval_result *r);

#endif /* HLSGEN_EVAL_H */
