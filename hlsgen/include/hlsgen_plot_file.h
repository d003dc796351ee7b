/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * hlsgen_plot_file.h - a cairo drawing written as a .png or .svg file (by
 * the path's ending), for every figure hlsgen draws: the ROC plot
 * (report/roc_plot.c) and the sweep's accuracy-vs-size plot
 * (train/sweep/sweep_plot.c).
 */
#ifndef HLSGEN_PLOT_FILE_H
#define HLSGEN_PLOT_FILE_H

#include <cairo.h>
#include <stddef.h>

/*
 * Draws the figure on cr, which comes painted white with a 12-point
 * sans-serif font and a line width of 1 set; ctx is the caller's.
 */
typedef void hg_plot_draw_fn(cairo_t *cr, const void *ctx);

/*
 * Draws a width x height figure through draw and writes it to path. 0,
 * -EINVAL when path ends in neither .png nor .svg (case ignored), -EIO
 * when cairo fails; the message in err names the file.
 */
int hg_plot_file(const char *path, int width, int height, hg_plot_draw_fn *draw, const void *ctx,
		 char *err, size_t errlen);

#endif
