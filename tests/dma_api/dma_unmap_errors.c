// SPDX-License-Identifier: BSD-3-Clause
/*
 * DMA API unmaps that go wrong (a size that does not match the mapping):
 * the kernel-like WARN, and nothing that was unmapped stays reachable by
 * the device once the call returned, strict or lazy (issue 8, defect 3).
 * Every test runs over every IOMMU driver kind (FIXTURE_VARIANT).
 */
#include "dma-fixture.h"

/*
 * Map one page, let the device read it (so an IOTLB caches it), unmap two
 * pages: one WARN, and the page must fault for the device at once.
 */
static void oversize_unmap_invalidates(struct __test_metadata *_metadata,
				       FIXTURE_DATA(dma_api) * self,
				       enum dfx_mode mode)
{
	struct mock_iommu_stats st0, st;
	struct iommu_domain *domain;
	struct sio_device *dev;
	struct dfx_buf b;
	dma_addr_t dma;
	u8 buf[8];
	u64 pa;

	test_add(dev, mode);
	domain = iommu_get_dma_domain(dev);
	ASSERT_EQ(0, dfx_buf_alloc(self, &b, PAGE_SIZE));
	dma = dma_map_phys(dev, b.pa, PAGE_SIZE, DMA_BIDIRECTIONAL);
	ASSERT_EQ(0, dma_mapping_error(dev, dma));
	ASSERT_EQ(0, sio_dma_read(dev, dma, buf, sizeof(buf)));
	if (self->kind == DFX_MOCK)
		mock_iommu_get_stats(self->iommu, &st0);

	test_expect_warns(1);
	dma_unmap_phys(dev, dma, 2 * PAGE_SIZE, DMA_BIDIRECTIONAL);
	EXPECT_EQ(0, iommu_iova_to_phys(domain, dma));
	/* Not after the next flush-queue flush: now. */
	EXPECT_EQ(-EFAULT, sio_dma_translate(dev, dma, SIO_DMA_READ, &pa));
	EXPECT_EQ(-EFAULT, sio_dma_read(dev, dma, buf, sizeof(buf)));
	if (self->kind == DFX_MOCK) {
		/* The mock has no IOTLB: count the invalidation instead. */
		mock_iommu_get_stats(self->iommu, &st);
		if (mode == DFX_STRICT)
			EXPECT_EQ(st0.iotlb_sync + 1, st.iotlb_sync);
		else
			EXPECT_EQ(st0.flush_all + 1, st.flush_all);
	}
	/* Neither a strict nor a lazy unmap: its IOVA is never reused. */
	EXPECT_EQ(0, dfx_stats(dev).unmaps);

	/* The domain keeps working, with no further WARN. */
	dma = dma_map_phys(dev, b.pa, PAGE_SIZE, DMA_BIDIRECTIONAL);
	ASSERT_EQ(0, dma_mapping_error(dev, dma));
	EXPECT_EQ(0, sio_dma_read(dev, dma, buf, sizeof(buf)));
	dma_unmap_phys(dev, dma, PAGE_SIZE, DMA_BIDIRECTIONAL);
	EXPECT_EQ(1, dfx_stats(dev).unmaps);
	dfx_buf_free(self, &b);
}

TEST_F(dma_api, rel3_oversize_unmap_strict_invalidates)
{
	oversize_unmap_invalidates(_metadata, self, DFX_STRICT);
}

TEST_F(dma_api, rel3_oversize_unmap_lazy_invalidates)
{
	oversize_unmap_invalidates(_metadata, self, DFX_LAZY);
}

/*
 * Scatter-gather: a list whose last segment grew between map and unmap
 * unmaps more than was mapped; both mapped pages fault at once.
 */
TEST_F(dma_api, rel3_oversize_unmap_sg_invalidates)
{
	static const enum dfx_mode modes[] = { DFX_STRICT, DFX_LAZY };
	unsigned int m;

	test_expect_warns(ARRAY_SIZE(modes));
	for (m = 0; m < ARRAY_SIZE(modes); m++) {
		struct sio_scatterlist sg[2];
		struct sio_device *dev;
		struct dfx_buf b;
		u8 buf[8];
		u64 pa;
		int n;

		test_add(dev, modes[m]);
		ASSERT_EQ(0, dfx_buf_alloc(self, &b, 4 * PAGE_SIZE));
		sg[0] = (struct sio_scatterlist){ .phys = b.pa + 2 * PAGE_SIZE,
						  .length = PAGE_SIZE };
		sg[1] = (struct sio_scatterlist){ .phys = b.pa,
						  .length = PAGE_SIZE };
		n = dma_map_sg(dev, sg, 2, DMA_BIDIRECTIONAL);
		ASSERT_GT(n, 0);
		ASSERT_EQ(0, sio_dma_read(dev, sg[0].dma_address, buf, 8));
		ASSERT_EQ(0, sio_dma_read(dev, sg[0].dma_address + PAGE_SIZE,
					  buf, 8));
		sg[1].length = 2 * PAGE_SIZE; /* the caller bug */
		dma_unmap_sg(dev, sg, 2, DMA_BIDIRECTIONAL);
		EXPECT_EQ(-EFAULT, sio_dma_translate(dev, sg[0].dma_address,
						     SIO_DMA_READ, &pa));
		EXPECT_EQ(-EFAULT,
			  sio_dma_translate(dev, sg[0].dma_address + PAGE_SIZE,
					    SIO_DMA_READ, &pa));
		dfx_buf_free(self, &b);
	}
}

/*
 * ../shared/repro/stale-iotlb-after-oversize-unmap.c through the public
 * API: after a strict oversize unmap the coherent page is freed and given
 * to another buffer; the device must not reach it through the old address.
 */
TEST_F(dma_api, rel3_stale_iotlb_after_oversize_unmap)
{
	uint64_t dma, phys, dma2, phys2;
	struct sio_device *dev;
	char *cpu, *cpu2;
	char b[9] = { 0 };

	test_add(dev, DFX_STRICT);
	cpu = sio_dma_alloc_coherent(dev, PAGE_SIZE, &dma, &phys);
	ASSERT_NOT_NULL(cpu);
	strcpy(cpu, "SECRET");
	ASSERT_EQ(0, sio_dma_read(dev, dma, b, 4));

	/* The oversize unmap, then the free unmaps a hole: two WARNs. */
	test_expect_warns(2);
	sio_dma_unmap(dev, dma, 2 * PAGE_SIZE, SIO_DMA_BIDIRECTIONAL);
	EXPECT_EQ(-EFAULT, sio_dma_read(dev, dma, b, 6));
	sio_dma_free_coherent(dev, PAGE_SIZE, cpu, dma);
	cpu2 = sio_dma_alloc_coherent(dev, PAGE_SIZE, &dma2, &phys2);
	ASSERT_NOT_NULL(cpu2);
	strcpy(cpu2, "NEWOWNER");
	memset(b, 0, sizeof(b));
	EXPECT_EQ(-EFAULT, sio_dma_read(dev, dma, b, 8));
	EXPECT_NE(0, strcmp(b, "NEWOWNER"));
	EXPECT_EQ(0, sio_dma_read(dev, dma2, b, 8));
	EXPECT_EQ(0, strcmp(b, "NEWOWNER"));
	sio_dma_free_coherent(dev, PAGE_SIZE, cpu2, dma2);
}

TEST_HARNESS_MAIN
