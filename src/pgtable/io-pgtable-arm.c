// SPDX-License-Identifier: BSD-3-Clause
/*
 * The ARM LPAE io-pgtable format (VMSAv8-64 stage 1 and stage 2, 4K/16K/64K
 * granules): table geometry and TCR/VTCR outputs, map, unmap, iova_to_phys
 * and dirty tracking, over tables in simulated physical memory.
 * Kernel counterpart: drivers/iommu/io-pgtable-arm.c
 */
#include <string.h>

#include "base/base.h"
#include "pgtable/io-pgtable.h"

#define SZ_4K	(1UL << 12)
#define SZ_16K	(1UL << 14)
#define SZ_64K	(1UL << 16)
#define SZ_2M	(1UL << 21)
#define SZ_32M	(1UL << 25)
#define SZ_512M (1UL << 29)
#define SZ_1G	(1UL << 30)
#define SZ_4T	(1UL << 42)

/**
 * struct arm_lpae_io_pgtable - one ARM LPAE page table
 * @iop: the generic part (cfg, cookie, ops, table byte count)
 * @g: walk geometry (after stage-2 concatenation)
 * @stage2: stage-2 descriptor format
 * @pgd: physical address of the top table (TTBR / VTTBR)
 *
 * No lock: every descriptor is read and written with 64-bit atomics and new
 * tables are published with compare-and-exchange, so maps and unmaps of
 * disjoint ranges, lookups and hardware walks run concurrently.
 */
struct arm_lpae_io_pgtable {
	struct io_pgtable iop;
	struct arm_lpae_geom g;
	bool stage2;
	u64 pgd;
};

#define io_pgtable_to_data(x) container_of((x), struct arm_lpae_io_pgtable, iop)
#define io_pgtable_ops_to_data(x) \
	io_pgtable_to_data(io_pgtable_ops_to_pgtable(x))

static inline struct sio_phys_mem *data_mem(struct arm_lpae_io_pgtable *data)
{
	return data->iop.cfg.mem;
}

static inline bool data_no_warn(struct arm_lpae_io_pgtable *data)
{
	return data->iop.cfg.quirks & IO_PGTABLE_QUIRK_NO_WARN;
}

static inline u64 granule_bytes(struct arm_lpae_io_pgtable *data)
{
	return 1ULL << data->g.granule_shift;
}

/* Bytes of the table at @lvl: the (maybe small or concatenated) pgd or a granule. */
static u64 table_bytes(struct arm_lpae_io_pgtable *data, unsigned int lvl)
{
	return lvl == data->g.start_level ? arm_lpae_pgd_bytes(&data->g) :
					    granule_bytes(data);
}

static int arm_lpae_alloc_table(struct arm_lpae_io_pgtable *data,
				unsigned int lvl, gfp_t gfp, u64 *pa)
{
	unsigned int order = sio_phys_order_for_size(table_bytes(data, lvl));
	int ret;

	ret = sio_phys_alloc_pages(data_mem(data), order, gfp, pa);
	if (ret)
		return ret;
	atomic_long_add_return((long)(SIO_PHYS_FRAME_SIZE << order),
			       &data->iop.table_bytes);
	return 0;
}

static void arm_lpae_free_table(struct arm_lpae_io_pgtable *data,
				unsigned int lvl, u64 pa)
{
	unsigned int order = sio_phys_order_for_size(table_bytes(data, lvl));

	sio_phys_free_pages(data_mem(data), pa, order);
	atomic_long_add_return(-(long)(SIO_PHYS_FRAME_SIZE << order),
			       &data->iop.table_bytes);
}

/* Free the table at @lvl and every table below it (leaves are dropped). */
static void __arm_lpae_free_pgtable(struct arm_lpae_io_pgtable *data,
				    unsigned int lvl, u64 table)
{
	struct sio_phys_mem *mem = data_mem(data);
	u64 i, n;

	if (lvl < 3) {
		n = arm_lpae_lvl_entries(&data->g, lvl);
		for (i = 0; i < n; i++) {
			arm_lpae_iopte pte =
				sio_phys_read64(mem, table + i * 8);

			if (arm_lpae_pte_is_table(pte, lvl))
				__arm_lpae_free_pgtable(
					data, lvl + 1,
					arm_lpae_pte_to_paddr(
						pte, data->g.granule_shift));
		}
	}
	arm_lpae_free_table(data, lvl, table);
}

