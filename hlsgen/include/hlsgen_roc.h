/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * hlsgen_roc.h - one-vs-rest ROC curves and their exact AUC for a
 * classifier's scores, and the lab's ROC plot (PNG or SVG).
 *
 * Sample i's score for the class under test is scores[i * stride] (pass
 * probs + cls and the row length for a row-major probability matrix); it is
 * a positive when labels[i] == cls. Tied scores
 * form a single threshold: the curve takes one diagonal step across a tie
 * group and the AUC counts a tied positive/negative pair as 1/2 (the
 * Mann-Whitney statistic with midranks), as sklearn's roc_auc_score does.
 */
#ifndef HLSGEN_ROC_H
#define HLSGEN_ROC_H

#include <stddef.h>
#include <stdint.h>

/*
 * AUC of class cls against the rest; NaN when the labels contain no
 * positive or no negative sample (undefined). Returns NaN on allocation
 * failure too.
 */
double hlsgen_roc_auc(const float *scores, size_t stride, const int32_t *labels, uint64_t n,
		      int32_t cls);

struct hlsgen_roc_curve {
	uint32_t n;  /* points, from (0, 0) to (1, 1) */
	double *fpr; /* false positive rate (x) */
	double *tpr; /* true positive rate (y) */
	double auc;  /* area under these points (trapezoids) = hlsgen_roc_auc */
};

/* The curve of class cls; 0 or -ENOMEM / -EDOM (no positives or negatives). */
int hlsgen_roc_curve(const float *scores, size_t stride, const int32_t *labels, uint64_t n,
		     int32_t cls, struct hlsgen_roc_curve *c);
void hlsgen_roc_curve_free(struct hlsgen_roc_curve *c);

/* One method's curves: n_classes entries (a curve with n == 0 is skipped). */
struct hlsgen_roc_series {
	const char *name; /* legend text, e.g. "QKeras" */
	const struct hlsgen_roc_curve *curves;
};

/*
 * Draw every series' per-class curves in one plot: one colour per class,
 * one line style per series (solid, dashed, dotted, as the lab notebook
 * draws Keras / QKeras / hls4ml). The format follows path's extension
 * (.png or .svg). 0 or a negative errno code with a message in err.
 */
int hlsgen_roc_plot(const char *path, const char *title, const struct hlsgen_roc_series *series,
		    uint32_t n_series, uint32_t n_classes, char *err, size_t errlen);

#endif /* HLSGEN_ROC_H */
