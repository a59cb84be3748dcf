// SPDX-License-Identifier: BSD-3-Clause
/*
 * Unit tests of the IOVA allocator: the rbtree, top-down allocation, the
 * 32-bit hint, reserve/find/free, the range caches, and rule 79.
 */
#include <unistd.h>

#include "harness.h"
#include "dma-test.h"
#include "base/alloc.h"
#include "base/err.h"

#define DMA32_4K (1UL << 20) /* first pfn at 4 GiB with 4 KiB granules */

/* ---- the rbtree on its own ---- */

struct dt_key {
	struct rb_node node;
	unsigned long key;
};

static void dt_key_insert(struct rb_root *root, struct dt_key *k)
{
	struct rb_node **link = &root->rb_node, *parent = NULL;

	while (*link) {
		parent = *link;
		if (k->key < rb_entry(parent, struct dt_key, node)->key)
			link = &parent->rb_left;
		else
			link = &parent->rb_right;
	}
	rb_link_node(&k->node, parent, link);
	rb_insert_color(&k->node, root);
}

TEST(rbtree_random_insert_erase_keeps_rb_properties)
{
	enum { N = 2000 };
	static struct dt_key keys[N];
	unsigned long seed = test_seed() | 1, prev;
	struct rb_root root = RB_ROOT;
	bool in[N] = { false };
	struct rb_node *node;
	int i, round, count;

	for (i = 0; i < N; i++)
		keys[i].key = dt_rand(&seed) % 100000;
	for (round = 0; round < 20000; round++) {
		i = dt_rand(&seed) % N;
		if (in[i])
			rb_erase(&keys[i].node, &root);
		else
			dt_key_insert(&root, &keys[i]);
		in[i] = !in[i];
		if (round % 500 == 0)
			ASSERT_TRUE(dt_rb_valid(&root));
	}
	ASSERT_TRUE(dt_rb_valid(&root));

	/* In order, complete, and prev/next agree. */
	count = 0;
	prev = 0;
	for (node = rb_first(&root); node; node = rb_next(node)) {
		ASSERT_LE(prev, rb_entry(node, struct dt_key, node)->key);
		prev = rb_entry(node, struct dt_key, node)->key;
		if (rb_next(node))
			ASSERT_EQ(node, rb_prev(rb_next(node)));
		count++;
	}
	for (i = 0; i < N; i++)
		count -= in[i];
	ASSERT_EQ(0, count);

	/* Post-order visits every node exactly once, children first. */
	count = 0;
	for (node = rb_first_postorder(&root); node;
	     node = rb_next_postorder(node))
		count++;
	for (i = 0; i < N; i++)
		count -= in[i];
	ASSERT_EQ(0, count);
}

/* ---- domain set-up ---- */

TEST(init_refuses_bad_granule_and_pfn0)
{
	struct iova_domain iovad;

	test_expect_warns(3);
	ASSERT_EQ(-EINVAL, init_iova_domain(&iovad, 3, 1));
	put_iova_domain(&iovad); /* a refused domain is inert */
	ASSERT_EQ(-EINVAL, init_iova_domain(&iovad, 2 * PAGE_SIZE, 1));
	ASSERT_EQ(-EINVAL, init_iova_domain(&iovad, PAGE_SIZE, 0));
	ASSERT_EQ(0, init_iova_domain(&iovad, 512, 1));
	ASSERT_EQ(1UL << 23, iovad.dma_32bit_pfn);
	ASSERT_EQ(iovad.dma_32bit_pfn, iovad.max32_alloc_size);
	put_iova_domain(&iovad);
}

FIXTURE(iova)
{
	struct iova_domain iovad;
};

FIXTURE_SETUP(iova)
{
	ASSERT_EQ(0, init_iova_domain(&self->iovad, PAGE_SIZE, 1));
	ASSERT_EQ(0, iova_domain_init_rcaches(&self->iovad));
	ASSERT_EQ(0, dt_pin_cpu(0));
}

FIXTURE_TEARDOWN(iova)
{
	EXPECT_TRUE(dt_iova_valid(&self->iovad, NULL));
	put_iova_domain(&self->iovad);
}

