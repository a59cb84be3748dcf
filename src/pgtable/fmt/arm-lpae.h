/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ARM LPAE (VMSAv8-64) translation table layout: descriptor bits, TCR/VTCR
 * field encodings, walk geometry and small decode helpers.  Shared by the
 * writer (io-pgtable-arm.c) and the reader (the SMMU model's walker): the
 * walker decodes tables only through this header.
 * Kernel counterpart: drivers/iommu/io-pgtable-arm.h, io-pgtable-arm.c
 */
#ifndef SIO_PGTABLE_FMT_ARM_LPAE_H
#define SIO_PGTABLE_FMT_ARM_LPAE_H

#include <errno.h>
#include "base/types.h"
#include "pgtable/io-pgtable-prot.h"

typedef u64 arm_lpae_iopte;

#define ARM_LPAE_MAX_LEVELS	     4 /* levels 0..3, 3 = last */
#define ARM_LPAE_MAX_ADDR_BITS	     52 /* 64K granule only */
#define ARM_LPAE_MAX_ADDR_BITS_SMALL 48 /* 4K and 16K granules */
#define ARM_LPAE_S2_MAX_CONCAT_PAGES 16
#define ARM_LPAE_MIN_TABLE_BYTES     64 /* smallest (top) table */

/* ---- Descriptor bits ---------------------------------------------------- */

#define ARM_LPAE_PTE_TYPE_MASK	3ULL
#define ARM_LPAE_PTE_TYPE_BLOCK 1ULL /* leaf at levels 0-2 */
#define ARM_LPAE_PTE_TYPE_TABLE 3ULL /* next level, levels 0-2 */
#define ARM_LPAE_PTE_TYPE_PAGE	3ULL /* leaf at level 3 */
#define ARM_LPAE_PTE_VALID	BIT_ULL(0)

/* Table descriptor attributes */
#define ARM_LPAE_PTE_NSTABLE BIT_ULL(63)

/* Leaf attributes common to both stages */
#define ARM_LPAE_PTE_XN	      (3ULL << 53) /* UXN|PXN (S2: XN[1:0]) */
#define ARM_LPAE_PTE_SW_SYNC  BIT_ULL(55) /* software: table synced */
#define ARM_LPAE_PTE_DBM      BIT_ULL(51) /* dirty bit modifier */
#define ARM_LPAE_PTE_AF	      BIT_ULL(10) /* access flag */
#define ARM_LPAE_PTE_SH_SHIFT 8
#define ARM_LPAE_PTE_SH_MASK  (3ULL << ARM_LPAE_PTE_SH_SHIFT)
#define ARM_LPAE_PTE_SH_NS    (0ULL << ARM_LPAE_PTE_SH_SHIFT)
#define ARM_LPAE_PTE_SH_OS    (2ULL << ARM_LPAE_PTE_SH_SHIFT)
#define ARM_LPAE_PTE_SH_IS    (3ULL << ARM_LPAE_PTE_SH_SHIFT)
#define ARM_LPAE_PTE_NS	      BIT_ULL(5) /* stage 1 only */

/* Output address: bits 47:12; with a 64K granule PA[51:48] is in 15:12. */
#define ARM_LPAE_PTE_ADDR_MASK	   GENMASK_ULL(47, 12)
#define ARM_LPAE_PTE_ADDR_HI_MASK  GENMASK_ULL(15, 12)
#define ARM_LPAE_PTE_ADDR_HI_SHIFT 36

/* Stage-1 leaf attributes */
#define ARM_LPAE_PTE_nG		    BIT_ULL(11)
#define ARM_LPAE_PTE_AP_UNPRIV	    BIT_ULL(6) /* AP[1]: EL0 access */
#define ARM_LPAE_PTE_AP_RDONLY	    BIT_ULL(7) /* AP[2]: read-only */
#define ARM_LPAE_PTE_ATTRINDX_SHIFT 2
#define ARM_LPAE_PTE_ATTRINDX_MASK  (7ULL << ARM_LPAE_PTE_ATTRINDX_SHIFT)

/* MAIR attribute indices used by stage-1 leaves, and their MAIR values */
#define ARM_LPAE_MAIR_ATTR_IDX_NC	  0
#define ARM_LPAE_MAIR_ATTR_IDX_CACHE	  1
#define ARM_LPAE_MAIR_ATTR_IDX_DEV	  2
#define ARM_LPAE_MAIR_ATTR_IDX_INC_OCACHE 3
#define ARM_LPAE_MAIR_ATTR_NC		  0x44ULL
#define ARM_LPAE_MAIR_ATTR_WBRWA	  0xffULL
#define ARM_LPAE_MAIR_ATTR_DEVICE	  0x04ULL
#define ARM_LPAE_MAIR_ATTR_INC_OWBRWA	  0xf4ULL
#define ARM_LPAE_MAIR_ATTR_SHIFT(idx)	  ((idx) << 3)

/* Stage-2 leaf attributes */
#define ARM_LPAE_PTE_HAP_READ	    BIT_ULL(6) /* S2AP[0] */
#define ARM_LPAE_PTE_HAP_WRITE	    BIT_ULL(7) /* S2AP[1] */
#define ARM_LPAE_PTE_MEMATTR_SHIFT  2
#define ARM_LPAE_PTE_MEMATTR_MASK   (0xfULL << ARM_LPAE_PTE_MEMATTR_SHIFT)
#define ARM_LPAE_PTE_MEMATTR_OIWB   0xfULL /* Normal, outer+inner WB */
#define ARM_LPAE_PTE_MEMATTR_NC	    0x5ULL /* Normal, non-cacheable */
#define ARM_LPAE_PTE_MEMATTR_DEV    0x1ULL /* Device-nGnRE */
#define ARM_LPAE_PTE_MEMATTR_FWB_WB 0x6ULL /* WB with stage-2 FWB */

/* ---- TCR / VTCR field encodings ---------------------------------------- */

/* TG0 */
#define ARM_LPAE_TCR_TG0_4K  0
#define ARM_LPAE_TCR_TG0_64K 1
#define ARM_LPAE_TCR_TG0_16K 2
/* SH0 */
#define ARM_LPAE_TCR_SH_NS 0
#define ARM_LPAE_TCR_SH_OS 2
#define ARM_LPAE_TCR_SH_IS 3
/* IRGN0 / ORGN0 */
#define ARM_LPAE_TCR_RGN_NC   0
#define ARM_LPAE_TCR_RGN_WBWA 1
#define ARM_LPAE_TCR_RGN_WT   2
#define ARM_LPAE_TCR_RGN_WB   3
/* IPS (stage 1) / PS (stage 2) */
#define ARM_LPAE_TCR_PS_32_BIT 0
#define ARM_LPAE_TCR_PS_36_BIT 1
#define ARM_LPAE_TCR_PS_40_BIT 2
#define ARM_LPAE_TCR_PS_42_BIT 3
#define ARM_LPAE_TCR_PS_44_BIT 4
#define ARM_LPAE_TCR_PS_48_BIT 5
#define ARM_LPAE_TCR_PS_52_BIT 6

/**
 * arm_lpae_oas_to_ps() - IPS/PS encoding of an output size
 * @bits: 32, 36, 40, 42, 44, 48 or 52
 *
 * Context: any.  Return: the encoding, or -EINVAL for any other size.
 */
static inline int arm_lpae_oas_to_ps(unsigned int bits)
{
	switch (bits) {
	case 32:
		return ARM_LPAE_TCR_PS_32_BIT;
	case 36:
		return ARM_LPAE_TCR_PS_36_BIT;
	case 40:
		return ARM_LPAE_TCR_PS_40_BIT;
	case 42:
		return ARM_LPAE_TCR_PS_42_BIT;
	case 44:
		return ARM_LPAE_TCR_PS_44_BIT;
	case 48:
		return ARM_LPAE_TCR_PS_48_BIT;
	case 52:
		return ARM_LPAE_TCR_PS_52_BIT;
	default:
		return -EINVAL;
	}
}

/* Inverse of arm_lpae_oas_to_ps().  Return: bits, or -EINVAL. */
static inline int arm_lpae_ps_to_oas(unsigned int ps)
{
	static const unsigned char bits[] = { 32, 36, 40, 42, 44, 48, 52 };

	return ps < ARRAY_SIZE(bits) ? bits[ps] : -EINVAL;
}

/* TG0 encoding of a granule (log2 12/14/16).  Return: TG0, or -EINVAL. */
static inline int arm_lpae_granule_to_tg(unsigned int granule_shift)
{
	switch (granule_shift) {
	case 12:
		return ARM_LPAE_TCR_TG0_4K;
	case 14:
		return ARM_LPAE_TCR_TG0_16K;
	case 16:
		return ARM_LPAE_TCR_TG0_64K;
	default:
		return -EINVAL;
	}
}

/* Granule (log2) of a TG0 encoding.  Return: 12/14/16, or -EINVAL. */
static inline int arm_lpae_tg_to_granule(unsigned int tg)
{
	switch (tg) {
	case ARM_LPAE_TCR_TG0_4K:
		return 12;
	case ARM_LPAE_TCR_TG0_16K:
		return 14;
	case ARM_LPAE_TCR_TG0_64K:
		return 16;
	default:
		return -EINVAL;
	}
}

/*
 * VTCR.SL0 (stage-2 start level).  With a 4K granule SL0 = 2 - start;
 * with 16K/64K SL0 = 3 - start (16K also encodes start level 0 as 3).
 */
static inline int arm_lpae_s2_level_to_sl0(unsigned int granule_shift,
					   unsigned int start_level)
{
	if (start_level > 3)
		return -EINVAL;
	if (granule_shift == 12)
		return start_level == 3 ? -EINVAL : (int)(2 - start_level);
	if (granule_shift == 16 && start_level == 0)
		return -EINVAL; /* 64K: no level 0 */
	return (int)(3 - start_level);
}

/* Inverse of arm_lpae_s2_level_to_sl0().  Return: level, or -EINVAL. */
static inline int arm_lpae_s2_sl0_to_level(unsigned int granule_shift,
					   unsigned int sl0)
{
	if (sl0 > 3)
		return -EINVAL;
	if (granule_shift == 12)
		return sl0 == 3 ? -EINVAL : (int)(2 - sl0);
	if (granule_shift == 16 && sl0 == 3)
		return -EINVAL;
	return (int)(3 - sl0);
}

/* ---- Walk geometry ------------------------------------------------------ */

/**
 * struct arm_lpae_geom - shape of one translation regime's tables
 * @granule_shift: log2 of the granule: 12 (4K), 14 (16K) or 16 (64K)
 * @bits_per_level: index bits of a full table: granule_shift - 3
 * @ias: input address bits (T0SZ = 64 - ias)
 * @oas: output address bits (IPS/PS)
 * @start_level: level of the top table, where the walk starts (0..3)
 * @pgd_bits: index bits of the top table; more than @bits_per_level means
 *            2^(pgd_bits - bits_per_level) concatenated tables (stage 2)
 */
struct arm_lpae_geom {
	unsigned int granule_shift;
	unsigned int bits_per_level;
	unsigned int ias;
	unsigned int oas;
	unsigned int start_level;
	unsigned int pgd_bits;
};

/* Levels needed to translate @ias bits with a granule of 2^@granule_shift. */
static inline unsigned int arm_lpae_levels(unsigned int granule_shift,
					   unsigned int ias)
{
	unsigned int bpl = granule_shift - 3;

	return ias <= granule_shift ? 1 : (ias - granule_shift + bpl - 1) / bpl;
}

/**
 * arm_lpae_geom_init() - geometry from the fields hardware is programmed with
 * @g: filled in
 * @granule_shift: 12, 14 or 16 (from TG0)
 * @ias: input bits (64 - T0SZ)
 * @oas: output bits (from IPS/PS)
 * @start_level: first level walked: stage 1 uses 4 - arm_lpae_levels();
 *               stage 2 takes it from VTCR.SL0
 *
 * Concatenated top tables (more index bits at @start_level than a granule
 * holds) are accepted up to ARM_LPAE_S2_MAX_CONCAT_PAGES tables; callers
 * that must not concatenate (stage 1) check arm_lpae_geom_concat() == 1.
 *
 * Context: any.
 * Return: 0, or -EINVAL if the combination cannot be walked (the hardware
 * reports a bad configuration).
 */
static inline int arm_lpae_geom_init(struct arm_lpae_geom *g,
				     unsigned int granule_shift,
				     unsigned int ias, unsigned int oas,
				     unsigned int start_level)
{
	unsigned int bpl, below;
	unsigned int max_bits = granule_shift == 16 ?
					ARM_LPAE_MAX_ADDR_BITS :
					ARM_LPAE_MAX_ADDR_BITS_SMALL;

	if (granule_shift != 12 && granule_shift != 14 && granule_shift != 16)
		return -EINVAL;
	if (ias > max_bits || oas > max_bits || start_level > 3 ||
	    ias <= granule_shift)
		return -EINVAL;
	bpl = granule_shift - 3;
	below = granule_shift + bpl * (3 - start_level);
	if (ias <= below || ias - below > bpl + 4 /* 16 concatenated */)
		return -EINVAL;
	g->granule_shift = granule_shift;
	g->bits_per_level = bpl;
	g->ias = ias;
	g->oas = oas;
	g->start_level = start_level;
	g->pgd_bits = ias - below;
	return 0;
}

/* Lowest IOVA bit translated by @lvl: log2 of its block size. */
static inline unsigned int arm_lpae_lvl_shift(const struct arm_lpae_geom *g,
					      unsigned int lvl)
{
	return g->granule_shift + (3 - lvl) * g->bits_per_level;
}

/* Bytes mapped by one leaf at @lvl (level 3: a granule). */
static inline u64 arm_lpae_block_size(const struct arm_lpae_geom *g,
				      unsigned int lvl)
{
	return 1ULL << arm_lpae_lvl_shift(g, lvl);
}

/* Index bits of a table at @lvl. */
static inline unsigned int arm_lpae_lvl_bits(const struct arm_lpae_geom *g,
					     unsigned int lvl)
{
	return lvl == g->start_level ? g->pgd_bits : g->bits_per_level;
}

/* Entries of a table at @lvl. */
static inline u64 arm_lpae_lvl_entries(const struct arm_lpae_geom *g,
				       unsigned int lvl)
{
	return 1ULL << arm_lpae_lvl_bits(g, lvl);
}

/* Index of @iova in the table at @lvl. */
static inline u64 arm_lpae_lvl_idx(const struct arm_lpae_geom *g, u64 iova,
				   unsigned int lvl)
{
	return (iova >> arm_lpae_lvl_shift(g, lvl)) &
	       (arm_lpae_lvl_entries(g, lvl) - 1);
}

/* Bytes of the top table (at least ARM_LPAE_MIN_TABLE_BYTES). */
static inline u64 arm_lpae_pgd_bytes(const struct arm_lpae_geom *g)
{
	u64 bytes = sizeof(arm_lpae_iopte) << g->pgd_bits;

	return bytes < ARM_LPAE_MIN_TABLE_BYTES ? ARM_LPAE_MIN_TABLE_BYTES :
						  bytes;
}

/* Number of granule-sized tables concatenated at the start level (1: none). */
static inline unsigned int arm_lpae_geom_concat(const struct arm_lpae_geom *g)
{
	return g->pgd_bits > g->bits_per_level ?
		       1U << (g->pgd_bits - g->bits_per_level) :
		       1;
}

/*
 * May a leaf sit at @lvl?  Level 3 holds pages; blocks: 4K at levels 1
 * (1G) and 2 (2M); 16K at level 2 (32M); 64K at level 2 (512M) and, with
 * 52-bit output addresses, level 1 (4T).
 */
static inline bool arm_lpae_leaf_allowed(const struct arm_lpae_geom *g,
					 unsigned int lvl)
{
	if (lvl == 3)
		return true;
	switch (g->granule_shift) {
	case 12:
		return lvl == 1 || lvl == 2;
	case 14:
		return lvl == 2;
	case 16:
		return lvl == 2 || (lvl == 1 && g->oas > 48);
	default:
		return false;
	}
}

/* ---- Descriptor decode -------------------------------------------------- */

/* Valid descriptor (bit 0)? */
static inline bool arm_lpae_pte_valid(arm_lpae_iopte pte)
{
	return pte & ARM_LPAE_PTE_VALID;
}

/* A table descriptor at @lvl (only levels 0-2 hold tables)? */
static inline bool arm_lpae_pte_is_table(arm_lpae_iopte pte, unsigned int lvl)
{
	return lvl < 3 &&
	       (pte & ARM_LPAE_PTE_TYPE_MASK) == ARM_LPAE_PTE_TYPE_TABLE;
}

/*
 * A leaf (block at levels 0-2, page at level 3) at @lvl?  Type 1 at level 3
 * is reserved and is not a leaf (a translation fault for the walker).
 */
static inline bool arm_lpae_pte_is_leaf(arm_lpae_iopte pte, unsigned int lvl)
{
	if (lvl == 3)
		return (pte & ARM_LPAE_PTE_TYPE_MASK) == ARM_LPAE_PTE_TYPE_PAGE;
	return (pte & ARM_LPAE_PTE_TYPE_MASK) == ARM_LPAE_PTE_TYPE_BLOCK;
}

/*
 * Output address of a descriptor (table base for a table, block/page base
 * for a leaf), granule aligned; with a 64K granule PA[51:48] comes from
 * bits 15:12.  A leaf's translation is this | (iova & (block size - 1)).
 */
static inline u64 arm_lpae_pte_to_paddr(arm_lpae_iopte pte,
					unsigned int granule_shift)
{
	u64 pa = pte & GENMASK_ULL(47, granule_shift);

	if (granule_shift == 16)
		pa |= (pte & ARM_LPAE_PTE_ADDR_HI_MASK)
		      << ARM_LPAE_PTE_ADDR_HI_SHIFT;
	return pa;
}

/* Descriptor address bits for @pa (granule aligned); inverse of the above. */
static inline arm_lpae_iopte arm_lpae_paddr_to_pte(u64 pa,
						   unsigned int granule_shift)
{
	arm_lpae_iopte pte = pa & GENMASK_ULL(47, granule_shift);

	if (granule_shift == 16)
		pte |= (pa >> ARM_LPAE_PTE_ADDR_HI_SHIFT) &
		       ARM_LPAE_PTE_ADDR_HI_MASK;
	return pte;
}

/*
 * Permissions and attributes of a stage-1 leaf, as IO_PGTABLE_PROT_* bits:
 * READ always; WRITE unless AP[2]; NOEXEC if XN; PRIV unless AP[1]; CACHE
 * for AttrIndx 1, MMIO for 2.
 * A writeable-clean DBM leaf (AP[2] and DBM) decodes as read-only: only a
 * walker with hardware dirty management may write it (arm_lpae_s1_pte_dbm).
 */
static inline int arm_lpae_s1_pte_prot(arm_lpae_iopte pte)
{
	int prot = IO_PGTABLE_PROT_READ;
	u64 idx = (pte & ARM_LPAE_PTE_ATTRINDX_MASK) >>
		  ARM_LPAE_PTE_ATTRINDX_SHIFT;

	if (!(pte & ARM_LPAE_PTE_AP_RDONLY))
		prot |= IO_PGTABLE_PROT_WRITE;
	if (pte & ARM_LPAE_PTE_XN)
		prot |= IO_PGTABLE_PROT_NOEXEC;
	if (!(pte & ARM_LPAE_PTE_AP_UNPRIV))
		prot |= IO_PGTABLE_PROT_PRIV;
	if (idx == ARM_LPAE_MAIR_ATTR_IDX_CACHE)
		prot |= IO_PGTABLE_PROT_CACHE;
	else if (idx == ARM_LPAE_MAIR_ATTR_IDX_DEV)
		prot |= IO_PGTABLE_PROT_MMIO;
	return prot;
}

/* Stage-1 leaf marked writeable (DBM) for hardware dirty management? */
static inline bool arm_lpae_s1_pte_dbm(arm_lpae_iopte pte)
{
	return pte & ARM_LPAE_PTE_DBM;
}

/* Stage-1 leaf that is writeable and dirty: (AP[2] | DBM) == DBM. */
static inline bool arm_lpae_s1_pte_writeable_dirty(arm_lpae_iopte pte)
{
	return (pte & (ARM_LPAE_PTE_AP_RDONLY | ARM_LPAE_PTE_DBM)) ==
	       ARM_LPAE_PTE_DBM;
}

/*
 * Permissions and attributes of a stage-2 leaf, as IO_PGTABLE_PROT_* bits:
 * READ if HAP bit 6, WRITE if HAP bit 7, NOEXEC if XN, CACHE for MemAttr
 * 0xF (or 0x6 with FWB), MMIO for 0x1.
 */
static inline int arm_lpae_s2_pte_prot(arm_lpae_iopte pte)
{
	int prot = 0;
	u64 attr =
		(pte & ARM_LPAE_PTE_MEMATTR_MASK) >> ARM_LPAE_PTE_MEMATTR_SHIFT;

	if (pte & ARM_LPAE_PTE_HAP_READ)
		prot |= IO_PGTABLE_PROT_READ;
	if (pte & ARM_LPAE_PTE_HAP_WRITE)
		prot |= IO_PGTABLE_PROT_WRITE;
	if (pte & ARM_LPAE_PTE_XN)
		prot |= IO_PGTABLE_PROT_NOEXEC;
	if (attr == ARM_LPAE_PTE_MEMATTR_OIWB ||
	    attr == ARM_LPAE_PTE_MEMATTR_FWB_WB)
		prot |= IO_PGTABLE_PROT_CACHE;
	else if (attr == ARM_LPAE_PTE_MEMATTR_DEV)
		prot |= IO_PGTABLE_PROT_MMIO;
	return prot;
}

/* ---- A reference walk ---------------------------------------------------- */

/**
 * struct arm_lpae_walk - result of arm_lpae_walk()
 * @pte: the last descriptor read (the leaf on success)
 * @level: level of that descriptor
 * @oa: output address on success (leaf address | offset in the block)
 * @leaf_size: bytes the leaf maps
 */
struct arm_lpae_walk {
	arm_lpae_iopte pte;
	unsigned int level;
	u64 oa;
	u64 leaf_size;
};

/*
 * Reads one descriptor at physical address @pa.  For a nested walk the
 * callback translates @pa through stage 2 first.  Return: 0 or a negative
 * errno that arm_lpae_walk() passes through.
 */
typedef int (*arm_lpae_read_fn)(void *ctx, u64 pa, arm_lpae_iopte *pte);

/**
 * arm_lpae_walk() - translate @iova through the tables at @ttbr
 * @g: the geometry
 * @ttbr: physical address of the top table
 * @iova: input address
 * @read: descriptor reader (an acquire load)
 * @ctx: passed to @read
 * @w: filled in; on a fault @w->level and @w->pte name the faulting entry
 *
 * Permissions, AF and attributes are left to the caller (decode @w->pte with
 * arm_lpae_s1_pte_prot() / arm_lpae_s2_pte_prot()).
 *
 * Context: any.
 * Return: 0; -ERANGE (address size fault: @iova beyond ias, or an output or
 * table address beyond oas); -ENOENT (translation fault: invalid
 * descriptor, reserved type, or a block where none is allowed); or the
 * error of @read.
 */
static inline int arm_lpae_walk(const struct arm_lpae_geom *g, u64 ttbr,
				u64 iova, arm_lpae_read_fn read, void *ctx,
				struct arm_lpae_walk *w)
{
	u64 table = ttbr;
	unsigned int lvl;
	int ret;

	w->pte = 0;
	w->level = g->start_level;
	w->oa = 0;
	w->leaf_size = 0;
	if (g->ias < 64 && (iova >> g->ias))
		return -ERANGE;
	for (lvl = g->start_level; lvl < ARM_LPAE_MAX_LEVELS; lvl++) {
		arm_lpae_iopte pte;
		u64 pa;

		w->level = lvl;
		ret = read(ctx,
			   table + arm_lpae_lvl_idx(g, iova, lvl) * sizeof(pte),
			   &pte);
		if (ret)
			return ret;
		w->pte = pte;
		if (!arm_lpae_pte_valid(pte))
			return -ENOENT;
		pa = arm_lpae_pte_to_paddr(pte, g->granule_shift);
		if (g->oas < 64 && (pa >> g->oas))
			return -ERANGE;
		if (arm_lpae_pte_is_table(pte, lvl)) {
			table = pa;
			continue;
		}
		if (!arm_lpae_pte_is_leaf(pte, lvl) ||
		    !arm_lpae_leaf_allowed(g, lvl))
			return -ENOENT;
		w->leaf_size = arm_lpae_block_size(g, lvl);
		w->oa = (pa & ~(w->leaf_size - 1)) |
			(iova & (w->leaf_size - 1));
		return 0;
	}
	return -ENOENT;
}

#endif /* SIO_PGTABLE_FMT_ARM_LPAE_H */
