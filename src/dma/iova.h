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

/**
 * init_iova_domain() - initialise an empty IOVA domain
 * @iovad: the domain (caller-owned storage)
 * @granule: allocation unit in bytes; a power of two no larger than PAGE_SIZE
 * @start_pfn: lowest pfn to allocate (pfn 0 is never handed out: 0 means
 *             failure in alloc_iova_fast(), so use at least 1)
 *
 * Divergence: the kernel BUGs on a bad granule; this WARNs and refuses.
 * Context: any; does not allocate.
 * Return: 0, or -EINVAL for a bad @granule (the domain is left unusable).
 */
int init_iova_domain(struct iova_domain *iovad, unsigned long granule,
		     unsigned long start_pfn);

/**
 * iova_domain_init_rcaches() - set up the range caches of @iovad
 * @iovad: an initialised domain without rcaches
 *
 * Allocates, per size class, two empty magazines for every CPU slot and
 * prepares the depot trimming work.
 * Context: may sleep.
 * Return: 0, -ENOMEM (nothing left allocated), -EBUSY if already done.
 */
int iova_domain_init_rcaches(struct iova_domain *iovad);

/**
 * put_iova_domain() - tear down @iovad
 * @iovad: the domain
 *
 * Stops depot trimming, frees the caches and every range still in the tree.
 * No other call on @iovad may run concurrently or follow (except a new
 * init_iova_domain()).
 * Context: may sleep (waits for the trimming work).
 */
void put_iova_domain(struct iova_domain *iovad);

/**
 * alloc_iova() - allocate @size pfns from the tree
 * @iovad: the domain
 * @size: pfns (> 0)
 * @limit_pfn: highest pfn the range may use (inclusive)
 * @size_aligned: align the start to roundup_pow_of_two(@size)
 *
 * Highest fit at or below the cached node for @limit_pfn's range, then
 * once more in the gap above the cached node.  A failed 32-bit request
 * records the size so later ones as big fail at once until an IOVA below
 * 4 GiB is freed.  O(log n).
 * Context: any; takes iova_rbtree_lock; allocates GFP_ATOMIC.
 * Return: the new range, or NULL when no room or out of memory.
 */
struct iova *alloc_iova(struct iova_domain *iovad, unsigned long size,
			unsigned long limit_pfn, bool size_aligned);

/**
 * reserve_iova() - mark [@pfn_lo, @pfn_hi] as used
 * @iovad: the domain
 * @pfn_lo: first pfn
 * @pfn_hi: last pfn (>= @pfn_lo)
 *
 * Ranges already in the tree that overlap are grown downwards to fill the
 * holes; whatever remains above them becomes a new range.
 * Context: any; takes iova_rbtree_lock.
 * Return: a range covering (part of) the reservation, or NULL on bad
 * arguments (WARN) or out of memory.
 */
struct iova *reserve_iova(struct iova_domain *iovad, unsigned long pfn_lo,
			  unsigned long pfn_hi);

/**
 * find_iova() - the range containing @pfn
 * @iovad: the domain
 * @pfn: any pfn
 *
 * Context: any; takes iova_rbtree_lock.  The caller must keep the range
 * from being freed while it uses the result.
 * Return: the range, or NULL if @pfn is not allocated (a lookup).
 */
struct iova *find_iova(struct iova_domain *iovad, unsigned long pfn);

/**
 * __free_iova() - free a range returned by alloc_iova()/find_iova()
 * @iovad: the domain
 * @iova: the range (freed)
 *
 * Context: any; takes iova_rbtree_lock (the name follows the kernel, the
 * caller does not hold it).
 */
void __free_iova(struct iova_domain *iovad, struct iova *iova);

/**
 * free_iova() - free the range containing @pfn, if any
 * @iovad: the domain
 * @pfn: a pfn of the range
 *
 * Context: any; takes iova_rbtree_lock.
 */
void free_iova(struct iova_domain *iovad, unsigned long pfn);

/**
 * alloc_iova_fast() - allocate through the range caches
 * @iovad: the domain
 * @size: pfns; below 32 rounded up to a power of two
 * @limit_pfn: highest pfn the range may use (inclusive)
 * @flush_rcache: on failure, empty every cache and retry once
 *
 * The result is always size-aligned (rule 79).  With the rcaches set up
 * the fast path takes one uncontended lock (this CPU slot's).
 * Context: any; takes a CPU slot lock, maybe the depot and tree locks.
 * Return: the first pfn, or 0 when no room.
 */
unsigned long alloc_iova_fast(struct iova_domain *iovad, unsigned long size,
			      unsigned long limit_pfn, bool flush_rcache);

/**
 * free_iova_fast() - give back a range from alloc_iova_fast()
 * @iovad: the domain
 * @pfn: its first pfn
 * @size: the size passed to alloc_iova_fast()
 *
 * Context: any; as alloc_iova_fast().
 */
void free_iova_fast(struct iova_domain *iovad, unsigned long pfn,
		    unsigned long size);

/**
 * free_cpu_cached_iovas() - return one CPU slot's magazines to the tree
 * @cpu: slot index (taken modulo the slot count)
 * @iovad: the domain
 *
 * Context: any; takes the slot lock, then iova_rbtree_lock.
 */
void free_cpu_cached_iovas(unsigned int cpu, struct iova_domain *iovad);

/**
 * free_global_cached_iovas() - return every depot magazine to the tree
 * @iovad: the domain
 *
 * Context: any; takes each depot lock, then iova_rbtree_lock.
 */
void free_global_cached_iovas(struct iova_domain *iovad);

/* Introspection for tests and the bench (racy unless the caller quiesced). */

/* pfns held by the caches of @iovad (ranges x class size), depots included. */
unsigned long iova_rcache_cached_pfns(struct iova_domain *iovad);
/* Magazines in the depot of size class @log_size (0..5). */
unsigned int iova_rcache_depot_size(struct iova_domain *iovad,
				    unsigned int log_size);

#endif /* SIO_DMA_IOVA_H */
