// SPDX-License-Identifier: BSD-3-Clause
/*
 * SMMU driver domains: stage-1/stage-2 paging domains over io-pgtable, the
 * static identity and blocked domains, attach (stream table entries) and
 * PASID attach (context descriptors) with CFGI + SYNC, map/unmap with
 * gathered TLB invalidation.
 * Kernel counterpart: drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3.c
 * (arm_smmu_domain_*, arm_smmu_attach_dev, arm_smmu_write_entry, TLBI)
 */
#include <string.h>

#include "drivers/smmu/smmu-priv.h"

/* What a stream table entry makes a stream do. */
enum smmu_ste_kind {
	SMMU_STE_ABORT,
	SMMU_STE_BYPASS,
	SMMU_STE_CDTABLE,	/* stage 1 through the master's CD table */
	SMMU_STE_S2,
};

/**
 * smmu_domain_is_paging() - whether @d is an SMMU paging domain
 * @d: any SMMU domain pointer, or NULL
 *
 * Context: any.
 * Return: true for a paging domain, false for the static identity/blocked
 * domains and NULL.
 */
bool smmu_domain_is_paging(const struct iommu_domain *d)
{
	return d && d != &smmu_identity_domain && d != &smmu_blocked_domain;
}

/* ------------------------------------------------------------ TLB upkeep */

/* Invalidate everything @sd may have cached, then SYNC. */
static void smmu_tlb_inv_context(struct smmu_domain *sd)
{
	struct smmu_device *smmu = sd->smmu;
	u64 cmd[1][2] = { { 0, 0 } };

	if (sd->stage == SMMU_STAGE_1)
		cmd[0][0] = SIO_SMMU_FIELD_PREP(SIO_SMMU_CMD0_OP,
						SIO_SMMU_CMD_TLBI_NH_ASID) |
			    SIO_SMMU_FIELD_PREP(SIO_SMMU_CMD0_ASID, sd->asid);
	else
		cmd[0][0] = SIO_SMMU_FIELD_PREP(SIO_SMMU_CMD0_OP,
						SIO_SMMU_CMD_TLBI_S12_VMALL) |
			    SIO_SMMU_FIELD_PREP(SIO_SMMU_CMD0_VMID, sd->vmid);
	smmu_cmdq_issue(smmu, (const u64 (*)[2])cmd, 1, true);
}

/*
 * Invalidate [@iova, @iova + @size) with TLBI by address, in naturally
 * aligned power-of-two chunks (CMD0.RANGE), then SYNC.  Falls back to the
 * whole context when that would take too many commands.
 */
static void smmu_tlb_inv_range(struct smmu_domain *sd, unsigned long iova,
			       size_t size, size_t granule, bool leaf)
{
	u64 cmds[SMMU_TLBI_MAX_OPS + 1][2];
	u64 start = iova & ~(u64)(granule - 1);
	u64 end = (u64)iova + size;
	unsigned int n = 0, log2;
	u64 op;

	if (!size)
		return;
	op = sd->stage == SMMU_STAGE_1 ?
		     SIO_SMMU_FIELD_PREP(SIO_SMMU_CMD0_OP,
					 SIO_SMMU_CMD_TLBI_NH_VA) |
			     SIO_SMMU_FIELD_PREP(SIO_SMMU_CMD0_ASID, sd->asid) :
		     SIO_SMMU_FIELD_PREP(SIO_SMMU_CMD0_OP,
					 SIO_SMMU_CMD_TLBI_S2_IPA) |
			     SIO_SMMU_FIELD_PREP(SIO_SMMU_CMD0_VMID, sd->vmid);
	while (start < end) {
		/* The largest aligned block at @start that fits. */
		log2 = start ? __builtin_ctzll(start) : 63;
		while (log2 > 12 && (log2 >= 64 || start + (1ULL << log2) > end ||
				     start + (1ULL << log2) < start))
			log2--;
		if (log2 < 12)
			log2 = 12;
		if (n == SMMU_TLBI_MAX_OPS) {
			smmu_tlb_inv_context(sd);
			return;
		}
		cmds[n][0] = op | SIO_SMMU_FIELD_PREP(SIO_SMMU_CMD0_RANGE, log2);
		cmds[n][1] = (start & SIO_SMMU_CMD1_ADDR) |
			     (leaf ? SIO_SMMU_CMD1_LEAF : 0);
		n++;
		start += 1ULL << log2;
	}
	/*
	 * Entries combining both stages are tagged by the stage-1 address: a
	 * nesting parent's change must also drop them (hw-smmu-regs.h).
	 */
	if (sd->stage == SMMU_STAGE_2 && sd->smmu->s1) {
		cmds[n][0] = SIO_SMMU_FIELD_PREP(SIO_SMMU_CMD0_OP,
						 SIO_SMMU_CMD_TLBI_NH_ALL) |
			     SIO_SMMU_FIELD_PREP(SIO_SMMU_CMD0_VMID, sd->vmid);
		cmds[n++][1] = 0;
	}
	smmu_cmdq_issue(sd->smmu, (const u64 (*)[2])cmds, n, true);
}

