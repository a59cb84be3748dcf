// SPDX-License-Identifier: BSD-3-Clause
/*
 * The DMA API end to end: map/unmap single, scatter-gather and coherent
 * through identity, DMA (strict) and DMA-FQ (lazy) default domains, device
 * DMA through the IOMMU, faults, rules 79/80, the sysfs DMA -> DMA-FQ
 * switch, the NIC and the DMA engine.  Every test runs over every IOMMU
 * driver kind (FIXTURE_VARIANT).
 */
#include "dma-fixture.h"
#include "endpoints/dma-endpoints.h"

static const enum dfx_mode all_modes[] = { DFX_IDENTITY, DFX_STRICT, DFX_LAZY };

static unsigned int dfx_domain_type(enum dfx_mode mode)
{
	return mode == DFX_IDENTITY ? IOMMU_DOMAIN_IDENTITY :
	       mode == DFX_STRICT   ? IOMMU_DOMAIN_DMA :
				      IOMMU_DOMAIN_DMA_FQ;
}

/* dma_map_phys: the device reads what the CPU wrote and vice versa. */
TEST_F(dma_api, map_single_all_modes)
{
	unsigned int m;

	for (m = 0; m < ARRAY_SIZE(all_modes); m++) {
		enum dfx_mode mode = all_modes[m];
		struct sio_device *dev;
		struct dfx_buf b;
		u8 rd[300], wr[300];
		dma_addr_t dma;

		test_add(dev, mode);
		ASSERT_EQ(dfx_domain_type(mode),
			  iommu_domain_type(iommu_get_dma_domain(dev)));
		ASSERT_EQ(0, dfx_buf_alloc(self, &b, 2 * PAGE_SIZE));
		dfx_pattern(b.cpu, 2 * PAGE_SIZE, m);

		/* 300 bytes straddling a page boundary, odd offset. */
		dma = dma_map_phys(dev, b.pa + PAGE_SIZE - 100, 300,
				   DMA_BIDIRECTIONAL);
		ASSERT_EQ(0, dma_mapping_error(dev, dma));
		if (mode == DFX_IDENTITY) {
			EXPECT_EQ(b.pa + PAGE_SIZE - 100, dma);
		} else {
			/* The offset in the granule survives (§10.2). */
			EXPECT_EQ((b.pa + PAGE_SIZE - 100) & (PAGE_SIZE - 1),
				  dma & (PAGE_SIZE - 1));
			EXPECT_EQ(1, dfx_stats(dev).maps);
		}
		ASSERT_EQ(0, sio_dma_read(dev, dma, rd, sizeof(rd)));
		EXPECT_EQ(0, memcmp(rd, b.cpu + PAGE_SIZE - 100, sizeof(rd)));
		dfx_pattern(wr, sizeof(wr), 99 + m);
		ASSERT_EQ(0, sio_dma_write(dev, dma, wr, sizeof(wr)));
		EXPECT_EQ(0, memcmp(wr, b.cpu + PAGE_SIZE - 100, sizeof(wr)));

		dma_unmap_phys(dev, dma, 300, DMA_BIDIRECTIONAL);
		if (mode != DFX_IDENTITY)
			EXPECT_EQ(1, dfx_stats(dev).unmaps);
		dfx_buf_free(self, &b);
	}
}

/* dma_map_single takes a host pointer into RAM; anything else fails. */
TEST_F(dma_api, map_single_host_pointer)
{
	struct sio_device *dev;
	struct dfx_buf b;
	static u8 not_ram[64];
	dma_addr_t dma;
	u64 pa;

	test_add(dev, DFX_STRICT);
	ASSERT_EQ(0, dfx_buf_alloc(self, &b, PAGE_SIZE));
	dma = dma_map_single(dev, b.cpu + 8, 64, DMA_TO_DEVICE);
	ASSERT_EQ(0, dma_mapping_error(dev, dma));
	ASSERT_EQ(0, sio_dma_translate(dev, dma, SIO_DMA_READ, &pa));
	EXPECT_EQ(b.pa + 8, pa);
	dma_unmap_single(dev, dma, 64, DMA_TO_DEVICE);

	dma = dma_map_single(dev, not_ram, sizeof(not_ram), DMA_TO_DEVICE);
	EXPECT_EQ(-ENOMEM, dma_mapping_error(dev, dma));
	EXPECT_EQ(DMA_MAPPING_ERROR, dma);
	dfx_buf_free(self, &b);
}