/* ---- Descriptor encoding ------------------------------------------------ */

static arm_lpae_iopte arm_lpae_prot_to_pte(struct arm_lpae_io_pgtable *data,
					   int prot)
{
	unsigned long quirks = data->iop.cfg.quirks;
	arm_lpae_iopte pte;

	if (!data->stage2) {
		pte = ARM_LPAE_PTE_nG;
		if ((prot & IO_PGTABLE_PROT_READ) &&
		    !(prot & IO_PGTABLE_PROT_WRITE))
			pte |= ARM_LPAE_PTE_AP_RDONLY;
		else if (quirks & IO_PGTABLE_QUIRK_ARM_HD)
			pte |= ARM_LPAE_PTE_DBM;
		if (!(prot & IO_PGTABLE_PROT_PRIV))
			pte |= ARM_LPAE_PTE_AP_UNPRIV;
		if (prot & IO_PGTABLE_PROT_MMIO)
			pte |= (u64)ARM_LPAE_MAIR_ATTR_IDX_DEV
			       << ARM_LPAE_PTE_ATTRINDX_SHIFT;
		else if (prot & IO_PGTABLE_PROT_CACHE)
			pte |= (u64)ARM_LPAE_MAIR_ATTR_IDX_CACHE
			       << ARM_LPAE_PTE_ATTRINDX_SHIFT;
		if (quirks & IO_PGTABLE_QUIRK_ARM_NS)
			pte |= ARM_LPAE_PTE_NS;
	} else {
		u64 attr;

		pte = 0;
		if (prot & IO_PGTABLE_PROT_READ)
			pte |= ARM_LPAE_PTE_HAP_READ;
		if (prot & IO_PGTABLE_PROT_WRITE)
			pte |= ARM_LPAE_PTE_HAP_WRITE;
		if (prot & IO_PGTABLE_PROT_MMIO)
			attr = ARM_LPAE_PTE_MEMATTR_DEV;
		else if (prot & IO_PGTABLE_PROT_CACHE)
			attr = (quirks & IO_PGTABLE_QUIRK_ARM_S2FWB) ?
				       ARM_LPAE_PTE_MEMATTR_FWB_WB :
				       ARM_LPAE_PTE_MEMATTR_OIWB;
		else
			attr = ARM_LPAE_PTE_MEMATTR_NC;
		pte |= attr << ARM_LPAE_PTE_MEMATTR_SHIFT;
	}

	pte |= (prot & IO_PGTABLE_PROT_CACHE) ? ARM_LPAE_PTE_SH_IS :
						ARM_LPAE_PTE_SH_OS;
	if (prot & IO_PGTABLE_PROT_NOEXEC)
		pte |= ARM_LPAE_PTE_XN;
	return pte | ARM_LPAE_PTE_AF;
}

static arm_lpae_iopte arm_lpae_leaf_pte(struct arm_lpae_io_pgtable *data,
					u64 paddr, arm_lpae_iopte prot_pte,
					unsigned int lvl)
{
	return prot_pte | arm_lpae_paddr_to_pte(paddr, data->g.granule_shift) |
	       (lvl == 3 ? ARM_LPAE_PTE_TYPE_PAGE : ARM_LPAE_PTE_TYPE_BLOCK);
}

static arm_lpae_iopte arm_lpae_table_pte(struct arm_lpae_io_pgtable *data,
					 u64 table)
{
	arm_lpae_iopte pte =
		arm_lpae_paddr_to_pte(table, data->g.granule_shift) |
		ARM_LPAE_PTE_TYPE_TABLE;

	if (data->iop.cfg.quirks & IO_PGTABLE_QUIRK_ARM_NS)
		pte |= ARM_LPAE_PTE_NSTABLE;
	return pte;
}

/* ---- unmap -------------------------------------------------------------- */

