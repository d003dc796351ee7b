/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * hlsgen_deploy.h - from a .qnn model to what a board boots: the board
 * table, the design every generated artefact describes (one struct, so the
 * block-design Tcl, the device-tree overlay and what is read back from
 * Vivado's .hwh cannot disagree), the .bit -> .bit.bin converter and the
 * bundle. Implemented in hlsgen/deploy/ (README there).
 */
#ifndef HLSGEN_DEPLOY_H
#define HLSGEN_DEPLOY_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum hlsgen_ps_family {
	HLSGEN_PS_ZYNQMP, /* Zynq UltraScale+ MPSoC: zynq_ultra_ps_e */
	HLSGEN_PS_ZYNQ7,  /* Zynq-7000: processing_system7 */
};

/* One board: what Vivado, the PS and the base device tree call things. */
struct hlsgen_board {
	const char *name;	/* --board NAME */
	const char *part;	/* Vivado part */
	const char *device;	/* as the .bit header's part field contains it */
	const char *board_vlnv; /* board file, version left to Vivado ("...:*") */
	enum hlsgen_ps_family family;
	const char *ps_ip;	    /* IP name of the PS (zynq_ultra_ps_e) */
	const char *ps_cell;	    /* its cell name in the block design */
	const char *ps_rule;	    /* apply_bd_automation rule (board preset) */
	const char *ps_rule_config; /* its -config (Zynq-7000: DDR, FIXED_IO external) */
	const char *ctrl_master;    /* PS master the DMA registers hang on */
	const char *mem_slave;	    /* PS slave the DMA's memory ports use */
	const char *mem_enable;	    /* CONFIG.* enabling mem_slave */
	const char *ctrl_enable;    /* CONFIG.* enabling ctrl_master */
	const char *ctrl_aclk;	    /* PS clock input of ctrl_master */
	const char *mem_aclk;	    /* PS clock input of mem_slave */
	const char *ps_extra;	    /* more CONFIG.* settings of the PS, Tcl list */
	const char *ps_data_space;  /* the PS address space (assign_bd_address) */
	const char *irq_pin;	    /* PS interrupt input (PL to PS) */
	const char *irq_enable;	    /* CONFIG.* enabling irq_pin */
	unsigned irq_spi_base;	    /* GIC SPI of irq_pin[0] */
	unsigned irq_lines;	    /* width of irq_pin */
	const char *gpio_pin;	    /* PS EMIO GPIO output */
	const char *gpio_enable;    /* CONFIG.* enabling EMIO GPIO */
	const char *gpio_width;	    /* CONFIG.* EMIO GPIO width */
	unsigned emio_gpio_base;    /* Linux GPIO line of EMIO 0 */
	const char *clk_pin;	    /* PL clock 0 */
	const char *rstn_pin;	    /* PL reset 0 (active low) */
	const char *clk_freq;	    /* CONFIG.* requested PL clock 0, MHz */
	const char *clk_act_freq;   /* .hwh parameter: what the PLL gives, MHz */
	uint64_t ctrl_base;	    /* first address of ctrl_master's window */
	uint64_t ctrl_window;	    /* its size */
	unsigned dt_addr_cells;	    /* #address-cells of the base's PL bus */
	const char *dt_bus;	    /* base DT label of that bus */
	const char *dt_gic;	    /* base DT label of the GIC */
	const char *dt_gpio;	    /* base DT label of the PS GPIO controller */
	const char *dt_clk;	    /* base DT clock phandle + cell of PL clock 0 */
	const char *dt_fpga;	    /* base DT label of the full fpga-region */
};

/* NULL if the name is not in the table; _at(i) lists it (NULL past the end). */
const struct hlsgen_board *hlsgen_board_find(const char *name);
const struct hlsgen_board *hlsgen_board_at(unsigned i);

/* The element type of one AXI stream, as the core's wrapper has it. */
struct hlsgen_stream_type {
	int is_float; /* float32 (hls4ml's 'float') */
	unsigned width;
	int int_bits;
	int is_signed;
};

/* The whole deployment: every generated file is written from this. */
struct hlsgen_design {
	const struct hlsgen_board *board;
	char name[64];	  /* model name: firmware qnn/<name>.{qnn,bit.bin} */
	char project[64]; /* hls4ml project name: the IP is <project>_axi */
	uint32_t n_inputs, n_outputs;
	uint32_t max_batch, timeout_base_ms;
	struct hlsgen_stream_type in_t, out_t;
	unsigned in_width, out_width; /* stream TDATA widths, bits */
	unsigned clock_mhz;	      /* pl_clk0 */
	uint64_t dma_base, dma_size;  /* the DMA's S_AXI_LITE window */
	unsigned irq_mm2s, irq_s2mm;  /* GIC SPI numbers */
	unsigned reset_emio;	      /* EMIO GPIO bit on the core's ap_rst_n */
	unsigned addr_width;	      /* DMA memory address width */
	unsigned sg_length_width;     /* DMA length register width */
};