/* A scatter-gather list gets one contiguous IOVA range (§10.2). */
TEST_F(dma_api, map_sg_all_modes)
{
	unsigned int m, i;

	for (m = 0; m < ARRAY_SIZE(all_modes); m++) {
		enum dfx_mode mode = all_modes[m];
		struct sio_scatterlist sg[4];
		struct sio_device *dev;
		struct dfx_buf b;
		u8 want[4 * PAGE_SIZE], got[4 * PAGE_SIZE];
		size_t total = 0, off = 0;
		int n;

		test_add(dev, mode);
		ASSERT_EQ(0, dfx_buf_alloc(self, &b, 16 * PAGE_SIZE));
		dfx_pattern(b.cpu, 16 * PAGE_SIZE, 7 + m);
		/* Pages 9, 2-3 (ends on a boundary), 6 (starts on one), 12+100. */
		sg[0] = (struct sio_scatterlist){
			.phys = b.pa + 9 * PAGE_SIZE + 40, .length = 1000
		};
		sg[1] = (struct sio_scatterlist){
			.phys = b.pa + 2 * PAGE_SIZE + 96,
			.length = 2 * PAGE_SIZE - 96
		};
		sg[2] = (struct sio_scatterlist){ .phys = b.pa + 6 * PAGE_SIZE,
						  .length = PAGE_SIZE };
		sg[3] = (struct sio_scatterlist){
			.phys = b.pa + 12 * PAGE_SIZE + 100, .length = 50
		};
		for (i = 0; i < 4; i++) {
			memcpy(want + total, b.cpu + (sg[i].phys - b.pa),
			       sg[i].length);
			total += sg[i].length;
		}
		n = dma_map_sg(dev, sg, 4, DMA_TO_DEVICE);
		ASSERT_GT(n, 0);
		if (mode == DFX_IDENTITY) {
			ASSERT_EQ(4, n);
			EXPECT_EQ(sg[2].phys, sg[2].dma_address);
		} else {
			/* sg[1] ends and sg[2] starts on a granule: merged. */
			ASSERT_EQ(3, n);
			EXPECT_EQ(sg[1].length + sg[2].length,
				  sg[1].dma_length);
			/* One range: each DMA segment follows the previous. */
			EXPECT_EQ(ALIGN(sg[0].dma_address + sg[0].dma_length,
					PAGE_SIZE),
				  ALIGN_DOWN(sg[1].dma_address, PAGE_SIZE));
			EXPECT_EQ(sg[1].dma_address + sg[1].dma_length,
				  ALIGN_DOWN(sg[2].dma_address, PAGE_SIZE));
		}
		for (i = 0; i < (unsigned int)n; i++) {
			ASSERT_EQ(0, sio_dma_read(dev, sg[i].dma_address,
						  got + off, sg[i].dma_length));
			off += sg[i].dma_length;
		}
		ASSERT_EQ(total, off);
		EXPECT_EQ(0, memcmp(want, got, total));
		dma_unmap_sg(dev, sg, 4, DMA_TO_DEVICE);
		if (mode == DFX_STRICT) {
			u64 pa;

			EXPECT_EQ(-EFAULT,
				  sio_dma_translate(dev, sg[0].dma_address,
						    SIO_DMA_READ, &pa));
			EXPECT_EQ(1, dfx_stats(dev).strict_unmaps);
		}
		dfx_buf_free(self, &b);
	}
}

/* Coherent memory: the device and the CPU see each other's writes. */
TEST_F(dma_api, alloc_coherent_all_modes)
{
	unsigned int m;

	for (m = 0; m < ARRAY_SIZE(all_modes); m++) {
		struct sio_device *dev;
		long pages = sio_phys_nr_live_pages(self->mem);
		dma_addr_t dma;
		u8 *cpu, buf[100];
		size_t size = 3 * PAGE_SIZE + 5;

		test_add(dev, all_modes[m]);
		pages = sio_phys_nr_live_pages(self->mem);
		cpu = dma_alloc_coherent(dev, size, &dma, GFP_KERNEL);
		ASSERT_NOT_NULL(cpu);
		EXPECT_EQ(0, cpu[size - 1]); /* zeroed */
		dfx_pattern(buf, sizeof(buf), m);
		ASSERT_EQ(0, sio_dma_write(dev, dma + 3 * PAGE_SIZE - 50, buf,
					   sizeof(buf)));
		EXPECT_EQ(0,
			  memcmp(cpu + 3 * PAGE_SIZE - 50, buf, sizeof(buf)));
		cpu[0] = 0xa5;
		ASSERT_EQ(0, sio_dma_read(dev, dma, buf, 1));
		EXPECT_EQ(0xa5, buf[0]);
		dma_free_coherent(dev, size, cpu, dma);
		/* Coherent pages are back; page-table pages may stay. */
		EXPECT_GE(pages,
			  sio_phys_nr_live_pages(self->mem) -
				  (all_modes[m] == DFX_IDENTITY ? 0 : 64));
	}
}

