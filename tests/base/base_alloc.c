// SPDX-License-Identifier: BSD-3-Clause
/* The allocator: fail-nth, live counts, leak reports, bad frees. */
#include "harness.h"
#include "base/alloc.h"
#include "base/bug.h"
#include "base/log.h"

TEST(kmalloc_zero_is_unique_and_non_null)
{
	void *a = kmalloc(0, GFP_KERNEL), *b = kmalloc(0, GFP_KERNEL);

	ASSERT_NOT_NULL(a);
	ASSERT_NOT_NULL(b);
	EXPECT_NE(a, b);
	kfree(a);
	kfree(b);
	kfree(NULL);
}

TEST(kzalloc_zeroes_and_live_counts)
{
	long live = sio_alloc_live();
	unsigned long total = sio_alloc_total();
	unsigned char *p = kzalloc(100, GFP_KERNEL);
	int i, nonzero = 0;

	ASSERT_NOT_NULL(p);
	for (i = 0; i < 100; i++)
		nonzero += p[i] != 0;
	EXPECT_EQ(0, nonzero);
	EXPECT_EQ(live + 1, sio_alloc_live());
	EXPECT_EQ(total + 1, sio_alloc_total());
	EXPECT_EQ(0UL, (unsigned long)p % 16);
	kfree(p);
	EXPECT_EQ(live, sio_alloc_live());
}

TEST(fail_nth_fails_exactly_the_nth)
{
	void *p[4];
	int i;

	sio_fail_nth_set(3);
	for (i = 0; i < 4; i++)
		p[i] = kmalloc(8, GFP_KERNEL);
	EXPECT_NOT_NULL(p[0]);
	EXPECT_NOT_NULL(p[1]);
	EXPECT_NULL(p[2]);
	EXPECT_NOT_NULL(p[3]);
	EXPECT_TRUE(sio_fail_nth_fired());
	EXPECT_EQ(4UL, sio_fail_nth_calls());
	for (i = 0; i < 4; i++)
		kfree(p[i]);
	sio_fail_nth_set(0);
	EXPECT_FALSE(sio_fail_nth_fired());
	p[0] = kmalloc(8, GFP_KERNEL);
	EXPECT_NOT_NULL(p[0]);
	kfree(p[0]);
}

TEST(fail_nth_does_not_hit_nofail_allocations)
{
	void *p;

	sio_fail_nth_set(1);
	p = sio_kmalloc_nofail_inject(8, GFP_KERNEL, "test");
	EXPECT_NOT_NULL(p);
	EXPECT_FALSE(sio_fail_nth_fired());
	kfree(p);
	EXPECT_NULL(kstrdup("x", GFP_KERNEL));
	EXPECT_TRUE(sio_fail_nth_fired());
	sio_fail_nth_set(0);
}

TEST(krealloc_keeps_data_and_fails_cleanly)
{
	char *p = kstrdup("hello", GFP_KERNEL), *q;

	ASSERT_NOT_NULL(p);
	sio_fail_nth_set(1);
	q = krealloc(p, 100, GFP_KERNEL);
	EXPECT_NULL(q);
	sio_fail_nth_set(0);
	EXPECT_STREQ("hello", p);
	q = krealloc(p, 100, GFP_KERNEL);
	ASSERT_NOT_NULL(q);
	EXPECT_STREQ("hello", q);
	kfree(q);
}

TEST(kasprintf_formats)
{
	char *s = kasprintf(GFP_KERNEL, "group %d of %s", 3, "pci");

	ASSERT_NOT_NULL(s);
	EXPECT_STREQ("group 3 of pci", s);
	kfree(s);
}

TEST(leak_report_names_the_site)
{
	unsigned long base = sio_alloc_total();
	void *p = kmalloc(24, GFP_KERNEL);

	ASSERT_NOT_NULL(p);
	EXPECT_EQ(1, sio_alloc_report_leaks(base));
	EXPECT_EQ(1UL, sio_log_search("leak: 24 bytes from _test_fn_leak_report_names_the_site", 0));
	kfree(p);
	EXPECT_EQ(0, sio_alloc_report_leaks(base));
}

TEST(foreign_pointer_free_warns)
{
	/* A buffer that looks like an object with a bad header. */
	unsigned char *buf = calloc(1, 256);

	ASSERT_NOT_NULL(buf);
	test_expect_warns(1);
	kfree(buf + 128);
	EXPECT_EQ(1UL, sio_log_search("was not allocated by kmalloc", 0));
	free(buf);
}

TEST_HARNESS_MAIN
