# SPDX-License-Identifier: GPL-2.0 OR MIT
#
# bit_file.tcl - a .bit laid out as Vivado writes it: the 13-byte preamble,
# fields a (design), b (part), c (date), d (time) as 16-bit length + NUL-
# terminated string, e with the 32-bit data length, then big-endian words:
# dummy words, the bus-width pattern, the sync word 0xAA995566, content.
# Sourced by vivado_recorder.tcl; standalone (fuzz seeds):
#   tclsh bit_file.tcl OUT.bit [PART]

proc bit_field {key s} {
	append s \0
	return [binary format aS $key [string length $s]]$s
}

proc write_bit_file {path part version words} {
	file mkdir [file dirname $path]
	set data [string repeat \xff 64]
	append data [binary format IIIII 0x000000BB 0x11220044 0xFFFFFFFF 0xFFFFFFFF 0xAA995566]
	foreach w $words { append data [binary format I $w] }
	set f [open $path wb]
	puts -nonewline $f [binary format H* 00090ff00ff00ff00ff0000001]
	puts -nonewline $f [bit_field a "design_1_wrapper;UserID=0XFFFFFFFF;Version=$version"]
	puts -nonewline $f [bit_field b $part]
	puts -nonewline $f [bit_field c "2026/12/06"]
	puts -nonewline $f [bit_field d "12:00:00"]
	puts -nonewline $f [binary format aI e [string length $data]]
	puts -nonewline $f $data
	close $f
}

if {[info script] eq $::argv0} {
	lassign $argv out part
	if {$part eq ""} { set part xczu7ev-ffvc1156-2-e }
	write_bit_file $out $part 2020.1 {0x30008001 0x00000007 0x20000000 0x20000000}
}
