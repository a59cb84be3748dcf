// SPDX-License-Identifier: BSD-3-Clause
/* Workqueues: ordering, pending, flush, cancel, delayed work, lockdep. */
#include <pthread.h>

#include "harness.h"
#include "base/alloc.h"
#include "base/completion.h"
#include "base/log.h"
#include "base/mutex.h"
#include "base/rcu.h"
#include "base/workqueue.h"

#define NITEMS 64

struct item {
	struct work_struct work;
	int id;
};

static pthread_mutex_t order_lock = PTHREAD_MUTEX_INITIALIZER;
static int order[NITEMS * 4];
static int norder;
static struct completion gate;		/* blocker items wait on it */
static struct completion started;	/* blocker items signal it */
static struct workqueue_struct *test_wq;
static int in_worker;			/* atomic */

static void record(struct work_struct *w)
{
	struct item *it = container_of(w, struct item, work);

	pthread_mutex_lock(&order_lock);
	order[norder++] = it->id;
	pthread_mutex_unlock(&order_lock);
	if (current_is_workqueue_worker(test_wq))
		__atomic_fetch_add(&in_worker, 1, __ATOMIC_RELAXED);
	/* Workers are RCU readers. */
	rcu_read_lock();
	rcu_read_unlock();
}

static void blocker(struct work_struct *w)
{
	complete(&started);
	wait_for_completion(&gate);
	record(w);
}

static int count_runs(void)
{
	int n;

	pthread_mutex_lock(&order_lock);
	n = norder;
	pthread_mutex_unlock(&order_lock);
	return n;
}

FIXTURE(wq)
{
	struct item items[NITEMS];
};

FIXTURE_SETUP(wq)
{
	int i;

	norder = 0;
	init_completion(&gate);
	init_completion(&started);
	for (i = 0; i < NITEMS; i++) {
		INIT_WORK(&self->items[i].work, record);
		self->items[i].id = i;
	}
}

FIXTURE_TEARDOWN(wq)
{
	complete_all(&gate);
	destroy_workqueue(test_wq);
	test_wq = NULL;
	destroy_completion(&gate);
	destroy_completion(&started);
}

TEST_F(wq, ordered_runs_fifo_and_flush_waits)
{
	int i;

	test_wq = alloc_ordered_workqueue("test-ordered", 0);
	ASSERT_NOT_NULL(test_wq);
	for (i = 0; i < NITEMS; i++)
		ASSERT_TRUE(queue_work(test_wq, &self->items[i].work));
	flush_workqueue(test_wq);
	ASSERT_EQ(NITEMS, count_runs());
	for (i = 0; i < NITEMS; i++)
		EXPECT_EQ(i, order[i]);
	EXPECT_EQ(NITEMS, __atomic_load_n(&in_worker, __ATOMIC_RELAXED));
	EXPECT_FALSE(current_is_workqueue_worker(test_wq));
}

TEST_F(wq, unbound_flush_waits_for_all)
{
	int i, round;

	test_wq = alloc_workqueue("test-unbound", WQ_UNBOUND, 4);
	ASSERT_NOT_NULL(test_wq);
	for (round = 1; round <= 3; round++) {
		for (i = 0; i < NITEMS; i++)
			ASSERT_TRUE(queue_work(test_wq, &self->items[i].work));
		flush_workqueue(test_wq);
		EXPECT_EQ(NITEMS * round, count_runs());
	}
}

TEST_F(wq, queue_work_false_while_pending)
{
	test_wq = alloc_ordered_workqueue("test-pending", 0);
	ASSERT_NOT_NULL(test_wq);
	INIT_WORK(&self->items[0].work, blocker);
	ASSERT_TRUE(queue_work(test_wq, &self->items[0].work));
	wait_for_completion(&started);
	/* items[0] is running (not pending): it may be queued again. */
	EXPECT_TRUE(queue_work(test_wq, &self->items[0].work));
	EXPECT_TRUE(queue_work(test_wq, &self->items[1].work));
	EXPECT_FALSE(queue_work(test_wq, &self->items[1].work));
	EXPECT_FALSE(queue_work(test_wq, &self->items[0].work));
	complete_all(&gate);
	flush_workqueue(test_wq);
	EXPECT_EQ(3, count_runs());
	EXPECT_EQ(0, order[0]);
	EXPECT_EQ(0, order[1]);
	EXPECT_EQ(1, order[2]);
}

TEST_F(wq, cancel_pending_work)
{
	test_wq = alloc_ordered_workqueue("test-cancel", 0);
	ASSERT_NOT_NULL(test_wq);
	INIT_WORK(&self->items[0].work, blocker);
	ASSERT_TRUE(queue_work(test_wq, &self->items[0].work));
	wait_for_completion(&started);
	ASSERT_TRUE(queue_work(test_wq, &self->items[1].work));
	ASSERT_TRUE(queue_work(test_wq, &self->items[2].work));
	EXPECT_TRUE(cancel_work_sync(&self->items[1].work));
	EXPECT_FALSE(cancel_work_sync(&self->items[1].work));
	complete_all(&gate);
	/* Waits for the running one; it was not pending. */
	EXPECT_FALSE(cancel_work_sync(&self->items[0].work));
	EXPECT_TRUE(count_runs() >= 1);
	flush_workqueue(test_wq);
	ASSERT_EQ(2, count_runs());
	EXPECT_EQ(0, order[0]);
	EXPECT_EQ(2, order[1]);
	/* A cancelled item can be queued again. */
	EXPECT_TRUE(queue_work(test_wq, &self->items[1].work));
	flush_workqueue(test_wq);
	EXPECT_EQ(3, count_runs());
}

