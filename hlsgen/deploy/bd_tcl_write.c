// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * bd_tcl_write.c - the Vivado block design of a design, as a Tcl script for
 * `vivado -mode batch -source design.tcl -tclargs HLS4ML_PROJECT_DIR`.
 *
 * What hls4ml's VivadoAccelerator template (zcu102 axi_stream_design.tcl)
 * builds, with what the Linux driver needs added and nothing left to
 * apply_bd_automation that the overlay depends on: the PS with the board
 * preset; AXI DMA 7.1 in simple mode (c_sg_length_width 26, bursts of 256,
 * stream widths as hls4ml rounds them); the hls4ml IP <project>_axi
 * between its streams; both DMA memory ports through a SmartConnect to
 * S_AXI_HPC0_FPD, the registers through another from M_AXI_HPM0_FPD; both
 * DMA interrupts through an xlconcat to pl_ps_irq0; the core's ap_rst_n on
 * an EMIO GPIO bit (xlslice); everything on pl_clk0 at the design's clock;
 * the DMA's registers at the overlay's address; then synthesis,
 * implementation, bitstream and the hand-off (.hwh, .xsa).
 *
 * Stream widths: hls4ml's AXI wrapper streams its AcceleratorConfig types
 * with the width rounded up to whole bytes (float: 32), and that is what the
 * DMA is set to here, MM2S from the input type, S2MM from the output type.
 * hls4ml's own project.tcl writes the unrounded widths and swaps the two
 * names (bit_width_hls_output is the input's), which only goes unnoticed
 * while both are float.
 *
 * HPC0 without coherency: the AXI DMA drives AxCACHE 0011 (non-snooping),
 * so its transactions do not look into the CPU caches even on the
 * coherent-capable port; the overlay has no dma-coherent and the driver
 * does the cache maintenance around each job (kernel/qnn_buf.c).
 *
 * Vivado releases differ in IP versions (zynq_ultra_ps_e 3.3 in 2020.1, 3.5
 * in 2023.x) and in where generated files go (project.srcs/ up to 2020.1,
 * project.gen/ after): the script asks the catalog for the newest version
 * and looks in both places.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>

#include "hlsgen_deploy.h"

static void preamble(const struct hlsgen_design *d, FILE *f)
{
	const struct hlsgen_board *b = d->board;

	fprintf(
	    f,
	    "# SPDX-License-Identifier: GPL-2.0 OR MIT\n"
	    "# Block design of model '%s' (hls4ml IP %s_axi) on %s, written by\n"
	    "# `hlsgen deploy` (hlsgen/deploy/bd_tcl_write.c): regenerate, do not edit.\n"
	    "# Usage: vivado -mode batch -source THIS.tcl -tclargs HLS4ML_PROJECT_DIR [OUT_DIR]\n"
	    "# Writes OUT_DIR/%s.bit, %s.hwh and %s.xsa (OUT_DIR defaults to .).\n\n"
	    "set hls_dir [expr {[llength $argv] > 0 ? [lindex $argv 0] : \".\"}]\n"
	    "set out_dir [expr {[llength $argv] > 1 ? [lindex $argv 1] : \".\"}]\n"
	    "file mkdir $out_dir\n"
	    "set project %s\n"
	    "set vivado_dir ${project}_vivado_accelerator\n\n"
	    "# The newest version of an IP this Vivado has (they differ by release).\n"
	    "proc newest_ip {name} {\n"
	    "\tset defs [lsort -dictionary [get_ipdefs -all xilinx.com:*:${name}:*]]\n"
	    "\tif {[llength $defs] == 0} { error \"IP $name is not in the catalog\" }\n"
	    "\treturn [lindex $defs end]\n"
	    "}\n\n"
	    "# A generated file: project.gen/ (2020.2 and later) or project.srcs/.\n"
	    "proc generated {rel} {\n"
	    "\tglobal vivado_dir\n"
	    "\tforeach top {project_1.gen project_1.srcs} {\n"
	    "\t\tset p [file join $vivado_dir $top $rel]\n"
	    "\t\tif {[file exists $p]} { return $p }\n"
	    "\t}\n"
	    "\terror \"Vivado did not write $rel\"\n"
	    "}\n\n"
	    "create_project project_1 $vivado_dir -part %s -force\n"
	    "set board [lindex [get_board_parts -quiet -latest_file_version {%s}] 0]\n"
	    "if {$board ne \"\"} { set_property board_part $board [current_project] }\n"
	    "set_property ip_repo_paths [file join $hls_dir ${project}_prj solution1 impl ip] "
	    "[current_project]\n"
	    "update_ip_catalog\n"
	    "create_bd_design design_1\n\n",
	    d->name, d->project, b->name, d->name, d->name, d->name, d->project, b->part,
	    b->board_vlnv);
}

static void cells(const struct hlsgen_design *d, FILE *f)
{
	const struct hlsgen_board *b = d->board;
	unsigned irq_ports =
	    (d->irq_mm2s > d->irq_s2mm ? d->irq_mm2s : d->irq_s2mm) - b->irq_spi_base + 1;

	fprintf(f,
		"# The PS with the board preset, then what the design uses of it.\n"
		"create_bd_cell -type ip -vlnv [newest_ip %s] %s\n"
		"apply_bd_automation -rule %s -config {%s} [get_bd_cells %s]\n"
		"set_property -dict [list CONFIG.%s 1 CONFIG.%s 1 CONFIG.%s 1 CONFIG.%s 1 "
		"CONFIG.%s %u CONFIG.%s %u %s] [get_bd_cells %s]\n\n",
		b->ps_ip, b->ps_cell, b->ps_rule, b->ps_rule_config, b->ps_cell, b->ctrl_enable,
		b->mem_enable, b->irq_enable, b->gpio_enable, b->gpio_width, d->reset_emio + 1,
		b->clk_freq, d->clock_mhz, b->ps_extra, b->ps_cell);
	fprintf(f,
		"# AXI DMA in simple (register) mode, stream widths as hls4ml rounds them.\n"
		"create_bd_cell -type ip -vlnv [newest_ip axi_dma] axi_dma_0\n"
		"set_property -dict [list CONFIG.c_include_sg 0 CONFIG.c_sg_length_width %u "
		"CONFIG.c_sg_include_stscntrl_strm 0 CONFIG.c_addr_width %u "
		"CONFIG.c_m_axi_mm2s_data_width %u CONFIG.c_m_axis_mm2s_tdata_width %u "
		"CONFIG.c_mm2s_burst_size 256 CONFIG.c_m_axi_s2mm_data_width %u "
		"CONFIG.c_s_axis_s2mm_tdata_width %u CONFIG.c_s2mm_burst_size 256] "
		"[get_bd_cells axi_dma_0]\n"
		"create_bd_cell -type ip -vlnv xilinx.com:hls:%s_axi:1.0 %s_axi_0\n\n",
		d->sg_length_width, d->addr_width, d->in_width, d->in_width, d->out_width,
		d->out_width, d->project, d->project);
	fprintf(f,
		"# Interrupts into the PS, the core's reset from an EMIO GPIO bit, the\n"
		"# PL reset for the infrastructure, the AXI fabric.\n"
		"create_bd_cell -type ip -vlnv [newest_ip xlconcat] xlconcat_0\n"
		"set_property -dict [list CONFIG.NUM_PORTS %u] [get_bd_cells xlconcat_0]\n"
		"create_bd_cell -type ip -vlnv [newest_ip xlslice] xlslice_reset\n"
		"set_property -dict [list CONFIG.DIN_WIDTH %u CONFIG.DIN_FROM %u CONFIG.DIN_TO %u "
		"CONFIG.DOUT_WIDTH 1] [get_bd_cells xlslice_reset]\n"
		"create_bd_cell -type ip -vlnv [newest_ip proc_sys_reset] rst_pl_clk0\n"
		"create_bd_cell -type ip -vlnv [newest_ip smartconnect] axi_smc_ctrl\n"
		"set_property -dict [list CONFIG.NUM_SI 1 CONFIG.NUM_MI 1] [get_bd_cells "
		"axi_smc_ctrl]\n"
		"create_bd_cell -type ip -vlnv [newest_ip smartconnect] axi_smc_mem\n"
		"set_property -dict [list CONFIG.NUM_SI 2 CONFIG.NUM_MI 1] [get_bd_cells "
		"axi_smc_mem]\n\n",
		irq_ports < 2 ? 2 : irq_ports, d->reset_emio + 1, d->reset_emio, d->reset_emio);
}

static void busses(const struct hlsgen_design *d, FILE *f)
{
	const struct hlsgen_board *b = d->board;
	const char *ps = b->ps_cell, *core = d->project;

	fprintf(f,
		"connect_bd_intf_net [get_bd_intf_pins %s/%s] [get_bd_intf_pins "
		"axi_smc_ctrl/S00_AXI]\n"
		"connect_bd_intf_net [get_bd_intf_pins axi_smc_ctrl/M00_AXI] [get_bd_intf_pins "
		"axi_dma_0/S_AXI_LITE]\n"
		"connect_bd_intf_net [get_bd_intf_pins axi_dma_0/M_AXI_MM2S] [get_bd_intf_pins "
		"axi_smc_mem/S00_AXI]\n"
		"connect_bd_intf_net [get_bd_intf_pins axi_dma_0/M_AXI_S2MM] [get_bd_intf_pins "
		"axi_smc_mem/S01_AXI]\n"
		"connect_bd_intf_net [get_bd_intf_pins axi_smc_mem/M00_AXI] [get_bd_intf_pins "
		"%s/%s]\n"
		"connect_bd_intf_net [get_bd_intf_pins axi_dma_0/M_AXIS_MM2S] [get_bd_intf_pins "
		"%s_axi_0/in_r]\n"
		"connect_bd_intf_net [get_bd_intf_pins %s_axi_0/out_r] [get_bd_intf_pins "
		"axi_dma_0/S_AXIS_S2MM]\n\n",
		ps, b->ctrl_master, ps, b->mem_slave, core, core);
}

static void nets(const struct hlsgen_design *d, FILE *f)
{
	const struct hlsgen_board *b = d->board;
	const char *ps = b->ps_cell, *core = d->project;

	fprintf(
	    f,
	    "connect_bd_net [get_bd_pins %s/%s] [get_bd_pins %s/%s] [get_bd_pins %s/%s] "
	    "[get_bd_pins axi_dma_0/s_axi_lite_aclk] [get_bd_pins axi_dma_0/m_axi_mm2s_aclk] "
	    "[get_bd_pins axi_dma_0/m_axi_s2mm_aclk] [get_bd_pins %s_axi_0/ap_clk] "
	    "[get_bd_pins axi_smc_ctrl/aclk] [get_bd_pins axi_smc_mem/aclk] "
	    "[get_bd_pins rst_pl_clk0/slowest_sync_clk]\n"
	    "connect_bd_net [get_bd_pins %s/%s] [get_bd_pins rst_pl_clk0/ext_reset_in]\n"
	    "connect_bd_net [get_bd_pins rst_pl_clk0/peripheral_aresetn] "
	    "[get_bd_pins axi_dma_0/axi_resetn] [get_bd_pins axi_smc_ctrl/aresetn] "
	    "[get_bd_pins axi_smc_mem/aresetn]\n"
	    "connect_bd_net [get_bd_pins %s/%s] [get_bd_pins xlslice_reset/Din]\n"
	    "connect_bd_net [get_bd_pins xlslice_reset/Dout] [get_bd_pins %s_axi_0/ap_rst_n]\n"
	    "connect_bd_net [get_bd_pins axi_dma_0/mm2s_introut] [get_bd_pins xlconcat_0/In%u]\n"
	    "connect_bd_net [get_bd_pins axi_dma_0/s2mm_introut] [get_bd_pins xlconcat_0/In%u]\n"
	    "connect_bd_net [get_bd_pins xlconcat_0/dout] [get_bd_pins %s/%s]\n\n",
	    ps, b->clk_pin, ps, b->ctrl_aclk, ps, b->mem_aclk, core, ps, b->rstn_pin, ps,
	    b->gpio_pin, core, d->irq_mm2s - b->irq_spi_base, d->irq_s2mm - b->irq_spi_base, ps,
	    b->irq_pin);
}

static void addresses_and_runs(const struct hlsgen_design *d, FILE *f)
{
	fprintf(f,
		"# The registers where the overlay says; the DMA's view of memory as the\n"
		"# PS's port gives it.\n"
		"assign_bd_address -target_address_space /%s/%s -offset 0x%08" PRIX64
		" -range 0x%" PRIX64 " [get_bd_addr_segs axi_dma_0/S_AXI_LITE/Reg] -force\n"
		"assign_bd_address\n"
		"validate_bd_design\n"
		"save_bd_design\n\n"
		"set bd [get_files design_1.bd]\n"
		"make_wrapper -files $bd -top\n"
		"add_files -norecurse [generated sources_1/bd/design_1/hdl/design_1_wrapper.v]\n"
		"launch_runs synth_1 -jobs 4\n"
		"wait_on_run synth_1\n"
		"launch_runs impl_1 -to_step write_bitstream -jobs 4\n"
		"wait_on_run impl_1\n"
		"if {[get_property PROGRESS [get_runs impl_1]] ne \"100%%\"} {\n"
		"\terror \"implementation did not complete\"\n"
		"}\n"
		"open_run impl_1\n"
		"report_utilization -file [file join $out_dir %s_util.rpt] -hierarchical "
		"-hierarchical_percentages\n"
		"file copy -force [file join [get_property DIRECTORY [get_runs impl_1]] "
		"design_1_wrapper.bit] [file join $out_dir %s.bit]\n"
		"file copy -force [generated sources_1/bd/design_1/hw_handoff/design_1.hwh] "
		"[file join $out_dir %s.hwh]\n"
		"write_hw_platform -fixed -include_bit -force -file [file join $out_dir %s.xsa]\n",
		d->board->ps_cell, d->board->ps_data_space, d->dma_base, d->dma_size, d->name,
		d->name, d->name, d->name);
}

int hlsgen_bd_tcl_write(const struct hlsgen_design *d, FILE *f)
{
	preamble(d, f);
	cells(d, f);
	busses(d, f);
	nets(d, f);
	addresses_and_runs(d, f);
	return ferror(f) ? -EIO : 0;
}