static void smmu_tlb_flush_all(void *cookie)
{
	smmu_tlb_inv_context(cookie);
}

static void smmu_tlb_flush_walk(unsigned long iova, size_t size,
				size_t granule, void *cookie)
{
	smmu_tlb_inv_range(cookie, iova, size, granule, false);
}

static void smmu_tlb_add_page(struct iommu_iotlb_gather *gather,
			      unsigned long iova, size_t granule, void *cookie)
{
	struct smmu_domain *sd = cookie;

	/* Lazy mode: a flush of everything follows, nothing to gather. */
	if (gather && gather->queued)
		return;
	iommu_iotlb_gather_add_page(&sd->domain, gather, iova, granule);
}

static const struct iommu_flush_ops smmu_flush_ops = {
	.tlb_flush_all = smmu_tlb_flush_all,
	.tlb_flush_walk = smmu_tlb_flush_walk,
	.tlb_add_page = smmu_tlb_add_page,
};

/* ------------------------------------------------------- paging domains */

static struct iommu_domain *smmu_domain_alloc(struct smmu_master *master,
					      enum smmu_stage stage)
{
	struct smmu_device *smmu = master->smmu;
	struct smmu_domain *sd;
	int id, ret;

	sd = kzalloc(sizeof(*sd), GFP_KERNEL);
	if (!sd)
		return ERR_PTR(-ENOMEM);
	sd->smmu = smmu;
	sd->stage = stage;
	if (stage == SMMU_STAGE_1) {
		id = ida_alloc_range(&smmu->asid_ida, 1, SMMU_ID_MAX,
				     GFP_KERNEL);
		sd->fmt = ARM_64_LPAE_S1;
		sd->cfg.ias = min(smmu->ias, 48U);
	} else {
		id = ida_alloc_range(&smmu->vmid_ida, 1, SMMU_ID_MAX,
				     GFP_KERNEL);
		sd->fmt = ARM_64_LPAE_S2;
		sd->cfg.ias = smmu->ias;
	}
	if (id < 0) {
		ret = id;
		goto err_free;
	}
	if (stage == SMMU_STAGE_1)
		sd->asid = id;
	else
		sd->vmid = id;
	sd->cfg.oas = smmu->oas;
	sd->cfg.pgsize_bitmap = smmu->pgsize_bitmap;
	sd->cfg.coherent_walk = true;
	/*
	 * Overlapping maps and unmaps of holes come from API users; they get
	 * -EEXIST / 0 without the format's WARN (divergence: the kernel's
	 * arm-smmu-v3 lets io-pgtable WARN).
	 */
	sd->cfg.quirks = IO_PGTABLE_QUIRK_NO_WARN;
	sd->cfg.tlb = &smmu_flush_ops;
	sd->cfg.mem = smmu->mem;
	sd->pgtbl = alloc_io_pgtable_ops(sd->fmt, &sd->cfg, sd);
	if (!sd->pgtbl) {
		ret = -ENOMEM;
		goto err_id;
	}
	sd->domain.ops = &smmu_paging_ops;
	sd->domain.pgsize_bitmap = sd->cfg.pgsize_bitmap;
	sd->domain.geometry.aperture_start = 0;
	sd->domain.geometry.aperture_end = (1ULL << sd->cfg.ias) - 1;
	sd->domain.geometry.force_aperture = true;
	return &sd->domain;

err_id:
	if (stage == SMMU_STAGE_1)
		ida_free(&smmu->asid_ida, sd->asid);
	else
		ida_free(&smmu->vmid_ida, sd->vmid);
err_free:
	kfree(sd);
	return ERR_PTR(ret);
}