TEST_F(wq, flush_work_waits_for_one_item)
{
	test_wq = alloc_workqueue("test-flush-work", WQ_UNBOUND, 2);
	ASSERT_NOT_NULL(test_wq);
	EXPECT_FALSE(flush_work(&self->items[3].work));	/* never queued */
	ASSERT_TRUE(queue_work(test_wq, &self->items[3].work));
	flush_work(&self->items[3].work);
	EXPECT_EQ(1, count_runs());
	EXPECT_EQ(3, order[0]);
	EXPECT_FALSE(flush_work(&self->items[3].work));	/* idle now */
}

static struct item chain_item;
static int chain_left = 5;

static void chained(struct work_struct *w)
{
	record(w);
	if (--chain_left > 0)
		queue_work(test_wq, w);
}

TEST_F(wq, work_may_requeue_itself_and_destroy_drains)
{
	test_wq = alloc_ordered_workqueue("test-chain", 0);
	ASSERT_NOT_NULL(test_wq);
	INIT_WORK(&chain_item.work, chained);
	chain_item.id = 7;
	ASSERT_TRUE(queue_work(test_wq, &chain_item.work));
	destroy_workqueue(test_wq);
	test_wq = NULL;
	EXPECT_EQ(5, count_runs());
}

static struct completion delayed_done;

static void delayed_fn(struct work_struct *w)
{
	record(w);
	complete(&delayed_done);
}

TEST_F(wq, delayed_work_runs_and_cancels)
{
	struct delayed_work dw_short, dw_long;
	struct item *unused = &self->items[0];

	(void)unused;
	init_completion(&delayed_done);
	test_wq = alloc_workqueue("test-delayed", WQ_UNBOUND, 2);
	ASSERT_NOT_NULL(test_wq);
	INIT_DELAYED_WORK(&dw_short, delayed_fn);
	INIT_DELAYED_WORK(&dw_long, delayed_fn);
	ASSERT_TRUE(queue_delayed_work(test_wq, &dw_short, 5));
	EXPECT_FALSE(queue_delayed_work(test_wq, &dw_short, 5));
	/* An hour: only a cancel can end it. */
	ASSERT_TRUE(queue_delayed_work(test_wq, &dw_long, 3600 * 1000));
	wait_for_completion(&delayed_done);
	EXPECT_TRUE(cancel_delayed_work_sync(&dw_long));
	EXPECT_FALSE(cancel_delayed_work_sync(&dw_long));
	flush_workqueue(test_wq);
	EXPECT_EQ(1, count_runs());
	/* Delay 0 queues at once; cancel of a finished item is false. */
	ASSERT_TRUE(queue_delayed_work(test_wq, &dw_short, 0));
	wait_for_completion(&delayed_done);
	flush_workqueue(test_wq);
	EXPECT_FALSE(cancel_delayed_work_sync(&dw_short));
	EXPECT_EQ(2, count_runs());
	destroy_completion(&delayed_done);
}

static struct mutex wq_test_lock;

static void takes_lock(struct work_struct *w)
{
	mutex_lock(&wq_test_lock);
	record(w);
	mutex_unlock(&wq_test_lock);
}

TEST_F(wq, flush_under_a_lock_the_work_takes_is_reported)
{
	mutex_init(&wq_test_lock);
	test_wq = alloc_ordered_workqueue("test-lockdep", 0);
	ASSERT_NOT_NULL(test_wq);
	INIT_WORK(&self->items[0].work, takes_lock);
	ASSERT_TRUE(queue_work(test_wq, &self->items[0].work));
	flush_workqueue(test_wq);
	EXPECT_EQ(0UL, sio_lockdep_reports());

	test_expect_lockdep_reports(1);
	test_expect_warns(1);
	mutex_lock(&wq_test_lock);
	flush_workqueue(test_wq);	/* nothing pending: no real hang */
	mutex_unlock(&wq_test_lock);
	EXPECT_EQ(1UL, sio_lockdep_reports());
	EXPECT_EQ(1UL, sio_log_search("new dependency: &wq_test_lock -> test-lockdep", 0));
}

TEST_F(wq, cancel_under_a_lock_the_work_takes_is_reported)
{
	mutex_init(&wq_test_lock);
	test_wq = alloc_ordered_workqueue("test-cancel-lockdep", 0);
	ASSERT_NOT_NULL(test_wq);
	INIT_WORK(&self->items[0].work, takes_lock);
	ASSERT_TRUE(queue_work(test_wq, &self->items[0].work));
	flush_workqueue(test_wq);

	/* Idle item: reported anyway, deterministically. */
	test_expect_lockdep_reports(1);
	test_expect_warns(1);
	mutex_lock(&wq_test_lock);
	EXPECT_FALSE(cancel_work_sync(&self->items[0].work));
	mutex_unlock(&wq_test_lock);
	EXPECT_EQ(1UL, sio_lockdep_reports());
}

TEST(destroy_null_is_fine)
{
	destroy_workqueue(NULL);
}

TEST_HARNESS_MAIN
