// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * bundle_write.c - what the board needs, laid out as it is installed:
 *   DIR/lib/firmware/qnn/NAME.bit.bin  the bitstream for the FPGA manager
 *   DIR/lib/firmware/qnn/NAME.dtbo     the overlay (dtc -@ of NAME.dtso)
 *   DIR/lib/firmware/qnn/NAME.qnn      the bit-exact model (qnn node's firmware)
 *   DIR/NAME.dtso, DIR/BOOT.txt        the overlay source, how to boot it
 * The bundle is built in DIR.partial and renamed to DIR only when every
 * file is there, so a bad .bit or a failing dtc leaves nothing half-made.
 */
#include <errno.h>
#include <inttypes.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "hlsgen_deploy.h"
#include "hlsgen_error.h"
#include "hlsgen_io.h"

extern char **environ;

#define BIT_MAX_BYTES (256u << 20)

static int mkdirs(const char *root, char *err, size_t errlen)
{
	static const char *const sub[] = {"", "/lib", "/lib/firmware", "/lib/firmware/qnn"};
	char p[4096];

	for (unsigned i = 0; i < sizeof(sub) / sizeof(sub[0]); i++) {
		snprintf(p, sizeof(p), "%s%s", root, sub[i]);
		if (mkdir(p, 0755) && errno != EEXIST)
			return hg_fail(err, errlen, -errno, "%s: %s", p, strerror(errno));
	}
	return 0;
}

static int write_overlay(const struct hlsgen_design *d, const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "w");
	int rc;

	if (!f)
		return hg_fail(err, errlen, -errno, "%s: %s", path, strerror(errno));
	rc = hlsgen_overlay_write(d, f);
	if (fclose(f) || rc)
		return hg_fail(err, errlen, -EIO, "%s: write failed", path);
	return 0;
}

/* dtc -@ -I dts -O dtb: the overlay keeps its labels for fdtoverlay. */
static int compile_overlay(const char *dtso, const char *dtbo, char *err, size_t errlen)
{
	char *argv[] = {"dtc", "-q", "-@",	   "-I",	 "dts", "-O",
			"dtb", "-o", (char *)dtbo, (char *)dtso, NULL};
	pid_t pid;
	int st;

	if (posix_spawnp(&pid, "dtc", NULL, NULL, argv, environ))
		return hg_fail(err, errlen, -ENOENT,
			       "cannot run dtc (Debian package device-tree-compiler)");
	if (waitpid(pid, &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st))
		return hg_fail(err, errlen, -EIO, "dtc failed on %s", dtso);
	return 0;
}

static int write_bitstream(const struct hlsgen_design *d, const char *bit, const char *path,
			   char *err, size_t errlen)
{
	struct hlsgen_bit_info info;
	uint8_t *bin = NULL;
	size_t len, bin_len;
	char msg[512];
	void *buf;
	int rc = hlsgen_read_file(bit, BIT_MAX_BYTES, &buf, &len, err, errlen);

	if (rc)
		return rc;
	rc = hlsgen_bit_to_bin(buf, len, d->board->device, &bin, &bin_len, &info, msg, sizeof(msg));
	free(buf);
	if (rc)
		return hg_fail(err, errlen, rc, "%s: %s", bit, msg);
	rc = hlsgen_write_file(path, NULL, 0, bin, bin_len, err, errlen);
	free(bin);
	return rc;
}

