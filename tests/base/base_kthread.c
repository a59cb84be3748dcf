// SPDX-License-Identifier: BSD-3-Clause
/* kthreads and completions. */
#include "harness.h"
#include "base/completion.h"
#include "base/err.h"
#include "base/kthread.h"
#include "base/rcu.h"

static struct completion ready;
static int loops;

static int worker_fn(void *data)
{
	rcu_read_lock();	/* registered for us */
	rcu_read_unlock();
	complete(&ready);
	/* At least one pass, however soon the stop comes (no scheduling race). */
	do {
		loops++;
		sio_kthread_sleep_ms(1000);
	} while (!sio_kthread_should_stop());
	return 42 + (int)(long)data;
}

TEST(kthread_run_stop_returns_value)
{
	struct sio_kthread *k;

	init_completion(&ready);
	k = sio_kthread_run(worker_fn, (void *)1L, "test-kthread");
	ASSERT_FALSE(IS_ERR(k));
	wait_for_completion(&ready);
	sio_kthread_wake(k);
	EXPECT_EQ(43, sio_kthread_stop(k));
	EXPECT_GE(loops, 1);
	EXPECT_FALSE(sio_kthread_should_stop());
	destroy_completion(&ready);
}

static int quick_fn(void *data)
{
	return -7;
}

TEST(kthread_that_returns_early)
{
	struct sio_kthread *k = sio_kthread_run(quick_fn, NULL, "quick");

	ASSERT_FALSE(IS_ERR(k));
	EXPECT_EQ(-7, sio_kthread_stop(k));
}

TEST(completion_counts_and_times_out)
{
	struct completion c;

	init_completion(&c);
	EXPECT_FALSE(completion_done(&c));
	EXPECT_EQ(0UL, wait_for_completion_timeout(&c, 1));
	complete(&c);
	complete(&c);
	EXPECT_TRUE(completion_done(&c));
	wait_for_completion(&c);
	EXPECT_GT(wait_for_completion_timeout(&c, 1000), 0UL);
	EXPECT_FALSE(completion_done(&c));
	complete_all(&c);
	wait_for_completion(&c);
	wait_for_completion(&c);
	EXPECT_TRUE(completion_done(&c));
	reinit_completion(&c);
	EXPECT_FALSE(completion_done(&c));
	destroy_completion(&c);
}

TEST_HARNESS_MAIN
