/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * io-pgtable: the page-table formats an IOMMU driver can program, behind one
 * ops table (map_pages / unmap_pages / iova_to_phys), with the driver's TLB
 * maintenance called back through struct iommu_flush_ops.  Tables live in
 * simulated physical memory so the hardware walker reads them by PA.
 * Kernel counterpart: include/linux/io-pgtable.h, drivers/iommu/io-pgtable.c
 */
#ifndef SIO_PGTABLE_IO_PGTABLE_H
#define SIO_PGTABLE_IO_PGTABLE_H

#include "base/types.h"
#include "base/atomic.h"
#include "mem/phys-mem.h"
#include "pgtable/io-pgtable-prot.h"
#include "pgtable/fmt/arm-lpae.h"

/*
 * The IOMMU core's gather of pending leaf invalidations.  io-pgtable never
 * looks inside it: unmap_pages() hands it to the driver's tlb_add_page.
 */
struct iommu_iotlb_gather;

/* Formats; the explicit table of implementations is in io-pgtable.c. */
enum io_pgtable_fmt {
	ARM_32_LPAE_S1,
	ARM_32_LPAE_S2,
	ARM_64_LPAE_S1,
	ARM_64_LPAE_S2,
	IO_PGTABLE_NUM_FMTS,
};

/**
 * struct iommu_flush_ops - TLB maintenance the format asks of the driver
 *
 * All are called from inside map_pages/unmap_pages/free_io_pgtable_ops, on
 * the caller's thread, with whatever locks the caller holds (io-pgtable
 * takes none); they must not call back into the same io_pgtable_ops.
 *
 * @tlb_flush_all: invalidate every cached translation and walk of the
 *	table (called once before the table is freed).
 * @tlb_flush_walk: a table covering [@iova, @iova + @size) was removed:
 *	invalidate leaf and walk-cache entries for the range, synchronously
 *	(the table's memory is freed on return).  @granule is the table's leaf
 *	size.
 * @tlb_add_page: queue the invalidation of one leaf of @granule bytes at
 *	@iova into @gather, the one given to unmap_pages (may be NULL;
 *	usually iommu_iotlb_gather_add_page()).  Called for every leaf
 *	removed: a driver whose @gather is queued (lazy mode: a flush of
 *	everything follows) skips the add itself.
 */
struct iommu_flush_ops {
	void (*tlb_flush_all)(void *cookie);
	void (*tlb_flush_walk)(unsigned long iova, size_t size, size_t granule,
			       void *cookie);
	void (*tlb_add_page)(struct iommu_iotlb_gather *gather,
			     unsigned long iova, size_t granule, void *cookie);
};

/* Quirks (cfg->quirks); the bit values follow the kernel's. */
#define IO_PGTABLE_QUIRK_ARM_NS		BIT(0) /* S1: NS in leaves, NSTABLE */
#define IO_PGTABLE_QUIRK_ARM_TTBR1	BIT(5) /* not supported */
#define IO_PGTABLE_QUIRK_ARM_OUTER_WBWA BIT(6) /* S1 walk outer WBWA */
#define IO_PGTABLE_QUIRK_ARM_HD		BIT(7) /* S1 hardware dirty (DBM) */
#define IO_PGTABLE_QUIRK_ARM_S2FWB	BIT(8) /* S2 forced write-back */
#define IO_PGTABLE_QUIRK_NO_WARN	BIT(9) /* no WARN on -EEXIST etc. */

/* read_and_clear_dirty() flag: report but do not clean. */
#define IO_PGTABLE_DIRTY_NO_CLEAR BIT(0)

/**
 * struct io_pgtable_dirty_sink - where read_and_clear_dirty() reports
 * @record: called for each writeable-dirty leaf overlapping the range
 * @priv: passed to @record
 */
struct io_pgtable_dirty_sink {
	void (*record)(void *priv, unsigned long iova, size_t size);
	void *priv;
};

