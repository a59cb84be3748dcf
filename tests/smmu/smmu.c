// SPDX-License-Identifier: BSD-3-Clause
/*
 * SMMU driver tests: probe and grouping, stream table entries and context
 * descriptors as the hardware sees them, translated DMA through map/unmap
 * with the IOTLB coherency checker on, faults delivered by the event
 * thread, identity/blocked/stage-2 domains, PASIDs, command errors.
 */
#include <pthread.h>

#include "smmu-test.h"

#define SID0	0x10
#define IOVA	0x40000000UL

FIXTURE(smmu)
{
	struct st s;
	struct sio_device *dev;
	struct iommu_group *group;
};

FIXTURE_SETUP(smmu)
{
	ASSERT_EQ(0, st_init(&self->s, NULL, 0));
	self->dev = st_add_dev(&self->s, "0000:00:02.0", 0);
	ASSERT_FALSE(IS_ERR_OR_NULL(self->dev));
	self->group = fx_group(self->dev);
	ASSERT_NOT_NULL(self->group);
}

FIXTURE_TEARDOWN(smmu)
{
	st_fini(&self->s);
}

/* Claim the group and attach a fresh domain of @flags to it. */
static struct iommu_domain *claim_attach(struct __test_metadata *_metadata,
					 struct st *s, struct sio_device *dev,
					 unsigned int flags)
{
	struct iommu_domain *d;
	static int owner;

	d = iommu_paging_domain_alloc_flags(dev, flags);
	if (IS_ERR_OR_NULL(d))
		return d;
	if (iommu_group_claim_dma_owner(fx_group(dev), &owner) ||
	    iommu_attach_group(d, fx_group(dev))) {
		iommu_domain_free(d);
		return ERR_PTR(-EIO);
	}
	return d;
}

static void release_free(struct sio_device *dev, struct iommu_domain *d)
{
	iommu_detach_group(d, fx_group(dev));
	iommu_group_release_dma_owner(fx_group(dev));
	iommu_domain_free(d);
}

/* Fault handler: records what the event thread delivered. */
struct fault_rec {
	int calls;
	unsigned long iova;
	int flags;
	struct sio_device *dev;
	pthread_t thread;
};

static int record_fault(struct iommu_domain *domain, struct sio_device *dev,
			unsigned long iova, int flags, void *token)
{
	struct fault_rec *r = token;

	r->calls++;
	r->iova = iova;
	r->flags = flags;
	r->dev = dev;
	r->thread = pthread_self();
	return 0;
}

TEST_F(smmu, probe_group_default_domain)
{
	struct iommu_domain *def = fx_default_domain(self->dev);
	struct sio_device *dev2;
	u8 buf[64];
	u64 pa;
	int i;

	ASSERT_NOT_NULL(def);
	EXPECT_EQ(IOMMU_DOMAIN_DMA, iommu_domain_type(def));
	EXPECT_TRUE(def->owner == self->s.iommu->ops);
	EXPECT_EQ(def, fx_group_domain(self->dev));
	EXPECT_EQ((1ULL << 48) - 1, def->geometry.aperture_end);
	EXPECT_TRUE(def->pgsize_bitmap & 0x1000);
	EXPECT_TRUE(iommu_group_id(self->group) >= 0);

	/* Two devices without an alias: two groups. */
	dev2 = st_add_dev(&self->s, "0000:00:03.0", 0);
	ASSERT_FALSE(IS_ERR_OR_NULL(dev2));
	EXPECT_NE(fx_group(dev2), self->group);

	/* Translated DMA through the default domain. */
	pa = st_page(&self->s, 0, 3);
	ASSERT_NE(0, pa);
	ASSERT_EQ(0, iommu_map(def, IOVA, pa, 4096, IOMMU_READ, GFP_KERNEL));
	ASSERT_EQ(0, sio_dma_read(self->dev, IOVA + 100, buf, sizeof(buf)));
	for (i = 0; i < (int)sizeof(buf); i++)
		ASSERT_EQ(st_byte(3, 100 + i), buf[i]);
	/* The other device's stream does not see the mapping. */
	EXPECT_EQ(-EFAULT, sio_dma_read(dev2, IOVA, buf, 8));
	EXPECT_EQ(4096, iommu_unmap(def, IOVA, 4096));
	EXPECT_EQ(-EFAULT, sio_dma_read(self->dev, IOVA, buf, 8));
	sio_phys_free_pages(self->s.mem, pa, 0);
}

