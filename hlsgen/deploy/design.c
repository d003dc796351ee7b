// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * design.c - the one description of a deployment (struct hlsgen_design):
 * filled from the .qnn model with the defaults of the block design that
 * hlsgen deploy generates, and checked against what the driver needs.
 * The Tcl, the overlay and the .hwh reader all go through it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hlsgen_deploy.h"
#include "hlsgen_error.h"
#include "qnn_model.h"

/* The driver's largest DMA buffer (dts/bindings: one sample must fit it). */
#define DRIVER_MAX_BUF (32u << 20)

unsigned hlsgen_stream_width(const struct hlsgen_stream_type *t)
{
	/* hls4ml (VivadoAcceleratorConfig): float is 32 bits, a fixed type's
	 * width is rounded up to whole bytes for the AXI wrapper. */
	return t->is_float ? 32 : (t->width + 7) / 8 * 8;
}

static void stream_from_fixed(struct hlsgen_stream_type *s, const struct qnn_fixed_type *t)
{
	s->is_float = 0;
	s->width = t->width;
	s->int_bits = t->int_bits;
	s->is_signed = t->is_signed;
}

void hlsgen_design_init(struct hlsgen_design *d, const struct hlsgen_board *b)
{
	memset(d, 0, sizeof(*d));
	d->board = b;
	snprintf(d->project, sizeof(d->project), "myproject"); /* hls4ml's default */
	d->max_batch = 1024;
	d->timeout_base_ms = 100;
	d->in_t.is_float = d->out_t.is_float = 1;
	d->clock_mhz = 100; /* hls4ml's designs run pl_clk0 at 100 MHz */
	d->dma_base = b->ctrl_base;
	d->dma_size = 0x10000; /* PG021: the register space is 64 KiB */
	d->irq_mm2s = b->irq_spi_base;
	d->irq_s2mm = b->irq_spi_base + 1;
	d->reset_emio = 0;
	d->addr_width = 32;
	d->in_width = d->out_width = 32;
	d->sg_length_width = 26; /* hls4ml's c_sg_length_width: 64 MiB - 1 */
}

int hlsgen_design_from_model(struct hlsgen_design *d, const struct hlsgen_board *b,
			     const void *model, size_t model_len, int in_fixed, int out_fixed,
			     char *err, size_t errlen)
{
	struct qnn_model *m = malloc(sizeof(*m));
	char perr[256];
	int rc;

	if (!m)
		return hg_fail(err, errlen, -ENOMEM, "out of memory");
	if (qnn_model_parse(model, model_len, m, perr, sizeof(perr))) {
		free(m);
		return hg_fail(err, errlen, -EINVAL, "not a valid .qnn model: %s", perr);
	}
	hlsgen_design_init(d, b);
	snprintf(d->name, sizeof(d->name), "%s", m->hdr->name);
	d->n_inputs = m->n_in;
	d->n_outputs = m->n_out;
	if (in_fixed)
		stream_from_fixed(&d->in_t, &m->hdr->input_t);
	if (out_fixed)
		stream_from_fixed(&d->out_t, &m->layers[m->n_layers - 1].rec->result_t);
	free(m);
	d->in_width = hlsgen_stream_width(&d->in_t);
	d->out_width = hlsgen_stream_width(&d->out_t);
	rc = hlsgen_design_check(d, err, errlen);
	return rc;
}

static int check_stream(const char *what, const struct hlsgen_stream_type *t, unsigned width,
			char *err, size_t errlen)
{
	if (!t->is_float && (t->width < 1 || t->width > HLSGEN_BEAT_BITS))
		return hg_fail(
		    err, errlen, -EINVAL,
		    "%s stream type ap_fixed<%u,%d> does not fit the driver's %u-bit beat", what,
		    t->width, t->int_bits, HLSGEN_BEAT_BITS);
	if (width != HLSGEN_BEAT_BITS)
		return hg_fail(err, errlen, -EINVAL,
			       "%s stream is %u bits wide, the driver moves %u-bit beats (%s)",
			       what, width, HLSGEN_BEAT_BITS,
			       t->is_float
				   ? "float32"
				   : "give the AcceleratorConfig a fixed type of 25..32 bits, "
				     "which hls4ml rounds to 32");
	return 0;
}

