/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * hlsgen_synth.h - FPGA resources of hls4ml projects: parsers for the
 * reports Vivado HLS / Vitis HLS (`<top>_csynth.rpt`, `<top>_csynth.xml`)
 * and Vivado (`report_utilization`) write, a clearly labelled resource
 * ESTIMATE for a .qnn when no report exists, and the side-by-side
 * comparison with a recommendation under a resource budget.
 * Implemented in hlsgen/report/ (README there).
 */
#ifndef HLSGEN_SYNTH_H
#define HLSGEN_SYNTH_H

#include <stddef.h>
#include <stdio.h>

#include "qnn_model.h"

enum hg_res_kind { HG_BRAM18K = 0, HG_DSP, HG_FF, HG_LUT, HG_URAM, HG_RES_COUNT };

/* "BRAM_18K", "DSP", "FF", "LUT", "URAM" */
extern const char *const hg_res_name[HG_RES_COUNT];

enum hg_synth_source {
	HG_SRC_CSYNTH_RPT = 1,	/* Vivado/Vitis HLS text report */
	HG_SRC_CSYNTH_XML = 2,	/* Vivado/Vitis HLS XML report */
	HG_SRC_UTILIZATION = 3, /* Vivado report_utilization (post synthesis/place) */
	HG_SRC_ESTIMATE = 4,	/* hlsgen's estimate from a .qnn: NOT a tool report */
};

struct hg_synth {
	char name[64]; /* project label */
	char path[512];
	int source;    /* enum hg_synth_source */
	char tool[64]; /* "Vivado HLS 2019.2", "Vitis HLS 2022.2", ... */
	char part[64];
	char top[64];
	double used[HG_RES_COUNT];
	double avail[HG_RES_COUNT];	      /* 0: unknown */
	int have[HG_RES_COUNT];		      /* the report gave this resource */
	double clock_target_ns, clock_est_ns; /* 0: unknown */
	long latency_min, latency_max;	      /* cycles, -1: unknown */
	long interval_min, interval_max;      /* cycles, -1: unknown */
	double accuracy;		      /* from the user, <0: unknown */
};

/* Device capacity of a part ("xczu7ev-ffvc1156-2-e", "xczu7ev", "zcu104"). */
int hg_part_capacity(const char *part, double avail[HG_RES_COUNT], char *canonical, size_t len);

/*
 * Read one report file (kind detected from its contents) or an hls4ml
 * project directory (the first `*_csynth.xml`/`.rpt` under it). 0 or -1
 * with a message naming the file and the problem.
 */
int hg_synth_load(const char *path, struct hg_synth *r, char *err, size_t errlen);
int hg_synth_parse_rpt(const char *text, struct hg_synth *r, char *err, size_t errlen);
int hg_synth_parse_xml(const char *text, size_t len, struct hg_synth *r, char *err, size_t errlen);
int hg_synth_parse_utilization(const char *text, struct hg_synth *r, char *err, size_t errlen);

/* ---- the estimate ---- */

struct hg_estimate_detail {
	long multipliers; /* physical multipliers after pruning and reuse */
	long nonzero_weights;
	long total_weights;
	long size_bits;		/* nonzero weights and biases x their widths */
	int widest_a, widest_b; /* widest multiplier: input bits x weight bits */
};

/*
 * A resource ESTIMATE of the hls4ml io_stream design of m on a part
 * (hlsgen/report/README.md: model, calibration, error). r->source is
 * HG_SRC_ESTIMATE and r->tool says "hlsgen estimate".
 */
int hg_estimate(const struct qnn_model *m, const char *part, struct hg_synth *r,
		struct hg_estimate_detail *d, char *err, size_t errlen);
/* The model's uncalibrated counts (README: calibration). */
void hg_estimate_raw(const struct qnn_model *m, double raw[HG_RES_COUNT],
		     struct hg_estimate_detail *d);
/* The calibration factors applied to the raw counts. */
extern const double hg_estimate_calibration[HG_RES_COUNT];

/* ---- comparison ---- */

struct hg_budget {
	double pct[HG_RES_COUNT]; /* maximum utilization per resource, percent */
	double accuracy_slack;	  /* points of accuracy traded for resources */
};

void hg_budget_default(struct hg_budget *b);
/* "lut=70,dsp=80,bram=90,ff=80,uram=100" (percent); -1 on a bad spec */
int hg_budget_parse(const char *text, struct hg_budget *b, char *err, size_t errlen);

/* Percent of the part used, or -1 when either figure is unknown. */
double hg_synth_pct(const struct hg_synth *r, int res);

/*
 * Pick the project to take to the bitstream: among those within budget,
 * the most accurate (anything within accuracy_slack points of the best
 * counts as equal; when some accuracies are known, a project without one is
 * never picked; when none is, the choice is on resources alone and why
 * says so), then the smallest
 * peak utilization, then the shortest interval. Returns its index or -1
 * when none fits; why (always filled) explains the choice and each
 * rejection.
 */
int hg_recommend(const struct hg_synth *r, int n, const struct hg_budget *b, char *why,
		 size_t whylen);

/* Side-by-side table (Markdown when markdown != 0) of n projects. */
void hg_synth_print(FILE *f, const struct hg_synth *r, int n, int markdown);

#endif /* HLSGEN_SYNTH_H */