TEST(smmu_probe_errors)
{
	struct fx_smmu_config cfg = { 0 };
	struct sio_device *dev;
	struct st s;

	fx_smmu_config_default(&cfg);
	cfg.hw.sid_bits = 8;
	ASSERT_EQ(0, st_init(&s, &cfg, 0));

	/* SID beyond the stream table. */
	dev = fx_dev_alloc(&s.fx, "0000:00:04.0", "smmu0", NULL);
	ASSERT_FALSE(IS_ERR(dev));
	dev->fw.ids[0] = 0x100;
	ASSERT_EQ(0, fx_dev_add(&s.fx, dev));
	EXPECT_NULL(fx_group(dev));

	/* Two devices claiming one SID: the second is refused. */
	dev = fx_dev_alloc(&s.fx, "0000:00:05.0", "smmu0", NULL);
	ASSERT_FALSE(IS_ERR(dev));
	dev->fw.ids[0] = 0x20;
	ASSERT_EQ(0, fx_dev_add(&s.fx, dev));
	EXPECT_NOT_NULL(fx_group(dev));
	dev = fx_dev_alloc(&s.fx, "0000:00:06.0", "smmu0", NULL);
	ASSERT_FALSE(IS_ERR(dev));
	dev->fw.ids[0] = 0x20;
	ASSERT_EQ(0, fx_dev_add(&s.fx, dev));
	EXPECT_NULL(fx_group(dev));

	/* No stream IDs: not an SMMU master. */
	dev = fx_dev_alloc(&s.fx, "0000:00:07.0", "smmu0", NULL);
	ASSERT_FALSE(IS_ERR(dev));
	dev->fw.num_ids = 0;
	ASSERT_EQ(0, fx_dev_add(&s.fx, dev));
	EXPECT_NULL(fx_group(dev));

	/* Aliased devices share a group. */
	dev = fx_dev_alloc(&s.fx, "0000:00:08.0", "smmu0", "slot8");
	ASSERT_EQ(0, fx_dev_add(&s.fx, dev));
	ASSERT_NOT_NULL(fx_group(dev));
	{
		struct sio_device *d2 = fx_dev_alloc(&s.fx, "0000:00:08.1",
						     "smmu0", "slot8");

		ASSERT_EQ(0, fx_dev_add(&s.fx, d2));
		EXPECT_EQ(fx_group(dev), fx_group(d2));
	}
	st_fini(&s);
}

TEST_F(smmu, ste_and_cd_contents)
{
	struct iommu_domain *def = fx_default_domain(self->dev);
	u64 cd0, cd1, ste0;

	ASSERT_NOT_NULL(def);
	ste0 = st_ste(&self->s, SID0, 0);
	EXPECT_TRUE(ste0 & SIO_SMMU_STE0_V);
	EXPECT_EQ(SIO_SMMU_STE0_CONFIG_S1_TRANS, st_ste_config(&self->s, SID0));
	EXPECT_EQ(0, SIO_SMMU_FIELD_GET(SIO_SMMU_STE0_S1CDMAX, ste0));
	EXPECT_EQ(0, SIO_SMMU_FIELD_GET(SIO_SMMU_STE2_S2VMID,
					st_ste(&self->s, SID0, 2)));
	cd0 = st_cd(&self->s, SID0, 0, 0);
	cd1 = st_cd(&self->s, SID0, 0, 1);
	EXPECT_TRUE(cd0 & SIO_SMMU_CD0_V);
	EXPECT_TRUE(cd0 & SIO_SMMU_CD0_R);
	EXPECT_NE(0, SIO_SMMU_FIELD_GET(SIO_SMMU_CD0_ASID, cd0));
	EXPECT_EQ(64 - 48, SIO_SMMU_FIELD_GET(SIO_SMMU_CD0_T0SZ, cd0));
	EXPECT_EQ(SIO_SMMU_TG_4K, SIO_SMMU_FIELD_GET(SIO_SMMU_CD0_TG0, cd0));
	EXPECT_TRUE(sio_phys_range_valid(self->s.mem, cd1 & SIO_SMMU_CD1_TTB0,
					 8));

	/* Unused streams abort; they are valid entries (no C_BAD_STE). */
	EXPECT_EQ(SIO_SMMU_STE0_CONFIG_ABORT, st_ste_config(&self->s, 0x33));
	EXPECT_TRUE(st_ste(&self->s, 0x33, 0) & SIO_SMMU_STE0_V);
}

