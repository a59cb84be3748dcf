/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Internals shared by the files of src/dma: the tree primitives that the
 * range caches use, the range-cache hooks of the allocator, CPU slots and
 * the workqueue that runs depot trimming and flush-queue timeouts.
 */
#ifndef SIO_DMA_DMA_PRIV_H
#define SIO_DMA_DMA_PRIV_H

#include "base/workqueue.h"
#include "dma/iova.h"

/* Pfn of the anchor range: the top of the space, never allocated. */
#define IOVA_ANCHOR (~0UL)

/* Tree primitives (iova.c); callers hold iova_rbtree_lock. */
struct iova *__iova_find(struct iova_domain *iovad, unsigned long pfn);
void __iova_remove(struct iova_domain *iovad, struct iova *iova);

/* Several adjacent ranges at once (iova.c); see its kernel-doc. */
int alloc_iova_block(struct iova_domain *iovad, unsigned long size,
		     unsigned long limit_pfn, struct iova **nodes,
		     unsigned int n);

/* Range caches (iova-rcache.c). */
void free_iova_rcaches(struct iova_domain *iovad);
void free_iova_fast_slot(struct iova_domain *iovad, unsigned long pfn,
			 unsigned long size, unsigned int slot);

/* CPU slots and the shared workqueue (dma-wq.c). */
unsigned int sio_dma_nr_cpu_slots(void);
unsigned int sio_dma_cpu_slot(unsigned int nr_slots);
struct workqueue_struct *sio_dma_wq_get(void);
void sio_dma_wq_put(void);

#endif /* SIO_DMA_DMA_PRIV_H */