static size_t __arm_lpae_unmap(struct arm_lpae_io_pgtable *data,
			       struct iommu_iotlb_gather *gather,
			       unsigned long iova, size_t size, size_t pgcount,
			       unsigned int lvl, u64 table)
{
	struct sio_phys_mem *mem = data_mem(data);
	struct io_pgtable *iop = &data->iop;
	const struct arm_lpae_geom *g = &data->g;
	arm_lpae_iopte pte;
	u64 blk, idx, ptep;

	for (;; lvl++) {
		if (WARN_ON(lvl > 3))
			return 0;
		blk = arm_lpae_block_size(g, lvl);
		if (WARN_ON(size > blk))
			return 0;
		idx = arm_lpae_lvl_idx(g, iova, lvl);
		ptep = table + idx * sizeof(pte);
		pte = sio_phys_read64_acquire(mem, ptep);
		if (!pte) {
			WARN_ON(!data_no_warn(data));
			return 0;
		}
		if (size == blk)
			break;
		if (arm_lpae_pte_is_leaf(pte, lvl)) {
			WARN(!data_no_warn(data),
			     "Unmap of a partial large IOPTE is not allowed");
			return 0;
		}
		table = arm_lpae_pte_to_paddr(pte, g->granule_shift);
	}

	/* Clear up to the end of this table, stopping at the first hole. */
	size_t i, n = min_t(u64, pgcount, arm_lpae_lvl_entries(g, lvl) - idx);

	for (i = 0; i < n; i++) {
		unsigned long va = iova + i * size;

		pte = sio_phys_xchg64(mem, ptep + i * sizeof(pte), 0);
		if (!pte)
			break;
		if (arm_lpae_pte_is_table(pte, lvl)) {
			/* Walks through the table must end before it is freed. */
			io_pgtable_tlb_flush_walk(iop, va, size,
						  granule_bytes(data));
			__arm_lpae_free_pgtable(
				data, lvl + 1,
				arm_lpae_pte_to_paddr(pte, g->granule_shift));
		} else {
			io_pgtable_tlb_add_page(iop, gather, va, size);
		}
	}
	return i * size;
}

static size_t arm_lpae_unmap_pages(struct io_pgtable_ops *ops,
				   unsigned long iova, size_t pgsize,
				   size_t pgcount,
				   struct iommu_iotlb_gather *gather)
{
	struct arm_lpae_io_pgtable *data = io_pgtable_ops_to_data(ops);
	struct io_pgtable_cfg *cfg = &data->iop.cfg;

	if (WARN_ON(!is_power_of_2(pgsize) || !(pgsize & cfg->pgsize_bitmap) ||
		    !pgcount || !IS_ALIGNED(iova, pgsize)))
		return 0;
	if (WARN_ON(iova >> cfg->ias))
		return 0;
	return __arm_lpae_unmap(data, gather, iova, pgsize, pgcount,
				data->g.start_level, data->pgd);
}

/* ---- map ---------------------------------------------------------------- */

/*
 * Install @num leaves at @ptep (level @lvl).  Nothing is written unless
 * every slot is free of leaves; a table in a slot is torn down first.
 */
static int arm_lpae_init_pte(struct arm_lpae_io_pgtable *data,
			     unsigned long iova, u64 paddr,
			     arm_lpae_iopte prot_pte, unsigned int lvl,
			     size_t num, u64 table, u64 ptep)
{
	struct sio_phys_mem *mem = data_mem(data);
	u64 sz = arm_lpae_block_size(&data->g, lvl);
	size_t i;

	for (i = 0; i < num; i++) {
		arm_lpae_iopte pte = sio_phys_read64_acquire(mem, ptep + i * 8);

		if (arm_lpae_pte_is_leaf(pte, lvl)) {
			WARN_ON(!data_no_warn(data));
			return -EEXIST;
		}
		if (arm_lpae_pte_is_table(pte, lvl) &&
		    WARN_ON(__arm_lpae_unmap(data, NULL, iova + i * sz, sz, 1,
					     lvl, table) != sz))
			return -EINVAL;
	}
	for (i = 0; i < num; i++)
		sio_phys_write64_release(
			mem, ptep + i * 8,
			arm_lpae_leaf_pte(data, paddr + i * sz, prot_pte, lvl));
	return 0;
}

