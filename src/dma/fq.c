// SPDX-License-Identifier: BSD-3-Clause
/*
 * DMA flush queue: rings of deferred IOVA releases, flush counters, the
 * timeout work, setup and teardown.
 * Kernel counterpart: drivers/iommu/dma-iommu.c (queue_iova, fq_ring_*,
 * fq_flush_timeout, iommu_dma_init_fq, iommu_dma_free_fq)
 */
#include "base/alloc.h"
#include "base/bug.h"
#include "base/err.h"
#include "base/log.h"
#include "dma/dma-priv.h"
#include "dma/fq.h"

static bool fq_full(const struct iova_fq *q)
{
	return ((q->tail + 1) & q->mod_mask) == q->head;
}

static void fq_release_entry(struct iommu_dma_fq *fq, struct iova_fq *q,
			     struct iova_fq_entry *e)
{
	if (fq->ops->release_slot)
		fq->ops->release_slot(fq->cookie,
				      (unsigned int)(q - fq->queues),
				      e->iova_pfn, e->pages, &e->freelist);
	else
		fq->ops->release(fq->cookie, e->iova_pfn, e->pages,
				 &e->freelist);
	if (WARN_ON(!list_empty(&e->freelist)))
		INIT_LIST_HEAD(&e->freelist); /* leaked by @release */
}

/* Release, oldest first, every entry a completed flush covers. */
static void __fq_ring_free(struct iommu_dma_fq *fq, struct iova_fq *q)
{
	/* Pairs with the increment after flush_iotlb_all() returned. */
	u64 finished = (u64)atomic_load_explicit(
		&fq->fq_flush_finish_cnt.counter, memory_order_acquire);

	lockdep_assert_held(&q->lock);
	while (q->head != q->tail) {
		struct iova_fq_entry *e = &q->entries[q->head];

		if (e->counter >= finished)
			break;
		fq_release_entry(fq, q, e);
		q->head = (q->head + 1) & q->mod_mask;
	}
}

static void fq_flush_iotlb(struct iommu_dma_fq *fq)
{
	atomic_long_inc_return(&fq->fq_flush_start_cnt);
	fq->ops->flush_iotlb_all(fq->cookie);
	atomic_long_inc_return(&fq->fq_flush_finish_cnt);
}

/**
 * iommu_dma_fq_flush() - one IOTLB flush, then release what it covers
 * @fq: a set-up flush queue
 *
 * What the timer does; also for callers that need everything queued so far
 * released now (e.g. before switching the domain to strict).
 * Context: may sleep (in @flush_iotlb_all); takes each ring lock in turn.
 */
void iommu_dma_fq_flush(struct iommu_dma_fq *fq)
{
	unsigned int i;

	fq_flush_iotlb(fq);
	for (i = 0; i < fq->nr_queues; i++) {
		struct iova_fq *q = &fq->queues[i];

		spin_lock(&q->lock);
		__fq_ring_free(fq, q);
		spin_unlock(&q->lock);
	}
}

static void fq_flush_timeout(struct work_struct *work)
{
	struct iommu_dma_fq *fq =
		container_of(to_delayed_work(work), struct iommu_dma_fq, timer);

	/* Cleared first: a queue_iova() racing with the flush re-arms. */
	atomic_set(&fq->fq_timer_on, 0);
	iommu_dma_fq_flush(fq);
}

/**
 * queue_iova() - defer the release of an unmapped range
 * @fq: a set-up flush queue
 * @pfn: first IOVA pfn of the range (already unmapped from the tables)
 * @pages: its length in pfns
 * @freelist: page-table pages freed by the unmap (spliced off; may be NULL)
 *
 * Releases what earlier flushes already cover; if the ring is still full,
 * flushes the IOTLB now (on this thread) and releases.  Arms the timer.
 * Context: any thread; takes this CPU slot's ring lock; may call
 * @flush_iotlb_all and @release under it.
 */
void queue_iova(struct iommu_dma_fq *fq, unsigned long pfn, unsigned long pages,
		struct list_head *freelist)
{
	struct iova_fq_entry *e;
	struct iova_fq *q;

	/*
	 * Full barrier: the caller's page-table update is visible to any
	 * flush that reads the start count we are about to sample, and we
	 * see a set-up queue (pairs with iommu_dma_init_fq()).
	 */
	smp_mb();
	q = &fq->queues[sio_dma_cpu_slot(fq->nr_queues)];

	spin_lock(&q->lock);
	__fq_ring_free(fq, q);
	/* A loop: a concurrent older flush can finish after ours started. */
	while (fq_full(q)) {
		fq_flush_iotlb(fq);
		__fq_ring_free(fq, q);
	}
	e = &q->entries[q->tail];
	q->tail = (q->tail + 1) & q->mod_mask;
	e->iova_pfn = pfn;
	e->pages = pages;
	/* Only a flush that starts after this sample can release it. */
	e->counter = (u64)atomic_load_explicit(&fq->fq_flush_start_cnt.counter,
					       memory_order_seq_cst);
	if (freelist)
		list_splice_tail_init(freelist, &e->freelist);
	spin_unlock(&q->lock);

	if (!atomic_read(&fq->fq_timer_on) && !atomic_xchg(&fq->fq_timer_on, 1))
		queue_delayed_work(fq->wq, &fq->timer, fq->timeout_ms);
}