TEST_F(smmu, ste_follows_blocked_and_paging_domains)
{
	struct sio_hw_smmu_stats hs;
	struct iommu_domain *d;
	static int owner;
	u8 buf[8];
	u64 pa, cd0;

	/* Owned with no domain: the blocking domain aborts silently. */
	ASSERT_EQ(0, iommu_group_claim_dma_owner(self->group, &owner));
	EXPECT_EQ(SIO_SMMU_STE0_CONFIG_ABORT, st_ste_config(&self->s, SID0));
	sio_hw_smmu_reset_stats(self->s.hw);
	EXPECT_EQ(-EFAULT, sio_dma_read(self->dev, IOVA, buf, sizeof(buf)));
	sio_hw_smmu_get_stats(self->s.hw, &hs);
	EXPECT_EQ(0, hs.events);

	/* A new paging domain: a new ASID in CD 0. */
	d = iommu_paging_domain_alloc(self->dev);
	ASSERT_FALSE(IS_ERR_OR_NULL(d));
	ASSERT_EQ(0, iommu_attach_group(d, self->group));
	EXPECT_EQ(SIO_SMMU_STE0_CONFIG_S1_TRANS, st_ste_config(&self->s, SID0));
	cd0 = st_cd(&self->s, SID0, 0, 0);
	EXPECT_NE(SIO_SMMU_FIELD_GET(SIO_SMMU_CD0_ASID, cd0), 0);
	pa = st_page(&self->s, 0, 9);
	ASSERT_EQ(0, iommu_map(d, IOVA, pa, 4096, IOMMU_READ | IOMMU_WRITE,
			       GFP_KERNEL));
	ASSERT_EQ(0, sio_dma_read(self->dev, IOVA + 8, buf, sizeof(buf)));
	EXPECT_EQ(st_byte(9, 8), buf[0]);
	EXPECT_EQ(pa, iommu_iova_to_phys(d, IOVA));

	/* Back to the default domain on release. */
	iommu_detach_group(d, self->group);
	EXPECT_EQ(SIO_SMMU_STE0_CONFIG_ABORT, st_ste_config(&self->s, SID0));
	iommu_group_release_dma_owner(self->group);
	EXPECT_EQ(SIO_SMMU_STE0_CONFIG_S1_TRANS, st_ste_config(&self->s, SID0));
	EXPECT_EQ(-EFAULT, sio_dma_read(self->dev, IOVA, buf, sizeof(buf)));
	iommu_domain_free(d);
	sio_phys_free_pages(self->s.mem, pa, 0);
}

TEST(smmu_identity_domain_bypasses)
{
	struct sio_device *dev;
	u8 buf[16];
	u64 pa;
	struct st s;

	ASSERT_EQ(0, st_init(&s, NULL, 1));
	dev = st_add_dev(&s, "0000:00:02.0", 0);
	ASSERT_FALSE(IS_ERR_OR_NULL(dev));
	ASSERT_NOT_NULL(fx_default_domain(dev));
	EXPECT_EQ(IOMMU_DOMAIN_IDENTITY,
		  iommu_domain_type(fx_default_domain(dev)));
	EXPECT_EQ(SIO_SMMU_STE0_CONFIG_BYPASS, st_ste_config(&s, SID0));
	pa = st_page(&s, 0, 5);
	ASSERT_EQ(0, sio_dma_read(dev, pa + 32, buf, sizeof(buf)));
	EXPECT_EQ(st_byte(5, 32), buf[0]);
	EXPECT_EQ(st_byte(5, 47), buf[15]);
	sio_phys_free_pages(s.mem, pa, 0);
	st_fini(&s);
}

