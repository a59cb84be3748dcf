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

/**
 * free_iova_fast_slot() - free_iova_fast() into CPU slot @slot's cache
 * @iovad: the allocator
 * @pfn: first pfn of the range
 * @size: its size in granules
 * @slot: CPU slot (taken modulo the number of slots)
 *
 * For a flush queue releasing, from any CPU, what another CPU queued: the
 * range goes back where that CPU will allocate it again.
 * Context: any; takes the slot's cache lock (or the tree lock).
 */
void free_iova_fast_slot(struct iova_domain *iovad, unsigned long pfn,
			 unsigned long size, unsigned int slot);

/**
 * sio_dma_nr_cpu_slots() - how many "per-CPU" slots per-CPU arrays get
 *
 * Context: any.
 * Return: the configured CPU count, at least 1 and at most 256.
 */
unsigned int sio_dma_nr_cpu_slots(void);

/**
 * sio_dma_cpu_slot() - the slot of the CPU the caller runs on
 * @nr_slots: length of the per-CPU array
 *
 * A thread may migrate right after; slots are locked, so that only costs
 * locality.  Context: any.
 * Return: sched_getcpu() modulo @nr_slots (0 if unknown).
 */
unsigned int sio_dma_cpu_slot(unsigned int nr_slots);

/**
 * sio_dma_wq_get() - take a reference on the DMA layer's workqueue
 *
 * Created on first use, destroyed when the last user puts it (the kernel
 * uses system_wq and timers).
 * Context: may sleep.
 * Return: the workqueue, or NULL on allocation failure.
 */
struct workqueue_struct *sio_dma_wq_get(void);

/**
 * sio_dma_wq_put() - drop a reference taken by sio_dma_wq_get()
 *
 * Context: may sleep; must not run on the workqueue itself, and every work
 * item of the caller must already be cancelled.
 */
void sio_dma_wq_put(void);

#endif /* SIO_DMA_DMA_PRIV_H */