/**
 * smmu_domain_alloc_paging() - iommu_ops.domain_alloc_paging
 * @dev: a device probed by this driver
 * Context: may sleep.
 * Return: a stage-1 domain (stage 2 on hardware without stage 1), or
 * ERR_PTR(-ENODEV/-ENOMEM/-ENOSPC).
 */
struct iommu_domain *smmu_domain_alloc_paging(struct sio_device *dev)
{
	struct smmu_master *master = smmu_dev_master(dev);

	if (!master)
		return ERR_PTR(-ENODEV);
	return smmu_domain_alloc(master, master->smmu->s1 ? SMMU_STAGE_1 :
							    SMMU_STAGE_2);
}

/**
 * smmu_domain_alloc_paging_flags() - iommu_ops.domain_alloc_paging_flags
 * @dev: a device probed by this driver
 * @flags: IOMMU_HWPT_ALLOC_NEST_PARENT (a stage-2 domain; needs nesting
 *	hardware) and/or IOMMU_HWPT_ALLOC_PASID (stage 1)
 * @user_data: must be NULL
 * Context: may sleep.
 * Return: the domain, ERR_PTR(-EOPNOTSUPP) for unsupported flags or user
 * data, ERR_PTR(-ENODEV/-ENOMEM/-ENOSPC).
 */
struct iommu_domain *smmu_domain_alloc_paging_flags(struct sio_device *dev,
						    unsigned int flags,
						    const void *user_data)
{
	struct smmu_master *master = smmu_dev_master(dev);

	if (!master)
		return ERR_PTR(-ENODEV);
	if (user_data || (flags & ~(IOMMU_HWPT_ALLOC_NEST_PARENT |
				    IOMMU_HWPT_ALLOC_PASID)))
		return ERR_PTR(-EOPNOTSUPP);
	if (flags & IOMMU_HWPT_ALLOC_NEST_PARENT) {
		if ((flags & IOMMU_HWPT_ALLOC_PASID) || !master->smmu->nesting)
			return ERR_PTR(-EOPNOTSUPP);
		return smmu_domain_alloc(master, SMMU_STAGE_2);
	}
	if ((flags & IOMMU_HWPT_ALLOC_PASID) && !master->smmu->s1)
		return ERR_PTR(-EOPNOTSUPP);
	return smmu_domain_alloc_paging(dev);
}

static void smmu_clear_cd(struct smmu_master *master, u32 ssid);
static void smmu_master_write_static_ste(struct smmu_master *master,
					 bool identity);

/*
 * @sd is being freed while streams still use it: a caller bug (the core
 * refuses such frees, so only a direct driver-op user gets here).  WARN,
 * then cut every such stream and PASID off @sd (blocked RID, cleared CD)
 * so that neither the hardware nor the event thread reaches it once it is
 * freed.  Context: as smmu_domain_free(); takes streams_lock, then cmdq_lock.
 */
static void smmu_domain_scrub(struct smmu_domain *sd)
{
	struct smmu_device *smmu = sd->smmu;
	struct smmu_master *master;
	unsigned long sid, pasid;
	unsigned int users = 0;
	struct smmu_domain *pd;

	mutex_lock(&smmu->streams_lock);
	xa_for_each(&smmu->streams, sid, master) {
		unsigned int hit = 0;

		/* A master is listed once per stream ID: visit it once. */
		if (master->sids[0] != sid)
			continue;
		xa_for_each(&master->pasids, pasid, pd) {
			if (pd != sd)
				continue;
			smmu_clear_cd(master, pasid);
			xa_erase(&master->pasids, pasid);
			master->nr_pasids--;
			hit++;
		}
		if (master->rid_domain == &sd->domain) {
			if (sd->stage == SMMU_STAGE_1)
				smmu_clear_cd(master, IOMMU_NO_PASID);
			master->rid_domain = &smmu_blocked_domain;
			hit++;
		}
		/* A RID off paging domains: its STE follows the PASIDs left. */
		if (hit && !smmu_domain_is_paging(master->rid_domain))
			smmu_master_write_static_ste(master,
				master->rid_domain == &smmu_identity_domain);
		users += hit;
	}
	mutex_unlock(&smmu->streams_lock);
	WARN(users, "%s: domain freed while %u stream(s)/PASID(s) still use it",
	     SMMU_DRV_NAME, users);
}

