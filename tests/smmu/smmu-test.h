/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Test scaffolding for the SMMU driver: a machine with RAM, a PCI bus, an
 * SMMU instance ("smmu0") with the coherency checker on, devices behind it,
 * and helpers that read stream table entries and context descriptors back
 * through the hardware interface (registers + memory).
 */
#ifndef SIO_TESTS_SMMU_SMMU_TEST_H
#define SIO_TESTS_SMMU_SMMU_TEST_H

#include <string.h>

#include "harness.h"
#include "../conformance/fixture.h"
#include "drivers/smmu/smmu.h"
#include "hw/hw-smmu.h"
#include <softiommu/dma.h>

struct st {
	struct fx fx;
	struct sio_phys_mem *mem;
	struct iommu_device *iommu;
	struct sio_hw_smmu *hw;
};

/* Build the machine; @cfg NULL = default hardware, checker on. */
static inline int st_init(struct st *s, const struct fx_smmu_config *cfg,
			  int passthrough)
{
	int ret;

	memset(s, 0, sizeof(*s));
	ret = fx_init(&s->fx, FX_KIND_MOCK, true);
	if (ret)
		return ret;
	s->mem = sio_phys_mem_create(0, 0);
	if (IS_ERR(s->mem))
		return (int)PTR_ERR(s->mem);
	s->fx.m->mem = s->mem;
	ret = sio_iommu_set_default_domain_policy(s->fx.m, passthrough, 1);
	if (ret)
		return ret;
	s->iommu = fx_smmu_create(s->fx.m, "smmu0", cfg);
	if (IS_ERR(s->iommu)) {
		ret = (int)PTR_ERR(s->iommu);
		s->iommu = NULL;
		return ret;
	}
	s->hw = smmu_iommu_hw(s->iommu);
	return 0;
}

static inline void st_fini(struct st *s)
{
	while (s->fx.ndevs)
		fx_del_dev(&s->fx, s->fx.devs[s->fx.ndevs - 1]);
	if (s->iommu)
		fx_smmu_destroy(s->fx.m, s->iommu);
	fx_fini(&s->fx);
	if (!IS_ERR_OR_NULL(s->mem)) {
		/* Every stream table, queue, CD and page table was freed. */
		WARN_ON(sio_phys_nr_live_pages(s->mem));
		sio_phys_mem_destroy(s->mem);
	}
}

/* A device behind smmu0 (SID 0x10, 0x11, ...) with @pasid_bits. */
static inline struct sio_device *st_add_dev(struct st *s, const char *name,
					    unsigned int pasid_bits)
{
	struct sio_device *dev = fx_dev_alloc(&s->fx, name, "smmu0", NULL);

	if (IS_ERR(dev))
		return dev;
	dev->fw.pasid_bits = pasid_bits;
	if (fx_dev_add(&s->fx, dev))
		return ERR_PTR(-EIO);
	return dev;
}

/* Word @i of the STE of @sid, read through STRTAB_BASE. */
static inline u64 st_ste(struct st *s, u32 sid, unsigned int i)
{
	u64 base = sio_hw_smmu_read64(s->hw, SIO_SMMU_STRTAB_BASE) &
		   SIO_SMMU_STRTAB_BASE_ADDR;

	return sio_phys_read64(s->mem, base + (u64)sid * SIO_SMMU_STE_SIZE +
				       8 * i);
}

static inline unsigned int st_ste_config(struct st *s, u32 sid)
{
	return SIO_SMMU_FIELD_GET(SIO_SMMU_STE0_CONFIG, st_ste(s, sid, 0));
}

/* Word @i of CD @ssid of @sid (its STE must point at a CD table). */
static inline u64 st_cd(struct st *s, u32 sid, u32 ssid, unsigned int i)
{
	u64 ctx = st_ste(s, sid, 0) & SIO_SMMU_STE0_S1CTXPTR;

	return sio_phys_read64(s->mem, ctx + (u64)ssid * SIO_SMMU_CD_SIZE +
				       8 * i);
}

/* A page of RAM filled with @seed-derived bytes.  Return: its PA. */
static inline u64 st_page(struct st *s, unsigned int order, u8 seed)
{
	u8 buf[256];
	u64 pa = 0, off;
	unsigned int i;

	if (sio_phys_alloc_pages(s->mem, order, GFP_KERNEL, &pa))
		return 0;
	for (i = 0; i < sizeof(buf); i++)
		buf[i] = (u8)(seed + i * 7);
	for (off = 0; off < (4096ULL << order); off += sizeof(buf))
		sio_phys_copy_to(s->mem, pa + off, buf, sizeof(buf));
	return pa;
}

static inline u8 st_byte(u8 seed, u64 off)
{
	return (u8)(seed + (off % 256) * 7);
}

#endif /* SIO_TESTS_SMMU_SMMU_TEST_H */
