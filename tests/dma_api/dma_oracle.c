// SPDX-License-Identifier: BSD-3-Clause
/*
 * The isolation oracle (tests/support/iso-oracle.h) against the DMA API and
 * raw domains: it reports a deliberately dropped invalidation (strict, lazy
 * after the flush, and on the size-mismatched unmap path of issue 8,
 * defect 3), and finds nothing in a random strict/lazy/identity/raw
 * map-unmap-DMA workload over every IOMMU driver kind.
 */
#include "dma-fixture.h"
#include "../support/iso-oracle.h"
#include "hw/hw-smmu.h"

/* The SMMU model behind the fixture's instance, its checker off. */
static struct sio_hw_smmu *quiet_hw(FIXTURE_DATA(dma_api) * self)
{
	struct sio_hw_smmu *hw = smmu_iommu_hw(self->iommu);

	/* The oracle must find it on its own. */
	sio_hw_smmu_set_check_mode(hw, SIO_HW_CHECK_OFF);
	return hw;
}

/* Strict: a dropped TLBI lets the device through after unmap returned. */
TEST_F(dma_api, oracle_reports_dropped_tlbi_strict)
{
	struct iso_oracle *o;
	struct sio_device *dev;
	struct sio_hw_smmu *hw;
	struct dfx_buf b;
	dma_addr_t dma;
	char want[64];
	u8 buf[8];

	if (self->kind != DFX_SMMU)
		SKIP(return, "the mock has no IOTLB to leave stale");
	o = iso_oracle_start(ISO_ORACLE_QUIET);
	ASSERT_NOT_NULL(o);
	hw = quiet_hw(self);
	test_add(dev, DFX_STRICT);
	ASSERT_EQ(0, dfx_buf_alloc(self, &b, PAGE_SIZE));
	dma = dma_map_phys(dev, b.pa, PAGE_SIZE, DMA_BIDIRECTIONAL);
	ASSERT_EQ(0, dma_mapping_error(dev, dma));
	ASSERT_EQ(0, sio_dma_read(dev, dma, buf, sizeof(buf)));
	EXPECT_EQ(0, iso_oracle_violations(o));

	sio_hw_smmu_inject_drop_tlbi(hw, 1);
	dma_unmap_phys(dev, dma, PAGE_SIZE, DMA_BIDIRECTIONAL);
	EXPECT_EQ(0, sio_dma_read(dev, dma, buf, sizeof(buf))); /* stale */
	EXPECT_EQ(1, iso_oracle_violations(o));
	snprintf(want, sizeof(want), "iova %#llx", (unsigned long long)dma);
	EXPECT_NOT_NULL(strstr(iso_oracle_first_violation(o), want));
	EXPECT_EQ(1, iso_oracle_stop(o));
	dfx_buf_free(self, &b);
}

/*
 * Lazy: the unmapped range stays reachable while its flush is pending
 * (not a violation), and a flush that invalidated nothing leaves it
 * reachable after the release (a violation).
 */
