// SPDX-License-Identifier: BSD-3-Clause
/*
 * IOVA allocator, tree part: the domain, the rbtree of allocated ranges
 * (augmented with free-gap sizes), top-down allocation, reserve/find/free.
 * Kernel counterpart: drivers/iommu/iova.c
 */
#include <string.h>

#include "base/alloc.h"
#include "base/bug.h"
#include "base/err.h"
#include "dma/dma-priv.h"
#include "dma/iova.h"

static inline struct iova *to_iova(struct rb_node *node)
{
	return rb_entry(node, struct iova, node);
}

/* rb_augment_fn: max_gap = largest gap in the subtree. */
static void iova_gap_augment(struct rb_node *node)
{
	struct iova *iova = to_iova(node);
	unsigned long m = iova->gap;

	if (node->rb_left)
		m = max(m, to_iova(node->rb_left)->max_gap);
	if (node->rb_right)
		m = max(m, to_iova(node->rb_right)->max_gap);
	iova->max_gap = m;
}

/* Recompute @iova->gap from its predecessor; does not propagate. */
static void iova_compute_gap(struct iova_domain *iovad, struct iova *iova)
{
	struct rb_node *prev = rb_prev(&iova->node);
	unsigned long base = iovad->start_pfn;

	if (prev)
		base = max(base, to_iova(prev)->pfn_hi + 1);
	iova->gap = iova->pfn_lo > base ? iova->pfn_lo - base : 0;
}

/* @iova's lower neighbour changed: refresh its gap and the ancestors'. */
static void iova_update_gap(struct iova_domain *iovad, struct iova *iova)
{
	iova_compute_gap(iovad, iova);
	rb_augment_propagate(&iova->node, iova_gap_augment);
}

/* Insert a range that overlaps nothing; the caller holds the lock. */
static void __iova_insert(struct iova_domain *iovad, struct iova *iova)
{
	struct rb_node **link = &iovad->rbroot.rb_node, *parent = NULL;
	struct rb_node *next;

	while (*link) {
		parent = *link;
		if (iova->pfn_lo < to_iova(parent)->pfn_lo)
			link = &parent->rb_left;
		else
			link = &parent->rb_right;
	}
	rb_link_node(&iova->node, parent, link);
	iova_compute_gap(iovad, iova);
	iova->max_gap = iova->gap;
	rb_insert_augmented(&iova->node, &iovad->rbroot, iova_gap_augment);

	next = rb_next(&iova->node);
	if (next)
		iova_update_gap(iovad, to_iova(next));
}

/**
 * __iova_find() - the range containing @pfn
 * @iovad: the domain
 * @pfn: any pfn
 *
 * Context: iova_rbtree_lock held.
 * Return: the range, or NULL (a lookup).
 */
struct iova *__iova_find(struct iova_domain *iovad, unsigned long pfn)
{
	struct rb_node *node;

	lockdep_assert_held(&iovad->iova_rbtree_lock);
	node = iovad->rbroot.rb_node;
	while (node) {
		struct iova *iova = to_iova(node);

		if (pfn < iova->pfn_lo)
			node = node->rb_left;
		else if (pfn > iova->pfn_hi)
			node = node->rb_right;
		else
			return iova;
	}
	return NULL;
}

/* Move the cached search points off a range about to be freed. */
static void __iova_cached_delete_update(struct iova_domain *iovad,
					struct iova *free)
{
	struct iova *cached = to_iova(iovad->cached32_node);

	if (free == cached || (free->pfn_hi < iovad->dma_32bit_pfn &&
			       free->pfn_lo >= cached->pfn_lo))
		iovad->cached32_node = rb_next(&free->node);

	/* Room below 4 GiB again: forget the failed-size hint. */
	if (free->pfn_lo < iovad->dma_32bit_pfn)
		iovad->max32_alloc_size = iovad->dma_32bit_pfn;

	cached = to_iova(iovad->cached_node);
	if (free->pfn_lo >= cached->pfn_lo)
		iovad->cached_node = rb_next(&free->node);
}

/**
 * __iova_remove() - unlink @iova from the tree (the caller frees it)
 * @iovad: the domain
 * @iova: a range in the tree, not the anchor
 *
 * Context: iova_rbtree_lock held.
 */