/* DMA to an unmapped IOVA: the device sees -EFAULT, nothing crashes. */
TEST_F(dma_api, dma_to_unmapped_iova_faults)
{
	struct sio_device *dev, *idev;
	u8 buf[64];
	u64 pa;

	test_add(dev, DFX_STRICT);
	memset(buf, 0x5a, sizeof(buf));
	EXPECT_EQ(-EFAULT, sio_dma_read(dev, 0x12345000, buf, sizeof(buf)));
	EXPECT_EQ(-EFAULT, sio_dma_write(dev, 0x7ff000, buf, sizeof(buf)));
	EXPECT_EQ(-EFAULT, sio_dma_write(dev, ~0ULL - 8, buf, sizeof(buf)));
	EXPECT_EQ(-EFAULT, sio_dma_translate(dev, 0, SIO_DMA_READ, &pa));
	EXPECT_EQ(-EINVAL, sio_dma_translate(dev, 0, 0, &pa));
	EXPECT_EQ(0, sio_dma_read(dev, 0x1000, buf, 0));

	/* Identity: the address is physical; outside RAM is an abort. */
	test_add(idev, DFX_IDENTITY);
	EXPECT_EQ(-EFAULT, sio_dma_read(idev, 0x1000, buf, sizeof(buf)));
	EXPECT_EQ(-EFAULT,
		  sio_dma_write(idev,
				DFX_RAM_SIZE + SIO_PHYS_MEM_DEFAULT_BASE - 8,
				buf, sizeof(buf)));
	EXPECT_EQ(0,
		  sio_dma_write(idev,
				SIO_PHYS_MEM_DEFAULT_BASE + DFX_RAM_SIZE - 64,
				buf, sizeof(buf)));
	EXPECT_EQ(-EINVAL, sio_dma_read(NULL, 0, buf, 1));
	EXPECT_EQ(-EINVAL, sio_dma_read(dev, 0, NULL, 1));
}

/* A device without an IOMMU does DMA with physical addresses. */
TEST_F(dma_api, no_iommu_is_physical)
{
	struct sio_device *dev;
	struct dfx_buf b;
	dma_addr_t dma;
	u8 buf[16];

	dev = fx_add_dev(&self->fx, "0000:00:1f.0", NULL, NULL);
	ASSERT_FALSE(IS_ERR_OR_NULL(dev));
	ASSERT_EQ(0, dfx_buf_alloc(self, &b, PAGE_SIZE));
	dfx_pattern(b.cpu, PAGE_SIZE, 3);
	dma = dma_map_phys(dev, b.pa + 16, 16, DMA_BIDIRECTIONAL);
	EXPECT_EQ(b.pa + 16, dma);
	ASSERT_EQ(0, sio_dma_read(dev, dma, buf, sizeof(buf)));
	EXPECT_EQ(0, memcmp(buf, b.cpu + 16, sizeof(buf)));
	dma_unmap_phys(dev, dma, 16, DMA_BIDIRECTIONAL);
	EXPECT_EQ(-EFAULT, sio_dma_read_pasid(dev, 1, dma, buf, 1));
	/* A 32-bit device cannot reach RAM above its mask without bounce. */
	dev->dma_mask = 0;
	EXPECT_EQ(DMA_BIT_MASK(32), dma_get_mask(dev));
	EXPECT_EQ(-EIO, dma_set_mask(dev, DMA_BIT_MASK(24)));
	dfx_buf_free(self, &b);
}

