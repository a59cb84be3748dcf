/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Test scaffolding for the SMMU model: a tiny "driver" that programs the
 * model only through registers and memory (stream table, CD tables, queues,
 * commands) and hand-built ARM LPAE tables written through fmt/arm-lpae.h.
 */
#ifndef SIO_TESTS_HW_SMMU_ENV_H
#define SIO_TESTS_HW_SMMU_ENV_H

#include <stdatomic.h>
#include "harness.h"
#include "base/base.h"
#include "mem/phys-mem.h"
#include "hw/hw-smmu.h"
#include "pgtable/fmt/arm-lpae.h"

#define ENV_MAX_ALLOCS	512
#define ENV_STRTAB_LOG2	8

struct env {
	struct sio_phys_mem *mem;
	struct sio_hw_smmu *smmu;
	u64 strtab, cmdq, evtq, priq;
	unsigned int cmdq_log2, evtq_log2, priq_log2;
	u32 cmdq_prod;		/* the driver's copy */
	u64 allocs[ENV_MAX_ALLOCS];
	unsigned int alloc_order[ENV_MAX_ALLOCS];
	unsigned int nr_allocs;
	atomic_int irqs[SIO_HW_SMMU_NR_IRQS];
};

/* Allocate zeroed frames that env_fini() frees. */
static inline u64 env_alloc(struct env *e, u64 bytes)
{
	unsigned int order = sio_phys_order_for_size(bytes);
	u64 pa = 0;

	if (sio_phys_alloc_pages(e->mem, order, GFP_KERNEL, &pa) ||
	    e->nr_allocs == ENV_MAX_ALLOCS)
		abort();
	e->allocs[e->nr_allocs] = pa;
	e->alloc_order[e->nr_allocs++] = order;
	return pa;
}

static void env_irq(struct sio_hw_smmu *smmu, void *data)
{
	atomic_fetch_add((atomic_int *)data, 1);
}

/*
 * Build memory + SMMU and program it the way a driver would: stream table,
 * queues, interrupts, CR0.  @cfg may be NULL (defaults).
 */
static inline void env_init(struct env *e, const struct sio_hw_smmu_config *cfg,
			    unsigned int evtq_log2, unsigned int priq_log2)
{
	int i;

	memset(e, 0, sizeof(*e));
	e->mem = sio_phys_mem_create(0, 64ULL << 20);
	if (IS_ERR(e->mem))
		abort();
	e->smmu = sio_hw_smmu_create(e->mem, cfg);
	if (IS_ERR(e->smmu))
		abort();
	e->cmdq_log2 = 6;
	e->evtq_log2 = evtq_log2;
	e->priq_log2 = priq_log2;
	e->strtab = env_alloc(e, SIO_SMMU_STE_SIZE << ENV_STRTAB_LOG2);
	e->cmdq = env_alloc(e, SIO_SMMU_CMD_SIZE << e->cmdq_log2);
	e->evtq = env_alloc(e, SIO_SMMU_EVT_SIZE << e->evtq_log2);
	e->priq = env_alloc(e, SIO_SMMU_PRI_SIZE << e->priq_log2);
	for (i = 0; i < SIO_HW_SMMU_NR_IRQS; i++)
		sio_hw_smmu_set_irq_handler(e->smmu, i, env_irq, &e->irqs[i]);
	sio_hw_smmu_write64(e->smmu, SIO_SMMU_STRTAB_BASE, e->strtab);
	sio_hw_smmu_write32(e->smmu, SIO_SMMU_STRTAB_BASE_CFG,
			    ENV_STRTAB_LOG2);
	sio_hw_smmu_write64(e->smmu, SIO_SMMU_CMDQ_BASE, e->cmdq | e->cmdq_log2);
	sio_hw_smmu_write64(e->smmu, SIO_SMMU_EVTQ_BASE, e->evtq | e->evtq_log2);
	sio_hw_smmu_write64(e->smmu, SIO_SMMU_PRIQ_BASE, e->priq | e->priq_log2);
	sio_hw_smmu_write32(e->smmu, SIO_SMMU_IRQ_CTRL,
			    SIO_SMMU_IRQ_CTRL_GERROR_IRQEN |
			    SIO_SMMU_IRQ_CTRL_PRIQ_IRQEN |
			    SIO_SMMU_IRQ_CTRL_EVTQ_IRQEN);
	sio_hw_smmu_write32(e->smmu, SIO_SMMU_CR0,
			    SIO_SMMU_CR0_SMMUEN | SIO_SMMU_CR0_CMDQEN |
			    SIO_SMMU_CR0_EVTQEN |
			    (sio_hw_smmu_read32(e->smmu, SIO_SMMU_IDR0) &
			     SIO_SMMU_IDR0_PRI ? SIO_SMMU_CR0_PRIQEN : 0));
}