TEST_F(iova, alloc_is_top_down_and_aligned_on_request)
{
	struct iova_domain *iovad = &self->iovad;
	struct iova *a, *b, *c, *d;

	a = alloc_iova(iovad, 1, DMA32_4K - 1, false);
	b = alloc_iova(iovad, 1, DMA32_4K - 1, false);
	ASSERT_NOT_NULL(a);
	ASSERT_NOT_NULL(b);
	EXPECT_EQ(DMA32_4K - 1, a->pfn_lo);
	EXPECT_EQ(DMA32_4K - 2, b->pfn_lo);
	c = alloc_iova(iovad, 3, DMA32_4K - 1, false);
	ASSERT_NOT_NULL(c);
	EXPECT_EQ(DMA32_4K - 5, c->pfn_lo); /* right below, unaligned */
	EXPECT_EQ(DMA32_4K - 3, c->pfn_hi);
	d = alloc_iova(iovad, 3, DMA32_4K - 1, true);
	ASSERT_NOT_NULL(d);
	EXPECT_EQ(0UL, d->pfn_lo % 4); /* roundup_pow_of_two(3) */
	EXPECT_EQ(DMA32_4K - 8, d->pfn_lo);
	EXPECT_EQ(d, find_iova(iovad, DMA32_4K - 6));
	EXPECT_NULL(alloc_iova(iovad, 0, DMA32_4K - 1, false));
	ASSERT_TRUE(dt_iova_valid(iovad, NULL));
	__free_iova(iovad, a);
	__free_iova(iovad, b);
	__free_iova(iovad, c);
	__free_iova(iovad, d);
}

TEST_F(iova, limit_above_4g_allocates_above_4g)
{
	struct iova *lo, *hi;

	hi = alloc_iova(&self->iovad, 16, (1UL << 36) - 1, true);
	lo = alloc_iova(&self->iovad, 16, DMA32_4K - 1, true);
	ASSERT_NOT_NULL(hi);
	ASSERT_NOT_NULL(lo);
	EXPECT_EQ((1UL << 36) - 16, hi->pfn_lo);
	EXPECT_EQ(DMA32_4K - 16, lo->pfn_lo);
	/* Separate cached starting points for the two searches. */
	EXPECT_EQ(&hi->node, self->iovad.cached_node);
	EXPECT_EQ(&lo->node, self->iovad.cached32_node);
	__free_iova(&self->iovad, hi);
	__free_iova(&self->iovad, lo);
}

TEST_F(iova, max32_hint_set_on_failure_reset_by_free_below_4g)
{
	struct iova_domain *iovad = &self->iovad;
	struct iova *r, *small, *big, *high;

	/* Leave exactly 10 free pfns below 4 GiB. */
	r = reserve_iova(iovad, 1, DMA32_4K - 11);
	ASSERT_NOT_NULL(r);
	EXPECT_NULL(alloc_iova(iovad, 16, DMA32_4K - 1, false));
	EXPECT_EQ(16UL, iovad->max32_alloc_size);
	/* Smaller requests still search; bigger ones fail at once. */
	small = alloc_iova(iovad, 8, DMA32_4K - 1, false);
	ASSERT_NOT_NULL(small);
	EXPECT_EQ(DMA32_4K - 8, small->pfn_lo);
	EXPECT_NULL(alloc_iova(iovad, 20, DMA32_4K - 1, false));
	EXPECT_EQ(16UL, iovad->max32_alloc_size);
	/* A full-range request is not affected by the 32-bit hint. */
	big = alloc_iova(iovad, 16, ~0UL, false);
	ASSERT_NOT_NULL(big);
	EXPECT_GE(big->pfn_lo, DMA32_4K);
	/* Freeing above 4 GiB keeps the hint... */
	__free_iova(iovad, big);
	EXPECT_EQ(16UL, iovad->max32_alloc_size);
	/* ...freeing below 4 GiB resets it. */
	__free_iova(iovad, small);
	EXPECT_EQ(DMA32_4K, iovad->max32_alloc_size);
	high = alloc_iova(iovad, 10, DMA32_4K - 1, false);
	ASSERT_NOT_NULL(high);
	EXPECT_EQ(DMA32_4K - 10, high->pfn_lo);
	__free_iova(iovad, high);
	__free_iova(iovad, r);
}

