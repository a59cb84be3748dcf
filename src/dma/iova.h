/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IOVA allocator: an rbtree of allocated pfn ranges per domain, searched top
 * down, plus per-CPU-slot range caches (magazines and a depot) for sizes up
 * to 32 granules.  The DMA API (dma-iommu) allocates through the _fast calls.
 * Kernel counterpart: include/linux/iova.h, drivers/iommu/iova.c
 */
#ifndef SIO_DMA_IOVA_H
#define SIO_DMA_IOVA_H

#include "base/mutex.h"
#include "base/types.h"
#include "dma/rbtree.h"

/* One allocated (or reserved) range [pfn_lo, pfn_hi], in granules. */
struct iova {
	struct rb_node node; /* in iovad->rbroot, under iova_rbtree_lock */
	unsigned long pfn_hi;
	unsigned long pfn_lo;
	/*
	 * Augmentation (under iova_rbtree_lock): @gap is the number of free
	 * pfns between the previous range and this one (from start_pfn for
	 * the lowest); @max_gap the largest @gap in this node's subtree.  It
	 * lets the search skip fully used subtrees, keeping allocation
	 * O(log n) where the kernel walks the tree linearly.
	 */
	unsigned long gap;
	unsigned long max_gap;
};

/* Size classes cached per CPU slot: 1, 2, 4, 8, 16, 32 granules. */
#define IOVA_RANGE_CACHE_MAX_SIZE 6
/* pfns per magazine: a magazine is exactly 1 KiB. */
#define IOVA_MAG_SIZE 127
/* Depot trimming period while the depot holds more than one per CPU slot. */
#define IOVA_DEPOT_DELAY_MS 100

struct iova_rcache;

struct iova_domain {
	/*
	 * Protects rbroot, cached_node, cached32_node, max32_alloc_size and
	 * every struct iova in the tree.  Innermost lock of the allocator:
	 * taken inside a CPU slot's rcache lock (flushing a slot) and inside
	 * a flush-queue ring lock (release callback); takes nothing.
	 */
	spinlock_t iova_rbtree_lock;
	struct rb_root rbroot;
	struct rb_node *cached_node; /* full-range search starts below it */
	struct rb_node *cached32_node; /* 32-bit search starts below it */
	unsigned long granule; /* bytes, power of two <= PAGE_SIZE */
	unsigned long start_pfn; /* lowest pfn ever handed out */
	unsigned long dma_32bit_pfn; /* first pfn at or above 4 GiB */
	/* A 32-bit request this big or bigger fails at once (hint). */
	unsigned long max32_alloc_size;
	struct iova anchor; /* at pfn ~0: the tree is never empty */

	/* Range caches; NULL until iova_domain_init_rcaches(). */
	struct iova_rcache *rcaches;
	unsigned int nr_cpu_slots; /* per-CPU arrays are this long */
	/*
	 * Set once before first use (dma-iommu): a range-cache miss takes an
	 * aligned block of IOVA_SPREAD_PFNS granules and caches the rest in
	 * this CPU slot, so two CPUs' small mappings do not share page-table
	 * cache lines.  Off: the kernel's one-range-per-miss behaviour.
	 */
	bool cpu_spread;
};

/* Granules per range-cache refill block (cpu_spread): 2 PTE cache lines. */
#define IOVA_SPREAD_PFNS 16

/* pfn/address helpers for the DMA API */
static inline unsigned long iova_size(const struct iova *iova)
{
	return iova->pfn_hi - iova->pfn_lo + 1;
}

static inline unsigned long iova_shift(const struct iova_domain *iovad)
{
	return __ffs(iovad->granule);
}

static inline unsigned long iova_mask(const struct iova_domain *iovad)
{
	return iovad->granule - 1;
}

static inline size_t iova_offset(const struct iova_domain *iovad,
				 dma_addr_t iova)
{
	return iova & iova_mask(iovad);
}

static inline size_t iova_align(const struct iova_domain *iovad, size_t size)
{
	return ALIGN(size, iovad->granule);
}

static inline size_t iova_align_down(const struct iova_domain *iovad,
				     size_t size)
{
	return ALIGN_DOWN(size, iovad->granule);
}

static inline dma_addr_t iova_dma_addr(const struct iova_domain *iovad,
				       const struct iova *iova)
{
	return (dma_addr_t)iova->pfn_lo << iova_shift(iovad);
}

static inline unsigned long iova_pfn(const struct iova_domain *iovad,
				     dma_addr_t iova)
{
	return iova >> iova_shift(iovad);
}

/* The tree allocator (iova.c); kernel-doc at the definitions. */
int init_iova_domain(struct iova_domain *iovad, unsigned long granule,
		     unsigned long start_pfn);
void put_iova_domain(struct iova_domain *iovad);
struct iova *alloc_iova(struct iova_domain *iovad, unsigned long size,
			unsigned long limit_pfn, bool size_aligned);
struct iova *reserve_iova(struct iova_domain *iovad, unsigned long pfn_lo,
			  unsigned long pfn_hi);
struct iova *find_iova(struct iova_domain *iovad, unsigned long pfn);
void __free_iova(struct iova_domain *iovad, struct iova *iova);
void free_iova(struct iova_domain *iovad, unsigned long pfn);

/* The range caches (iova-rcache.c); kernel-doc at the definitions. */
int iova_domain_init_rcaches(struct iova_domain *iovad);
unsigned long alloc_iova_fast(struct iova_domain *iovad, unsigned long size,
			      unsigned long limit_pfn, bool flush_rcache);
void free_iova_fast(struct iova_domain *iovad, unsigned long pfn,
		    unsigned long size);
void free_cpu_cached_iovas(unsigned int cpu, struct iova_domain *iovad);
void free_global_cached_iovas(struct iova_domain *iovad);

/* Introspection for tests and the bench (racy unless the caller quiesced). */

/* pfns held by the caches of @iovad (ranges x class size), depots included. */
unsigned long iova_rcache_cached_pfns(struct iova_domain *iovad);
/* Magazines in the depot of size class @log_size (0..5). */
unsigned int iova_rcache_depot_size(struct iova_domain *iovad,
				    unsigned int log_size);

#endif /* SIO_DMA_IOVA_H */