static inline void env_fini(struct env *e)
{
	unsigned int i;

	sio_hw_smmu_destroy(e->smmu);
	for (i = 0; i < e->nr_allocs; i++)
		sio_phys_free_pages(e->mem, e->allocs[i], e->alloc_order[i]);
	sio_phys_mem_destroy(e->mem);
}

static inline void wr64(struct env *e, u64 pa, u64 v)
{
	sio_phys_write64(e->mem, pa, v);
}

static inline u64 rd64(struct env *e, u64 pa)
{
	return sio_phys_read64(e->mem, pa);
}

/* Queue commands without submitting them. */
static inline void env_cmd_queue(struct env *e, u64 c0, u64 c1)
{
	u64 slot = e->cmdq + (u64)(e->cmdq_prod & ((1U << e->cmdq_log2) - 1)) *
				     SIO_SMMU_CMD_SIZE;

	wr64(e, slot, c0);
	wr64(e, slot + 8, c1);
	e->cmdq_prod = (e->cmdq_prod + 1) & ((2U << e->cmdq_log2) - 1);
}

/* Submit what is queued.  Return: CMDQ_CONS.ERR. */
static inline u32 env_cmd_submit(struct env *e)
{
	sio_hw_smmu_write32(e->smmu, SIO_SMMU_CMDQ_PROD, e->cmdq_prod);
	return SIO_SMMU_FIELD_GET(SIO_SMMU_CMDQ_CONS_ERR,
				  sio_hw_smmu_read32(e->smmu,
						     SIO_SMMU_CMDQ_CONS));
}

/* One command followed by CMD_SYNC.  Return: CMDQ_CONS.ERR. */
static inline u32 env_cmd(struct env *e, u64 c0, u64 c1)
{
	env_cmd_queue(e, c0, c1);
	env_cmd_queue(e, SIO_SMMU_CMD_SYNC, 0);
	return env_cmd_submit(e);
}

static inline u64 op(unsigned int opcode)
{
	return SIO_SMMU_FIELD_PREP(SIO_SMMU_CMD0_OP, opcode);
}

static inline u32 env_cfgi_ste(struct env *e, u32 sid)
{
	return env_cmd(e, op(SIO_SMMU_CMD_CFGI_STE) |
			  SIO_SMMU_FIELD_PREP(SIO_SMMU_CMD0_SID, sid), 0);
}

static inline u32 env_cfgi_cd(struct env *e, u32 sid, u32 ssid)
{
	return env_cmd(e, op(SIO_SMMU_CMD_CFGI_CD) |
			  SIO_SMMU_FIELD_PREP(SIO_SMMU_CMD0_SID, sid) |
			  SIO_SMMU_FIELD_PREP(SIO_SMMU_CMD0_SSID, ssid), 0);
}

static inline u32 env_tlbi_va(struct env *e, u16 vmid, u16 asid, u64 va,
			      unsigned int range)
{
	return env_cmd(e, op(SIO_SMMU_CMD_TLBI_NH_VA) |
			  SIO_SMMU_FIELD_PREP(SIO_SMMU_CMD0_VMID, vmid) |
			  SIO_SMMU_FIELD_PREP(SIO_SMMU_CMD0_ASID, asid) |
			  SIO_SMMU_FIELD_PREP(SIO_SMMU_CMD0_RANGE, range),
		       (va & SIO_SMMU_CMD1_ADDR) | SIO_SMMU_CMD1_LEAF);
}

/* Write an STE (words 0-3) and invalidate it. */
static inline void env_ste(struct env *e, u32 sid, u64 w0, u64 w1, u64 w2,
			   u64 w3)
{
	u64 pa = e->strtab + (u64)sid * SIO_SMMU_STE_SIZE;

	wr64(e, pa + 8, w1);
	wr64(e, pa + 16, w2);
	wr64(e, pa + 24, w3);
	wr64(e, pa, w0);
	env_cfgi_ste(e, sid);
}

