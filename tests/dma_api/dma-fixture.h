/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * FIXTURE(dma_api): a machine with RAM, one IOMMU instance of a variant's
 * kind (mock, smmu), and helpers to add devices whose default domain is
 * identity, DMA (strict) or DMA-FQ (lazy).  Include once per test file.
 */
#ifndef SIO_TESTS_DMA_API_DMA_FIXTURE_H
#define SIO_TESTS_DMA_API_DMA_FIXTURE_H

#include <stdio.h>
#include <string.h>

#include "../conformance/fixture.h"
#include "mem/phys-mem.h"
#include "dma/dma-mapping.h"
#include "dma/dma-iommu.h"
#include "dev/dma-link.h"
#include "drivers/smmu/smmu.h"
#include <softiommu/dma.h>

enum dfx_kind { DFX_MOCK, DFX_SMMU };
enum dfx_mode { DFX_IDENTITY, DFX_STRICT, DFX_LAZY };

#define DFX_RAM_SIZE (256ULL << 20)

static const char *const dfx_mode_name[] __maybe_unused = {
	[DFX_IDENTITY] = "identity",
	[DFX_STRICT] = "DMA",
	[DFX_LAZY] = "DMA-FQ",
};

FIXTURE(dma_api)
{
	struct fx fx;
	struct sio_phys_mem *mem;
	struct iommu_device *iommu;
	enum dfx_kind kind;
	long pages0;
	unsigned int ndev;
};

FIXTURE_VARIANT(dma_api)
{
	enum dfx_kind kind;
};

FIXTURE_VARIANT_ADD(dma_api, mock){
	.kind = DFX_MOCK,
};

FIXTURE_VARIANT_ADD(dma_api, smmu){
	.kind = DFX_SMMU,
};

static int dfx_setup(FIXTURE_DATA(dma_api) * self, enum dfx_kind kind)
{
	int ret;

	self->kind = kind;
	ret = fx_init(&self->fx, FX_KIND_MOCK, true);
	if (ret)
		return ret;
	self->mem = sio_phys_mem_create(0, DFX_RAM_SIZE);
	if (IS_ERR(self->mem)) {
		ret = (int)PTR_ERR(self->mem);
		self->mem = NULL;
		return ret;
	}
	self->fx.m->mem = self->mem;
	if (kind == DFX_SMMU) {
		/* The driver's checker catches any missing invalidation. */
		self->iommu = fx_smmu_create(self->fx.m, "iommu0", NULL);
	} else {
		self->iommu = mock_iommu_create(self->fx.m, "iommu0", NULL);
	}
	if (IS_ERR(self->iommu)) {
		ret = (int)PTR_ERR(self->iommu);
		self->iommu = NULL;
		return ret;
	}
	self->pages0 = sio_phys_nr_live_pages(self->mem);
	return 0;
}

/*
 * Teardown in the order that leaves nothing behind: unbind drivers, drop
 * the DMA cookies (until the core's iommu_domain_free() does it), remove
 * devices, the IOMMU, the machine, then check and free RAM.
 * Return: frames still allocated after the IOMMU is gone (0 = no leak).
 */
static long dfx_teardown(FIXTURE_DATA(dma_api) * self)
{
	long leaked = 0;
	unsigned int i;

	if (!self->fx.m)
		return 0;
	for (i = 0; i < self->fx.ndevs; i++)
		sio_device_release_driver(self->fx.devs[i]);
	while (self->fx.ndevs) {
		struct sio_device *dev = self->fx.devs[self->fx.ndevs - 1];

		fx_del_dev(&self->fx, dev);
	}
	if (self->iommu) {
		if (self->kind == DFX_SMMU)
			fx_smmu_destroy(self->fx.m, self->iommu);
		else
			mock_iommu_destroy(self->iommu);
		self->iommu = NULL;
	}
	fx_fini(&self->fx);
	if (self->mem) {
		leaked = sio_phys_nr_live_pages(self->mem);
		sio_phys_mem_destroy(self->mem);
		self->mem = NULL;
	}
	return leaked;
}

FIXTURE_SETUP(dma_api)
{
	ASSERT_EQ(0, dfx_setup(self, variant->kind));
}

FIXTURE_TEARDOWN(dma_api)
{
	EXPECT_EQ(0, dfx_teardown(self));
}

/*
 * dfx_add() - a device behind iommu0 whose default domain has @mode, bound
 * to the fixture's DMA-API test driver.  Return: the device or ERR_PTR.
 */
static struct sio_device *dfx_add(FIXTURE_DATA(dma_api) * self,
				  enum dfx_mode mode, bool bind)
{
	struct sio_device *dev;
	char name[32];
	int ret;

	ret = sio_iommu_set_default_domain_policy(
		self->fx.m, mode == DFX_IDENTITY ? 1 : 0,
		mode == DFX_IDENTITY ? SIO_IOMMU_DEFAULT_UNSET :
		mode == DFX_STRICT   ? 1 :
				       0);
	if (ret)
		return ERR_PTR(ret);
	snprintf(name, sizeof(name), "0000:00:%02x.0", 2 + self->ndev++);
	dev = fx_add_dev(&self->fx, name, "iommu0", NULL);
	if (IS_ERR(dev))
		return dev;
	if (bind) {
		ret = fx_bind_dma(&self->fx, dev);
		if (ret)
			return ERR_PTR(ret);
	}
	return dev;
}

#define test_add(dev_out, mode)                          \
	do {                                             \
		(dev_out) = dfx_add(self, (mode), true); \
		ASSERT_FALSE(IS_ERR_OR_NULL(dev_out));   \
	} while (0)

/* A block of RAM: physical address and host pointer. */
struct dfx_buf {
	u64 pa;
	u8 *cpu;
	unsigned int order;
};

static inline int dfx_buf_alloc(FIXTURE_DATA(dma_api) * self, struct dfx_buf *b,
				size_t size)
{
	int ret;

	b->order = sio_phys_order_for_size(size);
	ret = sio_phys_alloc_pages(self->mem, b->order, GFP_KERNEL, &b->pa);
	if (ret)
		return ret;
	b->cpu = sio_phys_to_virt(self->mem, b->pa, PAGE_SIZE << b->order);
	return 0;
}

static inline void dfx_buf_free(FIXTURE_DATA(dma_api) * self, struct dfx_buf *b)
{
	if (b->pa)
		sio_phys_free_pages(self->mem, b->pa, b->order);
	b->pa = 0;
}

static inline void dfx_pattern(u8 *p, size_t len, unsigned int seed)
{
	size_t i;

	for (i = 0; i < len; i++)
		p[i] = (u8)(seed * 131 + i * 7 + (i >> 8));
}

static inline struct iommu_dma_stats dfx_stats(struct sio_device *dev)
{
	struct iommu_dma_stats st;

	memset(&st, 0, sizeof(st));
	iommu_dma_get_stats(iommu_get_dma_domain(dev), &st);
	return st;
}

#endif /* SIO_TESTS_DMA_API_DMA_FIXTURE_H */
