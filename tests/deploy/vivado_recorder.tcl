# SPDX-License-Identifier: GPL-2.0 OR MIT
#
# vivado_recorder.tcl - runs a block-design script written by `hlsgen
# deploy --tcl` under plain tclsh, with the Vivado commands it uses defined
# here: they record the design instead of building it. Not Vivado: it knows
# the pins of the few IPs the design uses (from their product guides), the
# IP versions and generated-file locations of two Vivado releases, and
# checks what Vivado would refuse (unknown pins, a pin on two nets, PS ports
# used without enabling them, unconnected clocks/resets/busses, a register
# window outside the PS master's aperture or not reachable from it). From
# the recorded netlist it writes what Vivado hands off: the .hwh (the
# format hlsgen's reader takes), a .bit with a Vivado-style header, and a
# netlist dump (one line per cell, net, address and step).
#
# Usage: tclsh vivado_recorder.tcl RELEASE SCRIPT.tcl WORKDIR DUMP [TCLARGS...]
#   RELEASE  2020.1 (the lab's: project.srcs/) or 2023.2 (project.gen/)

lassign $argv ::vr_release ::vr_script ::vr_workdir ::vr_dumpfile
set ::vr_tclargs [lrange $argv 4 end]
if {$::vr_release ni {2020.1 2023.2}} { error "release must be 2020.1 or 2023.2" }

# ---- what the recorder knows of Vivado and the IPs --------------------------

set ::vr_ipver [dict create axi_dma 7.1 xlconcat 2.1 xlslice 1.0 proc_sys_reset 5.0 \
	smartconnect 1.0 processing_system7 5.5 \
	zynq_ultra_ps_e [expr {$::vr_release eq "2020.1" ? "3.3" : "3.5"}]]
set ::vr_gendir [expr {$::vr_release eq "2020.1" ? "project_1.srcs" : "project_1.gen"}]

# pins and interface pins of each IP; for the PS, which CONFIG enables them
proc ip_pins {ip cell} {
	switch -- $ip {
	axi_dma { return {s_axi_lite_aclk m_axi_mm2s_aclk m_axi_s2mm_aclk axi_resetn
		mm2s_introut s2mm_introut} }
	xlconcat {
		set p {dout}
		for {set i 0} {$i < [prop $cell NUM_PORTS 2]} {incr i} { lappend p In$i }
		return $p
	}
	xlslice { return {Din Dout} }
	proc_sys_reset { return {slowest_sync_clk ext_reset_in aux_reset_in mb_debug_sys_rst
		dcm_locked mb_reset bus_struct_reset peripheral_reset interconnect_aresetn
		peripheral_aresetn} }
	smartconnect { return {aclk aresetn} }
	zynq_ultra_ps_e { return {pl_clk0 pl_resetn0 pl_ps_irq0 emio_gpio_o maxihpm0_fpd_aclk
		maxihpm1_fpd_aclk saxihpc0_fpd_aclk} }
	processing_system7 { return {FCLK_CLK0 FCLK_RESET0_N IRQ_F2P GPIO_O M_AXI_GP0_ACLK
		S_AXI_HP0_ACLK} }
	hls { return {ap_clk ap_rst_n} }
	}
	error "recorder: no pin list for IP $ip"
}
proc ip_intf {ip cell} {
	switch -- $ip {
	axi_dma { return {S_AXI_LITE M_AXI_MM2S M_AXI_S2MM M_AXIS_MM2S S_AXIS_S2MM} }
	smartconnect {
		set p {}
		for {set i 0} {$i < [prop $cell NUM_SI 1]} {incr i} { lappend p [format S%02d_AXI $i] }
		for {set i 0} {$i < [prop $cell NUM_MI 1]} {incr i} { lappend p [format M%02d_AXI $i] }
		return $p
	}
	zynq_ultra_ps_e { return {M_AXI_HPM0_FPD M_AXI_HPM1_FPD S_AXI_HPC0_FPD} }
	processing_system7 { return {M_AXI_GP0 S_AXI_HP0} }
	hls { return {in_r out_r} }
	}
	return {}
}
# PS pin -> the CONFIG that must be 1 for the pin to exist
set ::vr_ps_enable [dict create \
	pl_ps_irq0 PSU__USE__IRQ0 emio_gpio_o PSU__GPIO_EMIO__PERIPHERAL__ENABLE \
	M_AXI_HPM0_FPD PSU__USE__M_AXI_GP0 maxihpm0_fpd_aclk PSU__USE__M_AXI_GP0 \
	M_AXI_HPM1_FPD PSU__USE__M_AXI_GP1 maxihpm1_fpd_aclk PSU__USE__M_AXI_GP1 \
	S_AXI_HPC0_FPD PSU__USE__S_AXI_GP0 saxihpc0_fpd_aclk PSU__USE__S_AXI_GP0 \
	IRQ_F2P PCW_USE_FABRIC_INTERRUPT GPIO_O PCW_GPIO_EMIO_GPIO_ENABLE \
	M_AXI_GP0 PCW_USE_M_AXI_GP0 M_AXI_GP0_ACLK PCW_USE_M_AXI_GP0 \
	S_AXI_HP0 PCW_USE_S_AXI_HP0 S_AXI_HP0_ACLK PCW_USE_S_AXI_HP0]