TEST_F(smmu, map_unmap_blocks_and_pages)
{
	struct iommu_domain *d;
	u8 buf[32], w[32];
	u64 pa2m, pa4k;
	int i;

	d = claim_attach(_metadata, &self->s, self->dev, 0);
	ASSERT_FALSE(IS_ERR_OR_NULL(d));
	/* A 2 MiB block and a read-only 4 KiB page. */
	pa2m = st_page(&self->s, 9, 1);
	pa4k = st_page(&self->s, 0, 2);
	ASSERT_NE(0, pa2m);
	ASSERT_EQ(0, iommu_map(d, IOVA, pa2m, 1UL << 21,
			       IOMMU_READ | IOMMU_WRITE, GFP_KERNEL));
	ASSERT_EQ(0, iommu_map(d, IOVA + (4UL << 20), pa4k, 4096, IOMMU_READ,
			       GFP_KERNEL));
	EXPECT_EQ(pa2m + 0x12345, iommu_iova_to_phys(d, IOVA + 0x12345));
	EXPECT_EQ(-EEXIST, iommu_map(d, IOVA + 4096, pa4k, 4096, IOMMU_READ,
				     GFP_KERNEL));

	ASSERT_EQ(0, sio_dma_read(self->dev, IOVA + 0x1ff000, buf, 32));
	EXPECT_EQ(st_byte(1, 0x1ff000), buf[0]);
	for (i = 0; i < 32; i++)
		w[i] = (u8)(0xa0 + i);
	ASSERT_EQ(0, sio_dma_write(self->dev, IOVA + 0x100, w, 32));
	memset(buf, 0, sizeof(buf));
	ASSERT_EQ(0, sio_phys_copy_from(self->s.mem, pa2m + 0x100, buf, 32));
	EXPECT_EQ(0, memcmp(w, buf, 32));
	/* Read-only page: reads work, writes fault. */
	ASSERT_EQ(0, sio_dma_read(self->dev, IOVA + (4UL << 20), buf, 8));
	EXPECT_EQ(-EFAULT, sio_dma_write(self->dev, IOVA + (4UL << 20), w, 8));

	/* Unmap: the block is refused partially, then goes whole. */
	EXPECT_EQ(1UL << 21, iommu_unmap(d, IOVA, 1UL << 21));
	EXPECT_EQ(-EFAULT, sio_dma_read(self->dev, IOVA + 0x100, buf, 8));
	EXPECT_EQ(4096, iommu_unmap(d, IOVA + (4UL << 20), 4096));
	EXPECT_EQ(-EFAULT, sio_dma_read(self->dev, IOVA + (4UL << 20), buf, 8));
	EXPECT_EQ(0, iommu_iova_to_phys(d, IOVA));
	smmu_iommu_flush_events(self->s.iommu);
	release_free(self->dev, d);
	sio_phys_free_pages(self->s.mem, pa2m, 9);
	sio_phys_free_pages(self->s.mem, pa4k, 0);
}

/* Remap one IOVA between pages many times; every read sees the new page. */
static void remap_loop(struct __test_metadata *_metadata, struct st *s,
		       struct sio_device *dev, struct iommu_domain *d)
{
	struct sio_hw_smmu_stats hs;
	u64 pa[4];
	u8 b;
	int i, k;

	for (i = 0; i < 4; i++) {
		pa[i] = st_page(s, 0, (u8)(16 * i));
		ASSERT_NE(0, pa[i]);
	}
	sio_hw_smmu_reset_stats(s->hw);
	for (k = 0; k < 64; k++) {
		unsigned long iova = IOVA + (unsigned long)(k % 8) * 4096;

		i = k % 4;
		ASSERT_EQ(0, iommu_map(d, iova, pa[i], 4096,
				       IOMMU_READ | IOMMU_WRITE, GFP_KERNEL));
		/* Twice: the second read hits the IOTLB (and is checked). */
		ASSERT_EQ(0, sio_dma_read(dev, iova + 1, &b, 1));
		ASSERT_EQ(st_byte((u8)(16 * i), 1), b);
		ASSERT_EQ(0, sio_dma_read(dev, iova + 2, &b, 1));
		ASSERT_EQ(st_byte((u8)(16 * i), 2), b);
		ASSERT_EQ(4096, iommu_unmap(d, iova, 4096));
	}
	sio_hw_smmu_get_stats(s->hw, &hs);
	EXPECT_GT(hs.iotlb_hits, 0);
	EXPECT_GT(hs.iotlb_inv_cmds, 0);
	EXPECT_EQ(0, hs.check_mismatches);
	for (i = 0; i < 4; i++)
		sio_phys_free_pages(s->mem, pa[i], 0);
}

TEST_F(smmu, iotlb_invalidation_with_checker)
{
	struct iommu_domain *d;

	d = claim_attach(_metadata, &self->s, self->dev, 0);
	ASSERT_FALSE(IS_ERR_OR_NULL(d));
	remap_loop(_metadata, &self->s, self->dev, d);
	smmu_iommu_flush_events(self->s.iommu);
	release_free(self->dev, d);
}