static void smmu_domain_free(struct iommu_domain *domain)
{
	struct smmu_domain *sd = to_smmu_domain(domain);
	struct smmu_device *smmu = sd->smmu;

	smmu_domain_scrub(sd);
	/* Flushes the ASID/VMID (tlb_flush_all) before the tables go. */
	free_io_pgtable_ops(sd->pgtbl);
	/* Wait for a fault report that may still be using the domain. */
	mutex_lock(&smmu->fault_lock);
	mutex_unlock(&smmu->fault_lock);
	if (sd->stage == SMMU_STAGE_1)
		ida_free(&smmu->asid_ida, sd->asid);
	else
		ida_free(&smmu->vmid_ida, sd->vmid);
	kfree(sd);
}

/* The core's IOMMU_* prot bits in the page-table format's terms. */
static int smmu_prot_to_pgtable(int prot)
{
	int pgprot = 0;

	if (prot & IOMMU_READ)
		pgprot |= IO_PGTABLE_PROT_READ;
	if (prot & IOMMU_WRITE)
		pgprot |= IO_PGTABLE_PROT_WRITE;
	if (prot & IOMMU_CACHE)
		pgprot |= IO_PGTABLE_PROT_CACHE;
	if (prot & IOMMU_NOEXEC)
		pgprot |= IO_PGTABLE_PROT_NOEXEC;
	if (prot & IOMMU_MMIO)
		pgprot |= IO_PGTABLE_PROT_MMIO;
	if (prot & IOMMU_PRIV)
		pgprot |= IO_PGTABLE_PROT_PRIV;
	return pgprot;
}

static int smmu_map_pages(struct iommu_domain *domain, unsigned long iova,
			  uint64_t paddr, size_t pgsize, size_t pgcount,
			  int prot, unsigned int gfp, size_t *mapped)
{
	struct io_pgtable_ops *ops = to_smmu_domain(domain)->pgtbl;

	return ops->map_pages(ops, iova, paddr, pgsize, pgcount,
			      smmu_prot_to_pgtable(prot), gfp, mapped);
}

static size_t smmu_unmap_pages(struct iommu_domain *domain,
			       unsigned long iova, size_t pgsize,
			       size_t pgcount,
			       struct iommu_iotlb_gather *gather)
{
	struct io_pgtable_ops *ops = to_smmu_domain(domain)->pgtbl;

	return ops->unmap_pages(ops, iova, pgsize, pgcount, gather);
}

static void smmu_flush_iotlb_all(struct iommu_domain *domain)
{
	smmu_tlb_inv_context(to_smmu_domain(domain));
}

static void smmu_iotlb_sync(struct iommu_domain *domain,
			    struct iommu_iotlb_gather *gather)
{
	if (gather->start > gather->end)
		return;
	smmu_tlb_inv_range(to_smmu_domain(domain), gather->start,
			   gather->end - gather->start + 1,
			   gather->pgsize ? gather->pgsize : PAGE_SIZE, true);
}

static uint64_t smmu_iova_to_phys(struct iommu_domain *domain,
				  unsigned long iova)
{
	struct io_pgtable_ops *ops = to_smmu_domain(domain)->pgtbl;

	return ops->iova_to_phys(ops, iova);
}

static bool smmu_enforce_cache_coherency(struct iommu_domain *domain)
{
	/* Walks and DMA are coherent (IDR0.COHACC); nothing to change. */
	return true;
}

/* --------------------------------------------------- STE and CD writing */

static u64 smmu_ste_pa(struct smmu_device *smmu, u32 sid)
{
	return smmu->strtab_pa + (u64)sid * SIO_SMMU_STE_SIZE;
}