/* The device cannot write through a DMA_TO_DEVICE (read-only) mapping. */
TEST_F(dma_api, write_to_readonly_mapping_fails)
{
	struct sio_device *dev;
	struct dfx_buf b;
	dma_addr_t dma;
	u8 buf[32], junk[32];

	test_add(dev, DFX_STRICT);
	ASSERT_EQ(0, dfx_buf_alloc(self, &b, PAGE_SIZE));
	dfx_pattern(b.cpu, PAGE_SIZE, 1);
	dma = dma_map_phys(dev, b.pa, PAGE_SIZE, DMA_TO_DEVICE);
	ASSERT_EQ(0, dma_mapping_error(dev, dma));
	ASSERT_EQ(0, sio_dma_read(dev, dma, buf, sizeof(buf)));
	memset(junk, 0xee, sizeof(junk));
	EXPECT_EQ(-EFAULT, sio_dma_write(dev, dma, junk, sizeof(junk)));
	EXPECT_EQ(0, memcmp(buf, b.cpu, sizeof(buf))); /* unchanged */
	dma_unmap_phys(dev, dma, PAGE_SIZE, DMA_TO_DEVICE);

	/*
	 * DMA_FROM_DEVICE allows writes.  (Whether it also allows reads is
	 * the format's business: ARM LPAE stage 1 cannot say write-only.)
	 */
	dma = dma_map_phys(dev, b.pa, PAGE_SIZE, DMA_FROM_DEVICE);
	ASSERT_EQ(0, dma_mapping_error(dev, dma));
	EXPECT_EQ(0, sio_dma_write(dev, dma, junk, sizeof(junk)));
	EXPECT_EQ(0, memcmp(junk, b.cpu, sizeof(junk)));
	dma_unmap_phys(dev, dma, PAGE_SIZE, DMA_FROM_DEVICE);
	dfx_buf_free(self, &b);
}

/* The machine, not the driver, wired the device's DMA to its IOMMU. */
TEST_F(dma_api, device_link_is_the_machines)
{
	struct sio_device *dev;

	dev = dfx_add(self, DFX_STRICT, false);
	ASSERT_FALSE(IS_ERR_OR_NULL(dev));
	EXPECT_EQ(SIO_DMA_LINK_LIVE, sio_dma_link_state(dev));
}

/*
 * The mock checker: a lazy (queued) unmap is never synced, so it must leave
 * no "needs iotlb_sync" record behind for a later strict unmap through the
 * same gather to trip over; a strict unmap never synced is still caught.
 */
TEST_F(dma_api, mock_checker_lazy_unmap_needs_no_sync)
{
	const unsigned long iova = 0x100000;
	struct mock_iommu_stats st0, st;
	struct iommu_iotlb_gather g;
	struct iommu_domain *d;
	struct sio_device *dev;
	struct dfx_buf b;
	int i;

	if (self->kind != DFX_MOCK)
		SKIP(return, "the mock driver's checker");
	dev = dfx_add(self, DFX_STRICT, false);
	ASSERT_FALSE(IS_ERR_OR_NULL(dev));
	d = iommu_paging_domain_alloc(dev);
	ASSERT_FALSE(IS_ERR_OR_NULL(d));
	ASSERT_EQ(0, dfx_buf_alloc(self, &b, PAGE_SIZE));
	for (i = 0; i < 3; i++)
		ASSERT_EQ(0, iommu_map(d, iova + i * PAGE_SIZE, b.pa, PAGE_SIZE,
				       IOMMU_READ, GFP_KERNEL));
	mock_iommu_get_stats(self->iommu, &st0);

	/* Lazy: gathered, never synced; a whole-domain flush follows. */
	iommu_iotlb_gather_init(&g);
	g.queued = true;
	EXPECT_EQ(PAGE_SIZE, d->ops->unmap_pages(d, iova, PAGE_SIZE, 1, &g));
	d->ops->flush_iotlb_all(d);
	/* Strict, same gather: no stale record from the lazy unmap. */
	iommu_iotlb_gather_init(&g);
	EXPECT_EQ(PAGE_SIZE, d->ops->unmap_pages(d, iova + PAGE_SIZE, PAGE_SIZE,
						 1, &g));
	iommu_iotlb_sync(d, &g);
	mock_iommu_get_stats(self->iommu, &st);
	EXPECT_EQ(st0.checker_warns, st.checker_warns);

	/* Strict and never synced: the next unmap through it WARNs. */
	test_expect_warns(1);
	iommu_iotlb_gather_init(&g);
	EXPECT_EQ(PAGE_SIZE, d->ops->unmap_pages(d, iova + 2 * PAGE_SIZE,
						 PAGE_SIZE, 1, &g));
	iommu_iotlb_gather_init(&g);
	EXPECT_EQ(0, d->ops->unmap_pages(d, iova, PAGE_SIZE, 1, &g));
	mock_iommu_get_stats(self->iommu, &st);
	EXPECT_EQ(st0.checker_warns + 1, st.checker_warns);
	EXPECT_EQ(0, mock_domain_mapped_bytes(d));
	iommu_domain_free(d);
	dfx_buf_free(self, &b);
}