int hlsgen_design_check(const struct hlsgen_design *d, char *err, size_t errlen)
{
	const struct hlsgen_board *b = d->board;
	uint64_t sample_bytes = (uint64_t)d->n_inputs * 4;
	uint64_t max_len = (1ull << d->sg_length_width) - 1;
	int rc;

	if (!d->name[0] || strpbrk(d->name, "/\" \\"))
		return hg_fail(err, errlen, -EINVAL,
			       "model name '%s' cannot name a firmware file (give --name)",
			       d->name);
	if ((rc = check_stream("input", &d->in_t, d->in_width, err, errlen)) ||
	    (rc = check_stream("output", &d->out_t, d->out_width, err, errlen)))
		return rc;
	if (!d->n_inputs || sample_bytes > DRIVER_MAX_BUF || !d->n_outputs ||
	    (uint64_t)d->n_outputs * 4 > DRIVER_MAX_BUF)
		return hg_fail(
		    err, errlen, -EINVAL,
		    "a sample of %u inputs / %u outputs does not fit the driver's %u MiB "
		    "buffers",
		    d->n_inputs, d->n_outputs, DRIVER_MAX_BUF >> 20);
	if (d->sg_length_width < 8 || d->sg_length_width > 26)
		return hg_fail(err, errlen, -EINVAL, "DMA length width %u outside 8..26",
			       d->sg_length_width);
	if (!d->max_batch || (uint64_t)d->max_batch * sample_bytes > max_len)
		return hg_fail(err, errlen, -EINVAL,
			       "a batch of %u samples (%llu bytes) is longer than one DMA transfer "
			       "(%llu bytes with a %u-bit length register): lower --max-batch",
			       d->max_batch, (unsigned long long)(d->max_batch * sample_bytes),
			       (unsigned long long)max_len, d->sg_length_width);
	if (d->dma_size < 0x10000 || (d->dma_size & (d->dma_size - 1)) ||
	    d->dma_base % d->dma_size || d->dma_base < b->ctrl_base ||
	    d->dma_base + d->dma_size > b->ctrl_base + b->ctrl_window)
		return hg_fail(
		    err, errlen, -EINVAL,
		    "DMA registers at 0x%llx (+0x%llx) are not an aligned 64 KiB+ window "
		    "of %s (0x%llx..0x%llx)",
		    (unsigned long long)d->dma_base, (unsigned long long)d->dma_size,
		    b->ctrl_master, (unsigned long long)b->ctrl_base,
		    (unsigned long long)(b->ctrl_base + b->ctrl_window - 1));
	if (d->irq_mm2s == d->irq_s2mm || d->irq_mm2s < b->irq_spi_base ||
	    d->irq_s2mm < b->irq_spi_base || d->irq_mm2s >= b->irq_spi_base + b->irq_lines ||
	    d->irq_s2mm >= b->irq_spi_base + b->irq_lines)
		return hg_fail(err, errlen, -EINVAL,
			       "DMA interrupts SPI %u/%u are not two lines of %s (SPI %u..%u)",
			       d->irq_mm2s, d->irq_s2mm, b->irq_pin, b->irq_spi_base,
			       b->irq_spi_base + b->irq_lines - 1);
	if (d->reset_emio > 31)
		return hg_fail(err, errlen, -EINVAL, "reset on EMIO GPIO %u: only 0..31 are used",
			       d->reset_emio);
	if (d->clock_mhz < 1 || d->clock_mhz > 500)
		return hg_fail(err, errlen, -EINVAL, "PL clock %u MHz outside 1..500",
			       d->clock_mhz);
	if (d->addr_width < 32 || d->addr_width > 64)
		return hg_fail(err, errlen, -EINVAL, "DMA address width %u outside 32..64",
			       d->addr_width);
	return 0;
}
