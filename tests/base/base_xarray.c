// SPDX-License-Identifier: BSD-3-Clause
/* xarray semantics: store/load, reserve, insert, cmpxchg, find, alloc, ENOMEM. */
#include "harness.h"
#include "base/alloc.h"
#include "base/rcu.h"
#include "base/xarray.h"

/* Distinct 4-byte aligned "entries" that are never dereferenced. */
static int objs[64];
#define E(i) ((void *)&objs[i])

FIXTURE(xa)
{
	struct xarray xa;
};

FIXTURE_SETUP(xa)
{
	xa_init(&self->xa);
}

FIXTURE_TEARDOWN(xa)
{
	xa_destroy(&self->xa);
	EXPECT_TRUE(xa_empty(&self->xa));
}

TEST_F(xa, store_load_erase)
{
	struct xarray *xa = &self->xa;

	EXPECT_TRUE(xa_empty(xa));
	EXPECT_NULL(xa_load(xa, 0));
	EXPECT_NULL(xa_store(xa, 5, E(1), GFP_KERNEL));
	EXPECT_FALSE(xa_empty(xa));
	EXPECT_EQ(E(1), xa_load(xa, 5));
	EXPECT_NULL(xa_load(xa, 4));
	EXPECT_NULL(xa_load(xa, 69));
	EXPECT_EQ(E(1), xa_store(xa, 5, E(2), GFP_KERNEL));
	EXPECT_EQ(E(2), xa_load(xa, 5));
	EXPECT_NULL(xa_store(xa, ULONG_MAX, E(3), GFP_KERNEL));
	EXPECT_NULL(xa_store(xa, 1UL << 40, E(4), GFP_KERNEL));
	EXPECT_EQ(E(3), xa_load(xa, ULONG_MAX));
	EXPECT_EQ(E(4), xa_load(xa, 1UL << 40));
	EXPECT_EQ(E(2), xa_load(xa, 5));
	EXPECT_EQ(E(3), xa_erase(xa, ULONG_MAX));
	EXPECT_NULL(xa_erase(xa, ULONG_MAX));
	EXPECT_EQ(E(4), xa_store(xa, 1UL << 40, NULL, GFP_KERNEL));
	EXPECT_EQ(E(2), xa_erase(xa, 5));
	EXPECT_TRUE(xa_empty(xa));
}

TEST_F(xa, nodes_are_freed_when_emptied)
{
	struct xarray *xa = &self->xa;
	long live;
	unsigned long i;

	rcu_barrier();
	live = sio_alloc_live();
	for (i = 0; i < 5000; i += 7)
		ASSERT_NULL(xa_store(xa, i * 1000003UL, E(i % 64), GFP_KERNEL));
	EXPECT_GT(sio_alloc_live(), live);
	for (i = 0; i < 5000; i += 7)
		ASSERT_EQ(E(i % 64), xa_erase(xa, i * 1000003UL));
	EXPECT_TRUE(xa_empty(xa));
	rcu_barrier();
	EXPECT_EQ(live, sio_alloc_live());
}

TEST_F(xa, reserve_reads_null_and_blocks_insert)
{
	struct xarray *xa = &self->xa;

	ASSERT_EQ(0, xa_reserve(xa, 12, GFP_KERNEL));
	EXPECT_NULL(xa_load(xa, 12));
	EXPECT_FALSE(xa_empty(xa));
	EXPECT_EQ(-EBUSY, xa_insert(xa, 12, E(1), GFP_KERNEL));
	/* Reserving an occupied index does nothing. */
	ASSERT_EQ(0, xa_insert(xa, 13, E(2), GFP_KERNEL));
	ASSERT_EQ(0, xa_reserve(xa, 13, GFP_KERNEL));
	EXPECT_EQ(E(2), xa_load(xa, 13));
	/* Release only drops reservations. */
	xa_release(xa, 13);
	EXPECT_EQ(E(2), xa_load(xa, 13));
	xa_release(xa, 12);
	EXPECT_EQ(0, xa_insert(xa, 12, E(3), GFP_KERNEL));
	EXPECT_EQ(E(3), xa_load(xa, 12));
	/* A reserved slot is filled by a plain store, which returns NULL. */
	ASSERT_EQ(0, xa_reserve(xa, 100, GFP_KERNEL));
	EXPECT_NULL(xa_store(xa, 100, E(4), GFP_KERNEL));
	EXPECT_EQ(E(4), xa_load(xa, 100));
	/* Erasing a reservation returns NULL and empties it. */
	ASSERT_EQ(0, xa_reserve(xa, 200, GFP_KERNEL));
	EXPECT_NULL(xa_erase(xa, 200));
	EXPECT_EQ(0, xa_insert(xa, 200, E(5), GFP_KERNEL));
}

