// SPDX-License-Identifier: BSD-3-Clause
/*
 * Two-thread stress of alloc_iova_fast()/free_iova_fast() and of the flush
 * queue, bounded and seeded, checked against a shared per-pfn state map.
 * Run under TSan too (suite 'stress').
 */
#include <pthread.h>
#include <stdatomic.h>

#include "harness.h"
#include "dma-test.h"
#include "base/alloc.h"
#include "dma/fq.h"

#define ST_LIMIT   ((1UL << 16) - 1) /* small: pfns are reused a lot */
#define ST_THREADS 2
#define ST_LIVE	   48
#define ST_ITERS   60000

enum { PFN_FREE, PFN_ALLOCATED, PFN_QUEUED };

struct st_ctx {
	struct iova_domain iovad;
	struct iommu_dma_fq fq;
	bool use_fq;
	_Atomic unsigned char state[ST_LIMIT + 1];
	atomic_long errors;
	atomic_long allocs;
	atomic_long releases;
	atomic_long flushes;
	unsigned long seed;
};

struct st_thread {
	struct st_ctx *ctx;
	int id;
};

/* Move [pfn, pfn + size) from @from to @to; count any pfn not in @from. */
static void st_mark(struct st_ctx *c, unsigned long pfn, unsigned long size,
		    unsigned char from, unsigned char to)
{
	unsigned long p;

	for (p = pfn; p < pfn + size; p++) {
		unsigned char expect = from;

		if (p > ST_LIMIT ||
		    !atomic_compare_exchange_strong(&c->state[p], &expect, to))
			atomic_fetch_add(&c->errors, 1);
	}
}

static unsigned long st_rounded(unsigned long size)
{
	return size < 32 ? roundup_pow_of_two(size) : size;
}

static void st_flush(void *cookie)
{
	atomic_fetch_add(&((struct st_ctx *)cookie)->flushes, 1);
}

static void st_release(void *cookie, unsigned long pfn, unsigned long pages,
		       struct list_head *freelist)
{
	struct st_ctx *c = cookie;

	st_mark(c, pfn, st_rounded(pages), PFN_QUEUED, PFN_FREE);
	free_iova_fast(&c->iovad, pfn, pages);
	atomic_fetch_add(&c->releases, 1);
}

static const struct iommu_dma_fq_ops st_ops = {
	.flush_iotlb_all = st_flush,
	.release = st_release,
};

static void *st_worker(void *arg)
{
	struct st_thread *t = arg;
	struct st_ctx *c = t->ctx;
	unsigned long pfn[ST_LIVE] = { 0 }, size[ST_LIVE] = { 0 };
	unsigned long seed = (c->seed + 0x9e3779b97f4a7c15UL * (t->id + 1)) | 1;
	int i, slot;

	for (i = 0; i < ST_ITERS; i++) {
		unsigned long r = dt_rand(&seed);

		slot = r % ST_LIVE;
		if (pfn[slot]) {
			if (c->use_fq) {
				st_mark(c, pfn[slot], st_rounded(size[slot]),
					PFN_ALLOCATED, PFN_QUEUED);
				queue_iova(&c->fq, pfn[slot], size[slot], NULL);
			} else {
				st_mark(c, pfn[slot], st_rounded(size[slot]),
					PFN_ALLOCATED, PFN_FREE);
				free_iova_fast(&c->iovad, pfn[slot],
					       size[slot]);
			}
			pfn[slot] = 0;
			continue;
		}
		/* 1-64 pfns, a quarter above the cached sizes. */
		size[slot] = (r >> 16) % 4 ? 1 + (r >> 20) % 32 :
					     33 + (r >> 20) % 32;
		pfn[slot] = alloc_iova_fast(
			&c->iovad, size[slot],
			(r >> 40) % 2 ? ST_LIMIT : ST_LIMIT / 2, true);
		if (!pfn[slot])
			continue;
		atomic_fetch_add(&c->allocs, 1);
		if (pfn[slot] % roundup_pow_of_two(size[slot]))
			atomic_fetch_add(&c->errors, 1);
		st_mark(c, pfn[slot], st_rounded(size[slot]), PFN_FREE,
			PFN_ALLOCATED);
	}
	for (slot = 0; slot < ST_LIVE; slot++) {
		if (!pfn[slot])
			continue;
		st_mark(c, pfn[slot], st_rounded(size[slot]), PFN_ALLOCATED,
			PFN_FREE);
		free_iova_fast(&c->iovad, pfn[slot], size[slot]);
	}
	return NULL;
}

static void st_run(struct __test_metadata *_metadata, bool use_fq)
{
	struct st_thread th[ST_THREADS];
	pthread_t tid[ST_THREADS];
	struct st_ctx *c;
	unsigned long nr;
	unsigned int cpu;
	int i;

	c = kzalloc(sizeof(*c), GFP_KERNEL);
	ASSERT_NOT_NULL(c);
	c->seed = test_seed();
	c->use_fq = use_fq;
	printf("# seed %lu, %d threads x %d iterations\n", c->seed, ST_THREADS,
	       ST_ITERS);
	ASSERT_EQ(0, init_iova_domain(&c->iovad, PAGE_SIZE, 1));
	ASSERT_EQ(0, iova_domain_init_rcaches(&c->iovad));
	if (use_fq)
		ASSERT_EQ(0, iommu_dma_init_fq(
				     &c->fq, &st_ops, c,
				     &(struct iommu_dma_fq_options){
					     .size = 64, .timeout_ms = 1 }));

	for (i = 0; i < ST_THREADS; i++) {
		th[i].ctx = c;
		th[i].id = i;
		ASSERT_EQ(0, pthread_create(&tid[i], NULL, st_worker, &th[i]));
	}
	for (i = 0; i < ST_THREADS; i++)
		ASSERT_EQ(0, pthread_join(tid[i], NULL));

	if (use_fq) {
		iommu_dma_fq_flush(&c->fq);
		EXPECT_EQ(0UL, iommu_dma_fq_pending(&c->fq));
		iommu_dma_free_fq(&c->fq);
		printf("# %ld releases, %ld flushes\n",
		       atomic_load(&c->releases), atomic_load(&c->flushes));
		EXPECT_GT(atomic_load(&c->flushes), 0);
	}
	printf("# %ld allocations\n", atomic_load(&c->allocs));
	EXPECT_EQ(0, atomic_load(&c->errors));
	EXPECT_GT(atomic_load(&c->allocs), (long)ST_ITERS / 2);
	ASSERT_TRUE(dt_iova_valid(&c->iovad, NULL));
	/* Every range came back: only cached ones remain in the tree. */
	for (cpu = 0; cpu < c->iovad.nr_cpu_slots; cpu++)
		free_cpu_cached_iovas(cpu, &c->iovad);
	free_global_cached_iovas(&c->iovad);
	ASSERT_TRUE(dt_iova_valid(&c->iovad, &nr));
	EXPECT_EQ(0UL, nr);
	put_iova_domain(&c->iovad);
	kfree(c);
}

TEST(stress_alloc_free_fast_two_threads)
{
	st_run(_metadata, false);
}

TEST(stress_flush_queue_two_threads)
{
	st_run(_metadata, true);
}

TEST_HARNESS_MAIN