/* Strict: when unmap returns, nothing translates the IOVA any more. */
TEST_F(dma_api, strict_unmap_leaves_no_translation)
{
	struct iommu_dma_stats st;
	struct sio_device *dev;
	struct dfx_buf b;
	dma_addr_t dma;
	u8 buf[8];
	u64 pa;
	int i;

	test_add(dev, DFX_STRICT);
	ASSERT_EQ(0, dfx_buf_alloc(self, &b, 8 * PAGE_SIZE));
	for (i = 0; i < 16; i++) {
		size_t size = (size_t)(i % 8 + 1) * PAGE_SIZE;

		dma = dma_map_phys(dev, b.pa, size, DMA_BIDIRECTIONAL);
		ASSERT_EQ(0, dma_mapping_error(dev, dma));
		/* Rule 79: size-aligned IOVAs. */
		EXPECT_EQ(0, dma & (roundup_pow_of_two(size) - 1));
		/* Warm whatever caches translations. */
		ASSERT_EQ(0, sio_dma_read(dev, dma + size - 8, buf, 8));
		dma_unmap_phys(dev, dma, size, DMA_BIDIRECTIONAL);
		EXPECT_EQ(0,
			  iommu_iova_to_phys(iommu_get_dma_domain(dev), dma));
		EXPECT_EQ(-EFAULT, sio_dma_translate(dev, dma + size - 8,
						     SIO_DMA_READ, &pa));
	}
	st = dfx_stats(dev);
	EXPECT_EQ(16, st.strict_unmaps);
	EXPECT_EQ(0, st.lazy_unmaps);
	EXPECT_FALSE(st.fq_ready);
	dfx_buf_free(self, &b);
}

/*
 * Rule 80 end to end: in DMA-FQ mode an unmapped IOVA is not handed out
 * again until a flush-queue IOTLB flush completed after it was queued.
 */
TEST_F(dma_api, rule_80_lazy_iova_not_reused_before_flush)
{
	struct {
		dma_addr_t iova;
		unsigned long flushes; /* completed flushes when queued */
	} q[64];
	struct iommu_dma_stats st;
	struct sio_device *dev;
	struct dfx_buf b;
	dma_addr_t dma;
	unsigned int i, j, nq = 0;

	test_add(dev, DFX_LAZY);
	ASSERT_EQ(0, dfx_buf_alloc(self, &b, PAGE_SIZE));
	for (i = 0; i < ARRAY_SIZE(q); i++) {
		dma = dma_map_phys(dev, b.pa, PAGE_SIZE, DMA_BIDIRECTIONAL);
		ASSERT_EQ(0, dma_mapping_error(dev, dma));
		st = dfx_stats(dev);
		for (j = 0; j < nq; j++) {
			/* Reuse is only legal after a later flush finished. */
			if (q[j].iova == dma)
				ASSERT_LT(q[j].flushes, st.fq_flushes);
		}
		dma_unmap_phys(dev, dma, PAGE_SIZE, DMA_BIDIRECTIONAL);
		st = dfx_stats(dev);
		q[nq].iova = dma;
		q[nq++].flushes = st.fq_flushes;
	}
	st = dfx_stats(dev);
	EXPECT_TRUE(st.fq_ready);
	EXPECT_EQ(ARRAY_SIZE(q), st.lazy_unmaps);
	EXPECT_EQ(0, st.strict_unmaps);

	/* After an explicit flush nothing is pending and IOVAs come back. */
	ASSERT_EQ(0, iommu_dma_flush_fq(iommu_get_dma_domain(dev)));
	st = dfx_stats(dev);
	EXPECT_EQ(0, st.fq_pending);
	EXPECT_LT(q[nq - 1].flushes, st.fq_flushes);
	dfx_buf_free(self, &b);
}

