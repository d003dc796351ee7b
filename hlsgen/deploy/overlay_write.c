// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * overlay_write.c - the device-tree overlay of a design (.dtso, for dtc -@):
 *   fragment@0  the full fpga-region gets the bitstream (firmware-name)
 *   fragment@1  the AXI DMA on the PL bus (xlnx,axi-dma-1.00.a, simple
 *               mode) with both channel interrupts and the PL clock rate
 *   fragment@2  the qnn accelerator node (dts/bindings/qnn,hls4ml-accel.yaml)
 * Every number comes from the struct hlsgen_design, so an overlay written
 * from the model's defaults and one written after reading Vivado's .hwh
 * differ exactly where Vivado assigned something else.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "hlsgen_deploy.h"

static void cells(FILE *f, unsigned n, uint64_t v)
{
	if (n == 2)
		fprintf(f, "0x%" PRIx64 " 0x%" PRIx64, v >> 32, v & 0xffffffffu);
	else
		fprintf(f, "0x%" PRIx64, v);
}

static void header(const struct hlsgen_design *d, FILE *f)
{
	const struct hlsgen_board *b = d->board;

	fprintf(f,
		"// SPDX-License-Identifier: GPL-2.0\n"
		"/*\n"
		" * %s overlay for the hls4ml VivadoAccelerator design of model '%s'\n"
		" * (IP %s_axi), written by `hlsgen deploy` (hlsgen/deploy/): do not edit,\n"
		" * regenerate.\n"
		" *   fragment@0  programs the PL (fpga-region: firmware-name of the bitstream)\n"
		" *   fragment@1  the AXI DMA (PG021, simple register mode) on the PL bus, with\n"
		" *               its interrupts wired\n"
		" *   fragment@2  the qnn accelerator node that streams through it\n"
		" *\n"
		" * hls4ml's block-design templates leave mm2s_introut/s2mm_introut\n"
		" * unconnected, and Linux's xilinx_dma refuses a channel without an IRQ: the\n"
		" * design (hlsgen deploy --tcl) wires them through an xlconcat to\n"
		" * %s[1:0], which the GIC sees as SPI %u and %u. Everything runs on\n"
		" * %s at %u MHz (assigned-clock-rates sets it when the DMA binds). The\n"
		" * core's ap_rst_n is wired to EMIO GPIO %u (line %u of the PS GPIO\n"
		" * controller: %u MIO lines come first).\n"
		" *\n"
		" * Applied offline with `fdtoverlay -i <base>.dtb -o out.dtb <this>.dtbo`\n"
		" * (U-Boot `fdt apply`, or a configfs overlay on Xilinx kernels). The base\n"
		" * must be built with -@ (labels %s, %s, %s, %s, %.*s).\n"
		" */\n"
		"/dts-v1/;\n"
		"/plugin/;\n\n",
		b->name, d->name, d->project, b->irq_pin, d->irq_mm2s, d->irq_s2mm, b->clk_pin,
		d->clock_mhz, d->reset_emio, b->emio_gpio_base + d->reset_emio, b->emio_gpio_base,
		b->dt_fpga, b->dt_bus, b->dt_gic, b->dt_gpio, (int)(strcspn(b->dt_clk, " ")),
		b->dt_clk);
}

static void fpga_fragment(const struct hlsgen_design *d, FILE *f)
{
	unsigned c = d->board->dt_addr_cells;

	fprintf(f,
		"/ {\n"
		"\tfragment@0 {\n"
		"\t\ttarget = <&%s>;\n\n"
		"\t\t__overlay__ {\n"
		"\t\t\t#address-cells = <%u>;\n"
		"\t\t\t#size-cells = <%u>;\n"
		"\t\t\tfirmware-name = \"qnn/%s.bit.bin\";\n"
		"\t\t};\n"
		"\t};\n\n",
		d->board->dt_fpga, c, c, d->name);
}

static void channel(FILE *f, const char *dir, unsigned irq, unsigned width)
{
	fprintf(f,
		"\t\t\t\tdma-channel-%s {\n"
		"\t\t\t\t\tcompatible = \"xlnx,axi-dma-%s-channel\";\n"
		"\t\t\t\t\tdma-channels = <1>;\n"
		"\t\t\t\t\tinterrupts = <0 %u 4>;\n"
		"\t\t\t\t\txlnx,datawidth = <%u>;\n"
		"\t\t\t\t\txlnx,device-id = <0>;\n"
		"\t\t\t\t};\n",
		dir, dir, irq, width);
}

