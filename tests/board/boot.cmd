# SPDX-License-Identifier: GPL-2.0 OR MIT
# U-Boot boot script of the emulated board (mkimage -T script -> /boot/boot.scr),
# found by U-Boot's distro boot on the first partition of the first disk.
# It does what a ZynqMP board's boot script does: load kernel, initrd and
# the base device tree, apply the qnn overlay with `fdt apply`, boot.
# The base device tree is the one the machine hands to the firmware
# (QEMU's, at ${fdt_addr}); nothing is merged on the build host.
# Without /boot/qnn/qemu-virt-qnn.dtbo the board boots the base tree alone.
setenv bdev "${devtype} ${devnum}:${distro_bootpart}"
setenv kernel_addr_r 0x40400000
setenv fdt_addr_r 0x47000000
setenv fdtoverlay_addr_r 0x47f00000
setenv ramdisk_addr_r 0x48000000
# Debian's arm64 vmlinuz is a plain Image; a compressed one would be
# unpacked by booti through this scratch area.
setenv kernel_comp_addr_r 0x58000000
echo "qnn-board: boot.scr on ${bdev}"
load ${devtype} ${devnum}:${distro_bootpart} ${kernel_addr_r} /boot/vmlinuz
setenv kernel_comp_size ${filesize}
load ${devtype} ${devnum}:${distro_bootpart} ${ramdisk_addr_r} /boot/initrd.img
setenv rd_size ${filesize}
fdt addr ${fdt_addr}
fdt move ${fdt_addr} ${fdt_addr_r} 0x200000
fdt addr ${fdt_addr_r}
if test -e ${devtype} ${devnum}:${distro_bootpart} /boot/qnn/qemu-virt-qnn.dtbo; then
	load ${devtype} ${devnum}:${distro_bootpart} ${fdtoverlay_addr_r} /boot/qnn/qemu-virt-qnn.dtbo
	if fdt apply ${fdtoverlay_addr_r}; then
		echo "qnn-board: fdt apply /boot/qnn/qemu-virt-qnn.dtbo: applied"
	else
		echo "qnn-board: fdt apply /boot/qnn/qemu-virt-qnn.dtbo: FAILED"
	fi
else
	echo "qnn-board: no /boot/qnn/qemu-virt-qnn.dtbo: booting the base device tree"
fi
setenv bootargs "root=/dev/vda1 rw rootwait console=ttyAMA0 loglevel=5 panic=-1 systemd.show_status=0"
booti ${kernel_addr_r} ${ramdisk_addr_r}:${rd_size} ${fdt_addr_r}