TEST_F(smmu, skipped_invalidation_is_caught)
{
	struct iommu_iotlb_gather gather;
	struct sio_hw_smmu_stats hs;
	struct iommu_domain *d;
	size_t mapped = 0;
	u64 pa1, pa2;
	u8 b;

	d = claim_attach(_metadata, &self->s, self->dev, 0);
	ASSERT_FALSE(IS_ERR_OR_NULL(d));
	pa1 = st_page(&self->s, 0, 1);
	pa2 = st_page(&self->s, 0, 2);
	ASSERT_EQ(0, iommu_map(d, IOVA, pa1, 4096, IOMMU_READ, GFP_KERNEL));
	ASSERT_EQ(0, sio_dma_read(self->dev, IOVA, &b, 1));	/* fill */
	/* A caller that forgets iotlb_sync after unmap_pages... */
	iommu_iotlb_gather_init(&gather);
	ASSERT_EQ(4096, d->ops->unmap_pages(d, IOVA, 4096, 1, &gather));
	ASSERT_EQ(0, d->ops->map_pages(d, IOVA, pa2, 4096, 1, IOMMU_READ,
				       GFP_KERNEL, &mapped));
	/* ...leaves a stale translation the checker reports. */
	test_expect_warns(1);
	sio_hw_smmu_reset_stats(self->s.hw);
	ASSERT_EQ(0, sio_dma_read(self->dev, IOVA, &b, 1));
	EXPECT_EQ(st_byte(1, 0), b);	/* the old page: stale */
	sio_hw_smmu_get_stats(self->s.hw, &hs);
	EXPECT_EQ(1, hs.check_mismatches);
	/* The deferred sync repairs it. */
	iommu_iotlb_sync(d, &gather);
	ASSERT_EQ(0, sio_dma_read(self->dev, IOVA, &b, 1));
	EXPECT_EQ(st_byte(2, 0), b);
	EXPECT_EQ(4096, iommu_unmap(d, IOVA, 4096));
	release_free(self->dev, d);
	sio_phys_free_pages(self->s.mem, pa1, 0);
	sio_phys_free_pages(self->s.mem, pa2, 0);
}

TEST_F(smmu, flush_iotlb_all_drops_domain)
{
	struct sio_hw_smmu_stats hs;
	struct iommu_domain *d;
	u64 pa;
	u8 b;

	d = claim_attach(_metadata, &self->s, self->dev, 0);
	ASSERT_FALSE(IS_ERR_OR_NULL(d));
	pa = st_page(&self->s, 0, 4);
	ASSERT_EQ(0, iommu_map(d, IOVA, pa, 4096, IOMMU_READ, GFP_KERNEL));
	ASSERT_EQ(0, sio_dma_read(self->dev, IOVA, &b, 1));
	sio_hw_smmu_get_stats(self->s.hw, &hs);
	EXPECT_GT(hs.iotlb_valid, 0);
	d->ops->flush_iotlb_all(d);
	sio_hw_smmu_get_stats(self->s.hw, &hs);
	EXPECT_EQ(0, hs.iotlb_valid);
	EXPECT_EQ(4096, iommu_unmap(d, IOVA, 4096));
	release_free(self->dev, d);
	sio_phys_free_pages(self->s.mem, pa, 0);
}

TEST_F(smmu, fault_reported_by_event_thread)
{
	struct smmu_iommu_stats st;
	struct fault_rec rec = { 0 };
	struct iommu_domain *d;
	u64 pa;
	u8 b = 0;

	d = claim_attach(_metadata, &self->s, self->dev, 0);
	ASSERT_FALSE(IS_ERR_OR_NULL(d));
	iommu_set_fault_handler(d, record_fault, &rec);

	/* Translation fault on a write. */
	EXPECT_EQ(-EFAULT, sio_dma_write(self->dev, IOVA + 0x2340, &b, 1));
	smmu_iommu_flush_events(self->s.iommu);
	ASSERT_EQ(1, rec.calls);
	EXPECT_EQ(IOVA + 0x2340, rec.iova);
	EXPECT_EQ(IOMMU_FAULT_WRITE, rec.flags);
	EXPECT_EQ(self->dev, rec.dev);
	EXPECT_FALSE(pthread_equal(rec.thread, pthread_self()));

	/* Permission fault: write to a read-only page. */
	pa = st_page(&self->s, 0, 6);
	ASSERT_EQ(0, iommu_map(d, IOVA, pa, 4096, IOMMU_READ, GFP_KERNEL));
	EXPECT_EQ(0, sio_dma_read(self->dev, IOVA, &b, 1));
	EXPECT_EQ(-EFAULT, sio_dma_write(self->dev, IOVA + 8, &b, 1));
	smmu_iommu_flush_events(self->s.iommu);
	ASSERT_EQ(2, rec.calls);
	EXPECT_EQ(IOVA + 8, rec.iova);

	/* A read fault says "read". */
	EXPECT_EQ(-EFAULT, sio_dma_read(self->dev, IOVA + 0x10000, &b, 1));
	smmu_iommu_flush_events(self->s.iommu);
	ASSERT_EQ(3, rec.calls);
	EXPECT_EQ(IOMMU_FAULT_READ, rec.flags);

	smmu_iommu_get_stats(self->s.iommu, &st);
	EXPECT_EQ(3, st.faults_reported);
	EXPECT_EQ(3, st.events);
	EXPECT_EQ(4096, iommu_unmap(d, IOVA, 4096));
	release_free(self->dev, d);
	sio_phys_free_pages(self->s.mem, pa, 0);
}

