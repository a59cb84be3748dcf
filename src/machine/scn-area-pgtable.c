// SPDX-License-Identifier: BSD-3-Clause
/*
 * Scenario area "page tables": "pgtable dump DEV", what the hardware sees for a device behind an SMMU -
 * its stream table entry, its context descriptor, and every valid
 * descriptor of its translation tables (level, index, raw descriptor,
 * input range, output address, decoded permissions).  Tables are read from
 * machine RAM and decoded only through the format header
 * (src/pgtable/fmt/arm-lpae.h) and the hardware layout (src/hw/smmu-hw.h).
 * Kernel counterpart: none (a debugfs-style dump for kernel developers).
 */
#include "machine/scn-parse-priv.h"
#include "machine/scn-run.h"
#include "drivers/smmu/smmu.h"
#include "pgtable/fmt/arm-lpae.h"

/* Entry lines printed per dump (the rest are counted). */
#define PGT_MAX_LINES	256

struct pgt_dump {
	struct sio_scn_ctx *ctx;
	struct sio_phys_mem *mem;
	struct arm_lpae_geom g;
	bool stage1;
	bool range;
	u64 lo, hi;			/* inclusive input range when @range */
	unsigned int lines, hidden, tables, leaves;
};

static const char *size_name(u64 n, char *buf, size_t len)
{
	if (n >= (1ULL << 30) && !(n & ((1ULL << 30) - 1)))
		snprintf(buf, len, "%lluG", (unsigned long long)(n >> 30));
	else if (n >= (1ULL << 20) && !(n & ((1ULL << 20) - 1)))
		snprintf(buf, len, "%lluM", (unsigned long long)(n >> 20));
	else
		snprintf(buf, len, "%lluK", (unsigned long long)(n >> 10));
	return buf;
}

/* "R W noexec priv cache" from the format's decode of a leaf. */
static const char *perm_str(const struct pgt_dump *d, arm_lpae_iopte pte,
			    char *buf, size_t len)
{
	int prot = d->stage1 ? arm_lpae_s1_pte_prot(pte) :
			       arm_lpae_s2_pte_prot(pte);

	snprintf(buf, len, "%s%s%s%s%s%s%s",
		 prot & IOMMU_READ ? "R" : "-", prot & IOMMU_WRITE ? "W" : "-",
		 prot & IOMMU_NOEXEC ? " noexec" : "",
		 prot & IOMMU_PRIV ? " priv" : "",
		 prot & IOMMU_CACHE ? " cache" : "",
		 prot & IOMMU_MMIO ? " mmio" : "",
		 pte & ARM_LPAE_PTE_AF ? "" : " no-AF");
	return buf;
}

static void pgt_line(struct pgt_dump *d, const char *fmt, ...) __printf(2, 3);

static void pgt_line(struct pgt_dump *d, const char *fmt, ...)
{
	char line[256];
	va_list ap;

	if (d->lines >= PGT_MAX_LINES) {
		d->hidden++;
		return;
	}
	d->lines++;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	scn_out(d->ctx, "%s\n", line);
}

static void pgt_walk(struct pgt_dump *d, u64 table, unsigned int lvl, u64 base)
{
	u64 n = arm_lpae_lvl_entries(&d->g, lvl), idx;
	u64 bsize = arm_lpae_block_size(&d->g, lvl);
	int ind = 2 + 2 * (int)(lvl - d->g.start_level);
	char sz[32], perm[64];

	d->tables++;
	for (idx = 0; idx < n; idx++) {
		u64 pa = table + idx * sizeof(arm_lpae_iopte);
		u64 iova = base + idx * bsize;
		arm_lpae_iopte pte = sio_phys_read64(d->mem, pa);
		u64 oa;

		if (!arm_lpae_pte_valid(pte))
			continue;
		if (d->range && (iova + bsize - 1 < d->lo || iova > d->hi))
			continue;
		oa = arm_lpae_pte_to_paddr(pte, d->g.granule_shift);
		if (arm_lpae_pte_is_table(pte, lvl)) {
			u64 next = (u64)sizeof(arm_lpae_iopte) *
				   arm_lpae_lvl_entries(&d->g, lvl + 1);

			pgt_line(d, "%*sL%u[%3llu] %016llx table  %#llx-%#llx -> next table at %#llx",
				 ind, "", lvl, (unsigned long long)idx,
				 (unsigned long long)pte,
				 (unsigned long long)iova,
				 (unsigned long long)(iova + bsize - 1),
				 (unsigned long long)oa);
			if (!sio_phys_range_valid(d->mem, oa, next))
				pgt_line(d, "%*s(table outside RAM: not followed)",
					 ind + 2, "");
			else
				pgt_walk(d, oa, lvl + 1, iova);
		} else if (arm_lpae_pte_is_leaf(pte, lvl) &&
			   arm_lpae_leaf_allowed(&d->g, lvl)) {
			d->leaves++;
			pgt_line(d, "%*sL%u[%3llu] %016llx %s  %#llx-%#llx -> %#llx (%s) %s",
				 ind, "", lvl, (unsigned long long)idx,
				 (unsigned long long)pte,
				 lvl == 3 ? "page " : "block",
				 (unsigned long long)iova,
				 (unsigned long long)(iova + bsize - 1),
				 (unsigned long long)oa,
				 size_name(bsize, sz, sizeof(sz)),
				 perm_str(d, pte, perm, sizeof(perm)));
		} else {
			pgt_line(d, "%*sL%u[%3llu] %016llx reserved (a translation fault)",
				 ind, "", lvl, (unsigned long long)idx,
				 (unsigned long long)pte);
		}
	}
}