# PS master -> its register aperture (PS data space); PS clock config names
set ::vr_aperture [dict create M_AXI_HPM0_FPD {0xA0000000 0x10000000} \
	M_AXI_GP0 {0x40000000 0x40000000}]
set ::vr_clkcfg [dict create zynq_ultra_ps_e PSU__CRL_APB__PL0_REF_CTRL \
	processing_system7 PCW_FPGA0_PERIPHERAL]
set ::vr_parts [dict create xczu7ev-ffvc1156-2-e xczu7ev-ffvc1156-2-e \
	xczu9eg-ffvb1156-2-e xczu9eg-ffvb1156-2-e \
	xc7z020clg400-1 7z020clg400]

# ---- recorded state -----------------------------------------------------------

set ::vr_cells [dict create]   ;# name -> {ip vlnv props}
set ::vr_nets [dict create]    ;# net -> list of cell/pin
set ::vr_pin_net [dict create] ;# cell/pin -> net
set ::vr_intf [list]           ;# {a b} pairs of interface pins
set ::vr_addr [dict create]    ;# seg -> {space offset range}
set ::vr_steps [list]
set ::vr_project ""
set ::vr_repo ""

proc fail {msg} { error "vivado-recorder: $msg" }
proc step {what} { lappend ::vr_steps $what }
proc cell_ip {c} { return [dict get $::vr_cells $c ip] }
proc prop {c name {def ""}} {
	set p [dict get $::vr_cells $c props]
	return [expr {[dict exists $p $name] ? [dict get $p $name] : $def}]
}
proc enabled {c pin} {
	if {![dict exists $::vr_ps_enable $pin]} { return 1 }
	return [expr {[prop $c [dict get $::vr_ps_enable $pin] 0] == 1}]
}
proc check_pin {ref kind} {
	set c [file dirname $ref]
	set pin [file tail $ref]
	if {![dict exists $::vr_cells $c]} { fail "no cell $c (pin $ref)" }
	set ip [cell_ip $c]
	set known [expr {$kind eq "pin" ? [ip_pins $ip $c] : [ip_intf $ip $c]}]
	if {$pin ni $known} { fail "$ip cell $c has no $kind $pin" }
	if {![enabled $c $pin]} { fail "$c/$pin does not exist: [dict get $::vr_ps_enable $pin] is not set" }
	return $ref
}

# ---- the Vivado commands the script uses -------------------------------------