static void smmu_make_ste(struct smmu_master *master, enum smmu_ste_kind kind,
			  struct smmu_domain *s2, unsigned int s1dss,
			  u64 ste[4])
{
	const struct io_pgtable_cfg *c;

	memset(ste, 0, 4 * sizeof(u64));
	switch (kind) {
	case SMMU_STE_ABORT:
		ste[0] = SIO_SMMU_STE0_V |
			 SIO_SMMU_FIELD_PREP(SIO_SMMU_STE0_CONFIG,
					     SIO_SMMU_STE0_CONFIG_ABORT);
		break;
	case SMMU_STE_BYPASS:
		ste[0] = SIO_SMMU_STE0_V |
			 SIO_SMMU_FIELD_PREP(SIO_SMMU_STE0_CONFIG,
					     SIO_SMMU_STE0_CONFIG_BYPASS);
		break;
	case SMMU_STE_CDTABLE:
		ste[0] = SIO_SMMU_STE0_V |
			 SIO_SMMU_FIELD_PREP(SIO_SMMU_STE0_CONFIG,
					     SIO_SMMU_STE0_CONFIG_S1_TRANS) |
			 (master->cd_pa & SIO_SMMU_STE0_S1CTXPTR) |
			 SIO_SMMU_FIELD_PREP(SIO_SMMU_STE0_S1CDMAX,
					     master->ssid_bits);
		ste[1] = SIO_SMMU_FIELD_PREP(SIO_SMMU_STE1_S1DSS, s1dss);
		if (master->smmu->stall)
			ste[1] |= SIO_SMMU_STE1_S1STALLD;
		break;
	case SMMU_STE_S2:
		c = &s2->cfg;
		ste[0] = SIO_SMMU_STE0_V |
			 SIO_SMMU_FIELD_PREP(SIO_SMMU_STE0_CONFIG,
					     SIO_SMMU_STE0_CONFIG_S2_TRANS);
		ste[2] = SIO_SMMU_FIELD_PREP(SIO_SMMU_STE2_S2VMID, s2->vmid) |
			 SIO_SMMU_FIELD_PREP(SIO_SMMU_STE2_S2T0SZ,
					     c->arm_lpae_s2_cfg.vtcr.tsz) |
			 SIO_SMMU_FIELD_PREP(SIO_SMMU_STE2_S2SL0,
					     c->arm_lpae_s2_cfg.vtcr.sl) |
			 SIO_SMMU_FIELD_PREP(SIO_SMMU_STE2_S2TG,
					     c->arm_lpae_s2_cfg.vtcr.tg) |
			 SIO_SMMU_FIELD_PREP(SIO_SMMU_STE2_S2PS,
					     c->arm_lpae_s2_cfg.vtcr.ps) |
			 SIO_SMMU_STE2_S2AA64 | SIO_SMMU_STE2_S2R;
		ste[3] = c->arm_lpae_s2_cfg.vttbr & SIO_SMMU_STE3_S2TTB;
		break;
	}
}

static bool smmu_ste_config_ignores_rest(u64 w0)
{
	unsigned int cfg = SIO_SMMU_FIELD_GET(SIO_SMMU_STE0_CONFIG, w0);

	return !(w0 & SIO_SMMU_STE0_V) || cfg == SIO_SMMU_STE0_CONFIG_ABORT ||
	       cfg == SIO_SMMU_STE0_CONFIG_BYPASS;
}

/*
 * Program the STE of @sid with @ste so that a concurrent transaction sees
 * either the old or the new configuration, or an abort (never a torn or
 * invalid entry): words the current configuration ignores are written
 * first; otherwise the entry goes through ABORT.  Each step ends with
 * CFGI_STE + SYNC.  Context: group mutex held (one writer per stream).
 */