static void pgt_run(struct pgt_dump *d, u64 ttbr)
{
	u64 top = arm_lpae_pgd_bytes(&d->g);

	if (!sio_phys_range_valid(d->mem, ttbr, top)) {
		scn_out(d->ctx, "  (table base outside RAM)\n");
		return;
	}
	pgt_walk(d, ttbr, d->g.start_level, 0);
	if (d->hidden)
		scn_out(d->ctx, "  ... %u more line(s) not shown (give an IOVA range)\n",
			d->hidden);
	scn_out(d->ctx, "  %u table(s), %u leaf entr%s%s\n", d->tables,
		d->leaves, d->leaves == 1 ? "y" : "ies",
		d->range ? " in the range" : "");
}

static const char *ste_config_name(unsigned int c)
{
	switch (c) {
	case SIO_SMMU_STE0_CONFIG_ABORT: return "abort";
	case SIO_SMMU_STE0_CONFIG_BYPASS: return "bypass";
	case SIO_SMMU_STE0_CONFIG_S1_TRANS: return "stage 1";
	case SIO_SMMU_STE0_CONFIG_S2_TRANS: return "stage 2";
	case SIO_SMMU_STE0_CONFIG_NESTED: return "nested";
	default: return "reserved";
	}
}

/* Stage 1 from the context descriptor of @ssid.  Return: 0 or -errno. */
static int dump_s1(struct pgt_dump *d, u64 ste0, u32 ssid)
{
	u64 cdptr = ste0 & SIO_SMMU_STE0_S1CTXPTR;
	unsigned int cdmax = (unsigned int)SIO_SMMU_FIELD_GET(SIO_SMMU_STE0_S1CDMAX, ste0);
	unsigned int t0sz, ips, levels;
	int gshift, oas;
	u64 cd0, cd1;

	if (ssid >> cdmax) {
		scn_out(d->ctx, "  no context descriptor %u (the table has %u)\n",
			ssid, 1u << cdmax);
		return -EINVAL;
	}
	if (!sio_phys_range_valid(d->mem, cdptr + (u64)ssid * SIO_SMMU_CD_SIZE,
				  SIO_SMMU_CD_SIZE)) {
		scn_out(d->ctx, "  CD table at %#llx: outside RAM\n",
			(unsigned long long)cdptr);
		return -EINVAL;
	}
	cd0 = sio_phys_read64(d->mem, cdptr + (u64)ssid * SIO_SMMU_CD_SIZE);
	cd1 = sio_phys_read64(d->mem, cdptr + (u64)ssid * SIO_SMMU_CD_SIZE + 8);
	if (!(cd0 & SIO_SMMU_CD0_V)) {
		scn_out(d->ctx, "  CD %u: invalid (%016llx)\n", ssid,
			(unsigned long long)cd0);
		return -ENOENT;
	}
	t0sz = (unsigned int)SIO_SMMU_FIELD_GET(SIO_SMMU_CD0_T0SZ, cd0);
	ips = (unsigned int)SIO_SMMU_FIELD_GET(SIO_SMMU_CD0_IPS, cd0);
	gshift = arm_lpae_tg_to_granule((unsigned int)SIO_SMMU_FIELD_GET(SIO_SMMU_CD0_TG0, cd0));
	oas = arm_lpae_ps_to_oas(ips);
	if (gshift < 0 || oas < 0 || t0sz >= 64 ||
	    (levels = arm_lpae_levels((unsigned int)gshift, 64 - t0sz)) > 4 ||
	    arm_lpae_geom_init(&d->g, (unsigned int)gshift, 64 - t0sz,
			       (unsigned int)oas, 4 - levels)) {
		scn_out(d->ctx, "  CD %u: %016llx %016llx: a geometry the walker refuses\n",
			ssid, (unsigned long long)cd0, (unsigned long long)cd1);
		return -EINVAL;
	}
	d->stage1 = true;
	scn_out(d->ctx, "  CD %u at %#llx: ASID %llu, TTB0 %#llx, %uK granule, IAS %u, OAS %u, walk from level %u%s\n",
		ssid, (unsigned long long)(cdptr + (u64)ssid * SIO_SMMU_CD_SIZE),
		(unsigned long long)SIO_SMMU_FIELD_GET(SIO_SMMU_CD0_ASID, cd0),
		(unsigned long long)(cd1 & SIO_SMMU_CD1_TTB0),
		1u << (gshift - 10), d->g.ias, d->g.oas, d->g.start_level,
		cd0 & SIO_SMMU_CD0_EPD0 ? " (EPD0: walks disabled)" : "");
	pgt_run(d, cd1 & SIO_SMMU_CD1_TTB0);
	return 0;
}

