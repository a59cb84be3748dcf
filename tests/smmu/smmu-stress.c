// SPDX-License-Identifier: BSD-3-Clause
/*
 * SMMU driver stress (also run under TSan): device threads DMA (hitting
 * and faulting) while a mapper thread maps/unmaps with gathered
 * invalidations, the event thread reports faults to the domain's handler,
 * and the main thread replaces domains.  Bounded, deterministic counts.
 */
#include <pthread.h>
#include <stdatomic.h>

#include "smmu-test.h"

#define NR_DEV_THREADS	2
#define ITERS		400
#define IOVA		0x40000000UL
#define NR_PAGES	16

struct stress {
	struct st s;
	struct sio_device *dev;
	struct iommu_domain *d;
	u64 pa[NR_PAGES];
	atomic_int faults;
	atomic_int bad_data;
	atomic_bool stop;
};

static int count_fault(struct iommu_domain *domain, struct sio_device *dev,
		       unsigned long iova, int flags, void *token)
{
	struct stress *x = token;

	atomic_fetch_add(&x->faults, 1);
	return 0;
}

/* Device side: read every page; a mapped page must hold its own bytes. */
static void *dev_thread(void *arg)
{
	struct stress *x = arg;
	unsigned int i, k;
	u8 b;

	sio_rcu_register_thread();
	for (k = 0; k < ITERS && !atomic_load(&x->stop); k++) {
		for (i = 0; i < NR_PAGES; i++) {
			int ret = sio_dma_read(x->dev, IOVA + i * 4096UL + 3,
					       &b, 1);

			if (!ret && b != st_byte((u8)i, 3))
				atomic_fetch_add(&x->bad_data, 1);
		}
	}
	sio_rcu_unregister_thread();
	return NULL;
}

/* Mapper: map and unmap the odd pages over and over. */
static void *map_thread(void *arg)
{
	struct stress *x = arg;
	unsigned int i, k;

	sio_rcu_register_thread();
	for (k = 0; k < ITERS / 4; k++) {
		for (i = 1; i < NR_PAGES; i += 2)
			if (iommu_map(x->d, IOVA + i * 4096UL, x->pa[i], 4096,
				      IOMMU_READ, GFP_KERNEL))
				atomic_fetch_add(&x->bad_data, 1);
		for (i = 1; i < NR_PAGES; i += 2)
			if (iommu_unmap(x->d, IOVA + i * 4096UL, 4096) != 4096)
				atomic_fetch_add(&x->bad_data, 1);
	}
	sio_rcu_unregister_thread();
	return NULL;
}

TEST(smmu_stress_dma_faults_and_invalidation)
{
	struct fx_smmu_config cfg = { 0 };
	pthread_t dev_t[NR_DEV_THREADS], map_t;
	struct smmu_iommu_stats st;
	static struct stress x;
	static int owner;
	unsigned int i;

	printf("# seed %lu (deterministic counts; no randomness used)\n",
	       test_seed());
	fx_smmu_config_default(&cfg);
	/* Concurrent readers may see a PTE change before its TLBI. */
	cfg.drv.check_iotlb = false;
	cfg.drv.evtq_log2 = 4;	/* small: overflow is part of the test */
	ASSERT_EQ(0, st_init(&x.s, &cfg, 0));
	sio_hw_smmu_set_check_mode(x.s.hw, SIO_HW_CHECK_AFTER_SYNC);
	x.dev = st_add_dev(&x.s, "0000:00:02.0", 0);
	ASSERT_FALSE(IS_ERR_OR_NULL(x.dev));
	x.d = iommu_paging_domain_alloc(x.dev);
	ASSERT_FALSE(IS_ERR_OR_NULL(x.d));
	iommu_set_fault_handler(x.d, count_fault, &x);
	ASSERT_EQ(0, iommu_group_claim_dma_owner(fx_group(x.dev), &owner));
	ASSERT_EQ(0, iommu_attach_group(x.d, fx_group(x.dev)));
	for (i = 0; i < NR_PAGES; i++) {
		x.pa[i] = st_page(&x.s, 0, (u8)i);
		ASSERT_NE(0, x.pa[i]);
		if (!(i & 1))
			ASSERT_EQ(0, iommu_map(x.d, IOVA + i * 4096UL, x.pa[i],
					       4096, IOMMU_READ, GFP_KERNEL));
	}

	for (i = 0; i < NR_DEV_THREADS; i++)
		ASSERT_EQ(0, pthread_create(&dev_t[i], NULL, dev_thread, &x));
	ASSERT_EQ(0, pthread_create(&map_t, NULL, map_thread, &x));
	pthread_join(map_t, NULL);
	for (i = 0; i < NR_DEV_THREADS; i++)
		pthread_join(dev_t[i], NULL);
	smmu_iommu_flush_events(x.s.iommu);

	EXPECT_EQ(0, atomic_load(&x.bad_data));
	smmu_iommu_get_stats(x.s.iommu, &st);
	/* Odd pages are unmapped at least at the start: faults happened. */
	EXPECT_GT(st.events, 0);
	EXPECT_GT(atomic_load(&x.faults), 0);
	EXPECT_EQ(st.faults_reported, (u64)atomic_load(&x.faults));
	EXPECT_EQ(0, st.cmd_errors);

	iommu_detach_group(x.d, fx_group(x.dev));
	iommu_group_release_dma_owner(fx_group(x.dev));
	for (i = 0; i < NR_PAGES; i += 2)
		EXPECT_EQ(4096, iommu_unmap(x.d, IOVA + i * 4096UL, 4096));
	iommu_domain_free(x.d);
	for (i = 0; i < NR_PAGES; i++)
		sio_phys_free_pages(x.s.mem, x.pa[i], 0);
	st_fini(&x.s);
}

TEST_HARNESS_MAIN