static void smmu_write_ste(struct smmu_device *smmu, u32 sid,
			   const u64 ste[4])
{
	u64 pa = smmu_ste_pa(smmu, sid), cur[4];
	unsigned int i, diff = 0;

	for (i = 0; i < 4; i++) {
		cur[i] = sio_phys_read64(smmu->mem, pa + 8 * i);
		if (cur[i] != ste[i])
			diff |= 1U << i;
	}
	if (!diff)
		return;
	if (diff & (diff - 1)) {
		if (smmu_ste_config_ignores_rest(ste[0])) {
			/* The new entry ignores words 1-3: switch first. */
			sio_phys_write64_release(smmu->mem, pa, ste[0]);
			for (i = 1; i < 4; i++)
				sio_phys_write64(smmu->mem, pa + 8 * i, ste[i]);
			smmu_cmd_cfgi_ste(smmu, sid);
			return;
		}
		if (!smmu_ste_config_ignores_rest(cur[0])) {
			/* Break before make: abort while words 1-3 change. */
			sio_phys_write64_release(smmu->mem, pa,
				SIO_SMMU_STE0_V |
				SIO_SMMU_FIELD_PREP(SIO_SMMU_STE0_CONFIG,
						    SIO_SMMU_STE0_CONFIG_ABORT));
			smmu_cmd_cfgi_ste(smmu, sid);
		}
	}
	for (i = 1; i < 4; i++)
		sio_phys_write64(smmu->mem, pa + 8 * i, ste[i]);
	sio_phys_write64_release(smmu->mem, pa, ste[0]);
	smmu_cmd_cfgi_ste(smmu, sid);
}

static void smmu_master_write_ste(struct smmu_master *master,
				  enum smmu_ste_kind kind,
				  struct smmu_domain *s2, unsigned int s1dss)
{
	u64 ste[4];
	unsigned int i;

	smmu_make_ste(master, kind, s2, s1dss, ste);
	for (i = 0; i < master->num_sids; i++)
		smmu_write_ste(master->smmu, master->sids[i], ste);
}

/**
 * smmu_write_ste_abort() - make @sid's STE abort (hitless from anything)
 * @smmu: the instance
 * @sid: the stream
 * Context: may sleep; the stream's only writer.
 */
void smmu_write_ste_abort(struct smmu_device *smmu, u32 sid)
{
	u64 ste[4] = {
		SIO_SMMU_STE0_V |
		SIO_SMMU_FIELD_PREP(SIO_SMMU_STE0_CONFIG,
				    SIO_SMMU_STE0_CONFIG_ABORT),
		0, 0, 0,
	};

	smmu_write_ste(smmu, sid, ste);
}

static void smmu_make_cd(struct smmu_domain *sd, u64 cd[2])
{
	const struct io_pgtable_cfg *c = &sd->cfg;

	cd[0] = SIO_SMMU_FIELD_PREP(SIO_SMMU_CD0_T0SZ,
				    c->arm_lpae_s1_cfg.tcr.tsz) |
		SIO_SMMU_FIELD_PREP(SIO_SMMU_CD0_TG0, c->arm_lpae_s1_cfg.tcr.tg) |
		SIO_SMMU_CD0_EPD1 | SIO_SMMU_CD0_V |
		SIO_SMMU_FIELD_PREP(SIO_SMMU_CD0_IPS,
				    c->arm_lpae_s1_cfg.tcr.ips) |
		SIO_SMMU_CD0_AA64 | SIO_SMMU_CD0_R | SIO_SMMU_CD0_A |
		SIO_SMMU_FIELD_PREP(SIO_SMMU_CD0_ASID, sd->asid);
	cd[1] = c->arm_lpae_s1_cfg.ttbr & SIO_SMMU_CD1_TTB0;
}

static void smmu_master_cfgi_cd(struct smmu_master *master, u32 ssid)
{
	unsigned int i;

	for (i = 0; i < master->num_sids; i++)
		smmu_cmd_cfgi_cd(master->smmu, master->sids[i], ssid);
}

/*
 * Program CD @ssid of @master's table with @cd (V = 0 clears it).  A
 * change of table base goes through the "quiet" descriptor (EPD0, R = 0)
 * so that no walk uses a half-written entry.  Context: group mutex held.
 */
