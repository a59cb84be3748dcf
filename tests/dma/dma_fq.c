// SPDX-License-Identifier: BSD-3-Clause
/*
 * Unit tests of the DMA flush queue: rule 80 (no reuse before a flush that
 * started after queueing has completed), full ring, timer, teardown, init.
 */
#include <pthread.h>
#include <unistd.h>

#include "harness.h"
#include "dma-test.h"
#include "base/alloc.h"
#include "base/err.h"
#include "base/atomic.h"
#include "base/list.h"
#include "dma/fq.h"

/* The "driver": counts flushes, can hold one in flight; frees on release. */
struct fake_dom {
	struct iova_domain iovad;
	struct iommu_dma_fq fq;
	atomic_t flushes;
	atomic_t released;
	atomic_t freed_pages;
	atomic_t block; /* 1: the next flush waits */
	atomic_t in_flush; /* a blocked flush is running */
	atomic_t unblock;
};

struct fake_page {
	struct list_head list;
};

static void fake_flush(void *cookie)
{
	struct fake_dom *d = cookie;

	if (atomic_xchg(&d->block, 0)) {
		atomic_set(&d->in_flush, 1);
		while (!atomic_read(&d->unblock))
			usleep(1000);
	}
	atomic_inc(&d->flushes);
}

static void fake_release(void *cookie, unsigned long pfn, unsigned long pages,
			 struct list_head *freelist)
{
	struct fake_dom *d = cookie;
	struct fake_page *p, *n;

	list_for_each_entry_safe(p, n, freelist, list) {
		list_del(&p->list);
		kfree(p);
		atomic_inc(&d->freed_pages);
	}
	free_iova_fast(&d->iovad, pfn, pages);
	atomic_inc(&d->released);
}

static const struct iommu_dma_fq_ops fake_ops = {
	.flush_iotlb_all = fake_flush,
	.release = fake_release,
};

FIXTURE(fq)
{
	struct fake_dom *d;
};

FIXTURE_SETUP(fq)
{
	self->d = kzalloc(sizeof(*self->d), GFP_KERNEL);
	ASSERT_NOT_NULL(self->d);
	ASSERT_EQ(0, init_iova_domain(&self->d->iovad, PAGE_SIZE, 1));
	ASSERT_EQ(0, iova_domain_init_rcaches(&self->d->iovad));
	ASSERT_EQ(0, dt_pin_cpu(0));
}

FIXTURE_TEARDOWN(fq)
{
	iommu_dma_free_fq(&self->d->fq);
	put_iova_domain(&self->d->iovad);
	kfree(self->d);
}

/* Single ring, a timer that will not fire during the test. */
static const struct iommu_dma_fq_options manual_opts = {
	.single_queue = true,
	.size = 16,
	.timeout_ms = 600000,
};

static void *flush_thread(void *arg)
{
	iommu_dma_fq_flush(&((struct fake_dom *)arg)->fq);
	return NULL;
}