/* sysfs "type": DMA -> DMA-FQ with a driver bound switches unmap to lazy. */
TEST_F(dma_api, sysfs_dma_to_dma_fq_switches_unmap_mode)
{
	struct iommu_dma_stats st;
	struct sio_device *dev;
	struct dfx_buf b;
	dma_addr_t dma;
	char type[32];

	test_add(dev, DFX_STRICT);
	ASSERT_EQ(0, dfx_buf_alloc(self, &b, PAGE_SIZE));
	dma = dma_map_phys(dev, b.pa, PAGE_SIZE, DMA_TO_DEVICE);
	ASSERT_EQ(0, dma_mapping_error(dev, dma));
	dma_unmap_phys(dev, dma, PAGE_SIZE, DMA_TO_DEVICE);
	st = dfx_stats(dev);
	EXPECT_EQ(1, st.strict_unmaps);
	EXPECT_EQ(0, st.lazy_unmaps);

	ASSERT_LT(0, fx_group_type_write(&self->fx, dev, "DMA-FQ\n"));
	ASSERT_LT(0, fx_group_type_read(&self->fx, dev, type, sizeof(type)));
	EXPECT_STREQ("DMA-FQ", type);

	dma = dma_map_phys(dev, b.pa, PAGE_SIZE, DMA_TO_DEVICE);
	ASSERT_EQ(0, dma_mapping_error(dev, dma));
	dma_unmap_phys(dev, dma, PAGE_SIZE, DMA_TO_DEVICE);
	st = dfx_stats(dev);
	EXPECT_EQ(1, st.strict_unmaps);
	EXPECT_EQ(1, st.lazy_unmaps);
	EXPECT_TRUE(st.fq_ready);
	/* The other way needs an unbound group (rule 13). */
	EXPECT_EQ(-EPERM, fx_group_type_write(&self->fx, dev, "DMA"));
	dfx_buf_free(self, &b);
}

/* A deferred attach happens at the first map (mock only: the flag). */
TEST_F(dma_api, deferred_attach_on_first_map)
{
	struct mock_iommu_config cfg = { .flags =
						 MOCK_IOMMU_F_DEFERRED_ATTACH };
	struct iommu_device *iommu1;
	struct sio_device *dev;
	struct dfx_buf b;
	dma_addr_t dma;
	u8 buf[4];

	if (self->kind != DFX_MOCK)
		SKIP(return, "needs the mock's deferred-attach flag");
	iommu1 = mock_iommu_create(self->fx.m, "iommu1", &cfg);
	ASSERT_FALSE(IS_ERR_OR_NULL(iommu1));
	ASSERT_EQ(0, sio_iommu_set_default_domain_policy(self->fx.m, 0, 1));
	dev = fx_add_dev(&self->fx, "0000:00:1e.0", "iommu1", NULL);
	ASSERT_FALSE(IS_ERR_OR_NULL(dev));
	EXPECT_NULL(mock_dev_attached_domain(dev));
	ASSERT_EQ(0, dfx_buf_alloc(self, &b, PAGE_SIZE));
	dma = dma_map_phys(dev, b.pa, PAGE_SIZE, DMA_BIDIRECTIONAL);
	ASSERT_EQ(0, dma_mapping_error(dev, dma));
	EXPECT_EQ(iommu_get_dma_domain(dev), mock_dev_attached_domain(dev));
	EXPECT_EQ(0, sio_dma_read(dev, dma, buf, sizeof(buf)));
	dma_unmap_phys(dev, dma, PAGE_SIZE, DMA_BIDIRECTIONAL);
	dfx_buf_free(self, &b);
	fx_del_dev(&self->fx, dev);
	mock_iommu_destroy(iommu1);
}

static const char *const nic_ids[] = { "fx,dev", NULL };