static void dma_fragment(const struct hlsgen_design *d, FILE *f)
{
	const struct hlsgen_board *b = d->board;
	unsigned c = b->dt_addr_cells;

	fprintf(f,
		"\tfragment@1 {\n"
		"\t\ttarget = <&%s>;\n\n"
		"\t\t__overlay__ {\n"
		"\t\t\t#address-cells = <%u>;\n"
		"\t\t\t#size-cells = <%u>;\n\n"
		"\t\t\taxi_dma_0: dma@%" PRIx64 " {\n"
		"\t\t\t\tcompatible = \"xlnx,axi-dma-7.1\", \"xlnx,axi-dma-1.00.a\";\n"
		"\t\t\t\treg = <",
		b->dt_bus, c, c, d->dma_base);
	cells(f, c, d->dma_base);
	fputc(' ', f);
	cells(f, c, d->dma_size);
	fprintf(f,
		">;\n"
		"\t\t\t\t#dma-cells = <1>;\n"
		"\t\t\t\tclocks = <&%s>, <&%s>, <&%s>;\n"
		"\t\t\t\tclock-names = \"s_axi_lite_aclk\", \"m_axi_mm2s_aclk\",\n"
		"\t\t\t\t\t      \"m_axi_s2mm_aclk\";\n"
		"\t\t\t\tassigned-clocks = <&%s>;\n"
		"\t\t\t\tassigned-clock-rates = <%u>;\n"
		"\t\t\t\tinterrupt-parent = <&%s>;\n"
		"\t\t\t\t/* IRQ_TYPE_LEVEL_HIGH = 4 */\n"
		"\t\t\t\tinterrupts = <0 %u 4>, <0 %u 4>;\n"
		"\t\t\t\txlnx,addrwidth = <%u>;\n"
		"\t\t\t\t/* c_sg_length_width %u: %llu bytes per transfer */\n"
		"\t\t\t\txlnx,sg-length-width = <%u>;\n"
		"\t\t\t\t/* no xlnx,include-sg: simple (direct register) mode */\n\n",
		b->dt_clk, b->dt_clk, b->dt_clk, b->dt_clk, d->clock_mhz * 1000000u, b->dt_gic,
		d->irq_mm2s, d->irq_s2mm, d->addr_width, d->sg_length_width,
		(1ull << d->sg_length_width) - 1, d->sg_length_width);
	channel(f, "mm2s", d->irq_mm2s, d->in_width);
	fputc('\n', f);
	channel(f, "s2mm", d->irq_s2mm, d->out_width);
	fprintf(f, "\t\t\t};\n\t\t};\n\t};\n\n");
}

static void stream_props(FILE *f, const char *dir, const struct hlsgen_stream_type *t)
{
	fprintf(f, "\t\t\t\tqnn,%s-type = \"%s\";\n", dir, t->is_float ? "float32" : "fixed");
	if (!t->is_float)
		fprintf(f, "\t\t\t\tqnn,%s-fixed = <%u %d %d>;\n", dir, t->width, t->int_bits,
			t->is_signed);
}

static void qnn_fragment(const struct hlsgen_design *d, FILE *f)
{
	fprintf(f,
		"\t/* The core has no registers (ap_ctrl_none): it sits on no bus. */\n"
		"\tfragment@2 {\n"
		"\t\ttarget-path = \"/\";\n\n"
		"\t\t__overlay__ {\n"
		"\t\t\taccelerator {\n"
		"\t\t\t\tcompatible = \"qnn,hls4ml-accel\";\n"
		"\t\t\t\tdmas = <&axi_dma_0 0>, <&axi_dma_0 1>;\n"
		"\t\t\t\tdma-names = \"tx\", \"rx\";\n"
		"\t\t\t\tqnn,n-inputs = <%u>;\n"
		"\t\t\t\tqnn,n-outputs = <%u>;\n",
		d->n_inputs, d->n_outputs);
	stream_props(f, "input", &d->in_t);
	stream_props(f, "output", &d->out_t);
	fprintf(f,
		"\t\t\t\tqnn,max-batch = <%u>;\n"
		"\t\t\t\tfirmware-name = \"qnn/%s.qnn\";\n"
		"\t\t\t\t/* GPIO_ACTIVE_LOW: asserting it pulls ap_rst_n low */\n"
		"\t\t\t\treset-gpios = <&%s %u 1>;\n"
		"\t\t\t\tqnn,timeout-base-ms = <%u>;\n"
		"\t\t\t};\n"
		"\t\t};\n"
		"\t};\n"
		"};\n",
		d->max_batch, d->name, d->board->dt_gpio, d->board->emio_gpio_base + d->reset_emio,
		d->timeout_base_ms);
}

int hlsgen_overlay_write(const struct hlsgen_design *d, FILE *f)
{
	header(d, f);
	fpga_fragment(d, f);
	dma_fragment(d, f);
	qnn_fragment(d, f);
	return ferror(f) ? -EIO : 0;
}
