/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The kernel DMA API for in-library drivers (endpoints): streaming mappings
 * (single, scatter-gather) and coherent allocations of simulated RAM,
 * through the device's default domain (dma-iommu) or 1:1 without an IOMMU.
 * Kernel counterpart: include/linux/dma-mapping.h, include/linux/scatterlist.h
 */
#ifndef SIO_DMA_DMA_MAPPING_H
#define SIO_DMA_DMA_MAPPING_H

#include "base/base.h"
#include "dev/device.h"
#include <softiommu/dma.h>

enum dma_data_direction {
	DMA_BIDIRECTIONAL = SIO_DMA_BIDIRECTIONAL,
	DMA_TO_DEVICE = SIO_DMA_TO_DEVICE,
	DMA_FROM_DEVICE = SIO_DMA_FROM_DEVICE,
	DMA_NONE = 3,
};

#define DMA_MAPPING_ERROR ((dma_addr_t)SIO_DMA_MAPPING_ERROR)
#define DMA_BIT_MASK(n)	  (((n) == 64) ? ~0ULL : ((1ULL << (n)) - 1))

/**
 * struct sio_scatterlist - one segment of a scatter-gather list
 * @phys: physical address of the segment in simulated RAM (input)
 * @length: bytes (input, > 0)
 * @dma_address: output of dma_map_sg(): DMA address of DMA segment i
 * @dma_length: output: its length; only the first N entries (N = the
 *	return value of dma_map_sg()) carry DMA segments
 */
struct sio_scatterlist {
	phys_addr_t phys;
	unsigned int length;
	dma_addr_t dma_address;
	unsigned int dma_length;
};

/**
 * dma_set_mask() - the addresses @dev can generate
 * @dev: the device
 * @mask: DMA_BIT_MASK(n), n >= 32
 *
 * Without a call a device has the kernel's default 32-bit mask.
 * Context: the driver's probe.  Return: 0, -EIO for a mask below 32 bits.
 */
int dma_set_mask(struct sio_device *dev, u64 mask);
/* dma_set_mask(); coherent allocations share the streaming mask here. */
int dma_set_mask_and_coherent(struct sio_device *dev, u64 mask);
/* Return: @dev's DMA mask (DMA_BIT_MASK(32) when never set). */
u64 dma_get_mask(struct sio_device *dev);

/**
 * dma_map_phys() - map [@phys, @phys + @size) for @dev
 * @dev: the device
 * @phys: physical address in simulated RAM
 * @size: bytes (> 0)
 * @dir: DMA_TO_DEVICE (device reads), DMA_FROM_DEVICE (device writes) or
 *	DMA_BIDIRECTIONAL
 *
 * Identity default domain or no IOMMU: the DMA address is @phys (checked
 * against the mask).  DMA/DMA-FQ domain: a size-aligned IOVA, mapped with
 * the permission of @dir, plus the offset of @phys in the granule.
 * Context: may sleep (a deferred attach, flush-queue setup); otherwise
 * takes only the IOVA allocator's and the driver's locks.
 * Return: the DMA address or DMA_MAPPING_ERROR (test with
 * dma_mapping_error()).
 */
dma_addr_t dma_map_phys(struct sio_device *dev, phys_addr_t phys, size_t size,
			enum dma_data_direction dir);
/* Undo dma_map_phys() (same @size and @dir).  Context: as dma_map_phys(). */
void dma_unmap_phys(struct sio_device *dev, dma_addr_t addr, size_t size,
		    enum dma_data_direction dir);

/**
 * dma_map_single() - map a CPU buffer of simulated RAM for @dev
 * @dev: the device
 * @cpu_addr: host pointer into the machine's RAM (from dma_alloc_coherent,
 *	sio_phys_to_virt...); anything else cannot be DMAed and fails
 * @size: bytes
 * @dir: direction
 *
 * Context: as dma_map_phys().  Return: as dma_map_phys().
 */
dma_addr_t dma_map_single(struct sio_device *dev, void *cpu_addr, size_t size,
			  enum dma_data_direction dir);
void dma_unmap_single(struct sio_device *dev, dma_addr_t addr, size_t size,
		      enum dma_data_direction dir);

/**
 * dma_map_sg() - map a scatter-gather list into one contiguous IOVA range
 * @dev: the device
 * @sg: @nents segments (phys, length filled in)
 * @nents: number of segments (> 0)
 * @dir: direction
 *
 * Behind a DMA domain, each segment's granules are placed back to back in
 * one IOVA allocation; segments that end and start on a granule boundary
 * are merged into one DMA segment.  Identity / no IOMMU: one DMA segment
 * per input segment, at its physical address.
 * Context: as dma_map_phys().
 * Return: the number of DMA segments (>= 1), or 0 on failure (nothing left
 * mapped).
 */
int dma_map_sg(struct sio_device *dev, struct sio_scatterlist *sg, int nents,
	       enum dma_data_direction dir);
/* Undo dma_map_sg(); @nents is the value passed to it, not its result. */
void dma_unmap_sg(struct sio_device *dev, struct sio_scatterlist *sg, int nents,
		  enum dma_data_direction dir);

/**
 * dma_alloc_coherent() - allocate zeroed RAM mapped read/write for @dev
 * @dev: the device
 * @size: bytes (> 0), rounded up to whole pages (a power-of-two block)
 * @dma_handle: where the DMA address is stored
 * @gfp: GFP_KERNEL...
 *
 * Context: may sleep.  Return: host pointer to the memory, or NULL.
 */
void *dma_alloc_coherent(struct sio_device *dev, size_t size,
			 dma_addr_t *dma_handle, gfp_t gfp);
/* Undo dma_alloc_coherent() (same @size). */
void dma_free_coherent(struct sio_device *dev, size_t size, void *cpu_addr,
		       dma_addr_t dma_handle);

/* Return: -ENOMEM if @addr is DMA_MAPPING_ERROR, else 0 (as the kernel). */
static inline int dma_mapping_error(struct sio_device *dev, dma_addr_t addr)
{
	(void)dev;
	return addr == DMA_MAPPING_ERROR ? -ENOMEM : 0;
}

#endif /* SIO_DMA_DMA_MAPPING_H */