static inline u64 ste0(unsigned int config)
{
	return SIO_SMMU_STE0_V |
	       SIO_SMMU_FIELD_PREP(SIO_SMMU_STE0_CONFIG, config);
}

static inline u64 ste0_s1(u64 cdtab, unsigned int cdmax, bool nested)
{
	return ste0(nested ? SIO_SMMU_STE0_CONFIG_NESTED :
			     SIO_SMMU_STE0_CONFIG_S1_TRANS) |
	       (cdtab & SIO_SMMU_STE0_S1CTXPTR) |
	       SIO_SMMU_FIELD_PREP(SIO_SMMU_STE0_S1CDMAX, cdmax);
}

/* ------------------------------------------------------- page tables */

struct pt {
	struct arm_lpae_geom g;
	u64 root;
	bool s2;
	u64 delta;		/* table descriptors hold PA + delta (IPA) */
	u64 tables[64];		/* every table page, for nested S2 maps */
	unsigned int nr_tables;
};

static inline void pt_init(struct env *e, struct pt *pt, bool s2,
			   unsigned int gs, unsigned int ias, unsigned int oas,
			   unsigned int start)
{
	memset(pt, 0, sizeof(*pt));
	pt->s2 = s2;
	if (arm_lpae_geom_init(&pt->g, gs, ias, oas, start))
		abort();
	pt->root = env_alloc(e, arm_lpae_pgd_bytes(&pt->g) < (1ULL << gs) ?
				  1ULL << gs : arm_lpae_pgd_bytes(&pt->g));
	pt->tables[pt->nr_tables++] = pt->root;
}

/* Leaf attributes. */
#define S1_RW	(ARM_LPAE_PTE_AF | ARM_LPAE_PTE_nG | ARM_LPAE_PTE_AP_UNPRIV | \
		 ARM_LPAE_PTE_SH_IS)
#define S1_RO	(S1_RW | ARM_LPAE_PTE_AP_RDONLY)
#define S2_RW	(ARM_LPAE_PTE_AF | ARM_LPAE_PTE_HAP_READ |                    \
		 ARM_LPAE_PTE_HAP_WRITE | ARM_LPAE_PTE_SH_IS)
#define S2_RO	(ARM_LPAE_PTE_AF | ARM_LPAE_PTE_HAP_READ | ARM_LPAE_PTE_SH_IS)

/*
 * Map @iova -> @pa with a leaf at @lvl and attributes @attrs.  Return: the
 * PA of the leaf descriptor (to rewrite it later).
 */
static inline u64 pt_map(struct env *e, struct pt *pt, u64 iova, u64 pa,
			 unsigned int lvl, u64 attrs)
{
	u64 table = pt->root;
	unsigned int l;

	for (l = pt->g.start_level; l < lvl; l++) {
		u64 ptep = table + arm_lpae_lvl_idx(&pt->g, iova, l) * 8;
		u64 pte = rd64(e, ptep);

		if (!arm_lpae_pte_valid(pte)) {
			u64 t = env_alloc(e, 1ULL << pt->g.granule_shift);

			if (pt->nr_tables < ARRAY_SIZE(pt->tables))
				pt->tables[pt->nr_tables++] = t;
			pte = arm_lpae_paddr_to_pte(t + pt->delta,
						    pt->g.granule_shift) |
			      ARM_LPAE_PTE_TYPE_TABLE;
			sio_phys_write64_release(e->mem, ptep, pte);
		}
		table = arm_lpae_pte_to_paddr(pte, pt->g.granule_shift) -
			pt->delta;
	}
	table += arm_lpae_lvl_idx(&pt->g, iova, lvl) * 8;
	wr64(e, table, arm_lpae_paddr_to_pte(pa, pt->g.granule_shift) | attrs |
		       (lvl == 3 ? ARM_LPAE_PTE_TYPE_PAGE :
				   ARM_LPAE_PTE_TYPE_BLOCK));
	return table;
}