static int dump_s2(struct pgt_dump *d, const u64 *ste)
{
	unsigned int t0sz = (unsigned int)SIO_SMMU_FIELD_GET(SIO_SMMU_STE2_S2T0SZ, ste[2]);
	unsigned int sl0 = (unsigned int)SIO_SMMU_FIELD_GET(SIO_SMMU_STE2_S2SL0, ste[2]);
	int gshift = arm_lpae_tg_to_granule((unsigned int)SIO_SMMU_FIELD_GET(SIO_SMMU_STE2_S2TG, ste[2]));
	int oas = arm_lpae_ps_to_oas((unsigned int)SIO_SMMU_FIELD_GET(SIO_SMMU_STE2_S2PS, ste[2]));
	int start = gshift < 0 ? -EINVAL :
		arm_lpae_s2_sl0_to_level((unsigned int)gshift, sl0);
	u64 ttb = ste[3] & SIO_SMMU_STE3_S2TTB;

	if (start < 0 || oas < 0 || t0sz >= 64 ||
	    arm_lpae_geom_init(&d->g, (unsigned int)gshift, 64 - t0sz,
			       (unsigned int)oas, (unsigned int)start)) {
		scn_out(d->ctx, "  stage 2: %016llx: a geometry the walker refuses\n",
			(unsigned long long)ste[2]);
		return -EINVAL;
	}
	d->stage1 = false;
	d->tables = d->leaves = d->lines = d->hidden = 0;
	scn_out(d->ctx, "  stage 2: VMID %llu, S2TTB %#llx, %uK granule, IAS %u, OAS %u, walk from level %u (%u concatenated table(s))\n",
		(unsigned long long)SIO_SMMU_FIELD_GET(SIO_SMMU_STE2_S2VMID, ste[2]),
		(unsigned long long)ttb, 1u << (gshift - 10), d->g.ias, d->g.oas,
		d->g.start_level, arm_lpae_geom_concat(&d->g));
	pgt_run(d, ttb);
	return 0;
}

/* pgtable dump DEV [pasid=N] [IOVA SIZE] */
static int parse_pgtable_dump(struct scn_parser *p)
{
	struct sio_scn_cmd *cmd = p->cmd;
	int ret;

	ret = scn_take_name_arg(p, "a device name") ?: scn_take_pasid_opt(p);
	if (ret || scn_at_end(p))
		return ret;
	ret = scn_take_addr(p, "an IOVA", 0) ?:
	      scn_take_u64(p, "a size", &cmd->num[2]);
	if (ret)
		return ret;
	if (!cmd->num[2])
		return scn_expected_prev(p, "a non-zero size");
	cmd->flags |= SCN_F_RANGE;
	return scn_check_range(p, 0, cmd->num[2]);
}

