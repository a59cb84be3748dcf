/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Helpers for the IOVA / flush-queue tests: red-black and allocator
 * invariant checks, CPU pinning, a seeded PRNG.
 */
#ifndef SIO_TESTS_DMA_TEST_H
#define SIO_TESTS_DMA_TEST_H

#include <sched.h>
#include <stdio.h>

#include "dma/dma-priv.h"
#include "dma/iova.h"
#include "dma/rbtree.h"

/* xorshift64*: deterministic given the seed */
static inline unsigned long dt_rand(unsigned long *s)
{
	unsigned long x = *s;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*s = x;
	return x * 0x2545F4914F6CDD1DUL;
}

/* Pin the calling thread to @cpu so its per-CPU slot is stable. */
static inline int dt_pin_cpu(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return sched_setaffinity(0, sizeof(set), &set);
}

/*
 * Red-black properties of the subtree at @n: parent links, no red node with
 * a red child.  Return: its black height, or -1 after printing the fault.
 */
static inline int dt_rb_check(const struct rb_node *n,
			      const struct rb_node *parent)
{
	int lh, rh;

	if (!n)
		return 1;
	if (n->rb_parent != parent) {
		printf("# rb: bad parent link\n");
		return -1;
	}
	if (n->rb_red && (rb_is_red(n->rb_left) || rb_is_red(n->rb_right))) {
		printf("# rb: red node with a red child\n");
		return -1;
	}
	lh = dt_rb_check(n->rb_left, n);
	rh = dt_rb_check(n->rb_right, n);
	if (lh < 0 || rh < 0)
		return -1;
	if (lh != rh) {
		printf("# rb: black heights differ (%d vs %d)\n", lh, rh);
		return -1;
	}
	return lh + !n->rb_red;
}

static inline bool dt_rb_valid(const struct rb_root *root)
{
	if (root->rb_node && root->rb_node->rb_red) {
		printf("# rb: red root\n");
		return false;
	}
	return dt_rb_check(root->rb_node, NULL) > 0;
}

/* Recompute the augmented max gap of a subtree into @m; false on mismatch. */
static inline bool dt_iova_max_gap(const struct rb_node *n, unsigned long *m)
{
	const struct iova *iova;
	unsigned long l = 0, r = 0;

	*m = 0;
	if (!n)
		return true;
	iova = rb_entry(n, struct iova, node);
	if (!dt_iova_max_gap(n->rb_left, &l) ||
	    !dt_iova_max_gap(n->rb_right, &r))
		return false;
	*m = iova->gap;
	if (l > *m)
		*m = l;
	if (r > *m)
		*m = r;
	if (*m != iova->max_gap) {
		printf("# iova: stale max_gap at [%#lx, %#lx]\n", iova->pfn_lo,
		       iova->pfn_hi);
		return false;
	}
	return true;
}

/*
 * Every allocator invariant: red-black shape, ordered disjoint ranges, exact
 * gap and max_gap values, anchor last, cached nodes in the tree.  Counts the
 * ranges (anchor excluded) into @nr if not NULL.  Caller quiesced @iovad.
 */
static inline bool dt_iova_valid(struct iova_domain *iovad, unsigned long *nr)
{
	struct rb_node *node, *last = NULL;
	bool cached = false, cached32 = false;
	unsigned long count = 0, base;

	if (!dt_rb_valid(&iovad->rbroot))
		return false;
	for (node = rb_first(&iovad->rbroot); node; node = rb_next(node)) {
		struct iova *iova = rb_entry(node, struct iova, node);

		base = iovad->start_pfn;
		if (last) {
			struct iova *p = rb_entry(last, struct iova, node);

			if (p->pfn_hi >= iova->pfn_lo) {
				printf("# iova: [%#lx, %#lx] overlaps [%#lx, %#lx]\n",
				       p->pfn_lo, p->pfn_hi, iova->pfn_lo,
				       iova->pfn_hi);
				return false;
			}
			if (p->pfn_hi + 1 > base)
				base = p->pfn_hi + 1;
		}
		if (iova->pfn_lo > iova->pfn_hi) {
			printf("# iova: inverted range\n");
			return false;
		}
		if (iova->gap !=
		    (iova->pfn_lo > base ? iova->pfn_lo - base : 0)) {
			printf("# iova: wrong gap %#lx at %#lx\n", iova->gap,
			       iova->pfn_lo);
			return false;
		}
		cached |= node == iovad->cached_node;
		cached32 |= node == iovad->cached32_node;
		if (iova != &iovad->anchor)
			count++;
		last = node;
	}
	if (!last || rb_entry(last, struct iova, node) != &iovad->anchor) {
		printf("# iova: anchor is not the last range\n");
		return false;
	}
	if (!cached || !cached32) {
		printf("# iova: a cached node is not in the tree\n");
		return false;
	}
	if (!dt_iova_max_gap(iovad->rbroot.rb_node, &base))
		return false;
	if (nr)
		*nr = count;
	return true;
}

#endif /* SIO_TESTS_DMA_TEST_H */
