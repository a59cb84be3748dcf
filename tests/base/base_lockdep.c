// SPDX-License-Identifier: BSD-3-Clause
/* lockdep-lite: inversions, recursion, bad unlocks, assertions, trylock. */
#include "harness.h"
#include "base/bug.h"
#include "base/log.h"
#include "base/mutex.h"

struct two_locks {
	struct mutex a;
	struct mutex b;
};

static void init_two(struct two_locks *l)
{
	mutex_init(&l->a);
	mutex_init(&l->b);
}

TEST(abba_in_one_thread_is_reported)
{
	struct two_locks l;

	init_two(&l);
	test_expect_lockdep_reports(1);
	test_expect_warns(1);

	mutex_lock(&l.a);
	mutex_lock(&l.b);
	mutex_unlock(&l.b);
	mutex_unlock(&l.a);
	EXPECT_EQ(0UL, sio_lockdep_reports());

	/* The inverse order never deadlocks here, but it could: report. */
	mutex_lock(&l.b);
	mutex_lock(&l.a);
	mutex_unlock(&l.a);
	mutex_unlock(&l.b);

	EXPECT_EQ(1UL, sio_lockdep_reports());
	EXPECT_EQ(1UL, sio_log_search("possible circular locking dependency detected", 0));
	EXPECT_EQ(1UL, sio_log_search("existing dependency chain: &l->a -> &l->b", 0));
	EXPECT_EQ(1UL, sio_log_search("new dependency: &l->b -> &l->a", 0));
	EXPECT_EQ(0, sio_lockdep_depth());
}

TEST(consistent_order_is_silent)
{
	struct two_locks l;
	int i;

	init_two(&l);
	for (i = 0; i < 3; i++) {
		mutex_lock(&l.a);
		mutex_lock(&l.b);
		EXPECT_EQ(2, sio_lockdep_depth());
		EXPECT_TRUE(mutex_is_held(&l.a));
		EXPECT_TRUE(mutex_is_locked(&l.b));
		mutex_unlock(&l.b);
		mutex_unlock(&l.a);
	}
	/* Releasing out of order is fine too. */
	mutex_lock(&l.a);
	mutex_lock(&l.b);
	mutex_unlock(&l.a);
	mutex_unlock(&l.b);
	EXPECT_EQ(0UL, sio_lockdep_reports());
	EXPECT_FALSE(mutex_is_locked(&l.a));
}

TEST(three_lock_cycle_is_reported_with_chain)
{
	struct mutex x, y, z;

	mutex_init(&x);
	mutex_init(&y);
	mutex_init(&z);
	test_expect_lockdep_reports(1);
	test_expect_warns(1);

	mutex_lock(&x);
	mutex_lock(&y);
	mutex_unlock(&y);
	mutex_unlock(&x);
	mutex_lock(&y);
	mutex_lock(&z);
	mutex_unlock(&z);
	mutex_unlock(&y);
	EXPECT_EQ(0UL, sio_lockdep_reports());
	mutex_lock(&z);
	mutex_lock(&x);
	mutex_unlock(&x);
	mutex_unlock(&z);
	EXPECT_EQ(1UL, sio_lockdep_reports());
	EXPECT_EQ(1UL, sio_log_search("existing dependency chain: &x -> &y -> &z", 0));
}

static void lock_pair_of_class(struct mutex *m1, struct mutex *m2)
{
	mutex_lock(m1);
	mutex_lock(m2);
	mutex_unlock(m2);
	mutex_unlock(m1);
}

static void init_same_class(struct mutex *m)
{
	mutex_init(m);
}

TEST(recursive_locking_same_class_is_reported)
{
	struct mutex m1, m2;

	init_same_class(&m1);
	init_same_class(&m2);
	test_expect_lockdep_reports(1);
	test_expect_warns(1);
	lock_pair_of_class(&m1, &m2);
	EXPECT_EQ(1UL, sio_lockdep_reports());
	EXPECT_EQ(1UL, sio_log_search("possible recursive locking detected", 0));
}

TEST(nested_subclass_is_not_recursion)
{
	struct mutex m1, m2;

	init_same_class(&m1);
	init_same_class(&m2);
	mutex_lock(&m1);
	mutex_lock_nested(&m2, 1);
	mutex_unlock(&m2);
	mutex_unlock(&m1);
	EXPECT_EQ(0UL, sio_lockdep_reports());
}