static int __arm_lpae_map(struct arm_lpae_io_pgtable *data, unsigned long iova,
			  u64 paddr, size_t size, size_t pgcount,
			  arm_lpae_iopte prot_pte, gfp_t gfp, size_t *mapped)
{
	struct sio_phys_mem *mem = data_mem(data);
	const struct arm_lpae_geom *g = &data->g;
	u64 table = data->pgd;
	unsigned int lvl;
	int ret;

	for (lvl = g->start_level;; lvl++) {
		u64 blk = arm_lpae_block_size(g, lvl);
		u64 idx = arm_lpae_lvl_idx(g, iova, lvl);
		u64 ptep = table + idx * sizeof(arm_lpae_iopte);
		arm_lpae_iopte pte;

		if (WARN_ON(size > blk))
			return -EINVAL;
		if (size == blk) {
			size_t num = min_t(u64, pgcount,
					   arm_lpae_lvl_entries(g, lvl) - idx);

			ret = arm_lpae_init_pte(data, iova, paddr, prot_pte,
						lvl, num, table, ptep);
			if (!ret)
				*mapped += num * size;
			return ret;
		}
		/* A leaf below the last level cannot exist. */
		if (WARN_ON(lvl >= 3))
			return -EINVAL;

		pte = sio_phys_read64_acquire(mem, ptep);
		if (!pte) {
			u64 new_table;
			arm_lpae_iopte new_pte;

			ret = arm_lpae_alloc_table(data, lvl + 1, gfp,
						   &new_table);
			if (ret)
				return ret;
			/* The zeroed table is published with release order. */
			new_pte = arm_lpae_table_pte(data, new_table);
			if (sio_phys_cmpxchg64(mem, ptep, &pte, new_pte)) {
				pte = new_pte;
			} else {
				/* Another mapper won the race: use its table. */
				arm_lpae_free_table(data, lvl + 1, new_table);
			}
		}
		if (!arm_lpae_pte_is_table(pte, lvl)) {
			/* A leaf is in the way: the caller must unmap first. */
			WARN_ON(!data_no_warn(data));
			return -EEXIST;
		}
		table = arm_lpae_pte_to_paddr(pte, g->granule_shift);
	}
}

static int arm_lpae_map_pages(struct io_pgtable_ops *ops, unsigned long iova,
			      phys_addr_t paddr, size_t pgsize, size_t pgcount,
			      int prot, gfp_t gfp, size_t *mapped)
{
	struct arm_lpae_io_pgtable *data = io_pgtable_ops_to_data(ops);
	struct io_pgtable_cfg *cfg = &data->iop.cfg;
	size_t dummy = 0;

	if (!mapped)
		mapped = &dummy;
	if (WARN_ON(!is_power_of_2(pgsize) || !(pgsize & cfg->pgsize_bitmap)))
		return -EINVAL;
	if (WARN_ON((iova >> cfg->ias) || (paddr >> cfg->oas)))
		return -ERANGE;
	if (!(prot & (IO_PGTABLE_PROT_READ | IO_PGTABLE_PROT_WRITE)))
		return -EINVAL;
	if (WARN_ON(!pgcount || !IS_ALIGNED(iova | paddr, pgsize)))
		return -EINVAL;

	/*
	 * Every entry is written with release order (tables with an acq_rel
	 * compare-and-exchange), which is the write barrier that ends the
	 * kernel's map: a walker that sees an entry sees what it points to.
	 */
	return __arm_lpae_map(data, iova, paddr, pgsize, pgcount,
			      arm_lpae_prot_to_pte(data, prot), gfp, mapped);
}

/* ---- lookup ------------------------------------------------------------- */

