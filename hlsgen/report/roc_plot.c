// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * roc_plot.c - the lab's ROC figure drawn with cairo (PNG or SVG), in the
 * hls4ml tutorial's makeRoc convention: signal efficiency (true positive
 * rate) across, background efficiency (false positive rate) up on a log
 * scale, so that curves of 0.999 AUC are still told apart. One colour per
 * class (matplotlib's tab10, as the notebook), one line style per method.
 */
#include <cairo.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "hlsgen_plot_file.h"
#include "hlsgen_roc.h"

#define W      820
#define H      600
#define LEFT   70.0
#define RIGHT  190.0 /* legend column */
#define TOP    40.0
#define BOTTOM 60.0

static const double tab10[10][3] = {
    {0.122, 0.467, 0.706}, {1.000, 0.498, 0.055}, {0.173, 0.627, 0.173}, {0.839, 0.153, 0.157},
    {0.580, 0.404, 0.741}, {0.549, 0.337, 0.294}, {0.890, 0.467, 0.761}, {0.498, 0.498, 0.498},
    {0.737, 0.741, 0.133}, {0.090, 0.745, 0.812},
};

static void line_style(cairo_t *cr, uint32_t series)
{
	static const double dashed[] = {7.0, 4.0}, dotted[] = {1.0, 3.0};

	cairo_set_line_cap(cr, series == 2 ? CAIRO_LINE_CAP_ROUND : CAIRO_LINE_CAP_BUTT);
	if (series == 1)
		cairo_set_dash(cr, dashed, 2, 0);
	else if (series == 2)
		cairo_set_dash(cr, dotted, 2, 0);
	else
		cairo_set_dash(cr, NULL, 0, 0);
}

static void chance_style(cairo_t *cr)
{
	static const double dash_dot[] = {9.0, 3.0, 1.5, 3.0};

	cairo_set_source_rgb(cr, 0, 0, 0);
	cairo_set_line_width(cr, 0.8);
	cairo_set_line_cap(cr, CAIRO_LINE_CAP_BUTT);
	cairo_set_dash(cr, dash_dot, 4, 0);
}

/* the lowest decade shown on the log axis, set per plot */
static int min_decade = -3;

static double px(double tpr)
{
	return LEFT + tpr * (W - LEFT - RIGHT);
}

/* false positive rates below the axis (including 0) sit on its floor */
static double py(double fpr)
{
	double l = fpr > 0 ? log10(fpr) : min_decade;

	if (l < min_decade)
		l = min_decade;
	return H - BOTTOM - (l - min_decade) / -min_decade * (H - TOP - BOTTOM);
}

static void text(cairo_t *cr, double x, double y, const char *s, double align)
{
	cairo_text_extents_t e;

	cairo_text_extents(cr, s, &e);
	cairo_move_to(cr, x - e.width * align, y);
	cairo_show_text(cr, s);
}

static void grid_line(cairo_t *cr, double x0, double y0, double x1, double y1, double grey)
{
	cairo_set_source_rgb(cr, grey, grey, grey);
	cairo_move_to(cr, x0, y0);
	cairo_line_to(cr, x1, y1);
	cairo_stroke(cr);
}

static void axes(cairo_t *cr, const char *title)
{
	char lab[16];

	for (int i = 0; i <= 5; i++) {
		grid_line(cr, px(i / 5.0), py(1), px(i / 5.0), py(0), 0.9);
		cairo_set_source_rgb(cr, 0, 0, 0);
		snprintf(lab, sizeof(lab), "%.1f", i / 5.0);
		text(cr, px(i / 5.0), py(0) + 16, lab, 0.5);
	}
	for (int d = min_decade; d <= 0; d++) {
		double v = pow(10, d);

		for (int k = 2; d < 0 && k <= 9; k++)
			grid_line(cr, px(0), py(k * v), px(1), py(k * v), 0.96);
		grid_line(cr, px(0), py(v), px(1), py(v), 0.85);
		cairo_set_source_rgb(cr, 0, 0, 0);
		/* one notation on both axes: decimals (0.001, not 1e-03 next to 0.01) */
		snprintf(lab, sizeof(lab), "%.*f", d < 0 ? -d : 0, v);
		text(cr, px(0) - 6, py(v) + 4, lab, 1.0);
	}
	cairo_set_source_rgb(cr, 0, 0, 0);
	cairo_rectangle(cr, px(0), py(1), px(1) - px(0), py(0) - py(1));
	cairo_stroke(cr);
	text(cr, (px(0) + px(1)) / 2, H - 20, "Signal efficiency (true positive rate)", 0.5);
	cairo_save(cr);
	cairo_translate(cr, 18, (py(0) + py(1)) / 2);
	cairo_rotate(cr, -1.5707963267948966);
	text(cr, 0, 0, "Background efficiency (false positive rate)", 0.5);
	cairo_restore(cr);
	cairo_set_font_size(cr, 14);
	text(cr, (px(0) + px(1)) / 2, TOP - 14, title, 0.5);
	cairo_set_font_size(cr, 12);
}

static void curve(cairo_t *cr, const struct hlsgen_roc_curve *c)
{
	cairo_move_to(cr, px(c->tpr[0]), py(c->fpr[0]));
	for (uint32_t i = 1; i < c->n; i++) {
		/* a tie group is a straight segment in linear (tpr, fpr): bent on a log axis */
		int steps = c->tpr[i] != c->tpr[i - 1] && c->fpr[i] != c->fpr[i - 1] ? 24 : 1;

		for (int k = 1; k <= steps; k++) {
			double a = (double)k / steps;

			cairo_line_to(cr, px(c->tpr[i - 1] + a * (c->tpr[i] - c->tpr[i - 1])),
				      py(c->fpr[i - 1] + a * (c->fpr[i] - c->fpr[i - 1])));
		}
	}
	cairo_stroke(cr);
}

static void legend(cairo_t *cr, const struct hlsgen_roc_series *s, uint32_t n_series,
		   uint32_t n_classes)
{
	double x = W - RIGHT + 20, y = TOP + 10;
	char lab[64];

	for (uint32_t k = 0; k < n_classes; k++, y += 18) {
		cairo_set_source_rgb(cr, tab10[k % 10][0], tab10[k % 10][1], tab10[k % 10][2]);
		cairo_rectangle(cr, x, y - 9, 14, 10);
		cairo_fill(cr);
		cairo_set_source_rgb(cr, 0, 0, 0);
		snprintf(lab, sizeof(lab), "class %u", k);
		text(cr, x + 20, y, lab, 0);
	}
	y += 12;
	for (uint32_t m = 0; m < n_series; m++, y += 18) {
		cairo_set_source_rgb(cr, 0, 0, 0);
		cairo_set_line_width(cr, 1.8);
		line_style(cr, m);
		cairo_move_to(cr, x, y - 4);
		cairo_line_to(cr, x + 30, y - 4);
		cairo_stroke(cr);
		cairo_set_dash(cr, NULL, 0, 0);
		text(cr, x + 36, y, s[m].name, 0);
	}
	chance_style(cr);
	cairo_move_to(cr, x, y - 4);
	cairo_line_to(cr, x + 30, y - 4);
	cairo_stroke(cr);
	cairo_set_dash(cr, NULL, 0, 0);
	cairo_set_source_rgb(cr, 0, 0, 0);
	text(cr, x + 36, y, "chance", 0);
}

/* the decade just below the smallest non-zero false positive rate (at most 1e-6) */
static int lowest_decade(const struct hlsgen_roc_series *s, uint32_t n_series, uint32_t n_classes)
{
	double lo = 1;

	for (uint32_t m = 0; m < n_series; m++)
		for (uint32_t k = 0; k < n_classes; k++)
			for (uint32_t i = 0; i < s[m].curves[k].n; i++)
				if (s[m].curves[k].fpr[i] > 0 && s[m].curves[k].fpr[i] < lo)
					lo = s[m].curves[k].fpr[i];
	lo = floor(log10(lo));
	return lo < -6 ? -6 : lo > -1 ? -1 : (int)lo;
}

static void draw(cairo_t *cr, const char *title, const struct hlsgen_roc_series *s,
		 uint32_t n_series, uint32_t n_classes)
{
	min_decade = lowest_decade(s, n_series, n_classes);
	axes(cr, title);
	/*
	 * a random classifier: fpr = tpr, thin black dash-dot: no class curve
	 * has this pattern or colour (class 7 is grey, QKeras dashed)
	 */
	chance_style(cr);
	cairo_move_to(cr, px(pow(10, min_decade)), py(pow(10, min_decade)));
	for (int i = 1; i <= 60; i++) {
		double v = pow(10, min_decade * (1 - i / 60.0));

		cairo_line_to(cr, px(v), py(v));
	}
	cairo_stroke(cr);
	cairo_set_line_width(cr, 1.4);
	cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
	for (uint32_t m = 0; m < n_series; m++) {
		line_style(cr, m);
		for (uint32_t k = 0; k < n_classes; k++) {
			if (!s[m].curves[k].n)
				continue;
			cairo_set_source_rgb(cr, tab10[k % 10][0], tab10[k % 10][1],
					     tab10[k % 10][2]);
			curve(cr, &s[m].curves[k]);
		}
	}
	legend(cr, s, n_series, n_classes);
}

struct roc_figure {
	const char *title;
	const struct hlsgen_roc_series *series;
	uint32_t n_series, n_classes;
};

static void draw_figure(cairo_t *cr, const void *ctx)
{
	const struct roc_figure *f = ctx;

	draw(cr, f->title, f->series, f->n_series, f->n_classes);
}

int hlsgen_roc_plot(const char *path, const char *title, const struct hlsgen_roc_series *series,
		    uint32_t n_series, uint32_t n_classes, char *err, size_t errlen)
{
	const struct roc_figure f = {title, series, n_series, n_classes};

	return hg_plot_file(path, W, H, draw_figure, &f, err, errlen);
}