/* The driver's stream beat (dts/bindings/qnn,hls4ml-accel.yaml). */
#define HLSGEN_BEAT_BITS 32

/* hls4ml's stream width of a type: float 32, fixed rounded up to bytes. */
unsigned hlsgen_stream_width(const struct hlsgen_stream_type *t);

/*
 * The defaults of the design hlsgen deploy generates on a board (float32
 * streams, 100 MHz, the DMA at the start of the PS master's window, SPI
 * base/base+1, EMIO 0); the model's name and shape still to be set.
 */
void hlsgen_design_init(struct hlsgen_design *d, const struct hlsgen_board *b);

/*
 * Fill d for a model image (parsed with qnn_model_parse) on a board, with
 * the defaults of the design hlsgen deploy generates. in_fixed/out_fixed
 * choose fixed-point streams (the model's input type; the last layer's
 * result type) instead of float32. 0, or -EINVAL with a message (a stream
 * the driver's 32-bit beat cannot carry, a name too long).
 */
int hlsgen_design_from_model(struct hlsgen_design *d, const struct hlsgen_board *b,
			     const void *model, size_t model_len, int in_fixed, int out_fixed,
			     char *err, size_t errlen);

/* Check the design against the driver's needs. 0 or -EINVAL + message. */
int hlsgen_design_check(const struct hlsgen_design *d, char *err, size_t errlen);

/*
 * Read Vivado's hardware hand-off (.hwh XML) and take from it what Vivado
 * actually assigned: the DMA's base and range, the GIC lines its two
 * interrupts reach, the EMIO bit on the core's reset, the PL clock, the
 * stream and address widths. d comes in filled from the model (the
 * expected widths) and leaves updated. -EINVAL with a message naming the
 * cell and port when the design lacks what the driver needs.
 */
int hlsgen_hwh_read(struct hlsgen_design *d, const char *path, char *err, size_t errlen);
int hlsgen_hwh_parse(struct hlsgen_design *d, const char *xml, size_t len, char *err,
		     size_t errlen);

/* The device-tree overlay source (.dtso) of the design. 0 or -EIO. */
int hlsgen_overlay_write(const struct hlsgen_design *d, FILE *f);

/* The Vivado block-design Tcl of the design. 0 or -EIO. */
int hlsgen_bd_tcl_write(const struct hlsgen_design *d, FILE *f);

/* What the .bit header says. */
struct hlsgen_bit_info {
	char design[256]; /* field 'a': design name;UserID=...;Version=... */
	char part[64];	  /* field 'b' */
	char date[32];	  /* field 'c' */
	char time[32];	  /* field 'd' */
	size_t data_off;  /* field 'e': the configuration data */
	size_t data_len;
	size_t sync_off; /* 0xAA995566 within the data */
};

/* Parse and check a .bit image. 0 or -EINVAL + message. */
int hlsgen_bit_parse(const uint8_t *buf, size_t len, struct hlsgen_bit_info *info, char *err,
		     size_t errlen);

/*
 * .bit -> .bit.bin for the Linux FPGA manager: the configuration data
 * without the header, every 32-bit word byte-swapped (what bootgen
 * -process_bitstream bin writes). device, if not NULL, must appear in the
 * header's part field. *out malloc'ed. 0 or -EINVAL/-ENOMEM + message.
 */
int hlsgen_bit_to_bin(const uint8_t *buf, size_t len, const char *device, uint8_t **out,
		      size_t *out_len, struct hlsgen_bit_info *info, char *err, size_t errlen);

/*
 * The bundle in dir (which must not exist): lib/firmware/qnn/NAME.bit.bin
 * (from the .bit at bit_path, part checked), NAME.dtbo (dtc), NAME.qnn (the
 * model image), NAME.dtso and BOOT.txt (U-Boot `fdt apply`, configfs
 * overlays, fpgautil). Built aside and renamed: on error nothing is left.
 */
int hlsgen_bundle_write(const struct hlsgen_design *d, const char *dir, const char *bit_path,
			const void *model, size_t model_len, char *err, size_t errlen);

#endif
