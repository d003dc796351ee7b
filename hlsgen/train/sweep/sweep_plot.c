// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The sweep's figure with cairo (PNG or SVG): bit-exact accuracy against
 * model size (nonzero weight bits, log scale), one point per setting,
 * filled circles unpruned, open squares pruned, each labelled.
 */
#include <cairo.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "hlsgen_plot_file.h"
#include "hlsgen_sweep.h"

#define W 760
#define H 520
#define L 80.0
#define R 30.0
#define T 50.0
#define B 60.0

struct axes {
	double x0, x1; /* log10 of size bits */
	double y0, y1; /* accuracy, percent */
};

static double sx(const struct axes *a, double bits)
{
	return L + (log10(bits) - a->x0) / (a->x1 - a->x0) * (W - L - R);
}

static double sy(const struct axes *a, double pct)
{
	return H - B - (pct - a->y0) / (a->y1 - a->y0) * (H - T - B);
}

static void text_at(cairo_t *cr, double x, double y, const char *s, double align)
{
	cairo_text_extents_t e;

	cairo_text_extents(cr, s, &e);
	cairo_move_to(cr, x - e.width * align, y);
	cairo_show_text(cr, s);
}

static void frame(cairo_t *cr, const struct axes *a, const char *title)
{
	char lab[32];

	for (int d = (int)ceil(a->x0); d <= (int)floor(a->x1); d++) {
		double x = sx(a, pow(10, d));

		cairo_set_source_rgb(cr, 0.88, 0.88, 0.88);
		cairo_move_to(cr, x, T);
		cairo_line_to(cr, x, H - B);
		cairo_stroke(cr);
		cairo_set_source_rgb(cr, 0, 0, 0);
		/* one notation for every tick: 1e3 .. 1e6 (not 1000 next to 1e+06) */
		snprintf(lab, sizeof(lab), "1e%d", d);
		text_at(cr, x, H - B + 16, lab, 0.5);
	}
	double step = a->y1 - a->y0 > 40 ? 10 : 5;

	for (double p = ceil(a->y0 / step) * step; p <= a->y1 + 1e-9; p += step) {
		cairo_set_source_rgb(cr, 0.88, 0.88, 0.88);
		cairo_move_to(cr, L, sy(a, p));
		cairo_line_to(cr, W - R, sy(a, p));
		cairo_stroke(cr);
		cairo_set_source_rgb(cr, 0, 0, 0);
		snprintf(lab, sizeof(lab), "%.0f", p);
		text_at(cr, L - 6, sy(a, p) + 4, lab, 1.0);
	}
	cairo_rectangle(cr, L, T, W - L - R, H - T - B);
	cairo_stroke(cr);
	text_at(cr, (L + W - R) / 2, H - 20, "model size (bits of nonzero weights and biases, log)",
		0.5);
	cairo_save(cr);
	cairo_translate(cr, 22, (T + H - B) / 2);
	cairo_rotate(cr, -M_PI / 2);
	text_at(cr, 0, 0, "bit-exact test accuracy (%)", 0.5);
	cairo_restore(cr);
	cairo_set_font_size(cr, 14);
	text_at(cr, (L + W - R) / 2, T - 18, title, 0.5);
	cairo_set_font_size(cr, 11);
}

struct box {
	double x0, y0, x1, y1;
};

static int boxes_overlap(const struct box *a, const struct box *b)
{
	return a->x0 < b->x1 && b->x0 < a->x1 && a->y0 < b->y1 && b->y0 < a->y1;
}

/*
 * Where tag's label goes beside its point (x, y): the first of eight spots
 * around it, then ever higher ones, that overlaps neither a label already
 * placed nor any point, so close settings stay readable.
 */
static void place_label(cairo_t *cr, const struct axes *a, const struct hg_sweep_row *r, int n,
			struct box *placed, int n_placed, double x, double y, const char *tag,
			struct box *out)
{
	static const double spot[][2] = {{8, -6},  {8, 14}, {-8, -6}, {-8, 14},
					 {0, -10}, {0, 22}, {14, 4},  {-14, 4}};
	cairo_text_extents_t e;