proc create_project {name dir args} {
	set i [lsearch $args -part]
	if {$i < 0} { fail "create_project without -part" }
	set ::vr_part [lindex $args [expr {$i + 1}]]
	if {![dict exists $::vr_parts $::vr_part]} { fail "unknown part $::vr_part" }
	set ::vr_project $dir
	file mkdir $dir
	step "create_project $::vr_part"
}
proc get_board_parts {args} {
	set pat [lindex $args end]
	return [list [string map {* 1.1} $pat]]
}
proc current_project {} { return project_1 }
proc update_ip_catalog {} { step "update_ip_catalog" }
proc create_bd_design {name} { step "create_bd_design $name" }
proc get_ipdefs {args} {
	set pat [lindex $args end]
	set name [lindex [split $pat :] 2]
	if {![dict exists $::vr_ipver $name]} { return {} }
	set lib [expr {$name in {axi_dma xlconcat xlslice proc_sys_reset smartconnect
		processing_system7 zynq_ultra_ps_e} ? "ip" : "?"}]
	return [list "xilinx.com:$lib:$name:[dict get $::vr_ipver $name]"]
}
proc create_bd_cell {args} {
	set name [lindex $args end]
	set vlnv [lindex $args [expr {[lsearch $args -vlnv] + 1}]]
	lassign [split $vlnv :] vendor lib ip ver
	if {$lib eq "hls"} {
		if {$::vr_repo eq "" || ![file isdirectory $::vr_repo]} {
			fail "HLS IP $vlnv: the IP repository '$::vr_repo' does not exist"
		}
		set ip hls
	} elseif {![dict exists $::vr_ipver $ip] || [dict get $::vr_ipver $ip] ne $ver} {
		fail "IP $vlnv is not in the $::vr_release catalog"
	}
	if {[dict exists $::vr_cells $name]} { fail "cell $name exists" }
	dict set ::vr_cells $name [dict create ip $ip vlnv $vlnv props [dict create]]
	step "create_bd_cell $vlnv $name"
	return $name
}
proc get_bd_cells {args} { return [lindex $args end] }
proc get_bd_pins {ref} { return [check_pin $ref pin] }
proc get_bd_intf_pins {ref} { return [check_pin $ref intf] }
proc get_bd_addr_segs {ref} { return $ref }
proc apply_bd_automation {args} {
	set c [lindex $args end]
	set ip [cell_ip $c]
	if {$ip eq "zynq_ultra_ps_e"} {
		# what the board preset turns on: both HPM masters, 100 MHz
		foreach {k v} {PSU__USE__M_AXI_GP0 1 PSU__USE__M_AXI_GP1 1
			PSU__CRL_APB__PL0_REF_CTRL__FREQMHZ 100} {
			dict set ::vr_cells $c props $k $v
		}
	} elseif {$ip eq "processing_system7"} {
		# the Zynq-7000 DDR and MIO pins exist only as external ports
		set cfg [lindex $args [expr {[lsearch $args -config] + 1}]]
		set ext [expr {[dict exists $cfg make_external] ? [dict get $cfg make_external] : ""}]
		if {[string first DDR $ext] < 0 || [string first FIXED_IO $ext] < 0} {
			fail "processing_system7 preset without make_external \"FIXED_IO, DDR\""
		}
		foreach {k v} {PCW_USE_M_AXI_GP0 1 PCW_FPGA0_PERIPHERAL_FREQMHZ 100} {
			dict set ::vr_cells $c props $k $v
		}
	} else {
		fail "apply_bd_automation on $c: the recorder only knows the PS board preset"
	}
	step "board_preset $c"
}
proc set_property {args} {
	if {[lindex $args 0] eq "-dict"} {
		set obj [lindex $args 2]
		if {![dict exists $::vr_cells $obj]} { fail "set_property on unknown cell $obj" }
		foreach {k v} [lindex $args 1] {
			if {![string match CONFIG.* $k]} { fail "property $k is not CONFIG.*" }
			dict set ::vr_cells $obj props [string range $k 7 end] $v
		}
	} else {
		lassign $args name value obj
		if {$name eq "ip_repo_paths"} { set ::vr_repo $value }
		step "set_property $name $value"
	}
}
proc connect_bd_net {args} {
	if {[llength $args] < 2} { fail "connect_bd_net needs two pins" }
	set net [string map {/ _} [lindex $args 0]]
	foreach p $args {
		if {[dict exists $::vr_pin_net $p]} { fail "$p is already on net [dict get $::vr_pin_net $p]" }
		dict set ::vr_pin_net $p $net
		dict lappend ::vr_nets $net $p
	}
}
proc connect_bd_intf_net {a b} {
	foreach p [list $a $b] {
		foreach pair $::vr_intf {
			if {$p in $pair} { fail "interface $p is already connected" }
		}
	}
	lappend ::vr_intf [list $a $b]
}
proc assign_bd_address {args} {
	if {[llength $args] == 0} { step "assign_bd_address auto"; return }
	set space ""; set off ""; set range ""; set seg ""
	for {set i 0} {$i < [llength $args]} {incr i} {
		set a [lindex $args $i]
		switch -- $a {
		-target_address_space { set space [lindex $args [incr i]] }
		-offset { set off [lindex $args [incr i]] }
		-range { set range [lindex $args [incr i]] }
		-force {}
		default { set seg $a }
		}
	}
	if {$seg eq "" || $space eq ""} { fail "assign_bd_address without a segment or space" }
	if {[scan $off %llx o] != 1 || [scan $range %llx r] != 1} { fail "bad -offset/-range" }
	if {$o % $r} { fail "$seg at $off is not aligned to its range $range" }
	dict set ::vr_addr $seg [list $space $o $r]
}