/* The NIC: rings from dma_alloc_coherent, buffers via dma_map_single. */
TEST_F(dma_api, nic_rx_tx_end_to_end)
{
	struct sio_driver drv = {
		.name = "nic-dma",
		.ids = nic_ids,
		.probe = sio_nic_dma_probe,
		.remove = sio_nic_dma_remove,
	};
	unsigned int m, i;

	ASSERT_EQ(0, sio_driver_register(self->fx.pci, &drv));
	for (m = 0; m < ARRAY_SIZE(all_modes); m++) {
		struct sio_nic_stats st;
		struct sio_device *dev;
		u8 frame[1500], got[SIO_NIC_BUF_SIZE];
		long pages;

		dev = dfx_add(self, all_modes[m], false);
		ASSERT_FALSE(IS_ERR_OR_NULL(dev));
		pages = sio_phys_nr_live_pages(self->mem);
		ASSERT_EQ(0, sio_device_driver_attach(&drv, dev));
		/* More packets than descriptors: buffers are remapped. */
		for (i = 0; i < 3 * SIO_NIC_RING_DEFAULT; i++) {
			size_t len = 60 + (i * 97) % (sizeof(frame) - 60);

			dfx_pattern(frame, len, i);
			ASSERT_EQ(0, sio_nic_rx(dev, frame, len));
			ASSERT_EQ((ssize_t)len,
				  sio_nic_last_rx(dev, got, sizeof(got)));
			ASSERT_EQ(0, memcmp(frame, got, len));
			dfx_pattern(frame, len, 1000 + i);
			ASSERT_EQ(0, sio_nic_tx(dev, frame, len));
			ASSERT_EQ((ssize_t)len,
				  sio_nic_last_tx(dev, got, sizeof(got)));
			ASSERT_EQ(0, memcmp(frame, got, len));
		}
		EXPECT_EQ(-EMSGSIZE,
			  sio_nic_rx(dev, got, SIO_NIC_BUF_SIZE + 1));
		ASSERT_EQ(0, sio_nic_get_stats(dev, &st));
		EXPECT_EQ(3 * SIO_NIC_RING_DEFAULT, st.rx_packets);
		EXPECT_EQ(3 * SIO_NIC_RING_DEFAULT, st.tx_packets);
		EXPECT_EQ(0, st.rx_errors);
		EXPECT_EQ(1, st.rx_dropped);
		EXPECT_EQ(0, st.tx_errors);

		/* Unbind unmaps and frees everything. */
		sio_device_release_driver(dev);
		EXPECT_EQ(-ENODEV, sio_nic_rx(dev, frame, 60));
		if (all_modes[m] != DFX_IDENTITY) {
			struct iommu_dma_stats ds = dfx_stats(dev);

			EXPECT_EQ(ds.maps, ds.unmaps);
			if (self->kind == DFX_MOCK)
				EXPECT_EQ(0,
					  mock_domain_mapped_bytes(
						  iommu_get_dma_domain(dev)));
			iommu_dma_flush_fq(iommu_get_dma_domain(dev));
		}
		/* Page-table pages may stay allocated with the domain. */
		EXPECT_GE(pages + (self->kind == DFX_SMMU ? 64 : 0),
			  sio_phys_nr_live_pages(self->mem));
	}
	sio_driver_unregister(&drv);
}

/* A device fault inside the NIC's DMA is the device's errno, counted. */
TEST_F(dma_api, nic_rx_fault_counted)
{
	struct sio_nic_stats st;
	struct sio_nic_dma *nic;
	struct sio_device *dev;
	u8 frame[64] = { 1 };

	dev = dfx_add(self, DFX_STRICT, true);
	ASSERT_FALSE(IS_ERR_OR_NULL(dev));
	nic = sio_nic_dma_create(
		dev, &(struct sio_nic_dma_cfg){ .ring_entries = 4 });
	ASSERT_FALSE(IS_ERR_OR_NULL(nic));
	/* The driver tears its rx ring mapping down under the device. */
	EXPECT_EQ(-EEXIST, PTR_ERR(sio_nic_dma_create(dev, NULL)));
	EXPECT_EQ(
		-EINVAL,
		PTR_ERR(sio_nic_dma_create(
			dev, &(struct sio_nic_dma_cfg){ .ring_entries = 3 })));
	ASSERT_EQ(0, sio_nic_dma_rx(nic, frame, sizeof(frame)));
	sio_nic_dma_get_stats(nic, &st);
	EXPECT_EQ(1, st.rx_packets);
	sio_nic_dma_destroy(nic);
	EXPECT_EQ(-ENODEV, sio_nic_rx(dev, frame, sizeof(frame)));
}

/* The DMA engine copies between two IOVAs; a bad one faults. */
TEST_F(dma_api, dmaengine_copy)
{
	struct sio_device *dev;
	struct dfx_buf src, dst;
	dma_addr_t s, d;
	size_t len = 3 * PAGE_SIZE - 300;

	test_add(dev, DFX_STRICT);
	ASSERT_EQ(0, dfx_buf_alloc(self, &src, 4 * PAGE_SIZE));
	ASSERT_EQ(0, dfx_buf_alloc(self, &dst, 4 * PAGE_SIZE));
	dfx_pattern(src.cpu, 4 * PAGE_SIZE, 5);
	s = dma_map_phys(dev, src.pa + 100, len, DMA_TO_DEVICE);
	d = dma_map_phys(dev, dst.pa + 200, len, DMA_FROM_DEVICE);
	ASSERT_EQ(0, dma_mapping_error(dev, s));
	ASSERT_EQ(0, dma_mapping_error(dev, d));
	ASSERT_EQ(0, sio_dmaengine_copy(dev, s, d, len));
	EXPECT_EQ(0, memcmp(src.cpu + 100, dst.cpu + 200, len));
	ASSERT_EQ(0, sio_dmaengine_fill(dev, d, 0x3c, 10));
	EXPECT_EQ(0x3c, dst.cpu[209]);
	EXPECT_EQ(-EFAULT, sio_dmaengine_copy(dev, s, 0x40000000000ULL, 16));
	EXPECT_EQ(-EFAULT, sio_dmaengine_copy(dev, 0x40000000000ULL, d, 16));
	dma_unmap_phys(dev, s, len, DMA_TO_DEVICE);
	dma_unmap_phys(dev, d, len, DMA_FROM_DEVICE);
	dfx_buf_free(self, &src);
	dfx_buf_free(self, &dst);
}