TEST_F(dma_api, oracle_reports_dropped_flush_lazy)
{
	struct iso_oracle_stats st;
	struct iommu_domain *domain;
	struct iso_oracle *o;
	struct sio_device *dev;
	struct sio_hw_smmu *hw;
	struct dfx_buf b;
	dma_addr_t dma;
	u8 buf[8];

	if (self->kind != DFX_SMMU)
		SKIP(return, "the mock has no IOTLB to leave stale");
	o = iso_oracle_start(ISO_ORACLE_QUIET);
	ASSERT_NOT_NULL(o);
	hw = quiet_hw(self);
	test_add(dev, DFX_LAZY);
	domain = iommu_get_dma_domain(dev);
	ASSERT_EQ(0, dfx_buf_alloc(self, &b, PAGE_SIZE));
	dma = dma_map_phys(dev, b.pa, PAGE_SIZE, DMA_BIDIRECTIONAL);
	ASSERT_EQ(0, dma_mapping_error(dev, dma));
	ASSERT_EQ(0, sio_dma_read(dev, dma, buf, sizeof(buf)));

	/* Every flush from now on, the timer's included, does nothing. */
	sio_hw_smmu_inject_drop_tlbi(hw, 1000);
	dma_unmap_phys(dev, dma, PAGE_SIZE, DMA_BIDIRECTIONAL);
	EXPECT_EQ(0, sio_dma_read(dev, dma, buf, sizeof(buf)));
	iso_oracle_get_stats(o, &st);
	EXPECT_EQ(1, st.deferred_unmaps);
	if (!st.releases) /* the flush timer did not run yet */
		EXPECT_EQ(0, st.violations);

	ASSERT_EQ(0, iommu_dma_flush_fq(domain));
	iso_oracle_get_stats(o, &st);
	EXPECT_EQ(1, st.releases);
	EXPECT_EQ(0, st.pending);
	EXPECT_EQ(0, sio_dma_read(dev, dma, buf, sizeof(buf))); /* stale */
	EXPECT_LE(1, iso_oracle_violations(o));

	/* A flush that works ends it. */
	sio_hw_smmu_inject_drop_tlbi(hw, 0);
	ASSERT_EQ(0, iommu_dma_flush_fq(domain));
	EXPECT_EQ(-EFAULT, sio_dma_read(dev, dma, buf, sizeof(buf)));
	iso_oracle_stop(o);
	dfx_buf_free(self, &b);
}

/*
 * The size-mismatched unmap (defect 3) revokes what it unmapped: with its
 * TLBI dropped, the stale entry it would have left is reported.
 */
TEST_F(dma_api, oracle_reports_stale_entry_after_oversize_unmap)
{
	struct iso_oracle *o;
	struct sio_device *dev;
	struct sio_hw_smmu *hw;
	struct dfx_buf b;
	dma_addr_t dma;
	u8 buf[8];

	if (self->kind != DFX_SMMU)
		SKIP(return, "the mock has no IOTLB to leave stale");
	o = iso_oracle_start(ISO_ORACLE_QUIET);
	ASSERT_NOT_NULL(o);
	hw = quiet_hw(self);
	test_add(dev, DFX_STRICT);
	ASSERT_EQ(0, dfx_buf_alloc(self, &b, PAGE_SIZE));
	dma = dma_map_phys(dev, b.pa, PAGE_SIZE, DMA_BIDIRECTIONAL);
	ASSERT_EQ(0, dma_mapping_error(dev, dma));
	ASSERT_EQ(0, sio_dma_read(dev, dma, buf, sizeof(buf)));
	sio_hw_smmu_inject_drop_tlbi(hw, 1);
	test_expect_warns(1);
	dma_unmap_phys(dev, dma, 2 * PAGE_SIZE, DMA_BIDIRECTIONAL);
	EXPECT_EQ(0, sio_dma_read(dev, dma, buf, sizeof(buf)));
	EXPECT_EQ(1, iso_oracle_violations(o));
	iso_oracle_stop(o);
	dfx_buf_free(self, &b);
}

/* ------------------------------------------------------ random workload */

#define RW_SLOTS      48
#define RW_STEPS      4000
#define RW_POOL_PAGES 64
#define RW_RAW_IOVA   0x40000000UL /* the raw domain's mappings, one per slot */
#define RW_RAW_STRIDE 0x10000UL

enum rw_dev { RW_STRICT, RW_LAZY, RW_IDENTITY, RW_RAW, RW_NDEV };

struct rw_slot {
	bool used;
	enum rw_dev d;
	u64 iova, size;
	bool coherent;
	void *cpu; /* coherent: the CPU address */
	int prot; /* IOMMU_READ/WRITE the device got */
};