TEST_F(fq, rule_80_no_reuse_until_a_later_flush_completes)
{
	struct fake_dom *d = self->d;
	unsigned long p, q, x, seen[64];
	pthread_t t;
	int i;

	ASSERT_EQ(0, iommu_dma_init_fq(&d->fq, &fake_ops, d, &manual_opts));
	p = alloc_iova_fast(&d->iovad, 1, ~0UL, false);
	ASSERT_NE(0UL, p);
	queue_iova(&d->fq, p, 1, NULL);
	EXPECT_EQ(1UL, iommu_dma_fq_pending(&d->fq));
	/* Not released, so not reusable. */
	for (i = 0; i < 64; i++) {
		seen[i] = alloc_iova_fast(&d->iovad, 1, ~0UL, true);
		ASSERT_NE(0UL, seen[i]);
		ASSERT_NE(p, seen[i]);
	}
	for (i = 0; i < 64; i++)
		free_iova_fast(&d->iovad, seen[i], 1);

	/* A flush starts, q is queued while it runs, then it completes. */
	atomic_set(&d->block, 1);
	ASSERT_EQ(0, pthread_create(&t, NULL, flush_thread, d));
	while (!atomic_read(&d->in_flush))
		usleep(1000);
	q = alloc_iova_fast(&d->iovad, 1, ~0UL, false);
	ASSERT_NE(0UL, q);
	queue_iova(&d->fq, q, 1, NULL);
	atomic_set(&d->unblock, 1);
	ASSERT_EQ(0, pthread_join(t, NULL));
	EXPECT_EQ(1, atomic_read(&d->flushes));
	/* p was queued before that flush started: released and reusable. */
	EXPECT_EQ(1, atomic_read(&d->released));
	EXPECT_EQ(1UL, iommu_dma_fq_pending(&d->fq));
	x = alloc_iova_fast(&d->iovad, 1, ~0UL, false);
	EXPECT_EQ(p, x);
	/* q was queued after it started: still held. */
	for (i = 0; i < 64; i++) {
		seen[i] = alloc_iova_fast(&d->iovad, 1, ~0UL, true);
		ASSERT_NE(q, seen[i]);
	}
	for (i = 0; i < 64; i++)
		free_iova_fast(&d->iovad, seen[i], 1);
	free_iova_fast(&d->iovad, x, 1);

	/* A flush that starts after q was queued releases it. */
	iommu_dma_fq_flush(&d->fq);
	EXPECT_EQ(2, atomic_read(&d->released));
	EXPECT_EQ(0UL, iommu_dma_fq_pending(&d->fq));
	EXPECT_EQ(q, alloc_iova_fast(&d->iovad, 1, ~0UL, false));
	free_iova_fast(&d->iovad, q, 1);
}

TEST_F(fq, full_ring_flushes_at_once)
{
	struct fake_dom *d = self->d;
	const struct iommu_dma_fq_options opts = {
		.single_queue = true,
		.size = 8,
		.timeout_ms = 600000,
	};
	unsigned long pfn;
	int i;

	ASSERT_EQ(0, iommu_dma_init_fq(&d->fq, &fake_ops, d, &opts));
	for (i = 0; i < 7; i++) { /* one slot stays empty */
		pfn = alloc_iova_fast(&d->iovad, 2, ~0UL, false);
		ASSERT_NE(0UL, pfn);
		queue_iova(&d->fq, pfn, 2, NULL);
	}
	EXPECT_EQ(0, atomic_read(&d->flushes));
	EXPECT_EQ(7UL, iommu_dma_fq_pending(&d->fq));
	pfn = alloc_iova_fast(&d->iovad, 2, ~0UL, false);
	queue_iova(&d->fq, pfn, 2, NULL);
	EXPECT_EQ(1, atomic_read(&d->flushes));
	EXPECT_EQ(7, atomic_read(&d->released));
	EXPECT_EQ(1UL, iommu_dma_fq_pending(&d->fq));
	/* Already-covered entries go first, without another flush. */
	iommu_dma_fq_flush(&d->fq);
	EXPECT_EQ(2, atomic_read(&d->flushes));
	EXPECT_EQ(8, atomic_read(&d->released));
}

TEST_F(fq, timer_flushes_and_releases)
{
	struct fake_dom *d = self->d;
	const struct iommu_dma_fq_options opts = {
		.single_queue = true,
		.size = 64,
		.timeout_ms = 10,
	};
	unsigned long pfn;
	int i;

	ASSERT_EQ(0, iommu_dma_init_fq(&d->fq, &fake_ops, d, &opts));
	for (i = 0; i < 3; i++) {
		pfn = alloc_iova_fast(&d->iovad, 1, ~0UL, false);
		ASSERT_NE(0UL, pfn);
		queue_iova(&d->fq, pfn, 1, NULL);
	}
	for (i = 0; i < 1000 && atomic_read(&d->released) < 3; i++)
		usleep(10 * 1000);
	EXPECT_EQ(3, atomic_read(&d->released));
	EXPECT_GE(atomic_read(&d->flushes), 1);
	EXPECT_EQ(0UL, iommu_dma_fq_pending(&d->fq));
	/* It re-arms on the next queueing. */
	pfn = alloc_iova_fast(&d->iovad, 1, ~0UL, false);
	queue_iova(&d->fq, pfn, 1, NULL);
	for (i = 0; i < 1000 && atomic_read(&d->released) < 4; i++)
		usleep(10 * 1000);
	EXPECT_EQ(4, atomic_read(&d->released));
}