/*
 * Issue 8 defect 2 (driver side): a paging domain freed while a stream
 * still uses it (attached behind the core's back: the core itself refuses
 * such a free) WARNs, and the driver blocks the stream first, so neither
 * the hardware (walks of freed tables) nor the event thread (a fault
 * reported to the freed domain) touches freed memory.
 */
TEST_F(smmu, domain_free_while_attached_warns_and_blocks)
{
	struct iommu_domain *def = fx_default_domain(self->dev), *d;
	struct fault_rec rec = { 0 };
	unsigned long warns = fx_warns();
	u64 pa;
	u8 b;

	d = iommu_paging_domain_alloc(self->dev);
	ASSERT_FALSE(IS_ERR_OR_NULL(d));
	pa = st_page(&self->s, 0, 3);
	ASSERT_EQ(0, iommu_map(d, IOVA, pa, 4096, IOMMU_READ, GFP_KERNEL));
	iommu_set_fault_handler(d, record_fault, &rec);
	ASSERT_EQ(0, d->ops->attach_dev(d, self->dev, def));
	EXPECT_EQ(0, sio_dma_read(self->dev, IOVA, &b, 1));

	iommu_domain_free(d);
	EXPECT_EQ(1, fx_warns() - warns);
	EXPECT_EQ(-EFAULT, sio_dma_read(self->dev, IOVA, &b, 1));
	EXPECT_EQ(-EFAULT, sio_dma_read(self->dev, IOVA + 0x10000, &b, 1));
	smmu_iommu_flush_events(self->s.iommu);
	EXPECT_EQ(0, rec.calls);

	/* Back to what the core believes the device uses. */
	ASSERT_EQ(0, def->ops->attach_dev(def, self->dev, NULL));
	sio_phys_free_pages(self->s.mem, pa, 0);
	test_expect_warns(1);
}

TEST_F(smmu, stage2_domain)
{
	struct fault_rec rec = { 0 };
	struct iommu_domain *d, *d1;
	u64 pa, ste2;
	u8 b;

	d = claim_attach(_metadata, &self->s, self->dev,
			 IOMMU_HWPT_ALLOC_NEST_PARENT);
	ASSERT_FALSE(IS_ERR_OR_NULL(d));
	EXPECT_EQ(SIO_SMMU_STE0_CONFIG_S2_TRANS, st_ste_config(&self->s, SID0));
	ste2 = st_ste(&self->s, SID0, 2);
	EXPECT_NE(0, SIO_SMMU_FIELD_GET(SIO_SMMU_STE2_S2VMID, ste2));
	EXPECT_TRUE(ste2 & SIO_SMMU_STE2_S2R);
	EXPECT_NE(0, st_ste(&self->s, SID0, 3));
	iommu_set_fault_handler(d, record_fault, &rec);

	pa = st_page(&self->s, 0, 7);
	ASSERT_EQ(0, iommu_map(d, IOVA, pa, 4096, IOMMU_READ | IOMMU_WRITE,
			       GFP_KERNEL));
	ASSERT_EQ(0, sio_dma_read(self->dev, IOVA + 5, &b, 1));
	EXPECT_EQ(st_byte(7, 5), b);
	EXPECT_EQ(4096, iommu_unmap(d, IOVA, 4096));
	remap_loop(_metadata, &self->s, self->dev, d);
	/* A stage-2 fault is reported too. */
	EXPECT_EQ(-EFAULT, sio_dma_read(self->dev, IOVA + 0x80000, &b, 1));
	smmu_iommu_flush_events(self->s.iommu);
	EXPECT_EQ(1, rec.calls);
	EXPECT_EQ(IOVA + 0x80000, rec.iova);

	/* Unsupported combinations. */
	d1 = iommu_paging_domain_alloc_flags(self->dev,
					     IOMMU_HWPT_ALLOC_NEST_PARENT |
					     IOMMU_HWPT_ALLOC_PASID);
	EXPECT_EQ(-EOPNOTSUPP, PTR_ERR(d1));
	d1 = iommu_paging_domain_alloc_flags(self->dev,
					     IOMMU_HWPT_ALLOC_DIRTY_TRACKING);
	EXPECT_EQ(-EOPNOTSUPP, PTR_ERR(d1));
	release_free(self->dev, d);
	sio_phys_free_pages(self->s.mem, pa, 0);
}