struct rw {
	struct sio_device *dev[RW_NDEV];
	struct iommu_domain *raw;
	struct dfx_buf pool;
	struct rw_slot slot[RW_SLOTS];
	u64 gone[16]; /* recently unmapped (device | iova) */
	enum rw_dev gone_dev[16];
	unsigned int ngone;
	u64 rng;
	unsigned long gone_reused;
};

static u64 rw_rand(struct rw *w)
{
	u64 x = w->rng;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	w->rng = x;
	return x;
}

static int rw_dir_prot(enum dma_data_direction dir)
{
	return dir == DMA_TO_DEVICE   ? IOMMU_READ :
	       dir == DMA_FROM_DEVICE ? IOMMU_WRITE :
					IOMMU_READ | IOMMU_WRITE;
}

static int rw_map(struct rw *w, struct rw_slot *s, unsigned int i)
{
	static const enum dma_data_direction dirs[] = { DMA_BIDIRECTIONAL,
							DMA_TO_DEVICE,
							DMA_FROM_DEVICE };
	enum dma_data_direction dir = dirs[rw_rand(w) % 3];
	unsigned int pages = 1 + rw_rand(w) % 4;
	u64 pa =
		w->pool.pa + (rw_rand(w) % (RW_POOL_PAGES - pages)) * PAGE_SIZE;
	struct sio_device *dev;
	dma_addr_t dma;

	s->d = (enum rw_dev)(rw_rand(w) % RW_NDEV);
	dev = w->dev[s->d];
	s->coherent = false;
	s->size = (u64)pages * PAGE_SIZE;
	s->prot = rw_dir_prot(dir);
	if (s->d == RW_RAW) {
		s->iova = RW_RAW_IOVA + i * RW_RAW_STRIDE;
		if (iommu_map(w->raw, s->iova, pa, s->size, s->prot,
			      GFP_KERNEL))
			return -ENOMEM;
	} else if (s->d != RW_IDENTITY && !(rw_rand(w) % 4)) {
		s->cpu = dma_alloc_coherent(dev, s->size, &dma, GFP_KERNEL);
		if (!s->cpu)
			return -ENOMEM;
		s->coherent = true;
		s->prot = IOMMU_READ | IOMMU_WRITE;
		s->iova = dma;
	} else {
		dma = dma_map_phys(dev, pa, s->size, dir);
		if (dma_mapping_error(dev, dma))
			return -ENOMEM;
		s->iova = dma;
		if (s->d == RW_IDENTITY) /* no protection at all */
			s->prot = IOMMU_READ | IOMMU_WRITE;
	}
	s->used = true;
	return 0;
}

static void rw_unmap(struct rw *w, struct rw_slot *s)
{
	struct sio_device *dev = w->dev[s->d];

	if (s->d == RW_RAW)
		iommu_unmap(w->raw, s->iova, s->size);
	else if (s->coherent)
		dma_free_coherent(dev, s->size, s->cpu, s->iova);
	else
		dma_unmap_phys(dev, s->iova, s->size, DMA_BIDIRECTIONAL);
	if (s->d != RW_IDENTITY) {
		w->gone[w->ngone % 16] = s->iova + (rw_rand(w) % s->size);
		w->gone_dev[w->ngone++ % 16] = s->d;
	}
	s->used = false;
}