TEST_F(fq, teardown_releases_everything_without_flushing)
{
	struct fake_dom *d = self->d;
	unsigned long pfn;
	int i, j;

	/* Default layout: per-CPU-slot rings of 256. */
	ASSERT_EQ(0, iommu_dma_init_fq(&d->fq, &fake_ops, d, NULL));
	EXPECT_EQ(sio_dma_nr_cpu_slots(), d->fq.nr_queues);
	EXPECT_EQ((unsigned int)IOVA_FQ_SIZE - 1, d->fq.queues[0].mod_mask);
	EXPECT_EQ((unsigned int)IOVA_FQ_TIMEOUT_MS, d->fq.timeout_ms);
	/* Cancel the timer path's chance to run: nothing flushes for 10 s. */
	d->fq.timeout_ms = 10000;
	for (i = 0; i < 20; i++) {
		LIST_HEAD(pages);

		for (j = 0; j < 3; j++) {
			struct fake_page *p = kzalloc(sizeof(*p), GFP_KERNEL);

			ASSERT_NOT_NULL(p);
			list_add_tail(&p->list, &pages);
		}
		pfn = alloc_iova_fast(&d->iovad, 4, ~0UL, false);
		ASSERT_NE(0UL, pfn);
		queue_iova(&d->fq, pfn, 4, &pages);
		EXPECT_TRUE(list_empty(&pages)); /* spliced off */
	}
	EXPECT_EQ(20UL, iommu_dma_fq_pending(&d->fq));
	iommu_dma_free_fq(&d->fq);
	EXPECT_EQ(0, atomic_read(&d->flushes));
	EXPECT_EQ(20, atomic_read(&d->released));
	EXPECT_EQ(60, atomic_read(&d->freed_pages));
	EXPECT_FALSE(iommu_dma_fq_ready(&d->fq));
	iommu_dma_free_fq(&d->fq); /* idempotent */
}

TEST_F(fq, init_is_idempotent_and_checks_arguments)
{
	struct fake_dom *d = self->d;
	const struct iommu_dma_fq_options bad = { .single_queue = true,
						  .size = 12 };
	const struct iommu_dma_fq_ops no_release = { .flush_iotlb_all =
							     fake_flush };
	struct iova_fq *queues;

	ASSERT_EQ(-EINVAL, iommu_dma_init_fq(&d->fq, &fake_ops, d, &bad));
	test_expect_warns(1);
	ASSERT_EQ(-EINVAL, iommu_dma_init_fq(&d->fq, &no_release, d, NULL));
	EXPECT_FALSE(iommu_dma_fq_ready(&d->fq));
	ASSERT_EQ(0, iommu_dma_init_fq(&d->fq, &fake_ops, d,
				       &(struct iommu_dma_fq_options){
					       .single_queue = true }));
	EXPECT_EQ(1U, d->fq.nr_queues);
	EXPECT_EQ((unsigned int)IOVA_SINGLE_FQ_SIZE - 1,
		  d->fq.queues[0].mod_mask);
	EXPECT_EQ((unsigned int)IOVA_SINGLE_FQ_TIMEOUT_MS, d->fq.timeout_ms);
	queues = d->fq.queues;
	ASSERT_EQ(0, iommu_dma_init_fq(&d->fq, &fake_ops, d, NULL));
	EXPECT_EQ(queues, d->fq.queues);
}

TEST_F(fq, fail_nth_init_stays_strict)
{
	struct fake_dom *d = self->d;
	unsigned int n;
	long live;
	int ret;

	for (n = 1;; n++) {
		live = sio_alloc_live();
		sio_fail_nth_set(n);
		ret = iommu_dma_init_fq(&d->fq, &fake_ops, d, NULL);
		if (!sio_fail_nth_fired()) {
			sio_fail_nth_set(0);
			ASSERT_EQ(0, ret);
			break;
		}
		sio_fail_nth_set(0);
		ASSERT_EQ(-ENOMEM, ret);
		ASSERT_FALSE(iommu_dma_fq_ready(&d->fq));
		ASSERT_EQ(live, sio_alloc_live());
	}
	printf("# %u allocation sites swept\n", n - 1);
	EXPECT_GT(n, 2U);
	iommu_dma_free_fq(&d->fq);
}

TEST_HARNESS_MAIN
