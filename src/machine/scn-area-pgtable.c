// SPDX-License-Identifier: BSD-3-Clause
/*
 * Scenario area "page tables": "pgtable dump DEV", what the hardware sees
 * for a device behind an SMMU - its stream table entry, its context
 * descriptor, and every valid descriptor of its translation tables (level,
 * index, raw descriptor, input range, output address, decoded permissions).
 * The STE and CD are decoded by the SMMU model's own decoder
 * (sio_hw_smmu_describe_ste/_cd, the code its walker uses), the tables only
 * through the format header (src/pgtable/fmt/arm-lpae.h).
 * Kernel counterpart: none (a debugfs-style dump for kernel developers).
 */
#include "machine/scn-parse-priv.h"
#include "machine/scn-run.h"
#include "hw/hw-smmu.h"
#include "pgtable/fmt/arm-lpae.h"
#include "pgtable/io-pgtable-prot.h"

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
		 prot & IO_PGTABLE_PROT_READ ? "R" : "-",
		 prot & IO_PGTABLE_PROT_WRITE ? "W" : "-",
		 prot & IO_PGTABLE_PROT_NOEXEC ? " noexec" : "",
		 prot & IO_PGTABLE_PROT_PRIV ? " priv" : "",
		 prot & IO_PGTABLE_PROT_CACHE ? " cache" : "",
		 prot & IO_PGTABLE_PROT_MMIO ? " mmio" : "",
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

/* Stage 1 through the context descriptor of @ssid.  Return: 0 or -errno. */
static int dump_s1(struct pgt_dump *d, struct sio_hw_smmu *hw,
		   const struct sio_hw_smmu_ste_desc *sd, u32 ssid)
{
	struct sio_hw_smmu_cd_desc cdd;
	int ret;

	ret = sio_hw_smmu_describe_cd(hw, sd, ssid, &cdd);
	switch (ret) {
	case 0:
		break;
	case -ERANGE:
		scn_out(d->ctx, "  no context descriptor %u (the table has %u)\n",
			ssid, 1u << sd->ste.s1cdmax);
		return -EINVAL;
	case -EIO:
		scn_out(d->ctx, "  CD table at %#llx: outside RAM\n",
			(unsigned long long)sd->ste.s1ctxptr);
		return -EINVAL;
	case -ENOENT:
		scn_out(d->ctx, "  CD %u: invalid (%016llx)\n", ssid,
			(unsigned long long)cdd.cd.w[0]);
		return -ENOENT;
	default:
		scn_out(d->ctx, "  CD %u: %016llx %016llx: a geometry the walker refuses\n",
			ssid, (unsigned long long)cdd.cd.w[0],
			(unsigned long long)cdd.cd.w[1]);
		return -EINVAL;
	}
	d->g = cdd.cd.s1;
	d->stage1 = true;
	scn_out(d->ctx, "  CD %u at %#llx: ASID %u, TTB0 %#llx, %uK granule, IAS %u, OAS %u, walk from level %u%s\n",
		ssid, (unsigned long long)cdd.addr, cdd.cd.asid,
		(unsigned long long)cdd.cd.ttb, 1u << (d->g.granule_shift - 10),
		d->g.ias, d->g.oas, d->g.start_level,
		cdd.cd.epd0 ? " (EPD0: walks disabled)" : "");
	pgt_run(d, cdd.cd.ttb);
	return 0;
}

static int dump_s2(struct pgt_dump *d, const struct sio_hw_smmu_ste_desc *sd)
{
	d->g = sd->ste.s2;
	d->stage1 = false;
	d->tables = d->leaves = d->lines = d->hidden = 0;
	scn_out(d->ctx, "  stage 2: VMID %u, S2TTB %#llx, %uK granule, IAS %u, OAS %u, walk from level %u (%u concatenated table(s))\n",
		sd->ste.vmid, (unsigned long long)sd->ste.s2ttb,
		1u << (d->g.granule_shift - 10), d->g.ias, d->g.oas,
		d->g.start_level, arm_lpae_geom_concat(&d->g));
	pgt_run(d, sd->ste.s2ttb);
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

/*
 * Reads RAM through the SMMU model's own decoder (the code its walker uses),
 * on the interpreter thread.
 */
static void run_pgtable_dump(struct sio_scn_ctx *ctx,
			     const struct sio_scn_cmd *cmd)
{
	struct pgt_dump d = { .ctx = ctx, .mem = ctx->m->mem };
	struct sio_hw_smmu_ste_desc sd;
	struct machine_iommu *mi;
	struct sio_device *dev;
	u64 iova;
	u32 ssid;
	int ret;

	if ((cmd->flags & SCN_F_RANGE) && !scn_resolve(ctx, cmd, 0, &iova))
		return;
	dev = scn_get_device(ctx, cmd->argv[0]);
	if (!dev)
		return;
	mi = sio_machine_dev_iommu(ctx->m, dev);
	if (!mi || !mi->hw || !dev->fw.num_ids || !d.mem) {
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
	ssid = cmd->flags & SCN_F_PASID ? (u32)cmd->num[1] : 0;
	ret = sio_hw_smmu_describe_ste(mi->hw, dev->fw.ids[0], &sd);
	if (ret == -ERANGE || ret == -EIO) {
		scn_out(ctx, "%s sid %#x: outside the stream table\n", mi->name,
			sd.sid);
		ret = -EINVAL;
		goto out;
	}
	scn_out(ctx, "%s sid %#x (%s): STE at %#llx: %s, config %s\n",
		mi->name, sd.sid, dev->name, (unsigned long long)sd.pa,
		sd.valid ? "valid" : "invalid (aborts)",
		sio_hw_smmu_ste_config_name(sd.config));
	if (ret == -ENOENT) {
		ret = 0;
		goto out;
	}
	if (ret) {
		scn_out(ctx, "  STE %016llx %016llx %016llx %016llx: refused by the hardware\n",
			(unsigned long long)sd.ste.w[0],
			(unsigned long long)sd.ste.w[1],
			(unsigned long long)sd.ste.w[2],
			(unsigned long long)sd.ste.w[3]);
		goto out;
	}
	if (sd.config == SIO_SMMU_STE0_CONFIG_S1_TRANS)
		ret = dump_s1(&d, mi->hw, &sd, ssid);
	else if (sd.config == SIO_SMMU_STE0_CONFIG_NESTED)
		scn_out(ctx, "  stage 1: CD table at IPA %#llx (not dumped: its addresses are IPAs)\n",
			(unsigned long long)sd.ste.s1ctxptr);
	if (sd.config == SIO_SMMU_STE0_CONFIG_S2_TRANS ||
	    sd.config == SIO_SMMU_STE0_CONFIG_NESTED)
		ret = dump_s2(&d, &sd);
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