static void rw_workload(struct __test_metadata *_metadata,
			FIXTURE_DATA(dma_api) * self)
{
	struct iso_oracle_stats st;
	struct iso_oracle *o;
	struct rw w = { 0 };
	unsigned int step, i;
	u8 buf[64];
	u64 pa;

	w.rng = test_seed() | 1;
	/* Lazy devices hit stale entries legitimately: the oracle judges. */
	if (self->kind == DFX_SMMU)
		quiet_hw(self);
	o = iso_oracle_start(0);
	ASSERT_NOT_NULL(o);
	w.dev[RW_STRICT] = dfx_add(self, DFX_STRICT, true);
	w.dev[RW_LAZY] = dfx_add(self, DFX_LAZY, true);
	w.dev[RW_IDENTITY] = dfx_add(self, DFX_IDENTITY, true);
	w.dev[RW_RAW] = dfx_add(self, DFX_STRICT, false);
	for (i = 0; i < RW_NDEV; i++)
		ASSERT_FALSE(IS_ERR_OR_NULL(w.dev[i]));
	w.raw = iommu_paging_domain_alloc(w.dev[RW_RAW]);
	ASSERT_FALSE(IS_ERR_OR_NULL(w.raw));
	ASSERT_EQ(0, iommu_attach_device(w.raw, w.dev[RW_RAW]));
	ASSERT_EQ(0, dfx_buf_alloc(self, &w.pool, RW_POOL_PAGES * PAGE_SIZE));

	for (step = 0; step < RW_STEPS; step++) {
		u64 r = rw_rand(&w);
		struct rw_slot *s = &w.slot[r % RW_SLOTS];
		struct sio_device *dev;
		unsigned int op = (r >> 8) % 16;
		u64 iova;
		int ret;

		if (op < 5) { /* map or unmap a slot */
			if (s->used)
				rw_unmap(&w, s);
			else
				rw_map(&w, s, (unsigned int)(s - w.slot));
		} else if (op < 12) { /* the device uses a live slot */
			if (!s->used)
				continue;
			dev = w.dev[s->d];
			iova = s->iova + rw_rand(&w) % (s->size - sizeof(buf));
			if (rw_rand(&w) & 1) {
				ret = sio_dma_read(dev, iova, buf, sizeof(buf));
				/* Write-only: the hardware's choice. */
				if (s->prot & IOMMU_READ)
					EXPECT_EQ(0, ret);
			} else {
				ret = sio_dma_write(dev, iova, buf,
						    sizeof(buf));
				EXPECT_EQ(s->prot & IOMMU_WRITE ? 0 : -EFAULT,
					  ret);
			}
		} else if (op < 15) { /* ... or one it lost */
			if (!w.ngone)
				continue;
			i = rw_rand(&w) % (w.ngone < 16 ? w.ngone : 16);
			ret = sio_dma_read(w.dev[w.gone_dev[i]], w.gone[i], buf,
					   8);
			/* Strict revokes at once, unless remapped since. */
			if (!ret && w.gone_dev[i] != RW_LAZY)
				w.gone_reused++;
			iso_oracle_probe(o, w.dev[w.gone_dev[i]]);
		} else { /* a flush-queue flush, or a stray address */
			if (rw_rand(&w) & 1)
				iommu_dma_flush_fq(
					iommu_get_dma_domain(w.dev[RW_LAZY]));
			else
				sio_dma_translate(w.dev[rw_rand(&w) % RW_NDEV],
						  rw_rand(&w) & 0xffffffffULL,
						  SIO_DMA_READ, &pa);
		}
	}
	for (i = 0; i < RW_SLOTS; i++)
		if (w.slot[i].used)
			rw_unmap(&w, &w.slot[i]);
	iso_oracle_get_stats(o, &st);
	printf("# seed %lu: checked %lu refused %lu unchecked %lu grants %lu strict %lu deferred %lu released %lu gone-but-remapped %lu\n",
	       test_seed(), st.checked, st.refused, st.unchecked, st.grants,
	       st.strict_unmaps, st.deferred_unmaps, st.releases,
	       w.gone_reused);
	EXPECT_EQ(0, st.violations);
	EXPECT_GT(st.checked, 1000);
	EXPECT_GT(st.refused, 100);
	EXPECT_GT(st.deferred_unmaps, 10);
	EXPECT_EQ(0, iso_oracle_stop(o));

	iommu_detach_device(w.raw, w.dev[RW_RAW]);
	iommu_domain_free(w.raw);
	dfx_buf_free(self, &w.pool);
}

TEST_F(dma_api, oracle_random_workload_finds_nothing)
{
	rw_workload(_metadata, self);
}

TEST_HARNESS_MAIN