void __iova_remove(struct iova_domain *iovad, struct iova *iova)
{
	struct rb_node *next;

	lockdep_assert_held(&iovad->iova_rbtree_lock);
	__iova_cached_delete_update(iovad, iova);
	next = rb_next(&iova->node); /* never NULL: the anchor is above */
	rb_erase_augmented(&iova->node, &iovad->rbroot, iova_gap_augment);
	if (next)
		iova_update_gap(iovad, to_iova(next));
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
		     unsigned long start_pfn)
{
	memset(iovad, 0, sizeof(*iovad));
	if (WARN(!is_power_of_2(granule) || granule > PAGE_SIZE,
		 "iova: granule %#lx is not a power of two <= PAGE_SIZE",
		 granule))
		return -EINVAL;
	if (WARN(!start_pfn, "iova: pfn 0 cannot be allocated"))
		return -EINVAL;

	spin_lock_init(&iovad->iova_rbtree_lock);
	iovad->rbroot = RB_ROOT;
	iovad->granule = granule;
	iovad->start_pfn = start_pfn;
	iovad->dma_32bit_pfn = 1UL << (32 - iova_shift(iovad));
	iovad->max32_alloc_size = iovad->dma_32bit_pfn;
	iovad->anchor.pfn_lo = IOVA_ANCHOR;
	iovad->anchor.pfn_hi = IOVA_ANCHOR;

	spin_lock(&iovad->iova_rbtree_lock);
	__iova_insert(iovad, &iovad->anchor);
	spin_unlock(&iovad->iova_rbtree_lock);
	iovad->cached_node = &iovad->anchor.node;
	iovad->cached32_node = &iovad->anchor.node;
	return 0;
}

/**
 * put_iova_domain() - tear down @iovad
 * @iovad: the domain
 *
 * Stops depot trimming, frees the caches and every range still in the tree.
 * No other call on @iovad may run concurrently or follow (except a new
 * init_iova_domain()).
 * Context: may sleep (waits for the trimming work).
 */
void put_iova_domain(struct iova_domain *iovad)
{
	struct rb_node *node, *next;

	if (!iovad->granule) /* init failed or already put */
		return;
	if (iovad->rcaches)
		free_iova_rcaches(iovad);

	/* Nobody else may use the domain now; no lock needed to free. */
	for (node = rb_first_postorder(&iovad->rbroot); node; node = next) {
		next = rb_next_postorder(node);
		if (to_iova(node) != &iovad->anchor)
			kfree(to_iova(node));
	}
	iovad->rbroot = RB_ROOT;
	mutex_destroy(&iovad->iova_rbtree_lock);
	iovad->granule = 0;
}

/* A search for the highest aligned run of @size free pfns in [lb, hb]. */
struct iova_fit {
	unsigned long lb, hb;
	unsigned long size;
	unsigned long align_mask;
	unsigned long pfn; /* the result */
};

static bool iova_gap_fits(const struct iova *iova, struct iova_fit *f)
{
	unsigned long lo, hi, start;

	if (iova->gap < f->size)
		return false;
	/* The gap is [pfn_lo - gap, pfn_lo - 1], clipped to [lb, hb]. */
	lo = max(f->lb, iova->pfn_lo - iova->gap);
	hi = min(f->hb, iova->pfn_lo - 1);
	if (hi < lo || hi - lo + 1 < f->size)
		return false;
	start = (hi - f->size + 1) & f->align_mask;
	if (start < lo)
		return false;
	f->pfn = start;
	return true;
}

/*
 * Reverse in-order walk (highest gap first) that skips subtrees whose
 * largest gap is too small and subtrees entirely outside [lb, hb].
 */
static bool iova_fit_subtree(struct rb_node *node, struct iova_fit *f)
{
	struct iova *iova;

	if (!node)
		return false;
	iova = to_iova(node);
	if (iova->max_gap < f->size)
		return false;
	/* Right-subtree gaps start above pfn_lo: useless if pfn_lo > hb. */
	if (iova->pfn_lo <= f->hb && iova_fit_subtree(node->rb_right, f))
		return true;
	if (iova_gap_fits(iova, f))
		return true;
	/* Left-subtree gaps end below pfn_lo - 1. */
	if (iova->pfn_lo <= f->lb)
		return false;
	return iova_fit_subtree(node->rb_left, f);
}

