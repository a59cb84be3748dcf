/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * DMA flush queue ("lazy" / DMA-FQ mode): unmapped IOVA ranges and their
 * freed page-table pages wait in per-CPU-slot rings until an IOTLB flush
 * that started after they were queued has completed (rule 80), so unmap
 * need not wait for an invalidation.
 * Kernel counterpart: drivers/iommu/dma-iommu.c (the flush-queue part)
 */
#ifndef SIO_DMA_FQ_H
#define SIO_DMA_FQ_H

#include "base/atomic.h"
#include "base/list.h"
#include "base/mutex.h"
#include "base/workqueue.h"

/* Default: one ring per CPU slot, flushed at least every 10 ms. */
#define IOVA_FQ_SIZE	   256
#define IOVA_FQ_TIMEOUT_MS 10
/* shadow_on_flush devices: one big ring, flushed at least every second. */
#define IOVA_SINGLE_FQ_SIZE	  32768
#define IOVA_SINGLE_FQ_TIMEOUT_MS 1000

/**
 * struct iommu_dma_fq_ops - what the flush queue calls back into
 * @flush_iotlb_all: invalidate every IOTLB entry of the domain and wait for
 *	completion.  Called from queue_iova() (caller's thread, with one ring
 *	lock held, when that ring is full), from the timeout work and from
 *	iommu_dma_fq_flush().  Must not call back into the flush queue.
 * @release: the range [@iova_pfn, @iova_pfn + @pages) and the page-table
 *	pages on @freelist are no longer reachable by the device: free them
 *	(typically free_iova_fast() and the page-table page allocator) and
 *	leave @freelist empty.  Called with the ring lock held; must not
 *	sleep or call back into the flush queue.
 * @release_slot: optional; used instead of @release when set.  The same,
 *	plus the CPU slot whose ring held the entry, so a flush run on
 *	another CPU (the timeout work) can give the range back to the cache
 *	of the CPU that queued it rather than to its own.
 */
struct iommu_dma_fq_ops {
	void (*flush_iotlb_all)(void *cookie);
	void (*release)(void *cookie, unsigned long iova_pfn,
			unsigned long pages, struct list_head *freelist);
	void (*release_slot)(void *cookie, unsigned int slot,
			     unsigned long iova_pfn, unsigned long pages,
			     struct list_head *freelist);
};

/* Zeroed fields take the defaults above. */
struct iommu_dma_fq_options {
	bool single_queue; /* the shadow_on_flush layout */
	unsigned int size; /* ring entries, power of two >= 2 */
	unsigned int timeout_ms; /* timer period */
};

struct iova_fq_entry {
	unsigned long iova_pfn;
	unsigned long pages;
	struct list_head freelist; /* page-table pages to free */
	u64 counter; /* fq_flush_start_cnt when queued */
};

struct iova_fq {
	/*
	 * Protects head, tail and entries.  Taken by queue_iova() on this
	 * slot's CPU and by flushes; nests outside everything @release and
	 * @flush_iotlb_all take (IOVA rcache and tree locks, driver locks).
	 * Never two ring locks at once.
	 */
	spinlock_t lock;
	unsigned int head, tail; /* one slot kept empty */
	unsigned int mod_mask; /* entries - 1 */
	struct iova_fq_entry *entries;
	char pad[64]; /* rings of two CPUs never share a cache line */
};

/*
 * Embedded in the DMA cookie, zeroed before the first init.  The owner
 * serialises init and teardown (the cookie's mutex) and stops all
 * queue_iova() callers before teardown.
 */
struct iommu_dma_fq {
	const struct iommu_dma_fq_ops *ops;
	void *cookie;
	struct iova_fq *queues;
	unsigned int nr_queues; /* 1 or one per CPU slot */
	unsigned int timeout_ms;
	/* Flushes begun / finished; an entry is free once stamp < finish. */
	atomic_long_t fq_flush_start_cnt;
	atomic_long_t fq_flush_finish_cnt;
	atomic_t fq_timer_on; /* 0 -> 1 arms the timer once */
	struct delayed_work timer;
	struct workqueue_struct *wq;
	int ready; /* published last (release/acquire) */
};

/* The flush queue's life cycle and use (kernel-doc in fq.c). */
int iommu_dma_init_fq(struct iommu_dma_fq *fq,
		      const struct iommu_dma_fq_ops *ops, void *cookie,
		      const struct iommu_dma_fq_options *opts);

/* True once iommu_dma_init_fq() has succeeded (acquire; pairs with it). */
static inline bool iommu_dma_fq_ready(const struct iommu_dma_fq *fq)
{
	return smp_load_acquire(&((struct iommu_dma_fq *)fq)->ready) != 0;
}

void queue_iova(struct iommu_dma_fq *fq, unsigned long pfn, unsigned long pages,
		struct list_head *freelist);
void iommu_dma_fq_flush(struct iommu_dma_fq *fq);
void iommu_dma_free_fq(struct iommu_dma_fq *fq);
unsigned long iommu_dma_fq_pending(struct iommu_dma_fq *fq);

#endif /* SIO_DMA_FQ_H */
