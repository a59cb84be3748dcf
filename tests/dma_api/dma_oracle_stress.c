// SPDX-License-Identifier: BSD-3-Clause
/*
 * The isolation oracle under concurrency: per device (strict and lazy), a
 * mapper thread maps and unmaps while a device thread DMAs to whatever
 * address it last saw published, so accesses race with unmaps, flushes
 * and IOVA reuse.  The oracle must find nothing; every IOMMU driver kind.
 * Bounded, and deterministic in each thread's choices given SIO_TEST_SEED.
 */
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>

#include "dma-fixture.h"
#include "../support/iso-oracle.h"
#include "hw/hw-smmu.h"

#define OS_SLOTS      16
#define OS_OPS	      6000 /* map/unmap operations per mapper */
#define OS_POOL_PAGES 32

struct os_dev {
	struct sio_device *dev;
	u64 pool; /* physical pages to map */
	_Atomic u64 iova[OS_SLOTS]; /* published mapping, 0: none */
	u64 size[OS_SLOTS]; /* mapper's own */
	atomic_int done;
	atomic_long ops, dmas, ok;
	unsigned long seed;
};

static u64 os_rand(u64 *s)
{
	u64 x = *s;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	*s = x;
	return x;
}

static void *os_mapper(void *arg)
{
	struct os_dev *d = arg;
	u64 rng = d->seed * 3 + 1;
	unsigned int n, i;

	for (n = 0; n < OS_OPS; n++) {
		u64 r = os_rand(&rng), iova;
		long seen = atomic_load(&d->dmas);
		unsigned int spins;

		/* Let the device keep up (2 CPUs, maybe shared). */
		for (spins = 0; spins < 1000 && atomic_load(&d->dmas) == seen;
		     spins++)
			sched_yield();
		atomic_fetch_add(&d->ops, 1);
		i = r % OS_SLOTS;
		iova = atomic_load(&d->iova[i]);
		if (iova) {
			/* Unpublish first: the device may still use it. */
			atomic_store(&d->iova[i], 0);
			dma_unmap_phys(d->dev, iova, d->size[i],
				       DMA_BIDIRECTIONAL);
			continue;
		}
		d->size[i] = (1 + (r >> 8) % 2) * PAGE_SIZE;
		iova = dma_map_phys(
			d->dev,
			d->pool + ((r >> 16) % (OS_POOL_PAGES - 2)) * PAGE_SIZE,
			d->size[i], DMA_BIDIRECTIONAL);
		if (!dma_mapping_error(d->dev, iova))
			atomic_store(&d->iova[i], iova);
	}
	for (i = 0; i < OS_SLOTS; i++) {
		u64 iova = atomic_exchange(&d->iova[i], 0);

		if (iova)
			dma_unmap_phys(d->dev, iova, d->size[i],
				       DMA_BIDIRECTIONAL);
	}
	atomic_store(&d->done, 1);
	return NULL;
}

static void *os_device(void *arg)
{
	struct os_dev *d = arg;
	u64 rng = d->seed * 5 + 3, last[OS_SLOTS] = { 0 };
	long ops = -1, burst = 0;
	u8 buf[16];

	while (!atomic_load(&d->done)) {
		u64 r, iova;
		unsigned int i;

		/* A few DMAs per map/unmap, then let the mapper run. */
		if (atomic_load(&d->ops) != ops) {
			ops = atomic_load(&d->ops);
			burst = 0;
		} else if (++burst > 8) {
			sched_yield();
			continue;
		}
		r = os_rand(&rng);
		i = r % OS_SLOTS;

		/* What is published now, or what was (maybe gone since). */
		iova = atomic_load(&d->iova[i]);
		if (iova)
			last[i] = iova;
		else
			iova = last[i];
		if (!iova)
			continue;
		atomic_fetch_add(&d->dmas, 1);
		if (!sio_dma_read(d->dev, iova + (r >> 32) % (PAGE_SIZE - 16),
				  buf, sizeof(buf)))
			atomic_fetch_add(&d->ok, 1);
	}
	return NULL;
}

TEST_F(dma_api, oracle_concurrent_map_unmap_dma)
{
	static const enum dfx_mode modes[] = { DFX_STRICT, DFX_LAZY };
	struct os_dev devs[ARRAY_SIZE(modes)];
	pthread_t th[2 * ARRAY_SIZE(modes)];
	struct iso_oracle_stats st;
	struct iso_oracle *o;
	struct dfx_buf pool;
	unsigned int i;

	memset(devs, 0, sizeof(devs));
	if (self->kind == DFX_SMMU) /* lazy stale hits are legal here */
		sio_hw_smmu_set_check_mode(smmu_iommu_hw(self->iommu),
					   SIO_HW_CHECK_OFF);
	o = iso_oracle_start(0);
	ASSERT_NOT_NULL(o);
	ASSERT_EQ(0, dfx_buf_alloc(self, &pool, OS_POOL_PAGES * PAGE_SIZE));
	for (i = 0; i < ARRAY_SIZE(modes); i++) {
		test_add(devs[i].dev, modes[i]);
		devs[i].pool = pool.pa;
		devs[i].seed = test_seed() + i;
	}
	for (i = 0; i < ARRAY_SIZE(modes); i++) {
		ASSERT_EQ(0, pthread_create(&th[2 * i], NULL, os_mapper,
					    &devs[i]));
		ASSERT_EQ(0, pthread_create(&th[2 * i + 1], NULL, os_device,
					    &devs[i]));
	}
	for (i = 0; i < ARRAY_SIZE(th); i++)
		pthread_join(th[i], NULL);
	/*
	 * The oracle may only go when no unmap can reach it: run the lazy
	 * device's flush queue now, which also waits out a timer flush
	 * holding a ring; a later timer finds the rings empty.
	 */
	for (i = 0; i < ARRAY_SIZE(modes); i++) {
		struct iommu_domain *d = iommu_get_dma_domain(devs[i].dev);

		if (d && modes[i] == DFX_LAZY)
			EXPECT_EQ(0, iommu_dma_flush_fq(d));
	}

	iso_oracle_get_stats(o, &st);
	printf("# seed %lu: dmas %ld/%ld ok %ld/%ld; oracle checked %lu refused %lu strict %lu deferred %lu released %lu violations %lu\n",
	       test_seed(), atomic_load(&devs[0].dmas),
	       atomic_load(&devs[1].dmas), atomic_load(&devs[0].ok),
	       atomic_load(&devs[1].ok), st.checked, st.refused,
	       st.strict_unmaps, st.deferred_unmaps, st.releases,
	       st.violations);
	EXPECT_EQ(0, st.violations);
	EXPECT_GT(st.checked, 0);
	EXPECT_EQ(0, iso_oracle_stop(o));
	dfx_buf_free(self, &pool);
}

TEST_HARNESS_MAIN