TEST(smmu_pasid_attach)
{
	struct iommu_domain *d;
	struct sio_device *dev;
	struct st s;
	u64 pa, cd0;
	u8 b;

	ASSERT_EQ(0, st_init(&s, NULL, 0));
	dev = st_add_dev(&s, "0000:00:02.0", 8);
	ASSERT_FALSE(IS_ERR_OR_NULL(dev));
	d = iommu_paging_domain_alloc_flags(dev, IOMMU_HWPT_ALLOC_PASID);
	ASSERT_FALSE(IS_ERR_OR_NULL(d));
	pa = st_page(&s, 0, 8);
	ASSERT_EQ(0, iommu_map(d, IOVA, pa, 4096, IOMMU_READ, GFP_KERNEL));
	ASSERT_EQ(0, iommu_attach_device_pasid(d, dev, 3, NULL));
	EXPECT_EQ(8, SIO_SMMU_FIELD_GET(SIO_SMMU_STE0_S1CDMAX,
					st_ste(&s, SID0, 0)));
	cd0 = st_cd(&s, SID0, 3, 0);
	EXPECT_TRUE(cd0 & SIO_SMMU_CD0_V);
	ASSERT_EQ(0, sio_dma_read_pasid(dev, 3, IOVA + 9, &b, 1));
	EXPECT_EQ(st_byte(8, 9), b);
	/* The RID still uses its default domain: IOVA is not mapped there. */
	EXPECT_EQ(-EFAULT, sio_dma_read(dev, IOVA, &b, 1));
	/* Another PASID has no CD. */
	EXPECT_EQ(-EFAULT, sio_dma_read_pasid(dev, 4, IOVA, &b, 1));

	iommu_detach_device_pasid(d, dev, 3);
	EXPECT_FALSE(st_cd(&s, SID0, 3, 0) & SIO_SMMU_CD0_V);
	EXPECT_EQ(-EFAULT, sio_dma_read_pasid(dev, 3, IOVA, &b, 1));
	smmu_iommu_flush_events(s.iommu);
	EXPECT_EQ(4096, iommu_unmap(d, IOVA, 4096));
	iommu_domain_free(d);
	sio_phys_free_pages(s.mem, pa, 0);
	st_fini(&s);
}

TEST_F(smmu, illegal_command_is_recovered)
{
	struct smmu_iommu_stats st;
	struct iommu_domain *def = fx_default_domain(self->dev);
	u64 pa;
	u8 b;

	test_expect_warns(1);
	/* Opcode 0xff does not exist: CERROR_ILL, skipped, queue resumes. */
	EXPECT_EQ(-EIO, smmu_iommu_submit_cmd(self->s.iommu, 0xff, 0));
	smmu_iommu_get_stats(self->s.iommu, &st);
	EXPECT_EQ(1, st.cmd_errors);
	EXPECT_GE(st.gerror_irqs, 1);
	EXPECT_EQ(0, SIO_SMMU_FIELD_GET(SIO_SMMU_CMDQ_CONS_ERR,
			sio_hw_smmu_read32(self->s.hw, SIO_SMMU_CMDQ_CONS)));
	EXPECT_EQ(sio_hw_smmu_read32(self->s.hw, SIO_SMMU_GERROR),
		  sio_hw_smmu_read32(self->s.hw, SIO_SMMU_GERRORN));
	/* The queue works again: a legal command, then real invalidations. */
	EXPECT_EQ(0, smmu_iommu_submit_cmd(self->s.iommu,
			SIO_SMMU_FIELD_PREP(SIO_SMMU_CMD0_OP,
					    SIO_SMMU_CMD_TLBI_NSNH_ALL), 0));
	pa = st_page(&self->s, 0, 2);
	ASSERT_EQ(0, iommu_map(def, IOVA, pa, 4096, IOMMU_READ, GFP_KERNEL));
	ASSERT_EQ(0, sio_dma_read(self->dev, IOVA, &b, 1));
	EXPECT_EQ(4096, iommu_unmap(def, IOVA, 4096));
	EXPECT_EQ(-EFAULT, sio_dma_read(self->dev, IOVA, &b, 1));
	smmu_iommu_flush_events(self->s.iommu);
	sio_phys_free_pages(self->s.mem, pa, 0);
}

