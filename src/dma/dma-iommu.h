/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dma-iommu hooks for the IOMMU core (DMA cookie life cycle, flush-queue
 * bring-up on the sysfs DMA -> DMA-FQ switch) and introspection for tests,
 * scenarios and benchmarks.
 * Kernel counterpart: drivers/iommu/dma-iommu.h
 */
#ifndef SIO_DMA_DMA_IOMMU_H
#define SIO_DMA_DMA_IOMMU_H

#include "base/base.h"
#include <softiommu/iommu-driver.h>

/**
 * iommu_get_dma_cookie() - give a DMA-API domain its IOVA cookie
 * @domain: a DMA or DMA_FQ paging domain
 *
 * The core calls it when it sets up a DMA-API default domain (§2.3 step 3);
 * dma-iommu also calls it lazily at the first map.  Idempotent.
 * Context: may sleep.  Return: 0; -EINVAL (not a DMA-API paging domain, or
 * a domain with another cookie, or a granule above PAGE_SIZE); -ENOMEM.
 */
int iommu_get_dma_cookie(struct iommu_domain *domain);

/**
 * iommu_put_dma_cookie() - free the IOVA cookie (and flush queue) of @domain
 * @domain: any domain; one without a DMA cookie is left alone
 *
 * The core must call it from iommu_domain_free() before the driver's free.
 * No mapping call may run concurrently.  Idempotent.
 * Context: may sleep (stops the flush-queue timer).
 */
void iommu_put_dma_cookie(struct iommu_domain *domain);

/**
 * iommu_dma_domain_init_fq() - bring up @domain's flush queue now
 * @domain: a DMA_FQ domain (the sysfs DMA -> DMA-FQ switch flips the type
 *	first, then calls this; kernel iommu_dma_init_fq(domain))
 *
 * Without the call the queue comes up at the first lazy unmap.  On failure
 * the domain keeps unmapping strictly.
 * Context: may sleep.  Return: 0; -EINVAL (no cookie possible); -ENOMEM.
 */
int iommu_dma_domain_init_fq(struct iommu_domain *domain);

/**
 * iommu_dma_flush_fq() - flush @domain's IOTLB and release every IOVA its
 * flush queue holds (what the timer does)
 * Context: may sleep.  Return: 0, -ENOENT (no flush queue).
 */
int iommu_dma_flush_fq(struct iommu_domain *domain);

/**
 * struct iommu_dma_stats - counters of one DMA cookie (racy snapshot)
 * @maps, @unmaps: successful streaming/coherent maps and unmaps
 * @map_failures: IOVA exhaustion or iommu_map() errors
 * @strict_unmaps, @lazy_unmaps: how the unmaps went
 * @fq_pending: IOVA ranges waiting in the flush queue
 * @fq_ready: the flush queue is up
 * @fq_flushes: flush-queue IOTLB flushes completed (fq_flush_finish_cnt)
 * @iova_pfn_start: lowest pfn handed out; @granule: bytes per pfn
 */
struct iommu_dma_stats {
	unsigned long maps, unmaps, map_failures;
	unsigned long strict_unmaps, lazy_unmaps;
	unsigned long fq_pending;
	bool fq_ready;
	unsigned long fq_flushes;
	unsigned long iova_pfn_start;
	unsigned long granule;
};

/* Return: 0, -ENOENT (no DMA cookie on @domain). */
int iommu_dma_get_stats(struct iommu_domain *domain,
			struct iommu_dma_stats *st);

/*
 * iommu.forcedac= : skip the 32-bit-first IOVA attempt for PCI devices.
 * Process-wide, as the kernel parameter is system-wide.
 */
void sio_iommu_dma_set_forcedac(bool on);

#endif /* SIO_DMA_DMA_IOMMU_H */
