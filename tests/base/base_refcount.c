// SPDX-License-Identifier: BSD-3-Clause
/* refcount_t: saturation on misuse, with the kernel's WARN texts. */
#include "harness.h"
#include "base/bug.h"
#include "base/log.h"
#include "base/mutex.h"
#include "base/refcount.h"

TEST(refcount_normal_use)
{
	refcount_t r = REFCOUNT_INIT(1);

	refcount_inc(&r);
	refcount_add(3, &r);
	EXPECT_EQ(5U, refcount_read(&r));
	EXPECT_TRUE(refcount_inc_not_zero(&r));
	refcount_dec(&r);
	EXPECT_FALSE(refcount_dec_and_test(&r));
	EXPECT_EQ(4U, refcount_read(&r));
	refcount_set(&r, 1);
	EXPECT_TRUE(refcount_dec_and_test(&r));
	EXPECT_FALSE(refcount_inc_not_zero(&r));
	EXPECT_EQ(0U, refcount_read(&r));
}

TEST(refcount_increment_from_zero_warns_and_saturates)
{
	refcount_t r = REFCOUNT_INIT(0);

	test_expect_warns(1);
	refcount_inc(&r);
	EXPECT_EQ((unsigned int)REFCOUNT_SATURATED, refcount_read(&r));
	EXPECT_EQ(1UL, sio_log_search("refcount_t: addition on 0; use-after-free.", 0));
	/*
	 * Saturated stays saturated: a put never reaches zero (so nothing is
	 * freed twice); it WARNs again, as the kernel does.
	 */
	test_expect_warns(2);
	EXPECT_FALSE(refcount_dec_and_test(&r));
	EXPECT_EQ((unsigned int)REFCOUNT_SATURATED, refcount_read(&r));
	EXPECT_FALSE(refcount_inc_not_zero(&r) == false);
	EXPECT_EQ((unsigned int)REFCOUNT_SATURATED, refcount_read(&r));
	test_expect_warns(3);
}

TEST(refcount_underflow_warns_and_saturates)
{
	refcount_t r = REFCOUNT_INIT(1);

	test_expect_warns(1);
	EXPECT_TRUE(refcount_dec_and_test(&r));
	EXPECT_FALSE(refcount_dec_and_test(&r));
	EXPECT_EQ((unsigned int)REFCOUNT_SATURATED, refcount_read(&r));
	EXPECT_EQ(1UL, sio_log_search("refcount_t: underflow; use-after-free.", 0));
}

TEST(refcount_overflow_saturates)
{
	refcount_t r = REFCOUNT_INIT(REFCOUNT_MAX);

	test_expect_warns(1);
	refcount_inc(&r);
	EXPECT_EQ((unsigned int)REFCOUNT_SATURATED, refcount_read(&r));
	EXPECT_EQ(1UL, sio_log_search("refcount_t: saturated; leaking memory.", 0));
	/* Further increments keep it pinned (and keep counting WARNs). */
	test_expect_warns(2);
	refcount_inc(&r);
	EXPECT_EQ((unsigned int)REFCOUNT_SATURATED, refcount_read(&r));
	/* WARN_ONCE: logged once. */
	EXPECT_EQ(1UL, sio_log_search("refcount_t: saturated; leaking memory.", 0));
}

TEST(refcount_dec_to_zero_warns)
{
	refcount_t r = REFCOUNT_INIT(1);

	test_expect_warns(1);
	refcount_dec(&r);
	EXPECT_EQ((unsigned int)REFCOUNT_SATURATED, refcount_read(&r));
	EXPECT_EQ(1UL, sio_log_search("refcount_t: decrement hit 0; leaking memory.", 0));
}

TEST(refcount_dec_and_mutex_lock_takes_lock_on_zero)
{
	refcount_t r = REFCOUNT_INIT(2);
	struct mutex m;

	mutex_init(&m);
	EXPECT_FALSE(refcount_dec_and_mutex_lock(&r, &m));
	EXPECT_FALSE(mutex_is_locked(&m));
	EXPECT_EQ(1U, refcount_read(&r));
	ASSERT_TRUE(refcount_dec_and_mutex_lock(&r, &m));
	EXPECT_TRUE(mutex_is_held(&m));
	EXPECT_EQ(0U, refcount_read(&r));
	mutex_unlock(&m);
}

TEST_HARNESS_MAIN
