// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * test_deploy_design.c - the design hlsgen deploy builds from a .qnn
 * (hlsgen/deploy/design.c) on the lab's CNN: shape and defaults; stream
 * widths as hls4ml rounds them and what the driver's 32-bit beat refuses;
 * a batch longer than one DMA transfer; the board table; and the overlay
 * and Tcl writers following the design (another board, address, clock).
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hlsgen_deploy.h"
#include "hlsgen_import.h"

static void *model;
static size_t model_len;

static void cnn(void)
{
	const char *s = getenv("QNN_SHARED");
	char json[512], h5[512], cfg[512], err[512];
	struct hlsgen_import_opts o = {
	    .json_path = json, .h5_path = h5, .config_path = cfg, .hls4ml_minor = 8};

	cr_assert_not_null(s, "QNN_SHARED must point at ../shared");
	snprintf(json, sizeof(json), "%s/models/qkeras_mnist_cnn.json", s);
	snprintf(h5, sizeof(h5), "%s/models/qkeras_mnist_cnn_weights.h5", s);
	snprintf(cfg, sizeof(cfg), "%s/models/qkeras_mnist_cnn_config.yml", s);
	cr_assert_eq(hlsgen_import_build(&o, &model, &model_len, err, sizeof(err)), 0, "%s", err);
}

static void done(void)
{
	free(model);
}

TestSuite(deploy_design, .init = cnn, .fini = done);

Test(deploy_design, lab_model_defaults)
{
	struct hlsgen_design d;
	char err[512];

	cr_assert_eq(hlsgen_design_from_model(&d, hlsgen_board_find("zcu104"), model, model_len, 0,
					      0, err, sizeof(err)),
		     0, "%s", err);
	cr_expect_eq(d.n_inputs, 784);
	cr_expect_eq(d.n_outputs, 10);
	cr_expect(d.in_t.is_float && d.out_t.is_float);
	cr_expect_eq(d.in_width, 32);
	cr_expect_eq(d.dma_base, 0xA0000000u);
	cr_expect_eq(d.irq_mm2s, 89);
	cr_expect_eq(d.irq_s2mm, 90);
	cr_expect_eq(d.clock_mhz, 100);
	cr_expect_str_eq(d.project, "myproject");
}

Test(deploy_design, fixed_streams_need_a_32_bit_beat)
{
	struct hlsgen_design d;
	struct hlsgen_stream_type t = {.width = 27, .int_bits = 7, .is_signed = 1};
	char err[512] = "";

	/* hls4ml rounds a fixed type's width up to whole bytes */
	cr_expect_eq(hlsgen_stream_width(&t), 32);
	t.width = 16;
	cr_expect_eq(hlsgen_stream_width(&t), 16);
	t.width = 9;
	cr_expect_eq(hlsgen_stream_width(&t), 16);
	/* the lab's input is ap_fixed<16,6>: a 16-bit stream the driver cannot take */
	cr_expect_eq(hlsgen_design_from_model(&d, hlsgen_board_find("zcu104"), model, model_len, 1,
					      0, err, sizeof(err)),
		     -EINVAL);
	cr_expect(strstr(err, "input stream is 16 bits wide, the driver moves 32-bit beats") !=
		      NULL,
		  "%s", err);
}

Test(deploy_design, batch_longer_than_a_transfer_refused)
{
	struct hlsgen_design d;
	char err[512] = "";

	cr_assert_eq(hlsgen_design_from_model(&d, hlsgen_board_find("zcu104"), model, model_len, 0,
					      0, err, sizeof(err)),
		     0, "%s", err);
	d.max_batch = 30000; /* 30000 x 3136 bytes > 64 MiB - 1 */
	cr_expect_eq(hlsgen_design_check(&d, err, sizeof(err)), -EINVAL);
	cr_expect(strstr(err, "lower --max-batch") != NULL, "%s", err);
	d.max_batch = 1024;
	d.dma_base = 0xB0000000u; /* outside HPM0_FPD's low window */
	cr_expect_eq(hlsgen_design_check(&d, err, sizeof(err)), -EINVAL);
	cr_expect(strstr(err, "M_AXI_HPM0_FPD") != NULL, "%s", err);
}

Test(deploy_design, board_table)
{
	cr_expect_null(hlsgen_board_find("zcu106"));
	cr_expect_eq(hlsgen_board_find("pynq-z2")->family, HLSGEN_PS_ZYNQ7);
	cr_expect_eq(hlsgen_board_find("pynq-z2")->irq_spi_base, 29);
	cr_expect_eq(hlsgen_board_find("zcu102")->emio_gpio_base, 78);
	cr_expect_str_eq(hlsgen_board_at(0)->name, "zcu104");
	cr_expect_null(hlsgen_board_at(3));
}

static char *written(const struct hlsgen_design *d, int (*fn)(const struct hlsgen_design *, FILE *))
{
	char *s = NULL;
	size_t n;
	FILE *f = open_memstream(&s, &n);

	cr_assert_eq(fn(d, f), 0);
	fclose(f);
	return s;
}

Test(deploy_design, writers_follow_the_design)
{
	struct hlsgen_design d;
	char err[512], *dts, *tcl;

	cr_assert_eq(hlsgen_design_from_model(&d, hlsgen_board_find("pynq-z2"), model, model_len, 0,
					      0, err, sizeof(err)),
		     0, "%s", err);
	snprintf(d.name, sizeof(d.name), "cnn");
	d.dma_base = 0x40400000u;
	d.clock_mhz = 125;
	dts = written(&d, hlsgen_overlay_write);
	tcl = written(&d, hlsgen_bd_tcl_write);
	cr_expect(strstr(dts, "dma@40400000 {") && strstr(dts, "reg = <0x40400000 0x10000>;"), "%s",
		  dts);
	cr_expect(strstr(dts, "interrupts = <0 29 4>, <0 30 4>;") != NULL);
	cr_expect(strstr(dts, "reset-gpios = <&gpio0 54 1>;") != NULL);
	cr_expect(strstr(dts, "assigned-clock-rates = <125000000>;") != NULL);
	cr_expect(strstr(dts, "firmware-name = \"qnn/cnn.bit.bin\";") != NULL);
	cr_expect(strstr(tcl, "-offset 0x40400000 -range 0x10000") != NULL, "%s", tcl);
	cr_expect(strstr(tcl, "CONFIG.PCW_FPGA0_PERIPHERAL_FREQMHZ 125") != NULL);
	cr_expect(strstr(tcl, "[get_bd_pins xlconcat_0/dout] [get_bd_pins "
			      "processing_system7_0/IRQ_F2P]") != NULL);
	cr_expect(strstr(tcl, "create_project project_1 $vivado_dir -part xc7z020clg400-1") !=
		  NULL);
	free(dts);
	free(tcl);
}
