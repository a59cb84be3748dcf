/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The IOMMU DMA ops that the DMA API (mapping.c) calls for a device whose
 * default domain translates; private to src/dma.
 * Kernel counterpart: include/linux/iommu-dma.h
 */
#ifndef SIO_DMA_IOMMU_DMA_H
#define SIO_DMA_IOMMU_DMA_H

#include "dma/dma-mapping.h"

struct iommu_domain;

/**
 * iommu_dma_domain() - the domain the DMA API translates through for @dev
 * @dev: the device
 *
 * The kernel's use_dma_iommu(): here the answer is the domain itself, so
 * that a call reads it once and hands it to the op below.
 * Context: any; lockless (the default domain cannot change while a driver
 * is bound).
 * Return: @dev's DMA or DMA-FQ default domain, or NULL for the direct (1:1)
 * path: no IOMMU, an identity or any other non-DMA-API default domain.
 */
struct iommu_domain *iommu_dma_domain(struct sio_device *dev);

/**
 * iommu_dma_map_phys() - map [@phys, @phys + @size) for @dev in @domain
 * @dev: the device
 * @domain: from iommu_dma_domain(@dev)
 * @phys: physical address
 * @size: bytes (> 0)
 * @dir: a valid direction
 *
 * Allocates a size-aligned IOVA (32-bit first for PCI unless
 * iommu.forcedac=), creating the domain's cookie and, for DMA-FQ, its flush
 * queue at the first use, and finishes a deferred attach.
 * Context: may sleep; otherwise takes only the IOVA allocator's and the
 * driver's locks.
 * Return: the DMA address (with @phys's offset in the granule), or
 * DMA_MAPPING_ERROR.
 */
dma_addr_t iommu_dma_map_phys(struct sio_device *dev,
			      struct iommu_domain *domain, phys_addr_t phys,
			      size_t size, enum dma_data_direction dir);

/**
 * iommu_dma_unmap_phys() - undo iommu_dma_map_phys()
 * @dev: the device
 * @domain: from iommu_dma_domain(@dev)
 * @addr: the DMA address it returned
 * @size: the size it was given
 *
 * Strict (IOTLB sync, IOVA freed now) or, for a DMA-FQ domain with a flush
 * queue, lazy (IOVA queued until the next flush).
 * Context: may sleep (flush-queue bring-up, a full queue's flush).
 */
void iommu_dma_unmap_phys(struct sio_device *dev, struct iommu_domain *domain,
			  dma_addr_t addr, size_t size);

/**
 * iommu_dma_map_sg() - map a scatter-gather list into one IOVA range
 * @dev: the device
 * @domain: from iommu_dma_domain(@dev)
 * @sg: the segments
 * @nents: how many (> 0)
 * @dir: a valid direction
 *
 * Context: as iommu_dma_map_phys().
 * Return: the number of DMA segments (>= 1), or 0 with nothing mapped.
 */
int iommu_dma_map_sg(struct sio_device *dev, struct iommu_domain *domain,
		     struct sio_scatterlist *sg, int nents,
		     enum dma_data_direction dir);

/**
 * iommu_dma_unmap_sg() - undo iommu_dma_map_sg()
 * @dev: the device
 * @domain: from iommu_dma_domain(@dev)
 * @sg: the list given to iommu_dma_map_sg()
 * @nents: the count given to it (not its result)
 *
 * Context: as iommu_dma_unmap_phys().
 */
void iommu_dma_unmap_sg(struct sio_device *dev, struct iommu_domain *domain,
			struct sio_scatterlist *sg, int nents);

#endif /* SIO_DMA_IOMMU_DMA_H */