TEST_F(xa, insert_busy)
{
	struct xarray *xa = &self->xa;

	EXPECT_EQ(0, xa_insert(xa, 7, E(1), GFP_KERNEL));
	EXPECT_EQ(-EBUSY, xa_insert(xa, 7, E(2), GFP_KERNEL));
	EXPECT_EQ(E(1), xa_load(xa, 7));
	/* Inserting NULL reserves. */
	EXPECT_EQ(0, xa_insert(xa, 8, NULL, GFP_KERNEL));
	EXPECT_EQ(-EBUSY, xa_insert(xa, 8, E(2), GFP_KERNEL));
	EXPECT_NULL(xa_load(xa, 8));
}

TEST_F(xa, cmpxchg)
{
	struct xarray *xa = &self->xa;

	EXPECT_NULL(xa_cmpxchg(xa, 3, NULL, E(1), GFP_KERNEL));
	EXPECT_EQ(E(1), xa_load(xa, 3));
	/* Mismatch: returns the current entry, changes nothing. */
	EXPECT_EQ(E(1), xa_cmpxchg(xa, 3, E(2), E(3), GFP_KERNEL));
	EXPECT_EQ(E(1), xa_load(xa, 3));
	EXPECT_EQ(E(1), xa_cmpxchg(xa, 3, E(1), E(2), GFP_KERNEL));
	EXPECT_EQ(E(2), xa_load(xa, 3));
	EXPECT_EQ(E(2), xa_cmpxchg(xa, 3, E(2), NULL, GFP_KERNEL));
	EXPECT_NULL(xa_load(xa, 3));
	EXPECT_TRUE(xa_empty(xa));
	/* NULL matches a reserved slot. */
	ASSERT_EQ(0, xa_reserve(xa, 9, GFP_KERNEL));
	EXPECT_NULL(xa_cmpxchg(xa, 9, NULL, E(4), GFP_KERNEL));
	EXPECT_EQ(E(4), xa_load(xa, 9));
}

TEST_F(xa, tagged_pointers_round_trip)
{
	struct xarray *xa = &self->xa;
	void *t = xa_tag_pointer(E(1), 2);

	EXPECT_NULL(xa_store(xa, 1, t, GFP_KERNEL));
	EXPECT_EQ(t, xa_load(xa, 1));
	EXPECT_EQ(2U, xa_pointer_tag(xa_load(xa, 1)));
	EXPECT_EQ(E(1), xa_untag_pointer(xa_load(xa, 1)));
}

