// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * board.c - the boards hlsgen deploy knows: one row each of what Vivado,
 * the PS and the board's base device tree call the things the design uses.
 *
 * Facts: parts and board files as Vivado names them; the PL-to-PS
 * interrupt inputs reach the GIC at SPI 89.. (ZynqMP pl_ps_irq0, IRQ
 * 121..128) and SPI 29.. (Zynq-7000 IRQ_F2P[7:0], IRQ 61..68); EMIO GPIO
 * follows the MIO lines in the PS GPIO controller (78 on ZynqMP, 54 on
 * Zynq-7000); PL clock 0 is clock 71 of the ZynqMP clock controller and
 * fclk0 (15) of the Zynq-7000 one; the DMA registers go in the first
 * window of the low PS master (HPM0_FPD 0xA0000000, GP0 0x40000000).
 */
#include <string.h>

#include "hlsgen_deploy.h"

#define ZYNQMP_ROW                                                                                 \
	.family = HLSGEN_PS_ZYNQMP, .ps_ip = "zynq_ultra_ps_e", .ps_cell = "zynq_ultra_ps_e_0",    \
	.ps_rule = "xilinx.com:bd_rule:zynq_ultra_ps_e", .ps_rule_config = "apply_board_preset 1", \
	.ctrl_master = "M_AXI_HPM0_FPD", .mem_slave = "S_AXI_HPC0_FPD",                            \
	.mem_enable = "PSU__USE__S_AXI_GP0", .ctrl_enable = "PSU__USE__M_AXI_GP0",                 \
	.ctrl_aclk = "maxihpm0_fpd_aclk", .mem_aclk = "saxihpc0_fpd_aclk",                         \
	.ps_data_space = "Data",                                                                   \
	.ps_extra = "CONFIG.PSU__USE__M_AXI_GP1 0 CONFIG.PSU__USE__M_AXI_GP2 0",                   \
	.irq_pin = "pl_ps_irq0", .irq_enable = "PSU__USE__IRQ0", .irq_spi_base = 89,               \
	.irq_lines = 8, .gpio_pin = "emio_gpio_o",                                                 \
	.gpio_enable = "PSU__GPIO_EMIO__PERIPHERAL__ENABLE",                                       \
	.gpio_width = "PSU__GPIO_EMIO__PERIPHERAL__IO", .emio_gpio_base = 78,                      \
	.clk_pin = "pl_clk0", .rstn_pin = "pl_resetn0",                                            \
	.clk_freq = "PSU__CRL_APB__PL0_REF_CTRL__FREQMHZ",                                         \
	.clk_act_freq = "PSU__CRL_APB__PL0_REF_CTRL__ACT_FREQMHZ", .ctrl_base = 0xA0000000u,       \
	.ctrl_window = 0x10000000u, .dt_addr_cells = 2, .dt_bus = "amba", .dt_gic = "gic",         \
	.dt_gpio = "gpio", .dt_clk = "zynqmp_clk 71", .dt_fpga = "fpga_full"

#define ZYNQ7_ROW                                                                                  \
	.family = HLSGEN_PS_ZYNQ7, .ps_ip = "processing_system7",                                  \
	.ps_cell = "processing_system7_0", .ps_rule = "xilinx.com:bd_rule:processing_system7",     \
	.ps_rule_config =                                                                          \
	    "make_external \"FIXED_IO, DDR\" apply_board_preset 1 Master Disable Slave Disable",   \
	.ctrl_master = "M_AXI_GP0", .mem_slave = "S_AXI_HP0", .mem_enable = "PCW_USE_S_AXI_HP0",   \
	.ctrl_enable = "PCW_USE_M_AXI_GP0", .ctrl_aclk = "M_AXI_GP0_ACLK",                         \
	.mem_aclk = "S_AXI_HP0_ACLK", .ps_data_space = "Data",                                     \
	.ps_extra = "CONFIG.PCW_IRQ_F2P_INTR 1", .irq_pin = "IRQ_F2P",                             \
	.irq_enable = "PCW_USE_FABRIC_INTERRUPT", .irq_spi_base = 29, .irq_lines = 8,              \
	.gpio_pin = "GPIO_O", .gpio_enable = "PCW_GPIO_EMIO_GPIO_ENABLE",                          \
	.gpio_width = "PCW_GPIO_EMIO_GPIO_IO", .emio_gpio_base = 54, .clk_pin = "FCLK_CLK0",       \
	.rstn_pin = "FCLK_RESET0_N", .clk_freq = "PCW_FPGA0_PERIPHERAL_FREQMHZ",                   \
	.clk_act_freq = "PCW_ACT_FPGA0_PERIPHERAL_FREQMHZ", .ctrl_base = 0x40000000u,              \
	.ctrl_window = 0x40000000u, .dt_addr_cells = 1, .dt_bus = "amba", .dt_gic = "intc",        \
	.dt_gpio = "gpio0", .dt_clk = "clkc 15", .dt_fpga = "fpga_full"

static const struct hlsgen_board boards[] = {
    {.name = "zcu104",
     .part = "xczu7ev-ffvc1156-2-e",
     .device = "zu7ev",
     .board_vlnv = "xilinx.com:zcu104:part0:*",
     ZYNQMP_ROW},
    {.name = "zcu102",
     .part = "xczu9eg-ffvb1156-2-e",
     .device = "zu9eg",
     .board_vlnv = "xilinx.com:zcu102:part0:*",
     ZYNQMP_ROW},
    {.name = "pynq-z2",
     .part = "xc7z020clg400-1",
     .device = "7z020",
     .board_vlnv = "tul.com.tw:pynq-z2:part0:*",
     ZYNQ7_ROW},
};

const struct hlsgen_board *hlsgen_board_at(unsigned i)
{
	return i < sizeof(boards) / sizeof(boards[0]) ? &boards[i] : NULL;
}

const struct hlsgen_board *hlsgen_board_find(const char *name)
{
	for (unsigned i = 0; hlsgen_board_at(i); i++)
		if (!strcmp(boards[i].name, name))
			return &boards[i];
	return NULL;
}