TEST_F(iova, retry_once_in_the_gap_above_the_cached_node)
{
	struct iova_domain *iovad = &self->iovad;
	struct iova *x, *y, *z, *w;

	x = alloc_iova(iovad, 10, 100, false);
	y = alloc_iova(iovad, 40, 50, false); /* cached32 = y */
	ASSERT_NOT_NULL(x);
	ASSERT_NOT_NULL(y);
	EXPECT_EQ(91UL, x->pfn_lo);
	EXPECT_EQ(11UL, y->pfn_lo);
	/* Below y only [1, 10]: found in the gap above it, [51, 90]. */
	z = alloc_iova(iovad, 30, 100, false);
	ASSERT_NOT_NULL(z);
	EXPECT_EQ(61UL, z->pfn_lo);
	EXPECT_NULL(alloc_iova(iovad, 11, 100, false));
	w = alloc_iova(iovad, 10, 100, false);
	ASSERT_NOT_NULL(w);
	EXPECT_EQ(51UL, w->pfn_lo);
	__free_iova(iovad, x);
	__free_iova(iovad, y);
	__free_iova(iovad, z);
	__free_iova(iovad, w);
}

TEST_F(iova, reserve_find_free)
{
	struct iova_domain *iovad = &self->iovad;
	struct iova *r1, *r2, *r3, *r4, *a;
	unsigned long nr;

	r1 = reserve_iova(iovad, 100, 199);
	ASSERT_NOT_NULL(r1);
	EXPECT_EQ(r1, find_iova(iovad, 100));
	EXPECT_EQ(r1, find_iova(iovad, 199));
	EXPECT_NULL(find_iova(iovad, 99));
	EXPECT_NULL(find_iova(iovad, 200));
	/* Overlapping above: the rest becomes a new range. */
	r2 = reserve_iova(iovad, 150, 250);
	ASSERT_NOT_NULL(r2);
	EXPECT_EQ(200UL, r2->pfn_lo);
	EXPECT_EQ(250UL, r2->pfn_hi);
	/* Overlapping below: the existing range grows down. */
	r3 = reserve_iova(iovad, 50, 120);
	EXPECT_EQ(r1, r3);
	EXPECT_EQ(50UL, r1->pfn_lo);
	/* Inside: nothing new. */
	r4 = reserve_iova(iovad, 210, 220);
	EXPECT_EQ(r2, r4);
	ASSERT_TRUE(dt_iova_valid(iovad, &nr));
	EXPECT_EQ(2UL, nr);

	/* Allocation steps around reservations. */
	a = alloc_iova(iovad, 40, 260, false); /* [251, 260] too small */
	ASSERT_NOT_NULL(a);
	EXPECT_EQ(10UL, a->pfn_lo);
	__free_iova(iovad, a);

	free_iova(iovad, 60);
	EXPECT_NULL(find_iova(iovad, 60));
	free_iova(iovad, 60); /* nothing there: no-op */
	free_iova(iovad, 225);
	ASSERT_TRUE(dt_iova_valid(iovad, &nr));
	EXPECT_EQ(0UL, nr);

	test_expect_warns(2);
	EXPECT_NULL(reserve_iova(iovad, 10, 5));
	EXPECT_NULL(reserve_iova(iovad, 1, ~0UL));
}

/*
 * Random alloc/free/reserve on a small domain, checked against a bitmap:
 * results in range, aligned, disjoint; a failure only when no aligned fit
 * exists anywhere; tree invariants throughout.
 */