static phys_addr_t arm_lpae_iova_to_phys(struct io_pgtable_ops *ops,
					 unsigned long iova)
{
	struct arm_lpae_io_pgtable *data = io_pgtable_ops_to_data(ops);
	struct sio_phys_mem *mem = data_mem(data);
	const struct arm_lpae_geom *g = &data->g;
	u64 table = data->pgd;
	unsigned int lvl;

	if (iova >> g->ias)
		return 0;
	for (lvl = g->start_level; lvl <= 3; lvl++) {
		arm_lpae_iopte pte = sio_phys_read64_acquire(
			mem,
			table + arm_lpae_lvl_idx(g, iova, lvl) * sizeof(pte));

		if (!pte)
			return 0;
		if (arm_lpae_pte_is_leaf(pte, lvl))
			return arm_lpae_pte_to_paddr(pte, g->granule_shift) |
			       (iova & (arm_lpae_block_size(g, lvl) - 1));
		if (!arm_lpae_pte_is_table(pte, lvl))
			return 0;
		table = arm_lpae_pte_to_paddr(pte, g->granule_shift);
	}
	return 0;
}

/* ---- dirty tracking ----------------------------------------------------- */

static void __arm_lpae_read_and_clear_dirty(struct arm_lpae_io_pgtable *data,
					    u64 iova, u64 end, unsigned int lvl,
					    u64 table, unsigned long flags,
					    struct io_pgtable_dirty_sink *dirty)
{
	struct sio_phys_mem *mem = data_mem(data);
	const struct arm_lpae_geom *g = &data->g;
	u64 blk = arm_lpae_block_size(g, lvl);
	u64 idx = arm_lpae_lvl_idx(g, iova, lvl);
	u64 n = arm_lpae_lvl_entries(g, lvl);

	for (; idx < n && iova < end; idx++) {
		u64 base = iova & ~(blk - 1), next = base + blk;
		u64 ptep = table + idx * sizeof(arm_lpae_iopte);
		arm_lpae_iopte pte = sio_phys_read64_acquire(mem, ptep);

		if (arm_lpae_pte_is_table(pte, lvl)) {
			__arm_lpae_read_and_clear_dirty(
				data, iova, min(next, end), lvl + 1,
				arm_lpae_pte_to_paddr(pte, g->granule_shift),
				flags, dirty);
		} else if (arm_lpae_pte_is_leaf(pte, lvl) &&
			   arm_lpae_s1_pte_writeable_dirty(pte)) {
			if (dirty && dirty->record)
				dirty->record(dirty->priv, base, blk);
			/* Clean: writeable-clean until the walker dirties it. */
			while (!(flags & IO_PGTABLE_DIRTY_NO_CLEAR) &&
			       arm_lpae_s1_pte_writeable_dirty(pte) &&
			       !sio_phys_cmpxchg64(
				       mem, ptep, &pte,
				       pte | ARM_LPAE_PTE_AP_RDONLY))
				;
		}
		iova = next;
	}
}

static int arm_lpae_read_and_clear_dirty(struct io_pgtable_ops *ops,
					 unsigned long iova, size_t size,
					 unsigned long flags,
					 struct io_pgtable_dirty_sink *dirty)
{
	struct arm_lpae_io_pgtable *data = io_pgtable_ops_to_data(ops);
	struct io_pgtable_cfg *cfg = &data->iop.cfg;

	if (data->iop.fmt != ARM_64_LPAE_S1)
		return -EINVAL;
	if (WARN_ON(!size || iova + size - 1 < iova ||
		    ((iova + size - 1) >> cfg->ias)))
		return -EINVAL;
	__arm_lpae_read_and_clear_dirty(data, iova, (u64)iova + size,
					data->g.start_level, data->pgd, flags,
					dirty);
	return 0;
}

/* ---- allocation --------------------------------------------------------- */

/*
 * Keep the page sizes of one granule: the CPU page size if offered, else
 * the largest offered below it, else the smallest above it.  Clamp ias and
 * oas to what the granule can address.
 */