# Interface reachability through SmartConnects (any slave port to any master).
proc intf_peer {p} {
	foreach pair $::vr_intf {
		if {[lindex $pair 0] eq $p} { return [lindex $pair 1] }
		if {[lindex $pair 1] eq $p} { return [lindex $pair 0] }
	}
	return ""
}
proc reaches {from to} {
	set todo [list $from]
	set seen [dict create]
	while {[llength $todo]} {
		set p [lindex $todo 0]
		set todo [lrange $todo 1 end]
		if {$p eq $to} { return 1 }
		if {[dict exists $seen $p]} { continue }
		dict set seen $p 1
		set q [intf_peer $p]
		if {$q eq ""} { continue }
		lappend todo $q
		set c [file dirname $q]
		if {[cell_ip $c] eq "smartconnect"} {
			foreach i [ip_intf smartconnect $c] { lappend todo $c/$i }
		}
	}
	return 0
}

proc validate_bd_design {} {
	dict for {c info} $::vr_cells {
		set ip [dict get $info ip]
		foreach pin [ip_pins $ip $c] {
			if {![enabled $c $pin]} { continue }
			set needed [expr {[string match *clk* $pin] && $pin ne "pl_clk0" &&
				$pin ne "FCLK_CLK0" || $pin in {axi_resetn aresetn ext_reset_in ap_rst_n}}]
			if {$needed && ![dict exists $::vr_pin_net $c/$pin]} {
				fail "validate_bd_design: $c/$pin is not connected"
			}
		}
		foreach i [ip_intf $ip $c] {
			if {[enabled $c $i] && [intf_peer $c/$i] eq ""} {
				fail "validate_bd_design: interface $c/$i is not connected"
			}
		}
	}
	set ps [lindex [dict keys [dict filter $::vr_cells script {k v} {
		expr {[dict get $v ip] in {zynq_ultra_ps_e processing_system7}}}]] 0]
	dict for {seg a} $::vr_addr {
		lassign $a space o r
		set slave [file dirname $seg]
		set master [expr {[cell_ip $ps] eq "zynq_ultra_ps_e" ? "M_AXI_HPM0_FPD" : "M_AXI_GP0"}]
		lassign [dict get $::vr_aperture $master] lo size
		if {$o < $lo || $o + $r > $lo + $size} {
			fail "$seg at [format 0x%X $o] is outside $master's aperture"
		}
		if {![reaches $ps/$master $slave]} { fail "$seg is not reachable from $ps/$master" }
	}
	step "validate_bd_design"
}
proc save_bd_design {} { step "save_bd_design" }
proc get_files {name} { return [file join $::vr_project $::vr_gendir sources_1 bd design_1 $name] }
proc make_wrapper {args} {
	set d [file join $::vr_project $::vr_gendir sources_1 bd design_1 hdl]
	file mkdir $d
	set f [open [file join $d design_1_wrapper.v] w]
	puts $f "// recorded wrapper"
	close $f
	step "make_wrapper"
}
proc add_files {args} { step "add_files [file tail [lindex $args end]]" }
proc get_runs {name} { return $name }
proc get_property {name obj} {
	switch -- $name {
	DIRECTORY { return [file join $::vr_project project_1.runs $obj] }
	PROGRESS { return [expr {"impl_1 write_bitstream" in $::vr_steps ? "100%" : "0%"}] }
	}
	fail "get_property $name"
}
proc launch_runs {run args} {
	if {$run eq "synth_1"} {
		if {"validate_bd_design" ni $::vr_steps} { fail "synthesis of a design never validated" }
		write_hwh [file join $::vr_project $::vr_gendir sources_1 bd design_1 hw_handoff design_1.hwh]
		step "synth_1"
	} else {
		if {"synth_1" ni $::vr_steps} { fail "implementation before synthesis" }
		if {[lsearch $args write_bitstream] < 0} { fail "impl_1 without -to_step write_bitstream" }
		write_bit [file join $::vr_project project_1.runs impl_1 design_1_wrapper.bit]
		step "impl_1 write_bitstream"
	}
}
proc wait_on_run {args} { step "wait_on_run [lindex $args end]" }
proc open_run {run} { step "open_run $run" }
proc report_utilization {args} {
	set f [open [lindex $args [expr {[lsearch $args -file] + 1}]] w]
	puts $f "recorded utilization"
	close $f
	step "report_utilization"
}
proc write_hw_platform {args} {
	if {[lsearch $args -include_bit] < 0} { fail "write_hw_platform without -include_bit" }
	set f [open [lindex $args end] w]
	puts $f "recorded xsa"
	close $f
	step "write_hw_platform"
}

# ---- what Vivado would hand off, from the recorded netlist ---------------------

