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

/*
 * The kernel's use_dma_iommu(), answering with the domain: NULL means the
 * direct 1:1 path.  A DMA API call reads it once and hands it to the op.
 */
struct iommu_domain *iommu_dma_domain(struct sio_device *dev);

/*
 * The ops, for a device whose iommu_dma_domain() is @domain; @dir is valid
 * (the wrappers check).  Kernel-doc at the definitions in dma-iommu.c.
 */
dma_addr_t iommu_dma_map_phys(struct sio_device *dev,
			      struct iommu_domain *domain, phys_addr_t phys,
			      size_t size, enum dma_data_direction dir);
void iommu_dma_unmap_phys(struct sio_device *dev, struct iommu_domain *domain,
			  dma_addr_t addr, size_t size);
int iommu_dma_map_sg(struct sio_device *dev, struct iommu_domain *domain,
		     struct sio_scatterlist *sg, int nents,
		     enum dma_data_direction dir);
void iommu_dma_unmap_sg(struct sio_device *dev, struct iommu_domain *domain,
			struct sio_scatterlist *sg, int nents);

#endif /* SIO_DMA_IOMMU_DMA_H */