TEST_F(iova, random_ops_keep_invariants)
{
	enum { LIMIT = 2047, MAXLIVE = 96 };
	struct iova_domain *iovad = &self->iovad;
	static unsigned char used[LIMIT + 1];
	struct iova *live[MAXLIVE] = { NULL };
	unsigned long seed = test_seed() | 1, nr;
	int op, i, nlive = 0, fails = 0, hints = 0;

	for (op = 0; op < 20000; op++) {
		unsigned long r = dt_rand(&seed);

		if (nlive < MAXLIVE && (r & 3) != 0) {
			unsigned long size = 1 + (r >> 8) % 40;
			unsigned long limit = 64 + (r >> 20) % (LIMIT - 63);
			bool aligned = (r >> 40) & 1;
			unsigned long align =
				aligned ? roundup_pow_of_two(size) : 1;
			/* Limit-agnostic, as in the kernel: may refuse early. */
			bool hinted = size >= iovad->max32_alloc_size;
			struct iova *iova;
			unsigned long p;

			iova = alloc_iova(iovad, size, limit, aligned);
			if (hinted) {
				ASSERT_NULL(iova);
				hints++;
			} else if (iova) {
				ASSERT_GE(iova->pfn_lo, 1UL);
				ASSERT_LE(iova->pfn_hi, limit);
				ASSERT_EQ(size, iova_size(iova));
				ASSERT_EQ(0UL, iova->pfn_lo % align);
				for (p = iova->pfn_lo; p <= iova->pfn_hi; p++) {
					ASSERT_EQ(0, used[p]);
					used[p] = 1;
				}
				live[nlive++] = iova;
			} else {
				unsigned long s;

				/* No aligned run of size free pfns exists. */
				for (s = ALIGN(1UL, align);
				     s + size - 1 <= limit; s += align) {
					for (p = s; p < s + size && !used[p];
					     p++)
						;
					ASSERT_NE(s + size, p);
				}
				fails++;
			}
		} else if (nlive) {
			unsigned long p;

			i = (r >> 8) % nlive;
			for (p = live[i]->pfn_lo; p <= live[i]->pfn_hi; p++)
				used[p] = 0;
			if ((r >> 30) & 1)
				__free_iova(iovad, live[i]);
			else
				free_iova(iovad, live[i]->pfn_lo);
			live[i] = live[--nlive];
		}
		if (op % 250 == 0) {
			ASSERT_TRUE(dt_iova_valid(iovad, &nr));
			ASSERT_EQ((unsigned long)nlive, nr);
		}
	}
	printf("# %d allocation failures checked against the bitmap, %d refused by the max32 hint\n",
	       fails, hints);
	EXPECT_GT(fails, 0);
	while (nlive)
		__free_iova(iovad, live[--nlive]);
}

/* ---- range caches and rule 79 ---- */

TEST_F(iova, rule_79_fast_alloc_is_size_aligned_and_rounded)
{
	struct iova_domain *iovad = &self->iovad;
	unsigned long pfns[64], size;

	for (size = 1; size <= 64; size++) {
		unsigned long want =
			size < 32 ? roundup_pow_of_two(size) : size;
		struct iova *iova;

		pfns[size - 1] =
			alloc_iova_fast(iovad, size, DMA32_4K - 1, false);
		ASSERT_NE(0UL, pfns[size - 1]);
		iova = find_iova(iovad, pfns[size - 1]);
		ASSERT_NOT_NULL(iova);
		EXPECT_EQ(pfns[size - 1], iova->pfn_lo);
		EXPECT_EQ(want, iova_size(iova));
		EXPECT_EQ(0UL, pfns[size - 1] % roundup_pow_of_two(want));
	}
	/* Freed through the caches and allocated again: still aligned. */
	for (size = 1; size <= 64; size++)
		free_iova_fast(iovad, pfns[size - 1], size);
	for (size = 1; size <= 64; size++) {
		pfns[size - 1] =
			alloc_iova_fast(iovad, size, DMA32_4K - 1, false);
		ASSERT_NE(0UL, pfns[size - 1]);
		EXPECT_EQ(0UL, pfns[size - 1] % roundup_pow_of_two(size));
	}
	for (size = 1; size <= 64; size++)
		free_iova_fast(iovad, pfns[size - 1], size);
}

TEST_F(iova, rule_79_retries_once_after_flushing_caches)
{
	struct iova_domain *iovad = &self->iovad;
	unsigned long pfns[64], pfn;
	int i;

	/* pfns 1..64 only, all allocated, then all cached. */
	for (i = 0; i < 64; i++) {
		pfns[i] = alloc_iova_fast(iovad, 1, 64, false);
		ASSERT_NE(0UL, pfns[i]);
	}
	EXPECT_EQ(0UL, alloc_iova_fast(iovad, 1, 64, true));
	for (i = 0; i < 64; i++)
		free_iova_fast(iovad, pfns[i], 1);
	EXPECT_EQ(64UL, iova_rcache_cached_pfns(iovad));

	/* The 2-pfn class is empty and the tree is full of cached 1s. */
	EXPECT_EQ(0UL, alloc_iova_fast(iovad, 2, 64, false));
	EXPECT_EQ(64UL, iova_rcache_cached_pfns(iovad));
	pfn = alloc_iova_fast(iovad, 2, 64, true);
	ASSERT_NE(0UL, pfn);
	EXPECT_EQ(0UL, pfn % 2);
	EXPECT_EQ(0UL, iova_rcache_cached_pfns(iovad));
	free_iova_fast(iovad, pfn, 2);
}