static void fq_queues_free(struct iova_fq *queues, unsigned int nr)
{
	unsigned int i;

	for (i = 0; i < nr; i++) {
		kfree(queues[i].entries);
		mutex_destroy(&queues[i].lock);
	}
	kfree(queues);
}

/**
 * iommu_dma_init_fq() - set up the flush queue (idempotent)
 * @fq: zeroed or torn-down storage, or an already set up queue (no-op)
 * @ops: callbacks
 * @cookie: passed to @ops
 * @opts: layout, or NULL for per-CPU rings of IOVA_FQ_SIZE
 *
 * Context: may sleep; the caller serialises against init and teardown.
 * Return: 0; -EINVAL for bad @ops or @opts; -ENOMEM (logged) when the
 * rings cannot be allocated, in which case the caller stays strict.
 */
int iommu_dma_init_fq(struct iommu_dma_fq *fq,
		      const struct iommu_dma_fq_ops *ops, void *cookie,
		      const struct iommu_dma_fq_options *opts)
{
	bool single = opts && opts->single_queue;
	unsigned int size, timeout, nr, i, j;
	struct iova_fq *queues;

	if (iommu_dma_fq_ready(fq))
		return 0;
	if (WARN_ON(!ops || !ops->flush_iotlb_all ||
		    (!ops->release && !ops->release_slot)))
		return -EINVAL;
	size = opts && opts->size ?
		       opts->size :
		       (single ? IOVA_SINGLE_FQ_SIZE : IOVA_FQ_SIZE);
	timeout = opts && opts->timeout_ms ?
			  opts->timeout_ms :
			  (single ? IOVA_SINGLE_FQ_TIMEOUT_MS :
				    IOVA_FQ_TIMEOUT_MS);
	if (size < 2 || !is_power_of_2(size))
		return -EINVAL;
	nr = single ? 1 : sio_dma_nr_cpu_slots();

	queues = kzalloc(nr * sizeof(*queues), GFP_KERNEL);
	if (!queues)
		goto out_warn;
	for (i = 0; i < nr; i++)
		spin_lock_init(&queues[i].lock);
	for (i = 0; i < nr; i++) {
		queues[i].mod_mask = size - 1;
		queues[i].entries = kzalloc(
			(size_t)size * sizeof(*queues[i].entries), GFP_KERNEL);
		if (!queues[i].entries)
			goto out_free_queues;
		for (j = 0; j < size; j++)
			INIT_LIST_HEAD(&queues[i].entries[j].freelist);
	}
	fq->wq = sio_dma_wq_get();
	if (!fq->wq)
		goto out_free_queues;

	fq->ops = ops;
	fq->cookie = cookie;
	fq->queues = queues;
	fq->nr_queues = nr;
	fq->timeout_ms = timeout;
	atomic_long_set(&fq->fq_flush_start_cnt, 0);
	atomic_long_set(&fq->fq_flush_finish_cnt, 0);
	atomic_set(&fq->fq_timer_on, 0);
	INIT_DELAYED_WORK(&fq->timer, fq_flush_timeout);
	/* Everything above is visible to whoever sees ready. */
	smp_store_release(&fq->ready, 1);
	return 0;

out_free_queues:
	fq_queues_free(queues, nr);
out_warn:
	pr_warn("iommu: flush queue allocation failed, staying strict");
	return -ENOMEM;
}

/**
 * iommu_dma_free_fq() - tear down (no-op if never set up)
 * @fq: the flush queue
 *
 * Stops the timer synchronously, then releases every queued entry WITHOUT
 * flushing: the caller is destroying the domain (the kernel frees the page
 * lists and lets the IOVAs die with the domain) or has flushed already.
 * Context: may sleep; no concurrent queue_iova().
 */
void iommu_dma_free_fq(struct iommu_dma_fq *fq)
{
	unsigned int i;

	if (!iommu_dma_fq_ready(fq))
		return;
	cancel_delayed_work_sync(&fq->timer);
	for (i = 0; i < fq->nr_queues; i++) {
		struct iova_fq *q = &fq->queues[i];

		spin_lock(&q->lock);
		for (; q->head != q->tail;
		     q->head = (q->head + 1) & q->mod_mask)
			fq_release_entry(fq, q, &q->entries[q->head]);
		spin_unlock(&q->lock);
	}
	fq_queues_free(fq->queues, fq->nr_queues);
	sio_dma_wq_put();
	fq->queues = NULL;
	fq->nr_queues = 0;
	fq->wq = NULL;
	smp_store_release(&fq->ready, 0);
}

/**
 * iommu_dma_fq_pending() - entries queued and not yet released
 * @fq: the flush queue
 *
 * Context: any; takes each ring lock in turn (a racy snapshot, for tests
 * and statistics).
 * Return: the number of queued ranges (0 if the queue is not set up).
 */
unsigned long iommu_dma_fq_pending(struct iommu_dma_fq *fq)
{
	unsigned long n = 0;
	unsigned int i;

	if (!iommu_dma_fq_ready(fq))
		return 0;
	for (i = 0; i < fq->nr_queues; i++) {
		struct iova_fq *q = &fq->queues[i];

		spin_lock(&q->lock);
		n += (q->tail - q->head) & q->mod_mask;
		spin_unlock(&q->lock);
	}
	return n;
}