static bool __iova_fit(struct iova_domain *iovad, struct iova_fit *f)
{
	lockdep_assert_held(&iovad->iova_rbtree_lock);
	if (f->hb < f->lb || f->hb - f->lb + 1 < f->size)
		return false;
	return iova_fit_subtree(iovad->rbroot.rb_node, f);
}

/* Take the range for @new; 0 or -ENOMEM (no room). */
static int __iova_alloc_and_insert(struct iova_domain *iovad,
				   unsigned long size, unsigned long limit_pfn,
				   struct iova *new, bool size_aligned)
{
	bool is32 = limit_pfn < iovad->dma_32bit_pfn;
	struct iova_fit f = { .size = size, .align_mask = ~0UL };
	struct iova *cached;

	lockdep_assert_held(&iovad->iova_rbtree_lock);
	if (size_aligned)
		f.align_mask = ~(roundup_pow_of_two(size) - 1);
	if (limit_pfn >= IOVA_ANCHOR)
		limit_pfn = IOVA_ANCHOR - 1;
	if (is32 && size >= iovad->max32_alloc_size)
		goto full32;

	/* First below the cached node, then once in the gap above it. */
	cached = to_iova(is32 ? iovad->cached32_node : iovad->cached_node);
	f.lb = iovad->start_pfn;
	f.hb = cached->pfn_lo ? min(limit_pfn, cached->pfn_lo - 1) : 0;
	if (cached->pfn_lo && __iova_fit(iovad, &f))
		goto found;
	if (cached->pfn_hi < limit_pfn) {
		f.lb = max(iovad->start_pfn, cached->pfn_hi + 1);
		f.hb = limit_pfn;
		if (__iova_fit(iovad, &f))
			goto found;
	}
	if (is32)
		iovad->max32_alloc_size = size;
full32:
	return -ENOMEM;

found:
	new->pfn_lo = f.pfn;
	new->pfn_hi = f.pfn + size - 1;
	__iova_insert(iovad, new);
	if (is32)
		iovad->cached32_node = &new->node;
	else
		iovad->cached_node = &new->node;
	return 0;
}

static int iova_alloc_and_insert(struct iova_domain *iovad, unsigned long size,
				 unsigned long limit_pfn, struct iova *new,
				 bool size_aligned)
{
	int ret;

	spin_lock(&iovad->iova_rbtree_lock);
	ret = __iova_alloc_and_insert(iovad, size, limit_pfn, new,
				      size_aligned);
	spin_unlock(&iovad->iova_rbtree_lock);
	return ret;
}

/**
 * alloc_iova_block() - @n adjacent size-aligned ranges of @size granules
 * @iovad: the allocator
 * @size: granules per range (power of two)
 * @limit_pfn: highest pfn any range may use
 * @nodes: @n zeroed ranges to fill in; @nodes[i] ends up below @nodes[i + 1]
 * @n: how many (power of two, >= 1)
 *
 * One search for a block of @n * @size aligned to its size, then one tree
 * entry per range, all under one hold of the tree lock: each range is
 * freed on its own later, exactly like one from alloc_iova().
 *
 * Context: any; takes iova_rbtree_lock.
 * Return: 0, or -ENOMEM when no such block is free (@nodes untouched).
 */
int alloc_iova_block(struct iova_domain *iovad, unsigned long size,
		     unsigned long limit_pfn, struct iova **nodes,
		     unsigned int n)
{
	struct iova *top = nodes[n - 1];
	unsigned long lo;
	unsigned int i;

	spin_lock(&iovad->iova_rbtree_lock);
	if (__iova_alloc_and_insert(iovad, size * n, limit_pfn, top, true)) {
		spin_unlock(&iovad->iova_rbtree_lock);
		return -ENOMEM;
	}
	/* Shrink the block's entry to its top range; the others go below. */
	lo = top->pfn_lo;
	top->pfn_lo = lo + (unsigned long)(n - 1) * size;
	for (i = 0; i + 1 < n; i++) {
		nodes[i]->pfn_lo = lo + (unsigned long)i * size;
		nodes[i]->pfn_hi = nodes[i]->pfn_lo + size - 1;
		/* Refreshes the gap of the entry above it (top's included). */
		__iova_insert(iovad, nodes[i]);
	}
	spin_unlock(&iovad->iova_rbtree_lock);
	return 0;
}

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
			unsigned long limit_pfn, bool size_aligned)
{
	struct iova *new;

	if (!size || size > (1UL << 62))
		return NULL;
	new = kzalloc(sizeof(*new), GFP_ATOMIC);
	if (!new)
		return NULL;
	if (iova_alloc_and_insert(iovad, size, limit_pfn, new, size_aligned)) {
		kfree(new);
		return NULL;
	}
	return new;
}