TEST(smmu_stage2_only_hardware)
{
	struct fx_smmu_config cfg = { 0 };
	struct iommu_domain *def;
	struct sio_device *dev;
	struct st s;
	u64 pa;
	u8 b;

	fx_smmu_config_default(&cfg);
	cfg.hw.stage1 = false;
	cfg.hw.nesting = false;
	cfg.drv.check_iotlb = true;
	ASSERT_EQ(0, st_init(&s, &cfg, 0));
	dev = st_add_dev(&s, "0000:00:02.0", 0);
	ASSERT_FALSE(IS_ERR_OR_NULL(dev));
	def = fx_default_domain(dev);
	ASSERT_NOT_NULL(def);
	EXPECT_EQ(SIO_SMMU_STE0_CONFIG_S2_TRANS, st_ste_config(&s, SID0));
	pa = st_page(&s, 0, 3);
	ASSERT_EQ(0, iommu_map(def, IOVA, pa, 4096, IOMMU_READ, GFP_KERNEL));
	ASSERT_EQ(0, sio_dma_read(dev, IOVA, &b, 1));
	EXPECT_EQ(st_byte(3, 0), b);
	EXPECT_EQ(4096, iommu_unmap(def, IOVA, 4096));
	EXPECT_EQ(-EFAULT, sio_dma_read(dev, IOVA, &b, 1));
	smmu_iommu_flush_events(s.iommu);
	sio_phys_free_pages(s.mem, pa, 0);
	st_fini(&s);
}

TEST(smmu_create_bad_input)
{
	struct fx_smmu_config cfg = { 0 };
	struct iommu_device *i;
	struct st s;

	ASSERT_EQ(0, st_init(&s, NULL, 0));
	/* One driver instance per SMMU; the hardware must exist. */
	EXPECT_EQ(-EEXIST, PTR_ERR(smmu_iommu_create(s.fx.m, "smmu0", NULL)));
	EXPECT_EQ(-EINVAL, PTR_ERR(smmu_iommu_create(s.fx.m, "", NULL)));
	EXPECT_EQ(-ENODEV, PTR_ERR(smmu_iommu_create(s.fx.m, "smmu9", NULL)));
	/* A second SMMU of the same name cannot be put on the machine. */
	fx_smmu_config_default(&cfg);
	cfg.hw.name = "smmu0";
	EXPECT_EQ(-EEXIST, PTR_ERR(sio_hw_smmu_add(s.fx.m, &cfg.hw)));
	/* Hardware the driver refuses: nothing is left bound or listed. */
	cfg.hw.stage1 = cfg.hw.stage2 = cfg.hw.nesting = false;
	i = fx_smmu_create(s.fx.m, "smmu1", &cfg);
	EXPECT_TRUE(IS_ERR(i));
	EXPECT_NULL(sio_hw_smmu_find(s.fx.m, "smmu1"));
	st_fini(&s);
}

/*
 * fail-nth sweep: instance creation with a device, a paging domain, attach
 * and a map.  Every injected failure gives an errno, no WARN and no leak
 * (the harness checks leaks; st_fini checks the physical frames).
 */
TEST(smmu_fail_nth_sweep)
{
	struct iommu_domain *d;
	struct sio_device *dev;
	unsigned int n;
	bool fired = true;
	struct st s;
	static int owner;
	int ret;

	for (n = 1; fired && n < 2000; n++) {
		memset(&s, 0, sizeof(s));
		ASSERT_EQ(0, fx_init(&s.fx, FX_KIND_MOCK, true));
		s.mem = sio_phys_mem_create(0, 0);
		ASSERT_FALSE(IS_ERR(s.mem));
		s.fx.m->mem = s.mem;
		ASSERT_EQ(0, sio_iommu_set_default_domain_policy(s.fx.m, 0, 1));
		sio_fail_nth_set(n);
		s.iommu = fx_smmu_create(s.fx.m, "smmu0", NULL);
		if (IS_ERR(s.iommu)) {
			ret = (int)PTR_ERR(s.iommu);
			s.iommu = NULL;
			EXPECT_TRUE(ret == -ENOMEM || ret == -EAGAIN);
			goto next;
		}
		s.hw = smmu_iommu_hw(s.iommu);
		dev = st_add_dev(&s, "0000:00:02.0", 4);
		if (IS_ERR_OR_NULL(dev) || !fx_group(dev))
			goto next;
		d = iommu_paging_domain_alloc(dev);
		if (IS_ERR_OR_NULL(d))
			goto next;
		if (!iommu_group_claim_dma_owner(fx_group(dev), &owner)) {
			if (!iommu_attach_group(d, fx_group(dev))) {
				iommu_map(d, IOVA, 0x40000000ULL, 1UL << 21,
					  IOMMU_READ, GFP_KERNEL);
				iommu_unmap(d, IOVA, 1UL << 21);
				iommu_detach_group(d, fx_group(dev));
			}
			iommu_group_release_dma_owner(fx_group(dev));
		}
		iommu_domain_free(d);
next:
		fired = sio_fail_nth_fired();
		sio_fail_nth_set(0);
		st_fini(&s);
	}
	EXPECT_FALSE(fired);
}

TEST_HARNESS_MAIN