static void smmu_write_cd(struct smmu_master *master, u32 ssid,
			  const u64 cd[2])
{
	struct smmu_device *smmu = master->smmu;
	u64 pa = master->cd_pa + (u64)ssid * SIO_SMMU_CD_SIZE;
	u64 old0 = sio_phys_read64(smmu->mem, pa);
	u64 old1 = sio_phys_read64(smmu->mem, pa + 8);

	if (old0 == cd[0] && old1 == cd[1])
		return;
	if (!(cd[0] & SIO_SMMU_CD0_V)) {
		sio_phys_write64_release(smmu->mem, pa, 0);
		smmu_master_cfgi_cd(master, ssid);
		sio_phys_write64(smmu->mem, pa + 8, 0);
		return;
	}
	if ((old0 & SIO_SMMU_CD0_V) && old1 != cd[1]) {
		sio_phys_write64_release(smmu->mem, pa,
					 (old0 | SIO_SMMU_CD0_EPD0) &
					 ~SIO_SMMU_CD0_R);
		smmu_master_cfgi_cd(master, ssid);
	}
	sio_phys_write64(smmu->mem, pa + 8, cd[1]);
	sio_phys_write64_release(smmu->mem, pa, cd[0]);
	smmu_master_cfgi_cd(master, ssid);
}

static void smmu_clear_cd(struct smmu_master *master, u32 ssid)
{
	u64 cd[2] = { 0, 0 };

	if (master->cd_pa)
		smmu_write_cd(master, ssid, cd);
}

/**
 * smmu_master_get_cd_table() - allocate @master's CD table (every CD
 * invalid) unless it has one
 * @master: the master
 *
 * Done at probe (stage-1 hardware) so that attach never needs memory: the
 * core requires the first attach of a group to succeed.
 *
 * Context: may sleep; takes only the frame allocator's lock.
 * Return: 0, or -ENOMEM (fail-nth injection included).
 */
int smmu_master_get_cd_table(struct smmu_master *master)
{
	u64 pa;
	int ret;

	if (master->cd_pa)
		return 0;
	master->cd_order = sio_phys_order_for_size(
		(u64)SIO_SMMU_CD_SIZE << master->ssid_bits);
	ret = sio_phys_alloc_pages(master->smmu->mem, master->cd_order,
				   GFP_KERNEL, &pa);
	if (ret)
		return ret;
	master->cd_pa = pa;
	return 0;
}

/**
 * smmu_master_free_cd_table() - free @master's CD table
 * @master: a master whose STEs no longer point at it
 * Context: release_device.
 */
void smmu_master_free_cd_table(struct smmu_master *master)
{
	if (!master->cd_pa)
		return;
	sio_phys_free_pages(master->smmu->mem, master->cd_pa,
			    master->cd_order);
	master->cd_pa = 0;
}

static void smmu_master_set_rid_domain(struct smmu_master *master,
				       struct iommu_domain *domain)
{
	mutex_lock(&master->smmu->streams_lock);
	master->rid_domain = domain;
	mutex_unlock(&master->smmu->streams_lock);
}

/*
 * The STE for a RID that is identity or blocked: the plain entry, or the CD
 * table with S1DSS bypass/terminate while PASIDs are attached.
 */
static void smmu_master_write_static_ste(struct smmu_master *master,
					 bool identity)
{
	if (master->nr_pasids)
		smmu_master_write_ste(master, SMMU_STE_CDTABLE, NULL,
				      identity ? SIO_SMMU_STE1_S1DSS_BYPASS :
						 SIO_SMMU_STE1_S1DSS_TERMINATE);
	else
		smmu_master_write_ste(master, identity ? SMMU_STE_BYPASS :
							 SMMU_STE_ABORT,
				      NULL, 0);
}

/* attach_dev of every SMMU domain.  Context: group mutex held. */
static int smmu_attach_dev(struct iommu_domain *domain, struct sio_device *dev,
			   struct iommu_domain *old)
{
	struct smmu_master *master = smmu_dev_master(dev);
	struct smmu_domain *sd = NULL;
	bool was_s1;
	u64 cd[2];
	int ret;

	if (!master)
		return -ENODEV;
	was_s1 = smmu_domain_is_paging(master->rid_domain) &&
		 to_smmu_domain(master->rid_domain)->stage == SMMU_STAGE_1;
	if (smmu_domain_is_paging(domain)) {
		sd = to_smmu_domain(domain);
		/* Soft failures: another instance's domain; S2 with PASIDs. */
		if (sd->smmu != master->smmu)
			return -EINVAL;
		if (sd->stage == SMMU_STAGE_2 && master->nr_pasids)
			return -EINVAL;
	}