TEST_F(xa, find_skips_reserved_and_respects_max)
{
	struct xarray *xa = &self->xa;
	unsigned long idx, seen[8];
	void *entry;
	int n = 0;

	ASSERT_NULL(xa_store(xa, 2, E(1), GFP_KERNEL));
	ASSERT_EQ(0, xa_reserve(xa, 3, GFP_KERNEL));
	ASSERT_NULL(xa_store(xa, 64, E(2), GFP_KERNEL));
	ASSERT_NULL(xa_store(xa, 1UL << 30, E(3), GFP_KERNEL));
	ASSERT_NULL(xa_store(xa, ULONG_MAX, E(4), GFP_KERNEL));

	xa_for_each(xa, idx, entry) {
		ASSERT_LT(n, 8);
		seen[n++] = idx;
	}
	ASSERT_EQ(4, n);
	EXPECT_EQ(2UL, seen[0]);
	EXPECT_EQ(64UL, seen[1]);
	EXPECT_EQ(1UL << 30, seen[2]);
	EXPECT_EQ(ULONG_MAX, seen[3]);

	idx = 3;
	EXPECT_EQ(E(2), xa_find(xa, &idx, ULONG_MAX));
	EXPECT_EQ(64UL, idx);
	idx = 65;
	EXPECT_NULL(xa_find(xa, &idx, 1000));
	EXPECT_EQ(65UL, idx);
	idx = 64;
	EXPECT_EQ(E(3), xa_find_after(xa, &idx, ULONG_MAX));
	EXPECT_EQ(1UL << 30, idx);
	idx = ULONG_MAX;
	EXPECT_NULL(xa_find_after(xa, &idx, ULONG_MAX));
}

FIXTURE(xa_alloc)
{
	struct xarray xa;
};

FIXTURE_SETUP(xa_alloc)
{
	xa_init_flags(&self->xa, XA_FLAGS_ALLOC1);
}

FIXTURE_TEARDOWN(xa_alloc)
{
	xa_destroy(&self->xa);
}

TEST_F(xa_alloc, lowest_free_id_in_limit)
{
	struct xarray *xa = &self->xa;
	u32 id = 0;
	int i;

	for (i = 1; i <= 5; i++) {
		ASSERT_EQ(0, xa_alloc(xa, &id, E(i), xa_limit_32b, GFP_KERNEL));
		EXPECT_EQ((u32)i, id);	/* ALLOC1: starts at 1 */
	}
	EXPECT_EQ(E(3), xa_erase(xa, 3));
	ASSERT_EQ(0, xa_alloc(xa, &id, E(9), xa_limit_32b, GFP_KERNEL));
	EXPECT_EQ(3U, id);
	ASSERT_EQ(0, xa_alloc(xa, &id, E(10), XA_LIMIT(100, 200), GFP_KERNEL));
	EXPECT_EQ(100U, id);
	/* A NULL entry reserves the id. */
	ASSERT_EQ(0, xa_alloc(xa, &id, NULL, xa_limit_32b, GFP_KERNEL));
	EXPECT_EQ(6U, id);
	EXPECT_NULL(xa_load(xa, 6));
	ASSERT_EQ(0, xa_alloc(xa, &id, E(11), xa_limit_32b, GFP_KERNEL));
	EXPECT_EQ(7U, id);
}

TEST_F(xa_alloc, full_limit_is_ebusy)
{
	struct xarray *xa = &self->xa;
	u32 id = 77;

	ASSERT_EQ(0, xa_alloc(xa, &id, E(1), XA_LIMIT(10, 11), GFP_KERNEL));
	ASSERT_EQ(0, xa_alloc(xa, &id, E(2), XA_LIMIT(10, 11), GFP_KERNEL));
	EXPECT_EQ(11U, id);
	EXPECT_EQ(-EBUSY, xa_alloc(xa, &id, E(3), XA_LIMIT(10, 11), GFP_KERNEL));
	EXPECT_EQ(11U, id);
	/* The reserved index 0 of ALLOC1 is never handed out. */
	EXPECT_EQ(-EBUSY, xa_alloc(xa, &id, E(3), XA_LIMIT(0, 0), GFP_KERNEL));
}

TEST(xa_alloc_from_zero)
{
	struct xarray xa;
	u32 id = 9;

	xa_init_flags(&xa, XA_FLAGS_ALLOC);
	ASSERT_EQ(0, xa_alloc(&xa, &id, E(1), xa_limit_32b, GFP_KERNEL));
	EXPECT_EQ(0U, id);
	xa_destroy(&xa);
}