proc xml {s} { return [string map {& &amp; < &lt; > &gt; \" &quot;} $s] }
proc write_hwh {path} {
	file mkdir [file dirname $path]
	set f [open $path w]
	puts $f "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"no\" ?>"
	puts $f "<EDKSYSTEM EDWVERSION=\"1.2\" VIVADOVERSION=\"$::vr_release\">"
	puts $f "  <SYSTEMINFO DEVICE=\"$::vr_part\" NAME=\"design_1\"/>"
	puts $f "  <MODULES>"
	dict for {c info} $::vr_cells {
		set ip [dict get $info ip]
		set modtype [expr {$ip eq "hls" ? [lindex [split [dict get $info vlnv] :] 2] : $ip}]
		puts $f "    <MODULE FULLNAME=\"/$c\" INSTANCE=\"$c\" MODTYPE=\"$modtype\" VLNV=\"[xml [dict get $info vlnv]]\">"
		puts $f "      <PARAMETERS>"
		set props [dict get $info props]
		if {$ip eq "xlconcat"} {
			for {set i 0} {$i < [prop $c NUM_PORTS 2]} {incr i} {
				if {![dict exists $props IN${i}_WIDTH]} { dict set props IN${i}_WIDTH 1 }
			}
		}
		if {[dict exists $::vr_clkcfg $ip]} {
			set base [dict get $::vr_clkcfg $ip]
			set mhz [prop $c ${base}__FREQMHZ 100]
			dict set props [expr {$ip eq "zynq_ultra_ps_e" ? "${base}__ACT_FREQMHZ" :
				"PCW_ACT_FPGA0_PERIPHERAL_FREQMHZ"}] $mhz
		}
		dict for {k v} $props {
			puts $f "        <PARAMETER NAME=\"[string toupper $k]\" VALUE=\"[xml $v]\"/>"
		}
		puts $f "      </PARAMETERS>"
		puts $f "      <PORTS>"
		foreach pin [ip_pins $ip $c] {
			if {![enabled $c $pin]} { continue }
			set net [expr {[dict exists $::vr_pin_net $c/$pin] ? [dict get $::vr_pin_net $c/$pin] : "__NOC__"}]
			puts $f "        <PORT NAME=\"$pin\" SIGNAME=\"$net\"/>"
		}
		puts $f "      </PORTS>"
		if {$ip in {zynq_ultra_ps_e processing_system7}} {
			puts $f "      <MEMORYMAP>"
			dict for {seg a} $::vr_addr {
				lassign $a space o r
				lassign [split $seg /] sc si
				set master [expr {$ip eq "zynq_ultra_ps_e" ? "M_AXI_HPM0_FPD" : "M_AXI_GP0"}]
				puts $f [format "        <MEMRANGE BASEVALUE=\"0x%08X\" HIGHVALUE=\"0x%08X\" INSTANCE=\"%s\" MASTERBUSINTERFACE=\"%s\" MEMTYPE=\"REGISTER\" SLAVEBUSINTERFACE=\"%s\"/>" $o [expr {$o + $r - 1}] $sc $master $si]
			}
			puts $f "      </MEMORYMAP>"
		}
		puts $f "    </MODULE>"
	}
	puts $f "  </MODULES>"
	puts $f "</EDKSYSTEM>"
	close $f
}

source [file join [file dirname [info script]] bit_file.tcl]
proc write_bit {path} {
	write_bit_file $path [dict get $::vr_parts $::vr_part] $::vr_release \
		[list [dict size $::vr_cells] 0x20000000 0x20000000 0x20000000]
}

proc dump {path} {
	set f [open $path w]
	puts $f "release $::vr_release"
	dict for {c info} $::vr_cells { puts $f "cell $c [dict get $info vlnv] [dict get $info props]" }
	dict for {n pins} $::vr_nets { puts $f "net $n [lsort $pins]" }
	foreach pair $::vr_intf { puts $f "intf $pair" }
	dict for {seg a} $::vr_addr { lassign $a s o r; puts $f [format "address %s %s 0x%X 0x%X" $seg $s $o $r] }
	foreach s $::vr_steps { puts $f "step $s" }
	close $f
}

# ---- run the script -------------------------------------------------------------

set ::vr_script [file normalize $::vr_script]
set ::vr_dumpfile [file normalize $::vr_dumpfile]
file mkdir $::vr_workdir
cd $::vr_workdir
set argv $::vr_tclargs
set argc [llength $argv]
if {[catch {uplevel #0 [list source $::vr_script]} msg]} {
	puts stderr "recorded script failed: $msg"
	dump $::vr_dumpfile
	exit 1
}
dump $::vr_dumpfile
