// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * cmd_deploy.c - `hlsgen deploy`: from a .qnn model to what the board
 * needs: the Vivado block-design Tcl, the device-tree overlay (from the
 * model's defaults, or from what Vivado assigned, read from its .hwh), the
 * bitstream for the FPGA manager and the bundle (hlsgen/deploy/README.md).
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli_number.h"
#include "hlsgen_cmd.h"
#include "hlsgen_deploy.h"
#include "hlsgen_io.h"

static const char usage_text[] =
    "usage: hlsgen deploy MODEL.qnn [--board zcu104] [--name NAME] [--project PRJ]\n"
    "                     [--fixed-input] [--fixed-output] [--clock MHZ] [--max-batch N]\n"
    "                     [--hwh DESIGN.hwh] [--bit DESIGN.bit]\n"
    "                     [--tcl OUT.tcl] [--dtso OUT.dtso] [--bundle DIR]\n"
    "       hlsgen deploy --bit-to-bin DESIGN.bit -o OUT.bit.bin [--board B]\n"
    "       hlsgen deploy --boards\n"
    "\n"
    "Writes, for the hls4ml VivadoAccelerator design of MODEL on a board:\n"
    "  --tcl     the Vivado block design (PS + AXI DMA + PRJ_axi, interrupts and\n"
    "            reset wired, explicit address map) through bitstream and .hwh/.xsa\n"
    "  --dtso    the device-tree overlay (fpga-region, AXI DMA, qnn node); with\n"
    "            --hwh, from the addresses, interrupts, reset bit, clock and widths\n"
    "            Vivado assigned, refusing a design that lacks what the driver needs\n"
    "  --bundle  DIR/lib/firmware/qnn/NAME.{bit.bin,dtbo,qnn}, DIR/NAME.dtso and\n"
    "            DIR/BOOT.txt (needs --bit; the .dtbo is compiled with dtc)\n"
    "NAME defaults to the model's name, PRJ to hls4ml's 'myproject', MHZ to 100.\n"
    "--fixed-input/--fixed-output stream the model's fixed-point input/result\n"
    "type instead of float32 (the driver's beat is 32 bits either way).\n";

struct deploy_opts {
	const char *model, *board, *name, *project, *hwh, *bit, *tcl, *dtso, *bundle;
	const char *bit_to_bin, *out;
	int fixed_in, fixed_out, list;
	unsigned long long clock, max_batch;
};

static int parse_args(int argc, char **argv, struct deploy_opts *o)
{
	static const struct {
		const char *flag;
		size_t off;
	} strs[] = {
	    {"--board", offsetof(struct deploy_opts, board)},
	    {"--name", offsetof(struct deploy_opts, name)},
	    {"--project", offsetof(struct deploy_opts, project)},
	    {"--hwh", offsetof(struct deploy_opts, hwh)},
	    {"--dtso", offsetof(struct deploy_opts, dtso)},
	    {"--tcl", offsetof(struct deploy_opts, tcl)},
	    {"--bit", offsetof(struct deploy_opts, bit)},
	    {"--bundle", offsetof(struct deploy_opts, bundle)},
	    {"--bit-to-bin", offsetof(struct deploy_opts, bit_to_bin)},
	    {"-o", offsetof(struct deploy_opts, out)},
	};

	for (int i = 1; i < argc; i++) {
		size_t k;

		for (k = 0; k < sizeof(strs) / sizeof(strs[0]); k++)
			if (!strcmp(argv[i], strs[k].flag) && i + 1 < argc)
				break;
		if (k < sizeof(strs) / sizeof(strs[0])) {
			*(const char **)((char *)o + strs[k].off) = argv[++i];
		} else if (!strcmp(argv[i], "--fixed-input")) {
			o->fixed_in = 1;
		} else if (!strcmp(argv[i], "--fixed-output")) {
			o->fixed_out = 1;
		} else if (!strcmp(argv[i], "--boards")) {
			o->list = 1;
		} else if (!strcmp(argv[i], "--clock") && i + 1 < argc) {
			if (cli_number("deploy", "--clock", argv[++i], 1, 500, &o->clock))
				return -1;
		} else if (!strcmp(argv[i], "--max-batch") && i + 1 < argc) {
			if (cli_number("deploy", "--max-batch", argv[++i], 1, 1u << 24,
				       &o->max_batch))
				return -1;
		} else if (argv[i][0] == '-' || o->model) {
			fprintf(stderr, "hlsgen deploy: unexpected argument '%s'\n\n%s", argv[i],
				usage_text);
			return -1;
		} else {
			o->model = argv[i];
		}
	}
	return 0;
}

static void list_boards(void)
{
	for (unsigned i = 0; hlsgen_board_at(i); i++) {
		const struct hlsgen_board *b = hlsgen_board_at(i);

		printf("%-8s %-22s %s, DMA at 0x%llx, IRQ %s -> SPI %u, reset EMIO GPIO line %u\n",
		       b->name, b->part, b->ps_ip, (unsigned long long)b->ctrl_base, b->irq_pin,
		       b->irq_spi_base, b->emio_gpio_base);
	}
}

/* Write through a temporary file, so a failure leaves the old file alone. */
static int write_text(const char *path, const struct hlsgen_design *d,
		      int (*fn)(const struct hlsgen_design *, FILE *))
{
	char tmp[4096];
	FILE *f;
	int rc;

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f = fopen(tmp, "w");
	if (!f) {
		fprintf(stderr, "hlsgen deploy: %s: %s\n", tmp, strerror(errno));
		return -1;
	}
	rc = fn(d, f);
	if (fclose(f) || rc || rename(tmp, path)) {
		fprintf(stderr, "hlsgen deploy: cannot write %s\n", path);
		unlink(tmp);
		return -1;
	}
	return 0;
}

static int bit_to_bin(const struct deploy_opts *o, const struct hlsgen_board *b)
{
	struct hlsgen_bit_info info;
	uint8_t *bin = NULL;
	size_t len, bin_len;
	char err[512];
	void *buf;
	int rc;

	if (!o->out) {
		fputs(usage_text, stderr);
		return 2;
	}
	rc = hlsgen_read_file(o->bit_to_bin, 1u << 30, &buf, &len, err, sizeof(err));
	if (!rc)
		rc = hlsgen_bit_to_bin(buf, len, o->board ? b->device : NULL, &bin, &bin_len, &info,
				       err, sizeof(err));
	if (!rc)
		rc = hlsgen_write_file(o->out, NULL, 0, bin, bin_len, err, sizeof(err));
	free(buf);
	free(bin);
	if (rc) {
		fprintf(stderr, "hlsgen deploy: %s: %s\n", o->bit_to_bin, err);
		return 1;
	}
	printf("%s: design %s, part %s, %s %s: %zu bytes of configuration data (sync at "
	       "%zu) -> %s\n",
	       o->bit_to_bin, info.design, info.part, info.date, info.time, info.data_len,
	       info.sync_off, o->out);
	return 0;
}

static int build_design(const struct deploy_opts *o, const struct hlsgen_board *b,
			struct hlsgen_design *d, void **model, size_t *model_len)
{
	char err[768];

	if (hlsgen_read_file(o->model, 1u << 30, model, model_len, err, sizeof(err)) ||
	    hlsgen_design_from_model(d, b, *model, *model_len, o->fixed_in, o->fixed_out, err,
				     sizeof(err)))
		goto fail;
	if (o->name)
		snprintf(d->name, sizeof(d->name), "%s", o->name);
	if (o->project)
		snprintf(d->project, sizeof(d->project), "%s", o->project);
	if (o->clock)
		d->clock_mhz = (unsigned)o->clock;
	if (o->max_batch)
		d->max_batch = (uint32_t)o->max_batch;
	if (hlsgen_design_check(d, err, sizeof(err)))
		goto fail;
	if (o->hwh && hlsgen_hwh_read(d, o->hwh, err, sizeof(err)))
		goto fail;
	return 0;
fail:
	fprintf(stderr, "hlsgen deploy: %s\n", err);
	return -1;
}

static int bundle(const struct deploy_opts *o, const struct hlsgen_design *d, const void *model,
		  size_t model_len)
{
	char err[768];

	if (!o->bit) {
		fprintf(stderr, "hlsgen deploy: --bundle needs --bit DESIGN.bit\n");
		return 2;
	}
	if (hlsgen_bundle_write(d, o->bundle, o->bit, model, model_len, err, sizeof(err))) {
		fprintf(stderr, "hlsgen deploy: %s\n", err);
		return 1;
	}
	printf("bundle %s: lib/firmware/qnn/%s.{bit.bin,dtbo,qnn}, %s.dtso, BOOT.txt\n", o->bundle,
	       d->name, d->name);
	return 0;
}

static int run(int argc, char **argv)
{
	struct deploy_opts o = {0};
	const struct hlsgen_board *b;
	struct hlsgen_design d;
	void *model = NULL;
	size_t model_len = 0;
	int rc = 0;

	if (parse_args(argc, argv, &o))
		return 2;
	if (o.list) {
		list_boards();
		return 0;
	}
	b = hlsgen_board_find(o.board ? o.board : "zcu104");
	if (!b) {
		fprintf(stderr, "hlsgen deploy: unknown board '%s' (hlsgen deploy --boards)\n",
			o.board);
		return 2;
	}
	if (o.bit_to_bin)
		return bit_to_bin(&o, b);
	if (!o.model || !(o.dtso || o.tcl || o.bundle)) {
		fputs(usage_text, stderr);
		return 2;
	}
	if (build_design(&o, b, &d, &model, &model_len)) {
		free(model);
		return 1;
	}
	if (o.tcl && write_text(o.tcl, &d, hlsgen_bd_tcl_write))
		rc = 1;
	if (!rc && o.dtso && write_text(o.dtso, &d, hlsgen_overlay_write))
		rc = 1;
	if (!rc && o.bundle)
		rc = bundle(&o, &d, model, model_len);
	free(model);
	return rc;
}

const struct hlsgen_cmd hlsgen_cmd_deploy = {
    .name = "deploy",
    .summary = ".qnn -> Vivado block-design Tcl, device-tree overlay, .bit.bin, board bundle",
    .usage = usage_text,
    .run = run,
};