/* Reads the SMMU's registers and RAM only, on the interpreter thread. */
static void run_pgtable_dump(struct sio_scn_ctx *ctx,
			     const struct sio_scn_cmd *cmd)
{
	struct pgt_dump d = { .ctx = ctx, .mem = ctx->m->mem };
	struct machine_iommu *mi;
	struct sio_hw_smmu *hw;
	struct sio_device *dev;
	unsigned int log2size, config, i;
	u64 strtab, ste[4], iova;
	u32 sid, ssid;
	int ret = 0;

	if ((cmd->flags & SCN_F_RANGE) && !scn_resolve(ctx, cmd, 0, &iova))
		return;
	dev = scn_get_device(ctx, cmd->argv[0]);
	if (!dev)
		return;
	mi = sio_machine_dev_iommu(ctx->m, dev);
	if (!mi || !machine_iommu_is_smmu(mi) || !dev->fw.num_ids || !d.mem) {
		scn_op_error(ctx, -ENODEV, "pgtable dump: %s is not behind an SMMU",
			     dev->name);
		sio_put_device(dev);
		return;
	}
	if (cmd->flags & SCN_F_RANGE) {
		d.range = true;
		d.lo = iova;
		d.hi = iova + cmd->num[2] - 1 < iova ? ~0ULL :
						       iova + cmd->num[2] - 1;
	}
	hw = smmu_iommu_hw(mi->iommu);
	sid = dev->fw.ids[0];
	ssid = cmd->flags & SCN_F_PASID ? (u32)cmd->num[1] : 0;
	strtab = sio_hw_smmu_read64(hw, SIO_SMMU_STRTAB_BASE) &
		 SIO_SMMU_STRTAB_BASE_ADDR;
	log2size = (unsigned int)SIO_SMMU_FIELD_GET(SIO_SMMU_STRTAB_CFG_LOG2SIZE,
			sio_hw_smmu_read32(hw, SIO_SMMU_STRTAB_BASE_CFG));
	if ((u64)sid >> log2size ||
	    !sio_phys_range_valid(d.mem, strtab + (u64)sid * SIO_SMMU_STE_SIZE,
				  SIO_SMMU_STE_SIZE)) {
		scn_out(ctx, "%s sid %#x: outside the stream table\n", mi->name,
			sid);
		ret = -EINVAL;
		goto out;
	}
	for (i = 0; i < 4; i++)
		ste[i] = sio_phys_read64(d.mem, strtab +
					 (u64)sid * SIO_SMMU_STE_SIZE + 8 * i);
	config = (unsigned int)SIO_SMMU_FIELD_GET(SIO_SMMU_STE0_CONFIG, ste[0]);
	scn_out(ctx, "%s sid %#x (%s): STE at %#llx: %s, config %s\n",
		mi->name, sid, dev->name,
		(unsigned long long)(strtab + (u64)sid * SIO_SMMU_STE_SIZE),
		ste[0] & SIO_SMMU_STE0_V ? "valid" : "invalid (aborts)",
		ste_config_name(config));
	if (!(ste[0] & SIO_SMMU_STE0_V))
		goto out;
	if (config == SIO_SMMU_STE0_CONFIG_S1_TRANS)
		ret = dump_s1(&d, ste[0], ssid);
	else if (config == SIO_SMMU_STE0_CONFIG_NESTED)
		scn_out(ctx, "  stage 1: CD table at IPA %#llx (not dumped: its addresses are IPAs)\n",
			(unsigned long long)(ste[0] & SIO_SMMU_STE0_S1CTXPTR));
	if (config == SIO_SMMU_STE0_CONFIG_S2_TRANS ||
	    config == SIO_SMMU_STE0_CONFIG_NESTED)
		ret = dump_s2(&d, ste);
out:
	ctx->last_err = ret;
	sio_put_device(dev);
}

static const struct scn_cmd_row pgtable_cmds[] = {
	{
		.word = "pgtable", .sub = "dump",
		.synopsis = "pgtable dump DEV [pasid=N] [IOVA SIZE]",
		.help = "what the SMMU walks for DEV, entry by entry",
		.doc = "what the SMMU walks for DEV: its stream table entry, context descriptor (ASID, TTB0, granule, IAS/OAS, start level) or stage-2 configuration (VMID, S2TTB), then every valid descriptor - level, index, raw descriptor in hex, input range, next table or output address, size, decoded permissions (`R`, `W`, `noexec`, `priv`, `cache`, `mmio`, `no-AF`). With IOVA SIZE only entries overlapping that range; at most 256 lines. Decoded only through the format header `src/pgtable/fmt/arm-lpae.h`",
		.parse = parse_pgtable_dump,
		.run = run_pgtable_dump,
	},
};

const struct scn_area scn_area_pgtable = {
	.name = "pgtable",
	.title = "Page tables",
	.cmds = pgtable_cmds,
	.ncmds = ARRAY_SIZE(pgtable_cmds),
};