/* A CD for @pt (4K..64K granule) with @asid; flags are CD0 bits to add. */
static inline void env_cd(struct env *e, u64 cd_pa, const struct pt *pt,
			  u16 asid, u64 flags)
{
	wr64(e, cd_pa + 8, (pt->root + pt->delta) & SIO_SMMU_CD1_TTB0);
	wr64(e, cd_pa, SIO_SMMU_CD0_V | SIO_SMMU_CD0_R | SIO_SMMU_CD0_AA64 |
		       SIO_SMMU_FIELD_PREP(SIO_SMMU_CD0_T0SZ, 64 - pt->g.ias) |
		       SIO_SMMU_FIELD_PREP(SIO_SMMU_CD0_TG0,
					   arm_lpae_granule_to_tg(
						   pt->g.granule_shift)) |
		       SIO_SMMU_FIELD_PREP(SIO_SMMU_CD0_IPS,
					   arm_lpae_oas_to_ps(pt->g.oas)) |
		       SIO_SMMU_FIELD_PREP(SIO_SMMU_CD0_ASID, asid) | flags);
}

/* STE word 2/3 for a stage-2 table @pt with @vmid. */
static inline u64 ste2_s2(const struct pt *pt, u16 vmid)
{
	return SIO_SMMU_FIELD_PREP(SIO_SMMU_STE2_S2VMID, vmid) |
	       SIO_SMMU_FIELD_PREP(SIO_SMMU_STE2_S2T0SZ, 64 - pt->g.ias) |
	       SIO_SMMU_FIELD_PREP(SIO_SMMU_STE2_S2SL0,
				   arm_lpae_s2_level_to_sl0(pt->g.granule_shift,
							    pt->g.start_level)) |
	       SIO_SMMU_FIELD_PREP(SIO_SMMU_STE2_S2TG,
				   arm_lpae_granule_to_tg(pt->g.granule_shift)) |
	       SIO_SMMU_FIELD_PREP(SIO_SMMU_STE2_S2PS,
				   arm_lpae_oas_to_ps(pt->g.oas)) |
	       SIO_SMMU_STE2_S2AA64 | SIO_SMMU_STE2_S2R;
}

/* ----------------------------------------------------------- queues */

/* Pop one event (4 words).  Return: true if there was one. */
static inline bool env_evt_pop(struct env *e, u64 rec[4])
{
	u32 prod = sio_hw_smmu_read32(e->smmu, SIO_SMMU_EVTQ_PROD);
	u32 cons = sio_hw_smmu_read32(e->smmu, SIO_SMMU_EVTQ_CONS);
	u32 mask = (2U << e->evtq_log2) - 1, idx_mask = (1U << e->evtq_log2) - 1;
	u64 slot;
	int i;

	if ((prod & mask) == (cons & mask))
		return false;
	slot = e->evtq + (u64)(cons & idx_mask) * SIO_SMMU_EVT_SIZE;
	for (i = 0; i < 4; i++)
		rec[i] = rd64(e, slot + 8 * i);
	cons = (cons & SIO_SMMU_Q_OVF) | (((cons & mask) + 1) & mask);
	sio_hw_smmu_write32(e->smmu, SIO_SMMU_EVTQ_CONS, cons);
	return true;
}

static inline bool env_pri_pop(struct env *e, u64 rec[2])
{
	u32 prod = sio_hw_smmu_read32(e->smmu, SIO_SMMU_PRIQ_PROD);
	u32 cons = sio_hw_smmu_read32(e->smmu, SIO_SMMU_PRIQ_CONS);
	u32 mask = (2U << e->priq_log2) - 1, idx_mask = (1U << e->priq_log2) - 1;
	u64 slot;

	if ((prod & mask) == (cons & mask))
		return false;
	slot = e->priq + (u64)(cons & idx_mask) * SIO_SMMU_PRI_SIZE;
	rec[0] = rd64(e, slot);
	rec[1] = rd64(e, slot + 8);
	cons = (cons & SIO_SMMU_Q_OVF) | (((cons & mask) + 1) & mask);
	sio_hw_smmu_write32(e->smmu, SIO_SMMU_PRIQ_CONS, cons);
	return true;
}

static inline unsigned int evt_type(const u64 rec[4])
{
	return SIO_SMMU_FIELD_GET(SIO_SMMU_EVT0_TYPE, rec[0]);
}

#endif /* SIO_TESTS_HW_SMMU_ENV_H */
