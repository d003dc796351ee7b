// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * test_deploy_hwh.c - the .hwh reader (hlsgen/deploy/hwh_read.c) on
 * tests/fixtures/deploy/zcu104-mnist.hwh (Vivado's hand-off format, written
 * from the format as PYNQ reads it) and on variants of it made here: what
 * Vivado assigned is taken (another base address, interrupt lines in
 * another order, another EMIO bit, the PLL's clock), and designs that lack
 * what the driver needs are refused naming the cell and port.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "hlsgen_deploy.h"
#include "hlsgen_io.h"

#define FIXTURE "tests/fixtures/deploy/zcu104-mnist.hwh"

static char *fixture(size_t *len)
{
	void *buf;
	char err[256];

	cr_assert_eq(hlsgen_read_file(FIXTURE, 1 << 20, &buf, len, err, sizeof(err)), 0, "%s", err);
	return buf;
}

/* The fixture with every `from` replaced by `to` (each must occur). */
static char *variant(size_t *len, const char *from, const char *to)
{
	char *s = fixture(len), *out = malloc(*len * 2 + strlen(to) * 8 + 1), *o = out, *p = s;
	int hits = 0;

	for (char *q; (q = strstr(p, from)); p = q + strlen(from), hits++) {
		memcpy(o, p, (size_t)(q - p));
		o += q - p;
		o = stpcpy(o, to);
	}
	o = stpcpy(o, p);
	cr_assert_gt(hits, 0, "fixture has no '%s'", from);
	*len = (size_t)(o - out);
	free(s);
	return out;
}

static void expected(struct hlsgen_design *d)
{
	hlsgen_design_init(d, hlsgen_board_find("zcu104"));
	snprintf(d->name, sizeof(d->name), "mnist_cnn");
	d->n_inputs = 784;
	d->n_outputs = 10;
}

static void parse_ok(struct hlsgen_design *d, const char *xml, size_t len)
{
	char err[512];

	expected(d);
	cr_assert_eq(hlsgen_hwh_parse(d, xml, len, err, sizeof(err)), 0, "%s", err);
}

static void refused(const char *xml, size_t len, const char *msg)
{
	struct hlsgen_design d;
	char err[512] = "";

	expected(&d);
	cr_expect_eq(hlsgen_hwh_parse(&d, xml, len, err, sizeof(err)), -EINVAL);
	cr_expect(strstr(err, msg) != NULL, "message '%s' lacks '%s'", err, msg);
}

Test(deploy_hwh, reads_the_lab_design)
{
	struct hlsgen_design d;
	size_t len;
	char *x = fixture(&len);

	parse_ok(&d, x, len);
	cr_expect_eq(d.dma_base, 0xA0000000u);
	cr_expect_eq(d.dma_size, 0x10000u);
	cr_expect_eq(d.irq_mm2s, 89);
	cr_expect_eq(d.irq_s2mm, 90);
	cr_expect_eq(d.reset_emio, 0);
	cr_expect_eq(d.clock_mhz, 100); /* 99.999001 as the PLL makes it */
	cr_expect_eq(d.in_width, 32);
	cr_expect_eq(d.out_width, 32);
	cr_expect_eq(d.sg_length_width, 26);
	cr_expect_eq(d.addr_width, 32);
	cr_expect_str_eq(d.project, "myproject");
	free(x);
}

Test(deploy_hwh, takes_what_vivado_assigned)
{
	struct hlsgen_design d;
	size_t len;
	char *x, *y;

	x = variant(&len,
		    "BASEVALUE=\"0xA0000000\" HIGHNAME=\"C_HIGHADDR\" HIGHVALUE=\"0xA000FFFF\"",
		    "BASEVALUE=\"0xA0010000\" HIGHNAME=\"C_HIGHADDR\" HIGHVALUE=\"0xA001FFFF\"");
	parse_ok(&d, x, len);
	cr_expect_eq(d.dma_base, 0xA0010000u);
	cr_expect_eq(d.dma_size, 0x10000u);
	free(x);
	/* the concat's inputs swapped: S2MM is bit 0 */
	x = variant(&len, "NAME=\"In0\" RIGHT=\"0\" SIGNAME=\"axi_dma_0_mm2s_introut\"",
		    "NAME=\"In0\" RIGHT=\"0\" SIGNAME=\"axi_dma_0_s2mm_introut\"");
	y = strstr(x, "NAME=\"In1\" RIGHT=\"0\" SIGNAME=\"axi_dma_0_s2mm_introut\"");
	cr_assert_not_null(y);
	memcpy(strstr(y, "s2mm_introut"), "mm2s", 4);
	parse_ok(&d, x, len);
	cr_expect_eq(d.irq_mm2s, 90);
	cr_expect_eq(d.irq_s2mm, 89);
	free(x);
	/* a wider first concat input shifts the next one */
	x = variant(&len, "<PARAMETER NAME=\"IN0_WIDTH\" VALUE=\"1\"/>",
		    "<PARAMETER NAME=\"IN0_WIDTH\" VALUE=\"3\"/>");
	parse_ok(&d, x, len);
	cr_expect_eq(d.irq_s2mm, 92);
	free(x);
	x = variant(&len,
		    "<PARAMETER NAME=\"DIN_FROM\" VALUE=\"0\"/>\n        "
		    "<PARAMETER NAME=\"DIN_TO\" VALUE=\"0\"/>",
		    "<PARAMETER NAME=\"DIN_FROM\" VALUE=\"5\"/>\n        "
		    "<PARAMETER NAME=\"DIN_TO\" VALUE=\"5\"/>");
	parse_ok(&d, x, len);
	cr_expect_eq(d.reset_emio, 5);
	free(x);
	x = variant(&len, "ACT_FREQMHZ\" VALUE=\"99.999001\"",
		    "ACT_FREQMHZ\" VALUE=\"199.998001\"");
	parse_ok(&d, x, len);
	cr_expect_eq(d.clock_mhz, 200);
	free(x);
}

Test(deploy_hwh, unwired_interrupts_refused)
{
	size_t len;
	char *x = variant(&len, "SIGIS=\"INTERRUPT\" SIGNAME=\"axi_dma_0_mm2s_introut\"",
			  "SIGIS=\"INTERRUPT\" SIGNAME=\"__NOC__\"");

	refused(x, len,
		"/hier_0/axi_dma_0/mm2s_introut is not connected: Linux's xilinx_dma "
		"refuses a channel without an interrupt");
	free(x);
	/* wired, but the concat's output goes nowhere: hls4ml's design + a concat */
	x = variant(&len, "SIGNAME=\"xlconcat_0_dout\"/>", "SIGNAME=\"__NOC__\"/>");
	refused(x, len, "does not reach the PS's pl_ps_irq0");
	free(x);
}

Test(deploy_hwh, reset_must_be_an_emio_gpio)
{
	size_t len;
	char *x = variant(&len, "NAME=\"ap_rst_n\" SIGIS=\"rst\" SIGNAME=\"xlslice_reset_Dout\"",
			  "NAME=\"ap_rst_n\" SIGIS=\"rst\" "
			  "SIGNAME=\"rst_ps8_0_100M_peripheral_aresetn\"");

	/* what hls4ml's clkrst automation does: the driver could not reset it */
	refused(x, len,
		"ap_rst_n (net rst_ps8_0_100M_peripheral_aresetn) is not driven by the "
		"PS's emio_gpio_o");
	free(x);
	x = variant(&len, "NAME=\"ap_rst_n\" SIGIS=\"rst\" SIGNAME=\"xlslice_reset_Dout\"",
		    "NAME=\"ap_rst_n\" SIGIS=\"rst\" SIGNAME=\"__NOC__\"");
	refused(x, len, "/hier_0/myproject_axi_0/ap_rst_n is not connected");
	free(x);
}

Test(deploy_hwh, widths_that_do_not_fit_refused)
{
	size_t len;
	char *x = variant(&len, "C_M_AXIS_MM2S_TDATA_WIDTH\" VALUE=\"32\"",
			  "C_M_AXIS_MM2S_TDATA_WIDTH\" VALUE=\"16\"");

	refused(x, len,
		"streams are 16 (MM2S) / 32 (S2MM) bits wide; the model's float32 input "
		"and float32 output need 32 / 32");
	free(x);
	x = variant(&len, "C_SG_LENGTH_WIDTH\" VALUE=\"26\"", "C_SG_LENGTH_WIDTH\" VALUE=\"14\"");
	refused(x, len, "longer than one DMA transfer");
	free(x);
	x = variant(&len, "C_INCLUDE_SG\" VALUE=\"0\"", "C_INCLUDE_SG\" VALUE=\"1\"");
	refused(x, len, "scatter-gather enabled");
	free(x);
}

Test(deploy_hwh, incomplete_or_malformed_refused)
{
	size_t len;
	char *x = fixture(&len);

	refused(x, len / 2, "not well-formed XML");
	refused("<?xml version=\"1.0\"?><EDKSYSTEM/>", 33, "no EDKSYSTEM/MODULES");
	refused("<?xml version=\"1.0\"?><html><body/></html>", 41, "no EDKSYSTEM/MODULES");
	free(x);
	x = variant(&len, "MODTYPE=\"axi_dma\"", "MODTYPE=\"axi_fifo_mm_s\"");
	refused(x, len, "the design has no axi_dma cell");
	free(x);
	x = variant(&len, "MODTYPE=\"zynq_ultra_ps_e\"", "MODTYPE=\"processing_system7\"");
	refused(x, len, "the design has no zynq_ultra_ps_e cell");
	free(x);
	x = variant(&len, "SLAVEBUSINTERFACE=\"S_AXI_LITE\"", "SLAVEBUSINTERFACE=\"S_AXI\"");
	refused(x, len, "S_AXI_LITE has no address in the PS's memory map");
	free(x);
	x = variant(&len, "VLNV=\"xilinx.com:hls:myproject_axi:1.0\"",
		    "VLNV=\"xilinx.com:ip:myproject_axi:1.0\"");
	refused(x, len, "the design has no HLS IP");
	free(x);
	x = variant(&len, "NAME=\"ap_clk\" SIGIS=\"clk\" SIGNAME=\"zynq_ultra_ps_e_0_pl_clk0\"",
		    "NAME=\"ap_clk\" SIGIS=\"clk\" SIGNAME=\"clk_wiz_0_clk_out1\"");
	refused(x, len, "/hier_0/myproject_axi_0/ap_clk is not on the PS's pl_clk0");
	free(x);
}