	if (!sd) {
		smmu_master_write_static_ste(master,
					     domain == &smmu_identity_domain);
	} else if (sd->stage == SMMU_STAGE_2) {
		smmu_master_write_ste(master, SMMU_STE_S2, sd, 0);
	} else {
		ret = smmu_master_get_cd_table(master);
		if (ret)
			return ret;
		smmu_make_cd(sd, cd);
		smmu_write_cd(master, IOMMU_NO_PASID, cd);
		smmu_master_write_ste(master, SMMU_STE_CDTABLE, NULL,
				      SIO_SMMU_STE1_S1DSS_SSID0);
	}
	/* CD 0 no longer used by the RID: make it invalid. */
	if (was_s1 && (!sd || sd->stage != SMMU_STAGE_1))
		smmu_clear_cd(master, IOMMU_NO_PASID);
	smmu_master_set_rid_domain(master, domain);
	return 0;
}

/* set_dev_pasid of paging and blocked domains.  Group mutex held. */
static int smmu_set_dev_pasid(struct iommu_domain *domain,
			      struct sio_device *dev, unsigned int pasid,
			      struct iommu_domain *old)
{
	struct smmu_master *master = smmu_dev_master(dev);
	struct iommu_domain *rid;
	struct smmu_domain *sd;
	void *prev;
	u64 cd[2];
	int ret;

	if (!master)
		return -ENODEV;
	if (pasid == IOMMU_NO_PASID || pasid >= (1U << master->ssid_bits) ||
	    !master->ssid_bits)
		return -EINVAL;
	rid = master->rid_domain;

	if (domain == &smmu_blocked_domain) {
		if (!xa_load(&master->pasids, pasid))
			return 0;
		smmu_clear_cd(master, pasid);
		mutex_lock(&master->smmu->streams_lock);
		xa_erase(&master->pasids, pasid);
		mutex_unlock(&master->smmu->streams_lock);
		master->nr_pasids--;
		if (!master->nr_pasids && !smmu_domain_is_paging(rid))
			smmu_master_write_static_ste(master,
						     rid == &smmu_identity_domain);
		return 0;
	}

	if (!smmu_domain_is_paging(domain))
		return -EINVAL;
	sd = to_smmu_domain(domain);
	if (sd->smmu != master->smmu || sd->stage != SMMU_STAGE_1)
		return -EINVAL;
	if (smmu_domain_is_paging(rid) &&
	    to_smmu_domain(rid)->stage == SMMU_STAGE_2)
		return -EINVAL;
	ret = smmu_master_get_cd_table(master);
	if (ret)
		return ret;

	mutex_lock(&master->smmu->streams_lock);
	prev = xa_store(&master->pasids, pasid, sd, GFP_KERNEL);
	mutex_unlock(&master->smmu->streams_lock);
	if (xa_is_err(prev))
		return xa_err(prev);
	smmu_make_cd(sd, cd);
	smmu_write_cd(master, pasid, cd);
	if (!prev && !master->nr_pasids++ && !smmu_domain_is_paging(rid))
		smmu_master_write_static_ste(master,
					     rid == &smmu_identity_domain);
	return 0;
}

const struct iommu_domain_ops smmu_paging_ops = {
	.attach_dev = smmu_attach_dev,
	.set_dev_pasid = smmu_set_dev_pasid,
	.map_pages = smmu_map_pages,
	.unmap_pages = smmu_unmap_pages,
	.flush_iotlb_all = smmu_flush_iotlb_all,
	.iotlb_sync = smmu_iotlb_sync,
	.iova_to_phys = smmu_iova_to_phys,
	.enforce_cache_coherency = smmu_enforce_cache_coherency,
	.free = smmu_domain_free,
};

const struct iommu_domain_ops smmu_identity_ops = {
	.attach_dev = smmu_attach_dev,
};

const struct iommu_domain_ops smmu_blocked_ops = {
	.attach_dev = smmu_attach_dev,
	.set_dev_pasid = smmu_set_dev_pasid,
};