TEST(trylock_of_same_class_is_not_recursion)
{
	struct mutex m1, m2;

	init_same_class(&m1);
	init_same_class(&m2);
	mutex_lock(&m1);
	ASSERT_EQ(1, mutex_trylock(&m2));
	EXPECT_TRUE(mutex_is_held(&m2));
	mutex_unlock(&m2);
	mutex_unlock(&m1);
	EXPECT_EQ(0UL, sio_lockdep_reports());
}

TEST(trylock_adds_no_dependency)
{
	struct two_locks l;

	init_two(&l);
	mutex_lock(&l.a);
	ASSERT_EQ(1, mutex_trylock(&l.b));
	mutex_unlock(&l.b);
	mutex_unlock(&l.a);
	/* b -> a is fine: the trylock recorded no a -> b. */
	mutex_lock(&l.b);
	mutex_lock(&l.a);
	mutex_unlock(&l.a);
	mutex_unlock(&l.b);
	EXPECT_EQ(0UL, sio_lockdep_reports());
}

TEST(unlock_of_unheld_lock_is_reported)
{
	struct mutex m;

	mutex_init(&m);
	test_expect_lockdep_reports(1);
	test_expect_warns(1);
	mutex_unlock(&m);
	EXPECT_EQ(1UL, sio_log_search("bad unlock balance detected", 0));
	EXPECT_FALSE(mutex_is_locked(&m));
	/* Still usable. */
	mutex_lock(&m);
	mutex_unlock(&m);
	EXPECT_EQ(1UL, sio_lockdep_reports());
}

static void needs_lock(struct mutex *m)
{
	lockdep_assert_held(m);
}

TEST(lockdep_assert_held_warns_when_not_held)
{
	struct mutex m;

	mutex_init(&m);
	mutex_lock(&m);
	needs_lock(&m);
	mutex_unlock(&m);
	EXPECT_EQ(0UL, sio_warn_count());

	test_expect_warns(1);
	needs_lock(&m);
	EXPECT_EQ(1UL, sio_warn_count_func("needs_lock"));
	EXPECT_EQ(0UL, sio_lockdep_reports());
}

TEST(spinlock_is_tracked_too)
{
	spinlock_t s;
	struct mutex m;

	spin_lock_init(&s);
	mutex_init(&m);
	test_expect_lockdep_reports(1);
	test_expect_warns(1);
	mutex_lock(&m);
	spin_lock(&s);
	lockdep_assert_held(&s);
	spin_unlock(&s);
	mutex_unlock(&m);
	spin_lock(&s);
	mutex_lock(&m);
	mutex_unlock(&m);
	spin_unlock(&s);
	EXPECT_EQ(1UL, sio_lockdep_reports());
}

TEST(assert_none_held)
{
	struct mutex m;

	mutex_init(&m);
	lockdep_assert_none_held();
	EXPECT_EQ(0UL, sio_warn_count());
	test_expect_warns(1);
	mutex_lock(&m);
	lockdep_assert_none_held();
	mutex_unlock(&m);
	EXPECT_EQ(1UL, sio_log_search("lock held when returning to user space", 0));
}

TEST(reset_forgets_the_graph)
{
	struct two_locks l;

	init_two(&l);
	mutex_lock(&l.a);
	mutex_lock(&l.b);
	mutex_unlock(&l.b);
	mutex_unlock(&l.a);
	sio_lockdep_reset();
	mutex_lock(&l.b);
	mutex_lock(&l.a);
	mutex_unlock(&l.a);
	mutex_unlock(&l.b);
	EXPECT_EQ(0UL, sio_lockdep_reports());
}

/*
 * With the checker off (benchmarks), locks still lock, nested and AB-BA
 * orders are not reported, and lockdep_assert_held() checks nothing.
 */
TEST(disabled_checker_still_locks_and_reports_nothing)
{
	struct mutex a, b;

	mutex_init(&a);
	mutex_init(&b);
	sio_lockdep_set_enabled(false);
	EXPECT_FALSE(sio_lockdep_enabled());
	mutex_lock(&a);
	mutex_lock(&b);
	lockdep_assert_held(&a);
	EXPECT_TRUE(mutex_is_held(&a));
	EXPECT_EQ(0, mutex_trylock(&b));
	mutex_unlock(&b);
	mutex_unlock(&a);
	mutex_lock(&b);
	mutex_lock(&a);		/* the inverse order: not checked */
	mutex_unlock(&a);
	mutex_unlock(&b);
	EXPECT_FALSE(mutex_is_locked(&a));
	sio_lockdep_set_enabled(true);
	EXPECT_EQ(0UL, sio_lockdep_reports());
	EXPECT_EQ(0, sio_lockdep_depth());
	mutex_destroy(&a);
	mutex_destroy(&b);
}

TEST_HARNESS_MAIN