	cairo_text_extents(cr, tag, &e);
	for (int k = 0; k < 8 * 6; k++) {
		double dx = spot[k % 8][0], dy = spot[k % 8][1] - 14.0 * (k / 8);
		double lx = dx < 0 ? x + dx - e.width : dx == 0 ? x - e.width / 2 : x + dx;
		struct box b = {lx, y + dy - e.height, lx + e.width, y + dy + 2};
		int clash = 0;

		for (int j = 0; j < n_placed && !clash; j++)
			clash = boxes_overlap(&b, &placed[j]);
		for (int j = 0; j < n && !clash; j++) {
			double qx = sx(a, r[j].size_bits > 0 ? (double)r[j].size_bits : 1.0);
			double qy = sy(a, 100.0 * r[j].bitexact_acc);
			struct box p = {qx - 6, qy - 6, qx + 6, qy + 6};

			clash = boxes_overlap(&b, &p);
		}
		if (!clash || k == 8 * 6 - 1) {
			*out = b;
			return;
		}
	}
}

#define MAX_LABELS 64

static void points(cairo_t *cr, const struct axes *a, const struct hg_sweep_row *r, int n)
{
	struct box placed[MAX_LABELS];
	int n_placed = 0;

	for (int i = 0; i < n; i++) {
		double x = sx(a, r[i].size_bits > 0 ? (double)r[i].size_bits : 1.0);
		double y = sy(a, 100.0 * r[i].bitexact_acc);

		if (r[i].prune_kind) {
			cairo_set_source_rgb(cr, 0.84, 0.15, 0.16);
			cairo_rectangle(cr, x - 5, y - 5, 10, 10);
			cairo_set_line_width(cr, 2);
			cairo_stroke(cr);
		} else {
			cairo_set_source_rgb(cr, 0.12, 0.47, 0.71);
			cairo_arc(cr, x, y, 5, 0, 2 * M_PI);
			cairo_fill(cr);
		}
	}
	for (int i = 0; i < n; i++) {
		double x = sx(a, r[i].size_bits > 0 ? (double)r[i].size_bits : 1.0);
		double y = sy(a, 100.0 * r[i].bitexact_acc);
		struct box b;

		place_label(cr, a, r, n, placed, n_placed, x, y, r[i].tag, &b);
		if (n_placed < MAX_LABELS)
			placed[n_placed++] = b;
		cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
		cairo_move_to(cr, b.x0, b.y1 - 2);
		cairo_show_text(cr, r[i].tag);
	}
	/* legend */
	cairo_set_source_rgb(cr, 0.12, 0.47, 0.71);
	cairo_arc(cr, W - R - 150, T + 16, 5, 0, 2 * M_PI);
	cairo_fill(cr);
	cairo_set_source_rgb(cr, 0.84, 0.15, 0.16);
	cairo_rectangle(cr, W - R - 155, T + 29, 10, 10);
	cairo_stroke(cr);
	cairo_set_source_rgb(cr, 0, 0, 0);
	text_at(cr, W - R - 138, T + 20, "unpruned", 0);
	text_at(cr, W - R - 138, T + 38, "pruned", 0);
}

static void limits(struct axes *a, const struct hg_sweep_row *r, int n)
{
	double lo = 1e30, hi = 0, amin = 100;

	for (int i = 0; i < n; i++) {
		double b = r[i].size_bits > 0 ? (double)r[i].size_bits : 1.0;

		lo = fmin(lo, b);
		hi = fmax(hi, b);
		amin = fmin(amin, 100.0 * r[i].bitexact_acc);
	}
	a->x0 = floor(log10(lo) - 0.1);
	a->x1 = ceil(log10(hi) + 0.1);
	if (a->x1 <= a->x0)
		a->x1 = a->x0 + 1;
	a->y0 = fmax(0.0, floor(amin / 5) * 5 - 5);
	a->y1 = 100;
}

struct sweep_figure {
	const struct hg_sweep_row *r;
	int n;
	const char *title;
};

static void draw_figure(cairo_t *cr, const void *ctx)
{
	const struct sweep_figure *f = ctx;
	struct axes a;

	limits(&a, f->r, f->n);
	frame(cr, &a, f->title);
	points(cr, &a, f->r, f->n);
}

int hg_sweep_plot(const char *path, const struct hg_sweep_row *r, int n, const char *title,
		  char *err, size_t errlen)
{
	const struct sweep_figure f = {r, n, title};

	return hg_plot_file(path, W, H, draw_figure, &f, err, errlen) ? -1 : 0;
}