/**
 * struct io_pgtable_cfg - what the driver asks for, and what it must program
 *
 * Inputs:
 * @quirks: IO_PGTABLE_QUIRK_* bits; an unsupported one fails allocation
 * @pgsize_bitmap: page sizes the driver offers (bit n = 2^n bytes); the
 *	format keeps those of one granule (may shrink it)
 * @ias: input address bits (may be clamped)
 * @oas: output address bits (may be clamped)
 * @coherent_walk: the walker snoops CPU caches (selects the walk attributes)
 * @tlb: the driver's TLB callbacks (may be NULL: no maintenance)
 * @mem: physical memory the tables are allocated from
 *
 * Outputs, valid after alloc_io_pgtable_ops() succeeds:
 * @arm_lpae_s1_cfg: stage 1 (ARM_*_LPAE_S1): @ttbr = PA of the top table;
 *	@tcr fields for the context descriptor; @mair attribute indices
 * @arm_lpae_s2_cfg: stage 2 (ARM_*_LPAE_S2): @vttbr; @vtcr fields (sl =
 *	VTCR.SL0 after concatenation)
 * @arm_lpae_geom: the walk geometry (granule, start level, concatenated top
 *	table) the programmed fields describe, for the hardware model and
 *	diagnostics; the walker re-derives it from TCR/VTCR with
 *	arm_lpae_geom_init()
 */
struct io_pgtable_cfg {
	unsigned long quirks;
	unsigned long pgsize_bitmap;
	unsigned int ias;
	unsigned int oas;
	bool coherent_walk;
	const struct iommu_flush_ops *tlb;
	struct sio_phys_mem *mem;

	union {
		struct {
			u64 ttbr;
			struct {
				u8 ips;
				u8 tg;
				u8 sh;
				u8 orgn;
				u8 irgn;
				u8 tsz;
			} tcr;
			u64 mair;
		} arm_lpae_s1_cfg;

		struct {
			u64 vttbr;
			struct {
				u8 ps;
				u8 tg;
				u8 sh;
				u8 orgn;
				u8 irgn;
				u8 sl;
				u8 tsz;
			} vtcr;
		} arm_lpae_s2_cfg;
	};

	struct arm_lpae_geom arm_lpae_geom;
};

struct io_pgtable_ops;

/**
 * struct io_pgtable_ops - operations on one page table
 *
 * Concurrency: map_pages/unmap_pages on disjoint IOVA ranges and any number
 * of iova_to_phys calls (and hardware walks) may run concurrently with no
 * lock; overlapping map/unmap must be serialised by the caller.  None
 * sleeps except for table allocation with a sleeping @gfp.
 *
 * @map_pages: map @pgcount pages of @pgsize (exactly one size from
 *	pgsize_bitmap) at @iova to @paddr with IO_PGTABLE_PROT_* @prot (an
 *	IOMMU driver translates the core's IOMMU_* bits).  May map fewer
 *	than asked (up to the end of one table); *@mapped grows by what was
 *	installed, also on error; callers loop for the rest.  Return: 0;
 *	-EINVAL (bad pgsize: WARN; prot without READ or WRITE); -ERANGE
 *	(iova beyond ias or paddr beyond oas: WARN); -EEXIST (a leaf is in the
 *	way: WARN unless QUIRK_NO_WARN); -ENOMEM (table allocation).
 * @unmap_pages: unmap up to @pgcount pages of @pgsize at @iova, stopping at
 *	the first hole and at the end of one table; leaf invalidations go to
 *	@gather via tlb_add_page, removed tables are flushed with
 *	tlb_flush_walk and freed.  Return: bytes unmapped; 0 for a hole at
 *	@iova (WARN unless QUIRK_NO_WARN), bad arguments (WARN), or a
 *	partial unmap of a larger leaf (WARN unless QUIRK_NO_WARN).
 * @iova_to_phys: Return: the physical address @iova translates to, or 0.
 * @read_and_clear_dirty: report writeable-dirty leaves in [@iova, @iova +
 *	@size) to @dirty and clean them unless IO_PGTABLE_DIRTY_NO_CLEAR;
 *	stage-1 64-bit formats with QUIRK_ARM_HD only (NULL otherwise).
 *	Return: 0, -EINVAL (bad range: WARN).
 */
