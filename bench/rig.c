// SPDX-License-Identifier: BSD-3-Clause
/*
 * The benchmarks' hardware rig: memory + software SMMU + io-pgtable tables,
 * programmed through registers and in-memory structures (see rig.h).
 */
#include <string.h>
#include "rig.h"

u64 bench_rig_alloc(struct bench_rig *rig, unsigned int order)
{
	u64 pa = 0;

	if (rig->nbufs == BENCH_RIG_MAX_BUFS ||
	    sio_phys_alloc_pages(rig->mem, order, GFP_KERNEL, &pa))
		return 0;
	rig->bufs[rig->nbufs] = pa;
	rig->buf_order[rig->nbufs++] = order;
	return pa;
}

int bench_rig_create(struct bench_rig *rig, u64 mem_bytes,
		     unsigned int iotlb_entries, unsigned int nstreams)
{
	struct sio_hw_smmu_config hc;
	unsigned int i;

	memset(rig, 0, sizeof(*rig));
	if (nstreams > BENCH_RIG_STREAMS)
		return -EINVAL;
	rig->mem = sio_phys_mem_create(0, mem_bytes);
	if (IS_ERR(rig->mem))
		return (int)PTR_ERR(rig->mem);
	sio_hw_smmu_config_default(&hc);
	hc.name = "bench-smmu";
	if (iotlb_entries)
		hc.iotlb_entries = iotlb_entries;
	rig->smmu = sio_hw_smmu_create(rig->mem, &hc);
	if (IS_ERR(rig->smmu)) {
		int ret = (int)PTR_ERR(rig->smmu);

		rig->smmu = NULL;
		bench_rig_destroy(rig);
		return ret;
	}
	rig->strtab = bench_rig_alloc(rig, 0);
	rig->cdtab = bench_rig_alloc(rig, 0);
	if (!rig->strtab || !rig->cdtab)
		goto err;
	for (i = 0; i < nstreams; i++) {
		struct io_pgtable_cfg *c = &rig->cfg[i];

		c->pgsize_bitmap = BENCH_SZ_4K | BENCH_SZ_2M | BENCH_SZ_1G;
		c->ias = 48;
		c->oas = 48;
		c->coherent_walk = true;
		c->mem = rig->mem;
		rig->ops[i] = alloc_io_pgtable_ops(ARM_64_LPAE_S1, c, rig);
		if (!rig->ops[i])
			goto err;
		rig->nstreams++;
	}
	return 0;
err:
	bench_rig_destroy(rig);
	return -ENOMEM;
}

int bench_rig_enable(struct bench_rig *rig)
{
	struct sio_hw_smmu *smmu = rig->smmu;
	unsigned int i;

	for (i = 0; i < rig->nstreams; i++) {
		const struct io_pgtable_cfg *c = &rig->cfg[i];
		u64 cd = rig->cdtab + (u64)i * SIO_SMMU_CD_SIZE;
		u64 ste = rig->strtab + (u64)i * SIO_SMMU_STE_SIZE;

		sio_phys_write64(rig->mem, cd + 8,
				 c->arm_lpae_s1_cfg.ttbr & SIO_SMMU_CD1_TTB0);
		sio_phys_write64(
			rig->mem, cd,
			SIO_SMMU_CD0_V | SIO_SMMU_CD0_R | SIO_SMMU_CD0_AA64 |
				SIO_SMMU_FIELD_PREP(
					SIO_SMMU_CD0_T0SZ,
					c->arm_lpae_s1_cfg.tcr.tsz) |
				SIO_SMMU_FIELD_PREP(SIO_SMMU_CD0_TG0,
						    c->arm_lpae_s1_cfg.tcr.tg) |
				SIO_SMMU_FIELD_PREP(
					SIO_SMMU_CD0_IPS,
					c->arm_lpae_s1_cfg.tcr.ips) |
				SIO_SMMU_FIELD_PREP(SIO_SMMU_CD0_ASID, i + 1));
		sio_phys_write64(
			rig->mem, ste,
			SIO_SMMU_STE0_V |
				SIO_SMMU_FIELD_PREP(
					SIO_SMMU_STE0_CONFIG,
					SIO_SMMU_STE0_CONFIG_S1_TRANS) |
				(cd & SIO_SMMU_STE0_S1CTXPTR));
	}
	sio_hw_smmu_write64(smmu, SIO_SMMU_STRTAB_BASE, rig->strtab);
	sio_hw_smmu_write32(smmu, SIO_SMMU_STRTAB_BASE_CFG, 6); /* 64 STEs */
	sio_hw_smmu_write32(smmu, SIO_SMMU_CR0, SIO_SMMU_CR0_SMMUEN);
	return sio_hw_smmu_read32(smmu, SIO_SMMU_CR0ACK) & SIO_SMMU_CR0_SMMUEN ?
		       0 :
		       -EIO;
}

int bench_rig_map(struct bench_rig *rig, unsigned int sid, u64 iova, u64 pa,
		  size_t pgsize, size_t count)
{
	struct io_pgtable_ops *ops = rig->ops[sid];

	while (count) {
		size_t mapped = 0;
		int ret = ops->map_pages(ops, iova, pa, pgsize, count,
					 IO_PGTABLE_PROT_READ |
						 IO_PGTABLE_PROT_WRITE,
					 GFP_KERNEL, &mapped);

		if (ret)
			return ret;
		if (!mapped)
			return -EIO;
		iova += mapped;
		pa += mapped;
		count -= mapped / pgsize;
	}
	return 0;
}

void bench_rig_destroy(struct bench_rig *rig)
{
	unsigned int i;

	if (rig->smmu)
		sio_hw_smmu_destroy(rig->smmu);
	rig->smmu = NULL;
	for (i = 0; i < BENCH_RIG_STREAMS; i++)
		if (rig->ops[i])
			free_io_pgtable_ops(rig->ops[i]);
	for (i = 0; i < rig->nbufs; i++)
		sio_phys_free_pages(rig->mem, rig->bufs[i], rig->buf_order[i]);
	if (!IS_ERR_OR_NULL(rig->mem))
		sio_phys_mem_destroy(rig->mem);
	memset(rig, 0, sizeof(*rig));
}