/*
 * fail-nth sweep over a store that must build a whole path (height 7 at
 * index 2^40) into an empty array: every failure leaves the array empty and
 * nothing allocated; eventually it succeeds.
 */
TEST(xa_store_fail_nth_sweep_leaves_no_trace)
{
	const unsigned long index = (1UL << 40) + 12345;
	struct xarray xa;
	unsigned int n;
	void *ret;
	long live;

	xa_init(&xa);
	rcu_barrier();
	live = sio_alloc_live();
	for (n = 1;; n++) {
		ASSERT_LT(n, 100U);
		sio_fail_nth_set(n);
		ret = xa_store(&xa, index, E(1), GFP_KERNEL);
		if (!sio_fail_nth_fired()) {
			sio_fail_nth_set(0);
			ASSERT_NULL(ret);
			break;
		}
		sio_fail_nth_set(0);
		ASSERT_TRUE(xa_is_err(ret));
		ASSERT_EQ(-ENOMEM, xa_err(ret));
		ASSERT_TRUE(xa_empty(&xa));
		ASSERT_NULL(xa_load(&xa, index));
		rcu_barrier();
		ASSERT_EQ(live, sio_alloc_live());
	}
	/* 7 levels of 6 bits cover 42 bits: 7 nodes, 7 failure points. */
	EXPECT_EQ(8U, n);
	EXPECT_EQ(E(1), xa_load(&xa, index));
	xa_destroy(&xa);
	rcu_barrier();
	EXPECT_EQ(live, sio_alloc_live());
}

/* The same on a populated array: a failed grow changes nothing. */
TEST(xa_insert_fail_nth_keeps_existing_entries)
{
	struct xarray xa;
	unsigned long idx;
	unsigned int n;
	void *entry;
	int err, count;
	long live;

	xa_init(&xa);
	ASSERT_NULL(xa_store(&xa, 1, E(1), GFP_KERNEL));
	ASSERT_NULL(xa_store(&xa, 70, E(2), GFP_KERNEL));
	rcu_barrier();
	live = sio_alloc_live();
	for (n = 1;; n++) {
		ASSERT_LT(n, 100U);
		sio_fail_nth_set(n);
		err = xa_insert(&xa, 1UL << 50, E(3), GFP_KERNEL);
		if (!sio_fail_nth_fired()) {
			sio_fail_nth_set(0);
			ASSERT_EQ(0, err);
			break;
		}
		sio_fail_nth_set(0);
		ASSERT_EQ(-ENOMEM, err);
		count = 0;
		xa_for_each(&xa, idx, entry)
			count++;
		ASSERT_EQ(2, count);
		ASSERT_EQ(E(1), xa_load(&xa, 1));
		ASSERT_EQ(E(2), xa_load(&xa, 70));
		rcu_barrier();
		ASSERT_EQ(live, sio_alloc_live());
	}
	EXPECT_GT(n, 2U);
	EXPECT_EQ(E(3), xa_load(&xa, 1UL << 50));
	xa_destroy(&xa);
}

TEST(xa_reserve_and_alloc_enomem)
{
	struct xarray xa;
	u32 id = 5;

	xa_init_flags(&xa, XA_FLAGS_ALLOC);
	sio_fail_nth_set(1);
	EXPECT_EQ(-ENOMEM, xa_reserve(&xa, 3, GFP_KERNEL));
	EXPECT_TRUE(xa_empty(&xa));
	sio_fail_nth_set(1);
	EXPECT_EQ(-ENOMEM, xa_alloc(&xa, &id, E(1), xa_limit_32b, GFP_KERNEL));
	EXPECT_EQ(5U, id);
	EXPECT_TRUE(xa_empty(&xa));
	sio_fail_nth_set(0);
	xa_destroy(&xa);
}

TEST_HARNESS_MAIN