/**
 * find_iova() - the range containing @pfn
 * @iovad: the domain
 * @pfn: any pfn
 *
 * Context: any; takes iova_rbtree_lock.  The caller must keep the range
 * from being freed while it uses the result.
 * Return: the range, or NULL if @pfn is not allocated (a lookup).
 */
struct iova *find_iova(struct iova_domain *iovad, unsigned long pfn)
{
	struct iova *iova;

	spin_lock(&iovad->iova_rbtree_lock);
	iova = __iova_find(iovad, pfn);
	spin_unlock(&iovad->iova_rbtree_lock);
	return iova;
}

/**
 * __free_iova() - free a range returned by alloc_iova()/find_iova()
 * @iovad: the domain
 * @iova: the range (freed)
 *
 * Context: any; takes iova_rbtree_lock (the name follows the kernel, the
 * caller does not hold it).
 */
void __free_iova(struct iova_domain *iovad, struct iova *iova)
{
	if (WARN_ON(iova == &iovad->anchor))
		return;
	spin_lock(&iovad->iova_rbtree_lock);
	__iova_remove(iovad, iova);
	spin_unlock(&iovad->iova_rbtree_lock);
	kfree(iova);
}

/**
 * free_iova() - free the range containing @pfn, if any
 * @iovad: the domain
 * @pfn: a pfn of the range
 *
 * Context: any; takes iova_rbtree_lock.
 */
void free_iova(struct iova_domain *iovad, unsigned long pfn)
{
	struct iova *iova;

	spin_lock(&iovad->iova_rbtree_lock);
	iova = __iova_find(iovad, pfn);
	if (!iova || iova == &iovad->anchor) {
		spin_unlock(&iovad->iova_rbtree_lock);
		return;
	}
	__iova_remove(iovad, iova);
	spin_unlock(&iovad->iova_rbtree_lock);
	kfree(iova);
}

/* Lowest range whose pfn_hi >= @pfn (the first that may overlap). */
static struct iova *__iova_first_at_or_above(struct iova_domain *iovad,
					     unsigned long pfn)
{
	struct rb_node *node = iovad->rbroot.rb_node;
	struct iova *best = NULL;

	lockdep_assert_held(&iovad->iova_rbtree_lock);
	while (node) {
		struct iova *iova = to_iova(node);

		if (iova->pfn_hi >= pfn) {
			best = iova;
			node = node->rb_left;
		} else {
			node = node->rb_right;
		}
	}
	return best;
}

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
			  unsigned long pfn_hi)
{
	struct iova *new, *iova, *ret = NULL;

	if (WARN(pfn_lo > pfn_hi || pfn_hi >= IOVA_ANCHOR ||
			 pfn_hi > (ULONG_MAX >> iova_shift(iovad)),
		 "iova: bad reservation [%#lx, %#lx]", pfn_lo, pfn_hi))
		return NULL;
	new = kzalloc(sizeof(*new), GFP_ATOMIC);
	if (!new)
		return NULL;

	spin_lock(&iovad->iova_rbtree_lock);
	iova = __iova_first_at_or_above(iovad, pfn_lo);
	for (; iova && iova->pfn_lo <= pfn_hi;
	     iova = rb_entry_safe(rb_next(&iova->node), struct iova, node)) {
		/* Grow the range down over the hole below it (ordered: the
		 * previous range ends below pfn_lo). */
		if (pfn_lo < iova->pfn_lo) {
			iova->pfn_lo = pfn_lo;
			iova_update_gap(iovad, iova);
		}
		if (pfn_hi <= iova->pfn_hi) {
			ret = iova;
			goto unlock;
		}
		pfn_lo = iova->pfn_hi + 1;
	}
	new->pfn_lo = pfn_lo;
	new->pfn_hi = pfn_hi;
	__iova_insert(iovad, new);
	ret = new;
	new = NULL;
unlock:
	spin_unlock(&iovad->iova_rbtree_lock);
	kfree(new);
	return ret;
}
