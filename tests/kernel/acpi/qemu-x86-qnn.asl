/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The amd64 guest's counterpart of dts/qemu-virt-qnn.dtso: Debian's amd64
 * kernel has no CONFIG_OF, so the simulated AXI DMA and the accelerator node
 * are ACPI devices (an SSDT that QEMU adds with -acpitable). _HID PRP0001
 * plus a _DSD "compatible" binds the drivers' OF match tables; the other
 * _DSD properties are the DT binding's (dts/bindings/). The DMA channels are
 * FixedDMA resources (channel 0 = MM2S/tx, 1 = S2MM/rx, the DT's dma cell)
 * and the reset line a GpioIo on the simulator's GPIO controller, active low.
 * Compiled by tests/kernel/check-kernel.sh with iasl.
 */
DefinitionBlock ("", "SSDT", 2, "QNN", "QNNSIM", 1)
{
	Scope (\_SB)
	{
		Device (QSIM)
		{
			Name (_HID, "PRP0001")
			Name (_UID, 0)
			Name (_DSD, Package () {
				ToUUID ("daffd814-6eba-4d8c-8a91-bc9bbf4aa301"),
				Package () {
					Package () { "compatible", "qnn,sim-axi-dma" },
					Package () { "firmware-name", "qnn/mnist_cnn.qnn" },
					Package () { "qnn,clock-mhz", 100 },
					Package () { "qnn,cycles-per-sample", 0 },
				}
			})
		}

		Device (QACC)
		{
			Name (_HID, "PRP0001")
			Name (_UID, 1)
			Name (_CRS, ResourceTemplate () {
				FixedDMA (0, 0, Width32bit)
				FixedDMA (1, 1, Width32bit)
				GpioIo (Exclusive, PullNone, 0, 0, IoRestrictionOutputOnly,
					"\\_SB.QSIM") { 0 }
			})
			Name (_DSD, Package () {
				ToUUID ("daffd814-6eba-4d8c-8a91-bc9bbf4aa301"),
				Package () {
					Package () { "compatible", "qnn,hls4ml-accel" },
					Package () { "dma-names", Package () { "tx", "rx" } },
					Package () { "qnn,n-inputs", 784 },
					Package () { "qnn,n-outputs", 10 },
					Package () { "qnn,input-type", "float32" },
					Package () { "qnn,output-type", "float32" },
					Package () { "qnn,max-batch", 1024 },
					Package () { "firmware-name", "qnn/mnist_cnn.qnn" },
					/* GpioIo 0 of this _CRS, pin 0, active low */
					Package () { "reset-gpios", Package () { ^QACC, 0, 0, 1 } },
					Package () { "qnn,timeout-base-ms", 1000 },
				}
			})
		}
	}
}
