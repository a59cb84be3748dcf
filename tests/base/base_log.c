// SPDX-License-Identifier: BSD-3-Clause
/* The kernel log ring: format, virtual clock, wrap, search, level filter. */
#include "harness.h"
#include "base/log.h"

struct collect {
	int n;
	char first[256];
	char last[256];
};

static int collect_line(const char *line, void *data)
{
	struct collect *c = data;

	if (!c->n++)
		snprintf(c->first, sizeof(c->first), "%s", line);
	snprintf(c->last, sizeof(c->last), "%s", line);
	return 0;
}

TEST(log_virtual_clock_format)
{
	struct collect c = { 0 };

	sio_log_reset(SIO_LOG_CLOCK_VIRTUAL);
	pr_info("hello %d", 1);
	sio_printk_prefixed(SIO_LOGLEVEL_INFO, "pci 0000:00:02.0",
			    "Adding to iommu group %d\n", 3);
	EXPECT_EQ(0, sio_log_for_each(collect_line, &c, 0));
	EXPECT_EQ(2, c.n);
	EXPECT_STREQ("[    0.000001] hello 1", c.first);
	EXPECT_STREQ("[    0.000002] pci 0000:00:02.0: Adding to iommu group 3",
		     c.last);
}

TEST(log_multiline_message_one_tick)
{
	struct collect c = { 0 };

	sio_log_reset(SIO_LOG_CLOCK_VIRTUAL);
	pr_warn("line one\nline two");
	pr_info("after");
	sio_log_for_each(collect_line, &c, 0);
	EXPECT_EQ(3, c.n);
	EXPECT_STREQ("[    0.000001] line one", c.first);
	EXPECT_STREQ("[    0.000002] after", c.last);
}

TEST(log_ring_wraps_oldest_first)
{
	struct collect c = { 0 };
	int i;

	sio_log_reset(SIO_LOG_CLOCK_VIRTUAL);
	for (i = 0; i < 5000; i++)
		pr_info("msg %d", i);
	EXPECT_EQ(5000UL, sio_log_seq());
	sio_log_for_each(collect_line, &c, 0);
	EXPECT_EQ(4096, c.n);
	EXPECT_NOT_NULL(strstr(c.first, "] msg 904"));
	EXPECT_NOT_NULL(strstr(c.last, "] msg 4999"));
	EXPECT_EQ(0UL, sio_log_search("msg 903", 0));
	EXPECT_EQ(1UL, sio_log_search("msg 4998", 0));
}

TEST(log_search_since_and_not_timestamps)
{
	unsigned long seq;

	sio_log_reset(SIO_LOG_CLOCK_VIRTUAL);
	pr_info("alpha");
	pr_info("beta alpha");
	seq = sio_log_seq();
	pr_info("gamma alpha");
	EXPECT_EQ(3UL, sio_log_search("alpha", 0));
	EXPECT_EQ(1UL, sio_log_search("alpha", seq));
	EXPECT_EQ(0UL, sio_log_search("0.000001", 0));
	EXPECT_EQ(0UL, sio_log_search("delta", 0));
}

static int stop_at_second(const char *line, void *data)
{
	int *n = data;

	return ++*n == 2 ? 42 : 0;
}

TEST(log_for_each_stops)
{
	int n = 0;

	sio_log_reset(SIO_LOG_CLOCK_VIRTUAL);
	pr_info("a");
	pr_info("b");
	pr_info("c");
	EXPECT_EQ(42, sio_log_for_each(stop_at_second, &n, 0));
	EXPECT_EQ(2, n);
}

TEST(log_level_filter)
{
	sio_log_reset(SIO_LOG_CLOCK_VIRTUAL);
	pr_debug("dropped by default");
	EXPECT_EQ(0UL, sio_log_search("dropped", 0));
	sio_log_set_level(SIO_LOGLEVEL_DEBUG);
	pr_debug("kept now");
	EXPECT_EQ(1UL, sio_log_search("kept now", 0));
	sio_log_set_level(SIO_LOGLEVEL_WARNING);
	pr_info("info dropped");
	pr_err("error kept");
	EXPECT_EQ(0UL, sio_log_search("info dropped", 0));
	EXPECT_EQ(1UL, sio_log_search("error kept", 0));
	sio_log_set_level(SIO_LOGLEVEL_INFO);
}

TEST(log_long_line_truncated)
{
	char big[1000];

	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	sio_log_reset(SIO_LOG_CLOCK_VIRTUAL);
	pr_info("%s", big);
	EXPECT_EQ(1UL, sio_log_seq());
	EXPECT_EQ(1UL, sio_log_search("xxxxxxxxxx", 0));
}

TEST(log_echo)
{
	char buf[256] = "";
	FILE *f = tmpfile();

	ASSERT_NOT_NULL(f);
	sio_log_reset(SIO_LOG_CLOCK_VIRTUAL);
	sio_log_set_echo(f);
	pr_info("echoed");
	sio_log_set_echo(NULL);
	pr_info("not echoed");
	rewind(f);
	ASSERT_NOT_NULL(fgets(buf, sizeof(buf), f));
	EXPECT_STREQ("[    0.000001] echoed\n", buf);
	EXPECT_NULL(fgets(buf, sizeof(buf), f));
	fclose(f);
}

TEST_HARNESS_MAIN
