// SPDX-License-Identifier: BSD-3-Clause
/* IDA: lowest free id in a range, growth, exhaustion, bad frees. */
#include "harness.h"
#include "base/alloc.h"
#include "base/err.h"
#include "base/ida.h"
#include "base/log.h"

TEST(ida_lowest_free)
{
	struct ida ida;
	int i;

	ida_init(&ida);
	for (i = 0; i < 10; i++)
		EXPECT_EQ(i, ida_alloc(&ida, GFP_KERNEL));
	ida_free(&ida, 4);
	ida_free(&ida, 2);
	EXPECT_EQ(2, ida_alloc(&ida, GFP_KERNEL));
	EXPECT_EQ(4, ida_alloc(&ida, GFP_KERNEL));
	EXPECT_EQ(10, ida_alloc(&ida, GFP_KERNEL));
	ida_destroy(&ida);
}

TEST(ida_range_and_growth)
{
	struct ida ida;

	ida_init(&ida);
	EXPECT_EQ(100000, ida_alloc_range(&ida, 100000, 200000, GFP_KERNEL));
	EXPECT_EQ(100001, ida_alloc_range(&ida, 100000, 200000, GFP_KERNEL));
	EXPECT_EQ(5, ida_alloc_range(&ida, 5, 5, GFP_KERNEL));
	EXPECT_EQ(-ENOSPC, ida_alloc_range(&ida, 5, 5, GFP_KERNEL));
	EXPECT_EQ(-EINVAL, ida_alloc_range(&ida, 7, 6, GFP_KERNEL));
	EXPECT_EQ(0, ida_alloc(&ida, GFP_KERNEL));
	ida_free(&ida, 100000);
	EXPECT_EQ(64, ida_alloc_range(&ida, 64, 1U << 20, GFP_KERNEL));
	EXPECT_EQ(100000, ida_alloc_range(&ida, 99999 + 1, 1U << 20, GFP_KERNEL));
	ida_destroy(&ida);
}

TEST(ida_range_exhaustion)
{
	struct ida ida;
	int i;

	ida_init(&ida);
	for (i = 1; i <= 300; i++)
		ASSERT_EQ(i, ida_alloc_range(&ida, 1, 300, GFP_KERNEL));
	EXPECT_EQ(-ENOSPC, ida_alloc_range(&ida, 1, 300, GFP_KERNEL));
	ida_free(&ida, 150);
	EXPECT_EQ(150, ida_alloc_range(&ida, 1, 300, GFP_KERNEL));
	ida_destroy(&ida);
}

TEST(ida_enomem_changes_nothing)
{
	struct ida ida;

	ida_init(&ida);
	sio_fail_nth_set(1);
	EXPECT_EQ(-ENOMEM, ida_alloc(&ida, GFP_KERNEL));
	sio_fail_nth_set(0);
	EXPECT_EQ(0, ida_alloc(&ida, GFP_KERNEL));
	ida_destroy(&ida);
}

TEST(ida_free_unallocated_warns)
{
	struct ida ida;

	ida_init(&ida);
	test_expect_warns(2);
	ida_free(&ida, 3);
	EXPECT_EQ(0, ida_alloc(&ida, GFP_KERNEL));
	ida_free(&ida, 0);
	ida_free(&ida, 0);
	EXPECT_EQ(1UL, sio_log_search("ida_free called for id=3 which is not allocated.", 0));
	ida_destroy(&ida);
}

TEST_HARNESS_MAIN
