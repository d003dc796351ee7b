// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * image.c - one image file as one model sample: PGM (read here: the
 * format is a few lines) and PNG (libpng's simplified API, which handles
 * every bit depth, palette and colour type). Pixels become pixel / max,
 * the [0, 1] scaling the MNIST models were trained on. The image must
 * already have the model's height and width: resizing would change what
 * the accelerator sees without saying so.
 */
#include <errno.h>
#include <png.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qnn.h"
#include "qnnctl.h"

static int check_size(const char *path, uint32_t w, uint32_t h, const struct qnn_model_info *m,
		      char *err, size_t errlen)
{
	if (w != m->in_w || h != m->in_h) {
		snprintf(err, errlen, "%s: image is %ux%u, the model '%s' wants %ux%u", path, w, h,
			 m->name, m->in_w, m->in_h);
		return -1;
	}
	if (m->in_c != 1 && m->in_c != 3) {
		snprintf(err, errlen, "%s: the model wants %u channels; images give 1 or 3", path,
			 m->in_c);
		return -1;
	}
	return 0;
}

/* Skips whitespace and '#' comments between PGM header fields. */
static int pgm_skip(FILE *f)
{
	int c;

	while ((c = fgetc(f)) != EOF) {
		if (c == '#') {
			while ((c = fgetc(f)) != EOF && c != '\n')
				;
		} else if (c != ' ' && c != '\t' && c != '\r' && c != '\n') {
			ungetc(c, f);
			return 0;
		}
	}
	return -1;
}

static int pgm_uint(FILE *f, unsigned *v)
{
	return pgm_skip(f) == 0 && fscanf(f, "%u", v) == 1 ? 0 : -1;
}

static int pgm_pixel(FILE *f, int ascii, unsigned maxval, unsigned *v)
{
	int hi, lo;

	if (ascii)
		return pgm_uint(f, v);
	hi = fgetc(f);
	if (hi == EOF)
		return -1;
	if (maxval < 256) {
		*v = (unsigned)hi;
		return 0;
	}
	lo = fgetc(f); /* 16-bit samples are big-endian */
	if (lo == EOF)
		return -1;
	*v = (unsigned)hi << 8 | (unsigned)lo;
	return 0;
}

int qnnctl_load_pgm(const char *path, const struct qnn_model_info *m, float **x, char *err,
		    size_t errlen)
{
	FILE *f = fopen(path, "rb");
	char magic[3] = {0};
	unsigned w, h, maxval;
	float *v = NULL;
	int ascii;

	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (fread(magic, 1, 2, f) != 2 || magic[0] != 'P' || (magic[1] != '5' && magic[1] != '2')) {
		snprintf(err, errlen, "%s: not a PGM file (P5 or P2)", path);
		goto fail;
	}
	ascii = magic[1] == '2';
	if (pgm_uint(f, &w) || pgm_uint(f, &h) || pgm_uint(f, &maxval) || maxval < 1 ||
	    maxval > 65535 || w > 65535 || h > 65535) {
		snprintf(err, errlen, "%s: bad PGM header", path);
		goto fail;
	}
	if (!ascii && fgetc(f) == EOF) { /* the single whitespace before the raster */
		snprintf(err, errlen, "%s: PGM raster missing", path);
		goto fail;
	}
	if (check_size(path, w, h, m, err, errlen))
		goto fail;
	v = malloc((size_t)m->n_in * sizeof(*v));
	if (!v) {
		snprintf(err, errlen, "%s: out of memory", path);
		goto fail;
	}
	for (uint32_t i = 0; i < w * h; i++) {
		unsigned p;

		if (pgm_pixel(f, ascii, maxval, &p) || p > maxval) {
			snprintf(err, errlen, "%s: PGM raster truncated or bad at pixel %u", path,
				 i);
			goto fail;
		}
		for (uint32_t c = 0; c < m->in_c; c++) /* grey -> every channel */
			v[i * m->in_c + c] = (float)p / (float)maxval;
	}
	fclose(f);
	*x = v;
	return 0;
fail:
	free(v);
	fclose(f);
	return -1;
}

int qnnctl_load_png(const char *path, const struct qnn_model_info *m, float **x, char *err,
		    size_t errlen)
{
	png_image img;
	void *px = NULL;
	float *v = NULL;
	int linear;

	memset(&img, 0, sizeof(img));
	img.version = PNG_IMAGE_VERSION;
	if (!png_image_begin_read_from_file(&img, path)) {
		snprintf(err, errlen, "%s: %s", path, img.message);
		return -1;
	}
	if (check_size(path, img.width, img.height, m, err, errlen))
		goto fail;
	/*
	 * Keep the file's own scale: 8-bit files are read as 8-bit values and
	 * 16-bit files as 16-bit ones (libpng's "linear" formats), so a pixel
	 * p of either depth becomes exactly p / max; asking for 8 bits from a
	 * 16-bit file would apply sRGB encoding on the way. Colour becomes
	 * grey (or grey becomes RGB) as the model's channels require, alpha
	 * is composited away.
	 */
	linear = (img.format & PNG_FORMAT_FLAG_LINEAR) != 0;
	if (m->in_c == 1)
		img.format = linear ? PNG_FORMAT_LINEAR_Y : PNG_FORMAT_GRAY;
	else
		img.format = linear ? PNG_FORMAT_LINEAR_RGB : PNG_FORMAT_RGB;
	px = malloc(PNG_IMAGE_SIZE(img));
	v = malloc((size_t)m->n_in * sizeof(*v));
	if (!px || !v) {
		snprintf(err, errlen, "%s: out of memory", path);
		goto fail;
	}
	if (!png_image_finish_read(&img, NULL, px, 0, NULL)) {
		snprintf(err, errlen, "%s: %s", path, img.message);
		goto fail;
	}
	for (uint32_t i = 0; i < m->n_in; i++)
		v[i] = linear ? (float)((const uint16_t *)px)[i] / 65535.0f
			      : (float)((const uint8_t *)px)[i] / 255.0f;
	free(px);
	*x = v;
	return 0;
fail:
	png_image_free(&img);
	free(px);
	free(v);
	return -1;
}