TEST_F(iova, rcache_reuses_last_freed_and_respects_limit)
{
	struct iova_domain *iovad = &self->iovad;
	unsigned long hi, lo, again;

	hi = alloc_iova_fast(iovad, 4, DMA32_4K - 1, false);
	ASSERT_NE(0UL, hi);
	free_iova_fast(iovad, hi, 4);
	EXPECT_EQ(4UL, iova_rcache_cached_pfns(iovad));
	EXPECT_NE(NULL,
		  find_iova(iovad, hi)); /* cached ranges stay in the tree */
	/* Below the cached pfn's limit: not served from the cache. */
	lo = alloc_iova_fast(iovad, 4, 1023, false);
	ASSERT_NE(0UL, lo);
	EXPECT_LE(lo + 3, 1023UL);
	EXPECT_EQ(4UL, iova_rcache_cached_pfns(iovad));
	again = alloc_iova_fast(iovad, 3, DMA32_4K - 1, false);
	EXPECT_EQ(hi, again);
	EXPECT_EQ(0UL, iova_rcache_cached_pfns(iovad));
	free_iova_fast(iovad, lo, 4);
	free_iova_fast(iovad, again, 3);
	/* Above the cached classes: straight back to the tree. */
	hi = alloc_iova_fast(iovad, 33, DMA32_4K - 1, false);
	ASSERT_NE(0UL, hi);
	EXPECT_EQ(0UL, hi % 64);
	free_iova_fast(iovad, hi, 33);
	EXPECT_NULL(find_iova(iovad, hi));
}

TEST_F(iova, rcache_magazine_swap_depot_and_trimming)
{
	enum { N = IOVA_MAG_SIZE * 10 };
	struct iova_domain *iovad = &self->iovad;
	static unsigned long pfns[N];
	unsigned int slots = iovad->nr_cpu_slots, depot;
	unsigned long nr_before, nr_after, pfn;
	int i, waited;

	for (i = 0; i < N; i++) {
		pfns[i] = alloc_iova_fast(iovad, 1, ~0UL, false);
		ASSERT_NE(0UL, pfns[i]);
	}
	/* loaded fills, then swaps with prev, then prev fills too. */
	for (i = 0; i < 2 * IOVA_MAG_SIZE; i++)
		free_iova_fast(iovad, pfns[i], 1);
	EXPECT_EQ(0U, iova_rcache_depot_size(iovad, 0));
	EXPECT_EQ(2UL * IOVA_MAG_SIZE, iova_rcache_cached_pfns(iovad));
	/* Both full: the loaded magazine goes to the depot. */
	free_iova_fast(iovad, pfns[i++], 1);
	EXPECT_EQ(1U, iova_rcache_depot_size(iovad, 0));
	EXPECT_EQ(2UL * IOVA_MAG_SIZE + 1, iova_rcache_cached_pfns(iovad));

	/* Get: loaded first (last freed comes back), then the depot. */
	pfn = alloc_iova_fast(iovad, 1, ~0UL, false);
	EXPECT_EQ(pfns[i - 1], pfn);
	free_iova_fast(iovad, pfn, 1);
	free_cpu_cached_iovas(0, iovad);
	EXPECT_EQ((unsigned long)IOVA_MAG_SIZE, iova_rcache_cached_pfns(iovad));
	pfn = alloc_iova_fast(iovad, 1, ~0UL, false);
	EXPECT_NE(0UL, pfn);
	EXPECT_EQ(0U, iova_rcache_depot_size(iovad, 0));
	free_iova_fast(iovad, pfn, 1);

	/* Fill the depot beyond one magazine per slot: trimming shrinks it. */
	for (; i < N; i++)
		free_iova_fast(iovad, pfns[i], 1);
	depot = iova_rcache_depot_size(iovad, 0);
	printf("# depot %u magazines, %u CPU slots\n", depot, slots);
	ASSERT_GT(depot, slots);
	ASSERT_TRUE(dt_iova_valid(iovad, &nr_before));
	for (waited = 0; waited < 1000; waited++) {
		if (iova_rcache_depot_size(iovad, 0) <= slots)
			break;
		usleep(10 * 1000);
	}
	EXPECT_EQ(slots, iova_rcache_depot_size(iovad, 0));
	ASSERT_TRUE(dt_iova_valid(iovad, &nr_after));
	EXPECT_EQ(nr_before - (unsigned long)(depot - slots) * IOVA_MAG_SIZE,
		  nr_after);

	free_global_cached_iovas(iovad);
	EXPECT_EQ(0U, iova_rcache_depot_size(iovad, 0));
	free_cpu_cached_iovas(0, iovad);
	EXPECT_EQ(0UL, iova_rcache_cached_pfns(iovad));
	ASSERT_TRUE(dt_iova_valid(iovad, &nr_after));
	EXPECT_EQ(0UL, nr_after);
}