static void arm_lpae_restrict_pgsizes(struct io_pgtable_cfg *cfg)
{
	unsigned long granule, page_sizes;
	unsigned int max_bits = ARM_LPAE_MAX_ADDR_BITS_SMALL;

	if (cfg->pgsize_bitmap & PAGE_SIZE)
		granule = PAGE_SIZE;
	else if (cfg->pgsize_bitmap & ~PAGE_MASK)
		granule = 1UL << __fls(cfg->pgsize_bitmap & ~PAGE_MASK);
	else if (cfg->pgsize_bitmap & PAGE_MASK)
		granule = 1UL << __ffs(cfg->pgsize_bitmap & PAGE_MASK);
	else
		granule = 0;

	switch (granule) {
	case SZ_4K:
		page_sizes = SZ_4K | SZ_2M | SZ_1G;
		break;
	case SZ_16K:
		page_sizes = SZ_16K | SZ_32M;
		break;
	case SZ_64K:
		max_bits = ARM_LPAE_MAX_ADDR_BITS;
		page_sizes = SZ_64K | SZ_512M;
		if (cfg->oas > 48)
			page_sizes |= SZ_4T;
		break;
	default:
		page_sizes = 0;
		break;
	}
	cfg->pgsize_bitmap &= page_sizes;
	cfg->ias = min(cfg->ias, max_bits);
	cfg->oas = min(cfg->oas, max_bits);
}

static const struct io_pgtable_ops arm_lpae_ops = {
	.map_pages = arm_lpae_map_pages,
	.unmap_pages = arm_lpae_unmap_pages,
	.iova_to_phys = arm_lpae_iova_to_phys,
	.read_and_clear_dirty = arm_lpae_read_and_clear_dirty,
};

/*
 * Stage-2 walks must start one level later on a concatenated table when the
 * architecture requires it (Arm DDI 0487, R_DXBSH / R_SRKBC).
 */
static bool arm_lpae_concat_mandatory(const struct io_pgtable_cfg *cfg,
				      const struct arm_lpae_geom *g)
{
	if (g->granule_shift == 14 && g->start_level == 0)
		return cfg->ias == 48 || cfg->oas == 48;
	if (g->granule_shift == 12 && g->start_level == 0)
		return cfg->oas == 40 || cfg->oas == 42;
	if (g->granule_shift == 14 && g->start_level == 1)
		return cfg->oas == 40;
	return false;
}

static struct arm_lpae_io_pgtable *
arm_lpae_alloc_pgtable(struct io_pgtable_cfg *cfg, bool stage2)
{
	struct arm_lpae_io_pgtable *data;
	unsigned int gshift, start;

	if (!(cfg->pgsize_bitmap & (SZ_4K | SZ_16K | SZ_64K)))
		return NULL;
	if (cfg->ias > ARM_LPAE_MAX_ADDR_BITS ||
	    cfg->oas > ARM_LPAE_MAX_ADDR_BITS)
		return NULL;
	arm_lpae_restrict_pgsizes(cfg);
	if (!(cfg->pgsize_bitmap & (SZ_4K | SZ_16K | SZ_64K)))
		return NULL;

	gshift = (unsigned int)__ffs(cfg->pgsize_bitmap);
	start = ARM_LPAE_MAX_LEVELS - arm_lpae_levels(gshift, cfg->ias);

	data = kzalloc(sizeof(*data), GFP_KERNEL);
	if (!data)
		return NULL;
	data->stage2 = stage2;
	if (arm_lpae_geom_init(&data->g, gshift, cfg->ias, cfg->oas, start))
		goto err_free_data;
	if (stage2 && arm_lpae_concat_mandatory(cfg, &data->g) &&
	    WARN_ON(arm_lpae_geom_init(&data->g, gshift, cfg->ias, cfg->oas,
				       start + 1)))
		goto err_free_data;

	data->iop.ops = arm_lpae_ops;
	data->iop.cfg = *cfg; /* table allocation below reads cfg->mem */
	return data;

err_free_data:
	kfree(data);
	return NULL;
}

/* Allocate the empty top table and publish the geometry in @cfg. */
static int arm_lpae_alloc_pgd(struct arm_lpae_io_pgtable *data,
			      struct io_pgtable_cfg *cfg)
{
	int ret;