static void boot_text(const struct hlsgen_design *d, FILE *f)
{
	const struct hlsgen_board *b = d->board;
	const char *n = d->name;

	fprintf(f,
		"qnn bundle: model '%s' on %s (written by hlsgen deploy)\n\n"
		"Install: copy lib/ onto the board's root file system (/lib/firmware/qnn/).\n"
		"  lib/firmware/qnn/%s.bit.bin  bitstream for the FPGA manager (no header,\n"
		"                               32-bit words byte-swapped)\n"
		"  lib/firmware/qnn/%s.dtbo     overlay: /fpga-full firmware-name\n"
		"                               \"qnn/%s.bit.bin\", AXI DMA, qnn node\n"
		"  lib/firmware/qnn/%s.qnn      the bit-exact model the qnn node loads\n"
		"  %s.dtso                      the overlay's source\n\n"
		"Design: AXI DMA registers 0x%" PRIx64 " (+0x%" PRIx64 "), MM2S IRQ GIC SPI %u, "
		"S2MM SPI %u\n"
		"(%s), core reset on EMIO GPIO %u (PS GPIO line %u), %s at %u MHz,\n"
		"%u x %s in, %u x %s out per sample, batches up to %u.\n\n",
		n, b->name, n, n, n, n, n, d->dma_base, d->dma_size, d->irq_mm2s, d->irq_s2mm,
		b->irq_pin, d->reset_emio, b->emio_gpio_base + d->reset_emio, b->clk_pin,
		d->clock_mhz, d->n_inputs, d->in_t.is_float ? "float32" : "fixed", d->n_outputs,
		d->out_t.is_float ? "float32" : "fixed", d->max_batch);
	fprintf(f,
		"1. Xilinx/PYNQ kernels (CONFIG_OF_CONFIGFS), at run time:\n"
		"     mkdir /sys/kernel/config/device-tree/overlays/qnn\n"
		"     echo qnn/%s.dtbo > /sys/kernel/config/device-tree/overlays/qnn/path\n"
		"   The fpga-region loads qnn/%s.bit.bin through the FPGA manager, then the\n"
		"   DMA and the qnn node probe. Remove: rmdir .../overlays/qnn.\n\n"
		"2. Xilinx's fpgautil does the same in one step:\n"
		"     fpgautil -b /lib/firmware/qnn/%s.bit.bin -o /lib/firmware/qnn/%s.dtbo\n\n"
		"3. Mainline kernels (no run-time overlays): U-Boot programs the PL and\n"
		"   applies the overlay to a base DTB built with -@ before booting:\n"
		"     load mmc 0:2 ${loadaddr} /lib/firmware/qnn/%s.bit.bin\n"
		"     fpga load 0 ${loadaddr} ${filesize}\n"
		"     load mmc 0:1 ${fdt_addr_r} system.dtb\n"
		"     fdt addr ${fdt_addr_r}; fdt resize 0x10000\n"
		"     load mmc 0:2 ${loadaddr} /lib/firmware/qnn/%s.dtbo\n"
		"     fdt apply ${loadaddr}\n"
		"     booti ${kernel_addr_r} - ${fdt_addr_r}\n"
		"   (or offline: fdtoverlay -i system.dtb -o system-qnn.dtb %s.dtbo). The\n"
		"   kernel needs CONFIG_XILINX_DMA (xilinx_dma) for the AXI DMA.\n\n"
		"Then: modprobe qnn (binds the node, /dev/qnn0), qnnctl status.\n",
		n, n, n, n, n, n, n);
}

static int write_boot_text(const struct hlsgen_design *d, const char *path, char *err,
			   size_t errlen)
{
	FILE *f = fopen(path, "w");

	if (!f)
		return hg_fail(err, errlen, -errno, "%s: %s", path, strerror(errno));
	boot_text(d, f);
	if (fclose(f))
		return hg_fail(err, errlen, -EIO, "%s: write failed", path);
	return 0;
}

static int fill(const struct hlsgen_design *d, const char *tmp, const char *bit, const void *model,
		size_t model_len, char *err, size_t errlen)
{
	char fw[4200], a[4300], b[4300];
	int rc;

	snprintf(fw, sizeof(fw), "%s/lib/firmware/qnn/%s", tmp, d->name);
	snprintf(a, sizeof(a), "%s.bit.bin", fw);
	if ((rc = mkdirs(tmp, err, errlen)) || (rc = write_bitstream(d, bit, a, err, errlen)))
		return rc;
	snprintf(a, sizeof(a), "%s.qnn", fw);
	if ((rc = hlsgen_write_file(a, NULL, 0, model, model_len, err, errlen)))
		return rc;
	snprintf(a, sizeof(a), "%s/%s.dtso", tmp, d->name);
	snprintf(b, sizeof(b), "%s.dtbo", fw);
	if ((rc = write_overlay(d, a, err, errlen)) || (rc = compile_overlay(a, b, err, errlen)))
		return rc;
	snprintf(a, sizeof(a), "%s/BOOT.txt", tmp);
	return write_boot_text(d, a, err, errlen);
}

static void remove_partial(const char *tmp, const char *name)
{
	static const char *const files[] = {"/lib/firmware/qnn/%s.bit.bin",
					    "/lib/firmware/qnn/%s.qnn", "/lib/firmware/qnn/%s.dtbo",
					    "/%s.dtso", "/BOOT.txt%.0s"};
	static const char *const dirs[] = {"/lib/firmware/qnn", "/lib/firmware", "/lib", ""};
	char rel[256], p[4400];

	for (unsigned i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(rel, sizeof(rel), files[i], name);
		snprintf(p, sizeof(p), "%s%s", tmp, rel);
		unlink(p);
	}
	for (unsigned i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		snprintf(p, sizeof(p), "%s%s", tmp, dirs[i]);
		rmdir(p);
	}
}

int hlsgen_bundle_write(const struct hlsgen_design *d, const char *dir, const char *bit,
			const void *model, size_t model_len, char *err, size_t errlen)
{
	char tmp[4096];
	struct stat st;
	int rc;

	if (!stat(dir, &st))
		return hg_fail(err, errlen, -EEXIST, "%s exists: remove it or name another bundle",
			       dir);
	snprintf(tmp, sizeof(tmp), "%s.partial", dir);
	remove_partial(tmp, d->name);
	rc = fill(d, tmp, bit, model, model_len, err, errlen);
	if (!rc && rename(tmp, dir))
		rc = hg_fail(err, errlen, -errno, "%s: %s", dir, strerror(errno));
	if (rc)
		remove_partial(tmp, d->name);
	return rc;
}