TEST_F(iova, init_rcaches_twice_is_ebusy)
{
	EXPECT_EQ(-EBUSY, iova_domain_init_rcaches(&self->iovad));
}

TEST_F(iova, put_frees_live_and_cached_ranges)
{
	int i;

	/* Teardown (checked by the harness for leaks) with everything busy. */
	for (i = 0; i < 300; i++) {
		unsigned long pfn =
			alloc_iova_fast(&self->iovad, 1 + i % 40, ~0UL, false);

		ASSERT_NE(0UL, pfn);
		if (i % 2)
			free_iova_fast(&self->iovad, pfn, 1 + i % 40);
	}
	ASSERT_NOT_NULL(reserve_iova(&self->iovad, 0x1000, 0x1fff));
}

/* ---- allocation failures ---- */

TEST(fail_nth_init_rcaches)
{
	struct iova_domain iovad;
	unsigned int n;
	long live;
	int ret;

	for (n = 1;; n++) {
		ASSERT_EQ(0, init_iova_domain(&iovad, PAGE_SIZE, 1));
		live = sio_alloc_live();
		sio_fail_nth_set(n);
		ret = iova_domain_init_rcaches(&iovad);
		if (!sio_fail_nth_fired()) {
			sio_fail_nth_set(0);
			ASSERT_EQ(0, ret);
			put_iova_domain(&iovad);
			break;
		}
		sio_fail_nth_set(0);
		ASSERT_EQ(-ENOMEM, ret);
		ASSERT_NULL(iovad.rcaches);
		ASSERT_EQ(live, sio_alloc_live());
		/* The domain still works without caches. */
		ASSERT_NE(0UL, alloc_iova_fast(&iovad, 3, ~0UL, true));
		put_iova_domain(&iovad);
	}
	printf("# %u allocation sites swept\n", n - 1);
	EXPECT_GT(n, 4U);
}

TEST_F(iova, fail_nth_magazine_alloc_falls_back_to_tree)
{
	struct iova_domain *iovad = &self->iovad;
	unsigned long pfns[2 * IOVA_MAG_SIZE + 1];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(pfns); i++) {
		pfns[i] = alloc_iova_fast(iovad, 8, ~0UL, false);
		ASSERT_NE(0UL, pfns[i]);
	}
	for (i = 0; i < 2 * IOVA_MAG_SIZE; i++)
		free_iova_fast(iovad, pfns[i], 8);
	/* loaded and prev full: the next free needs a new magazine. */
	sio_fail_nth_set(1);
	free_iova_fast(iovad, pfns[i], 8);
	ASSERT_TRUE(sio_fail_nth_fired());
	sio_fail_nth_set(0);
	EXPECT_NULL(find_iova(iovad, pfns[i]));
	EXPECT_EQ(0U, iova_rcache_depot_size(iovad, 3));
	EXPECT_EQ(2UL * IOVA_MAG_SIZE * 8, iova_rcache_cached_pfns(iovad));
	/* A failing tree allocation is a plain failure. */
	sio_fail_nth_set(1);
	EXPECT_EQ(0UL, alloc_iova_fast(iovad, 64, ~0UL, false));
	sio_fail_nth_set(0);
}

TEST_HARNESS_MAIN
