// SPDX-License-Identifier: BSD-3-Clause
/* WARN accounting: per site, per function, once-sites, reset, the report. */
#include "harness.h"
#include "base/bug.h"
#include "base/log.h"

static int warn_once_helper(int v)
{
	return WARN_ON_ONCE(v > 1);
}

static int warn_helper(int v)
{
	return WARN(v < 0, "negative value %d", v);
}

TEST(warn_on_returns_condition_and_counts)
{
	test_expect_warns(2);
	EXPECT_EQ(0, warn_helper(1));
	EXPECT_EQ(1, warn_helper(-5));
	EXPECT_EQ(1, warn_helper(-6));
	EXPECT_EQ(2UL, sio_warn_count());
	EXPECT_EQ(2UL, sio_warn_count_func("warn_helper"));
	EXPECT_EQ(1UL, sio_log_search("negative value -5", 0));
	EXPECT_EQ(2UL, sio_log_search("------------[ cut here ]------------", 0));
	EXPECT_EQ(
		2UL,
		sio_log_search(
			"WARNING: at warn_helper (tests/base/base_bug.c:", 0));
	EXPECT_EQ(2UL, sio_log_search("---[ end trace 0000000000000000 ]---", 0));
	EXPECT_EQ(2UL, sio_log_search("Call trace:", 0));
}

TEST(warn_on_once_logs_once_counts_always)
{
	int i;

	test_expect_warns(3);
	for (i = 0; i < 3; i++)
		EXPECT_EQ(1, warn_once_helper(2));
	EXPECT_EQ(0, warn_once_helper(0));
	EXPECT_EQ(3UL, sio_warn_count_func("warn_once_helper"));
	EXPECT_EQ(1UL, sio_log_search("WARNING: at warn_once_helper", 0));
}

TEST(warn_reset_rearms_once_sites)
{
	test_expect_warns(1);
	warn_once_helper(5);
	sio_warn_reset();
	EXPECT_EQ(0UL, sio_warn_count());
	EXPECT_EQ(0UL, sio_warn_count_func("warn_once_helper"));
	warn_once_helper(5);
	EXPECT_EQ(2UL, sio_log_search("WARNING: at warn_once_helper", 0));
	EXPECT_EQ(1UL, sio_warn_count_func("warn_once_helper"));
}

static int count_sites(const struct sio_warn_site *site, void *data)
{
	(*(int *)data)++;
	return 0;
}

TEST(warn_prefix_and_site_registry)
{
	int n = 0;

	test_expect_warns(2);
	WARN_PREFIX(1, "pci 0000:00:02.0", "late IOMMU probe at driver bind");
	warn_helper(-1);
	warn_helper(-1);
	EXPECT_EQ(1UL, sio_log_search("pci 0000:00:02.0: late IOMMU probe", 0));
	EXPECT_EQ(0, sio_warn_for_each_site(count_sites, &n));
	EXPECT_EQ(2, n);
	/* Counted, but the expectation above says 2: correct it. */
	test_expect_warns(3);
}

TEST(warn_backtrace_can_be_turned_off)
{
	test_expect_warns(1);
	sio_warn_set_backtrace(false);
	WARN_ON(1);
	EXPECT_EQ(0UL, sio_log_search("Call trace:", 0));
	sio_warn_set_backtrace(true);
}

TEST_HARNESS_MAIN
