// SPDX-License-Identifier: GPL-2.0
/*
 * sim_mem.c - how the simulated device reaches memory. A real DMA master
 * sees bus addresses; without an IOMMU (QEMU virt, the ZCU104 design) those
 * are the physical addresses the client's mapping returned, which the
 * kernel's linear map makes readable here.
 */
#include <linux/dma-direct.h>
#include <linux/dma-map-ops.h>
#include <linux/dma-mapping.h>
#include <linux/ioport.h>
#include <linux/mm.h>

#include "qnn_sim.h"

/*
 * CPU address of [addr, addr + len) as the device sees it, or NULL when a
 * real bus would answer with a decode error: beyond the device's address
 * width, or not plain RAM.
 */
void *qnn_sim_mem_map(struct qnn_sim *sim, dma_addr_t addr, size_t len)
{
	u64 mask = dma_get_mask(sim->dev);
	phys_addr_t phys;

	if (!len || addr + len - 1 < addr || addr + len - 1 > mask)
		return NULL;
	phys = dma_to_phys(sim->dev, addr);
	if (!pfn_valid(PHYS_PFN(phys)) ||
	    region_intersects(phys, len, IORESOURCE_SYSTEM_RAM,
			      IORES_DESC_NONE) != REGION_INTERSECTS)
		return NULL;
	return phys_to_virt(phys);
}

/*
 * Bytes the device wrote went through this CPU's cache. A device that is
 * not cache-coherent (the hls4ml design is not) writes to memory, and its
 * client invalidates the cache before reading: clean the lines to memory
 * first, or the client's invalidation would throw the data away.
 */
void qnn_sim_mem_written(struct qnn_sim *sim, dma_addr_t addr, size_t len)
{
	if (!dev_is_dma_coherent(sim->dev))
		dma_sync_single_for_device(sim->dev, addr, len, DMA_TO_DEVICE);
}