struct io_pgtable_ops {
	int (*map_pages)(struct io_pgtable_ops *ops, unsigned long iova,
			 phys_addr_t paddr, size_t pgsize, size_t pgcount,
			 int prot, gfp_t gfp, size_t *mapped);
	size_t (*unmap_pages)(struct io_pgtable_ops *ops, unsigned long iova,
			      size_t pgsize, size_t pgcount,
			      struct iommu_iotlb_gather *gather);
	phys_addr_t (*iova_to_phys)(struct io_pgtable_ops *ops,
				    unsigned long iova);
	int (*read_and_clear_dirty)(struct io_pgtable_ops *ops,
				    unsigned long iova, size_t size,
				    unsigned long flags,
				    struct io_pgtable_dirty_sink *dirty);
};

/**
 * struct io_pgtable - one page table (formats embed it)
 * @fmt: its format
 * @cookie: the driver's cookie, passed to every flush op
 * @cfg: a copy of the configuration, outputs filled in
 * @table_bytes: bytes of physical memory held by its tables (atomic)
 * @ops: the ops handed to the driver
 */
struct io_pgtable {
	enum io_pgtable_fmt fmt;
	void *cookie;
	struct io_pgtable_cfg cfg;
	atomic_long_t table_bytes;
	struct io_pgtable_ops ops;
};

#define io_pgtable_ops_to_pgtable(x) container_of((x), struct io_pgtable, ops)

/**
 * struct io_pgtable_init_fns - one format's constructor and destructor
 * @alloc: build an empty table for @cfg (filling its outputs).
 *	Return: the table, or NULL if @cfg is unsupported or out of memory.
 * @free: free every table page (the TLB was already flushed).
 */
struct io_pgtable_init_fns {
	struct io_pgtable *(*alloc)(struct io_pgtable_cfg *cfg, void *cookie);
	void (*free)(struct io_pgtable *iop);
};

/*
 * Allocate a table of format @fmt (NULL on failure, as in the kernel) and
 * free it.  Kernel-doc in io-pgtable.c.
 */
struct io_pgtable_ops *alloc_io_pgtable_ops(enum io_pgtable_fmt fmt,
					    struct io_pgtable_cfg *cfg,
					    void *cookie);

void free_io_pgtable_ops(struct io_pgtable_ops *ops);

/* Bytes of table memory (whole frames) in use; a racy snapshot. */
size_t io_pgtable_table_bytes(struct io_pgtable_ops *ops);

/* Name of a format ("arm-64-lpae-s1"), for logs.  Return: name or "?". */
const char *io_pgtable_fmt_name(enum io_pgtable_fmt fmt);

/* Flush-op wrappers for formats: skip absent callbacks. */
static inline void io_pgtable_tlb_flush_all(struct io_pgtable *iop)
{
	if (iop->cfg.tlb && iop->cfg.tlb->tlb_flush_all)
		iop->cfg.tlb->tlb_flush_all(iop->cookie);
}

static inline void io_pgtable_tlb_flush_walk(struct io_pgtable *iop,
					     unsigned long iova, size_t size,
					     size_t granule)
{
	if (iop->cfg.tlb && iop->cfg.tlb->tlb_flush_walk)
		iop->cfg.tlb->tlb_flush_walk(iova, size, granule, iop->cookie);
}

static inline void io_pgtable_tlb_add_page(struct io_pgtable *iop,
					   struct iommu_iotlb_gather *gather,
					   unsigned long iova, size_t granule)
{
	if (iop->cfg.tlb && iop->cfg.tlb->tlb_add_page)
		iop->cfg.tlb->tlb_add_page(gather, iova, granule, iop->cookie);
}

/* The per-format constructors, listed in io-pgtable.c's table. */
extern const struct io_pgtable_init_fns io_pgtable_arm_64_lpae_s1_init_fns;
extern const struct io_pgtable_init_fns io_pgtable_arm_64_lpae_s2_init_fns;
extern const struct io_pgtable_init_fns io_pgtable_arm_32_lpae_s1_init_fns;
extern const struct io_pgtable_init_fns io_pgtable_arm_32_lpae_s2_init_fns;

#endif /* SIO_PGTABLE_IO_PGTABLE_H */