	ret = arm_lpae_alloc_table(data, data->g.start_level, GFP_KERNEL,
				   &data->pgd);
	if (ret)
		return ret;
	/*
	 * The empty table is zero already (free frames are); the driver's
	 * publication of the TTBR orders it for the walker.
	 */
	cfg->arm_lpae_geom = data->g;
	return 0;
}

static struct io_pgtable *
arm_64_lpae_alloc_pgtable_s1(struct io_pgtable_cfg *cfg, void *cookie)
{
	struct arm_lpae_io_pgtable *data;
	int ps, tg;

	if (cfg->quirks &
	    ~(IO_PGTABLE_QUIRK_ARM_NS | IO_PGTABLE_QUIRK_NO_WARN |
	      IO_PGTABLE_QUIRK_ARM_OUTER_WBWA | IO_PGTABLE_QUIRK_ARM_HD))
		return NULL;
	data = arm_lpae_alloc_pgtable(cfg, false);
	if (!data)
		return NULL;
	/* Stage 1 never concatenates: its top table is at most a granule. */
	if (WARN_ON(arm_lpae_geom_concat(&data->g) != 1))
		goto err_free_data;

	ps = arm_lpae_oas_to_ps(cfg->oas);
	tg = arm_lpae_granule_to_tg(data->g.granule_shift);
	if (ps < 0 || tg < 0)
		goto err_free_data;
	memset(&cfg->arm_lpae_s1_cfg, 0, sizeof(cfg->arm_lpae_s1_cfg));
	if (cfg->coherent_walk) {
		cfg->arm_lpae_s1_cfg.tcr.sh = ARM_LPAE_TCR_SH_IS;
		cfg->arm_lpae_s1_cfg.tcr.irgn = ARM_LPAE_TCR_RGN_WBWA;
		cfg->arm_lpae_s1_cfg.tcr.orgn = ARM_LPAE_TCR_RGN_WBWA;
	} else {
		cfg->arm_lpae_s1_cfg.tcr.sh = ARM_LPAE_TCR_SH_OS;
		cfg->arm_lpae_s1_cfg.tcr.irgn = ARM_LPAE_TCR_RGN_NC;
		cfg->arm_lpae_s1_cfg.tcr.orgn =
			(cfg->quirks & IO_PGTABLE_QUIRK_ARM_OUTER_WBWA) ?
				ARM_LPAE_TCR_RGN_WBWA :
				ARM_LPAE_TCR_RGN_NC;
	}
	cfg->arm_lpae_s1_cfg.tcr.tg = tg;
	cfg->arm_lpae_s1_cfg.tcr.ips = ps;
	cfg->arm_lpae_s1_cfg.tcr.tsz = 64 - cfg->ias;
	cfg->arm_lpae_s1_cfg.mair =
		(ARM_LPAE_MAIR_ATTR_NC
		 << ARM_LPAE_MAIR_ATTR_SHIFT(ARM_LPAE_MAIR_ATTR_IDX_NC)) |
		(ARM_LPAE_MAIR_ATTR_WBRWA
		 << ARM_LPAE_MAIR_ATTR_SHIFT(ARM_LPAE_MAIR_ATTR_IDX_CACHE)) |
		(ARM_LPAE_MAIR_ATTR_DEVICE
		 << ARM_LPAE_MAIR_ATTR_SHIFT(ARM_LPAE_MAIR_ATTR_IDX_DEV)) |
		(ARM_LPAE_MAIR_ATTR_INC_OWBRWA << ARM_LPAE_MAIR_ATTR_SHIFT(
			 ARM_LPAE_MAIR_ATTR_IDX_INC_OCACHE));

	if (arm_lpae_alloc_pgd(data, cfg))
		goto err_free_data;
	cfg->arm_lpae_s1_cfg.ttbr = data->pgd;
	return &data->iop;

err_free_data:
	kfree(data);
	return NULL;
}

