// SPDX-License-Identifier: BSD-3-Clause
/*
 * Stress (also run under TSan): xarray readers under RCU against writers
 * that store, erase and grow/shrink the tree; workqueue queue/flush from
 * two threads.  Bounded iterations, seeded, no timing assertions.
 */
#include <pthread.h>

#include "harness.h"
#include "base/alloc.h"
#include "base/rcu.h"
#include "base/workqueue.h"
#include "base/xarray.h"

#define XA_READERS	2
#define XA_WRITER_OPS	20000
#define XA_KEYS		256

struct val {
	unsigned long index;	/* must match where it was found */
	unsigned long magic;
	struct rcu_head rcu;
};

#define VAL_MAGIC 0xfeedbeefUL

static struct xarray sxa;
static int writers_done;	/* atomic */
static unsigned long reader_checks[XA_READERS];
static int reader_bad;		/* atomic */

static unsigned long xorshift(unsigned long *s)
{
	unsigned long x = *s;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return *s = x;
}

/* Keys spread over several tree heights. */
static unsigned long key_of(unsigned long r)
{
	unsigned long k = r % XA_KEYS;

	switch ((r >> 20) % 4) {
	case 0:
		return k;
	case 1:
		return k << 12;
	case 2:
		return k << 30;
	default:
		return ~0UL - k;
	}
}

static void val_free_rcu(struct rcu_head *head)
{
	struct val *v = container_of(head, struct val, rcu);

	v->magic = 0;
	kfree(v);
}

static void *xa_reader(void *arg)
{
	long id = (long)arg;
	unsigned long seed = test_seed() + 1000 + (unsigned long)id, idx;
	struct val *v;

	sio_rcu_register_thread();
	while (!__atomic_load_n(&writers_done, __ATOMIC_ACQUIRE)) {
		idx = key_of(xorshift(&seed));
		rcu_read_lock();
		v = xa_load(&sxa, idx);
		if (v && (v->index != idx || v->magic != VAL_MAGIC))
			__atomic_store_n(&reader_bad, 1, __ATOMIC_RELAXED);
		rcu_read_unlock();
		/* Iteration sees only live values, in index order. */
		if ((reader_checks[id]++ & 255) == 0) {
			unsigned long i, last = 0;
			bool first = true;

			rcu_read_lock();
			xa_for_each(&sxa, i, v) {
				if (v->index != i || v->magic != VAL_MAGIC ||
				    (!first && i <= last))
					__atomic_store_n(&reader_bad, 1,
							 __ATOMIC_RELAXED);
				first = false;
				last = i;
			}
			rcu_read_unlock();
		}
	}
	sio_rcu_unregister_thread();
	return NULL;
}

TEST(xarray_rcu_readers_vs_writer)
{
	unsigned long seed = test_seed(), i, idx, r;
	pthread_t readers[XA_READERS];
	struct val *v, *old;
	long t;

	xa_init(&sxa);
	for (t = 0; t < XA_READERS; t++)
		ASSERT_EQ(0, pthread_create(&readers[t], NULL, xa_reader,
					    (void *)t));
	for (i = 0; i < XA_WRITER_OPS; i++) {
		r = xorshift(&seed);
		idx = key_of(r);
		if (r & (1UL << 40)) {
			v = kzalloc(sizeof(*v), GFP_KERNEL);
			ASSERT_NOT_NULL(v);
			v->index = idx;
			v->magic = VAL_MAGIC;
			old = xa_store(&sxa, idx, v, GFP_KERNEL);
			ASSERT_FALSE(xa_is_err(old));
		} else {
			old = xa_erase(&sxa, idx);
		}
		if (old)
			call_rcu(&old->rcu, val_free_rcu);
	}
	__atomic_store_n(&writers_done, 1, __ATOMIC_RELEASE);
	for (t = 0; t < XA_READERS; t++)
		pthread_join(readers[t], NULL);
	EXPECT_EQ(0, __atomic_load_n(&reader_bad, __ATOMIC_RELAXED));
	xa_for_each(&sxa, idx, v) {
		xa_erase(&sxa, idx);
		call_rcu(&v->rcu, val_free_rcu);
	}
	EXPECT_TRUE(xa_empty(&sxa));
	xa_destroy(&sxa);
	for (t = 0; t < XA_READERS; t++)
		printf("# reader %ld: %lu lookups\n", t, reader_checks[t]);
}

#define WQ_THREADS	2
#define WQ_ROUNDS	300
#define WQ_ITEMS	16

struct counted {
	struct work_struct work;
	int *counter;		/* atomic */
};

static struct workqueue_struct *swq;

static void count_fn(struct work_struct *w)
{
	struct counted *c = container_of(w, struct counted, work);

	__atomic_fetch_add(c->counter, 1, __ATOMIC_RELAXED);
}

struct wq_thread {
	struct counted items[WQ_ITEMS];
	int runs;		/* atomic */
	int queued;
	int bad;
	unsigned long seed;
};

static void *wq_hammer(void *arg)
{
	struct wq_thread *t = arg;
	int round, i, before;

	sio_rcu_register_thread();
	for (i = 0; i < WQ_ITEMS; i++) {
		INIT_WORK(&t->items[i].work, count_fn);
		t->items[i].counter = &t->runs;
	}
	for (round = 0; round < WQ_ROUNDS; round++) {
		for (i = 0; i < WQ_ITEMS; i++) {
			if (xorshift(&t->seed) & 1)
				continue;
			if (queue_work(swq, &t->items[i].work))
				t->queued++;
		}
		if (xorshift(&t->seed) % 3 == 0) {
			i = (int)(xorshift(&t->seed) % WQ_ITEMS);
			if (cancel_work_sync(&t->items[i].work))
				t->queued--;
		}
		flush_workqueue(swq);
		/* Everything this thread queued before the flush has run. */
		before = __atomic_load_n(&t->runs, __ATOMIC_RELAXED);
		if (before != t->queued)
			t->bad++;
	}
	sio_rcu_unregister_thread();
	return NULL;
}

TEST(workqueue_queue_flush_from_two_threads)
{
	struct wq_thread *th;
	pthread_t tids[WQ_THREADS];
	int i;

	th = kzalloc(sizeof(*th) * WQ_THREADS, GFP_KERNEL);
	ASSERT_NOT_NULL(th);
	swq = alloc_workqueue("stress-wq", WQ_UNBOUND, 3);
	ASSERT_NOT_NULL(swq);
	for (i = 0; i < WQ_THREADS; i++) {
		th[i].seed = test_seed() * 31 + (unsigned long)i + 1;
		ASSERT_EQ(0, pthread_create(&tids[i], NULL, wq_hammer, &th[i]));
	}
	for (i = 0; i < WQ_THREADS; i++)
		pthread_join(tids[i], NULL);
	destroy_workqueue(swq);
	for (i = 0; i < WQ_THREADS; i++) {
		EXPECT_EQ(0, th[i].bad);
		EXPECT_EQ(th[i].queued, th[i].runs);
		EXPECT_GT(th[i].queued, 0);
	}
	kfree(th);
}

TEST_HARNESS_MAIN
