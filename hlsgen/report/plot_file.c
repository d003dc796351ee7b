// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * plot_file.c - hg_plot_file(): the surface, the PNG/SVG choice and cairo's
 * error checks that every hlsgen figure needs (hlsgen_plot_file.h). cairo
 * reports a failed drawing or write only through its status, which must be
 * asked of the context before it is destroyed and of the surface after
 * finishing it.
 */
#include <cairo-svg.h>
#include <errno.h>
#include <string.h>
#include <strings.h>

#include "hlsgen_error.h"
#include "hlsgen_plot_file.h"

static int ends_with(const char *s, const char *suffix)
{
	size_t ls = strlen(s), lx = strlen(suffix);

	return ls >= lx && !strcasecmp(s + ls - lx, suffix);
}

int hg_plot_file(const char *path, int width, int height, hg_plot_draw_fn *draw, const void *ctx,
		 char *err, size_t errlen)
{
	int svg = ends_with(path, ".svg");
	cairo_surface_t *surf;
	cairo_status_t st;
	cairo_t *cr;

	if (!svg && !ends_with(path, ".png"))
		return hg_fail(err, errlen, -EINVAL, "%s: plot file must end in .png or .svg",
			       path);
	surf = svg ? cairo_svg_surface_create(path, width, height)
		   : cairo_image_surface_create(CAIRO_FORMAT_ARGB32, width, height);
	cr = cairo_create(surf);
	/* every figure starts on a white canvas, 12-point sans-serif, 1-unit lines */
	cairo_set_source_rgb(cr, 1, 1, 1);
	cairo_paint(cr);
	cairo_select_font_face(cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
	cairo_set_font_size(cr, 12);
	cairo_set_line_width(cr, 1);
	draw(cr, ctx);
	st = cairo_status(cr);
	cairo_destroy(cr);
	if (st == CAIRO_STATUS_SUCCESS && !svg)
		st = cairo_surface_write_to_png(surf, path);
	cairo_surface_finish(surf);
	if (st == CAIRO_STATUS_SUCCESS)
		st = cairo_surface_status(surf);
	cairo_surface_destroy(surf);
	if (st != CAIRO_STATUS_SUCCESS)
		return hg_fail(err, errlen, -EIO, "%s: cannot draw the plot: %s", path,
			       cairo_status_to_string(st));
	return 0;
}