static struct io_pgtable *
arm_64_lpae_alloc_pgtable_s2(struct io_pgtable_cfg *cfg, void *cookie)
{
	struct arm_lpae_io_pgtable *data;
	int ps, tg, sl;

	if (cfg->quirks &
	    ~(IO_PGTABLE_QUIRK_ARM_S2FWB | IO_PGTABLE_QUIRK_NO_WARN))
		return NULL;
	data = arm_lpae_alloc_pgtable(cfg, true);
	if (!data)
		return NULL;

	ps = arm_lpae_oas_to_ps(cfg->oas);
	tg = arm_lpae_granule_to_tg(data->g.granule_shift);
	sl = arm_lpae_s2_level_to_sl0(data->g.granule_shift,
				      data->g.start_level);
	if (ps < 0 || tg < 0 || sl < 0)
		goto err_free_data;
	memset(&cfg->arm_lpae_s2_cfg, 0, sizeof(cfg->arm_lpae_s2_cfg));
	if (cfg->coherent_walk) {
		cfg->arm_lpae_s2_cfg.vtcr.sh = ARM_LPAE_TCR_SH_IS;
		cfg->arm_lpae_s2_cfg.vtcr.irgn = ARM_LPAE_TCR_RGN_WBWA;
		cfg->arm_lpae_s2_cfg.vtcr.orgn = ARM_LPAE_TCR_RGN_WBWA;
	} else {
		cfg->arm_lpae_s2_cfg.vtcr.sh = ARM_LPAE_TCR_SH_OS;
		cfg->arm_lpae_s2_cfg.vtcr.irgn = ARM_LPAE_TCR_RGN_NC;
		cfg->arm_lpae_s2_cfg.vtcr.orgn = ARM_LPAE_TCR_RGN_NC;
	}
	cfg->arm_lpae_s2_cfg.vtcr.tg = tg;
	cfg->arm_lpae_s2_cfg.vtcr.ps = ps;
	cfg->arm_lpae_s2_cfg.vtcr.sl = sl;
	cfg->arm_lpae_s2_cfg.vtcr.tsz = 64 - cfg->ias;

	if (arm_lpae_alloc_pgd(data, cfg))
		goto err_free_data;
	cfg->arm_lpae_s2_cfg.vttbr = data->pgd;
	return &data->iop;

err_free_data:
	kfree(data);
	return NULL;
}

static struct io_pgtable *
arm_32_lpae_alloc_pgtable_s1(struct io_pgtable_cfg *cfg, void *cookie)
{
	if (cfg->ias > 32 || cfg->oas > 40)
		return NULL;
	cfg->pgsize_bitmap &= SZ_4K | SZ_2M | SZ_1G;
	return arm_64_lpae_alloc_pgtable_s1(cfg, cookie);
}

static struct io_pgtable *
arm_32_lpae_alloc_pgtable_s2(struct io_pgtable_cfg *cfg, void *cookie)
{
	if (cfg->ias > 40 || cfg->oas > 40)
		return NULL;
	cfg->pgsize_bitmap &= SZ_4K | SZ_2M | SZ_1G;
	return arm_64_lpae_alloc_pgtable_s2(cfg, cookie);
}

static void arm_lpae_free_pgtable(struct io_pgtable *iop)
{
	struct arm_lpae_io_pgtable *data = io_pgtable_to_data(iop);

	__arm_lpae_free_pgtable(data, data->g.start_level, data->pgd);
	WARN_ON(atomic_long_read(&iop->table_bytes));
	kfree(data);
}

const struct io_pgtable_init_fns io_pgtable_arm_64_lpae_s1_init_fns = {
	.alloc = arm_64_lpae_alloc_pgtable_s1,
	.free = arm_lpae_free_pgtable,
};

const struct io_pgtable_init_fns io_pgtable_arm_64_lpae_s2_init_fns = {
	.alloc = arm_64_lpae_alloc_pgtable_s2,
	.free = arm_lpae_free_pgtable,
};

const struct io_pgtable_init_fns io_pgtable_arm_32_lpae_s1_init_fns = {
	.alloc = arm_32_lpae_alloc_pgtable_s1,
	.free = arm_lpae_free_pgtable,
};

const struct io_pgtable_init_fns io_pgtable_arm_32_lpae_s2_init_fns = {
	.alloc = arm_32_lpae_alloc_pgtable_s2,
	.free = arm_lpae_free_pgtable,
};