/* Bad arguments: errors, never a crash or a half-made mapping. */
TEST_F(dma_api, bad_arguments)
{
	struct sio_scatterlist sg[2] = { { .phys = 0, .length = 0 } };
	struct sio_device *dev;
	struct dfx_buf b;
	dma_addr_t dma;

	test_add(dev, DFX_STRICT);
	ASSERT_EQ(0, dfx_buf_alloc(self, &b, PAGE_SIZE));
	EXPECT_EQ(DMA_MAPPING_ERROR, dma_map_phys(dev, b.pa, 0, DMA_TO_DEVICE));
	EXPECT_EQ(DMA_MAPPING_ERROR,
		  dma_map_phys(NULL, b.pa, 8, DMA_TO_DEVICE));
	test_expect_warns(1); /* DMA_NONE is a driver bug */
	EXPECT_EQ(DMA_MAPPING_ERROR, dma_map_phys(dev, b.pa, 8, DMA_NONE));
	sg[0].phys = b.pa;
	sg[0].length = 8;
	EXPECT_EQ(0, dma_map_sg(dev, sg, 2, DMA_TO_DEVICE)); /* empty seg */
	EXPECT_EQ(0, dma_map_sg(dev, sg, 0, DMA_TO_DEVICE));
	EXPECT_NULL(dma_alloc_coherent(dev, 0, &dma, GFP_KERNEL));
	EXPECT_NULL(dma_alloc_coherent(dev, 1ULL << 40, &dma, GFP_KERNEL));
	EXPECT_EQ(0, dfx_stats(dev).maps);
	dfx_buf_free(self, &b);
}

/*
 * Allocation failure anywhere in the first map (cookie, IOVA caches, flush
 * queue, page tables) or in a coherent allocation: an error, nothing left
 * mapped, nothing leaked (fail-nth sweep).
 */
TEST_F(dma_api, fail_nth_first_map_and_coherent)
{
	unsigned int m, n;

	for (m = 0; m < ARRAY_SIZE(all_modes); m++) {
		bool fired = true;

		for (n = 1; fired && n < 200; n++) {
			struct sio_device *dev;
			struct dfx_buf b;
			dma_addr_t dma, cdma;
			void *cpu;

			test_add(dev, all_modes[m]);
			ASSERT_EQ(0, dfx_buf_alloc(self, &b, PAGE_SIZE));
			sio_fail_nth_set(n);
			dma = dma_map_phys(dev, b.pa, PAGE_SIZE,
					   DMA_BIDIRECTIONAL);
			cpu = dma_alloc_coherent(dev, PAGE_SIZE, &cdma,
						 GFP_KERNEL);
			fired = sio_fail_nth_fired();
			sio_fail_nth_set(0);
			if (!dma_mapping_error(dev, dma))
				dma_unmap_phys(dev, dma, PAGE_SIZE,
					       DMA_BIDIRECTIONAL);
			if (cpu)
				dma_free_coherent(dev, PAGE_SIZE, cpu, cdma);
			if (all_modes[m] != DFX_IDENTITY &&
			    self->kind == DFX_MOCK)
				EXPECT_EQ(0, mock_domain_mapped_bytes(
						     iommu_get_dma_domain(dev)));
			dfx_buf_free(self, &b);
			sio_device_release_driver(dev);
			fx_del_dev(&self->fx, dev);
		}
		EXPECT_FALSE(fired);
		/* The sweep did go through some allocations. */
		EXPECT_LT(2, n);
		printf("# %s: %u allocation points\n",
		       dfx_mode_name[all_modes[m]], n - 2);
	}
}

TEST_HARNESS_MAIN
