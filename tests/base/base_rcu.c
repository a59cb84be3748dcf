// SPDX-License-Identifier: BSD-3-Clause
/*
 * RCU wrapper: deferred frees wait for readers, whether they registered
 * themselves or were registered by their first read-side section (and
 * unregistered when they exit).
 */
#include <pthread.h>
#include <unistd.h>

#include "harness.h"
#include "base/alloc.h"
#include "base/bug.h"
#include "base/completion.h"
#include "base/list.h"
#include "base/log.h"
#include "base/rcu.h"

#define OBJ_MAGIC 0x5eedf00d

struct obj {
	int magic;
	struct rcu_head rcu;
};

static struct obj *gp;		/* RCU-protected */
static int freed;		/* atomic: set by the callback */
static struct completion reader_inside, reader_may_leave;
static int reader_saw_magic;

static void obj_free_rcu(struct rcu_head *head)
{
	struct obj *o = container_of(head, struct obj, rcu);

	o->magic = 0;
	kfree(o);
	__atomic_store_n(&freed, 1, __ATOMIC_RELEASE);
}

/* @arg non-NULL: register explicitly; NULL: leave it to rcu_read_lock(). */
static void *reader(void *arg)
{
	struct obj *o;

	if (arg)
		sio_rcu_register_thread();
	rcu_read_lock();
	o = rcu_dereference(gp);
	complete(&reader_inside);
	wait_for_completion(&reader_may_leave);
	/* Still inside the read-side section: @o must still be valid. */
	reader_saw_magic = o ? o->magic : -1;
	rcu_read_unlock();
	if (arg)
		sio_rcu_unregister_thread();
	return NULL;
}

static void reader_holds_off_the_free(struct __test_metadata *_metadata,
				      bool explicit)
{
	struct obj *o = kzalloc(sizeof(*o), GFP_KERNEL);
	pthread_t th;
	int i;

	__atomic_store_n(&freed, 0, __ATOMIC_RELEASE);
	ASSERT_NOT_NULL(o);
	o->magic = OBJ_MAGIC;
	rcu_assign_pointer(gp, o);
	init_completion(&reader_inside);
	init_completion(&reader_may_leave);
	ASSERT_EQ(0, pthread_create(&th, NULL, reader, explicit ? &th : NULL));
	wait_for_completion(&reader_inside);

	/* Unpublish and defer the free while the reader still holds it. */
	rcu_assign_pointer(gp, NULL);
	call_rcu(&o->rcu, obj_free_rcu);
	/*
	 * Give a broken implementation every chance to free early; a correct
	 * one cannot, however long this takes (no timing is asserted).
	 */
	for (i = 0; i < 5; i++) {
		usleep(10000);
		EXPECT_EQ(0, __atomic_load_n(&freed, __ATOMIC_ACQUIRE));
	}
	complete(&reader_may_leave);
	pthread_join(th, NULL);
	EXPECT_EQ(OBJ_MAGIC, reader_saw_magic);
	rcu_barrier();
	EXPECT_EQ(1, __atomic_load_n(&freed, __ATOMIC_ACQUIRE));
	destroy_completion(&reader_inside);
	destroy_completion(&reader_may_leave);
}

TEST(call_rcu_waits_for_a_reader_holding_the_pointer)
{
	reader_holds_off_the_free(_metadata, true);
}

/* A library user's thread never registers: its read side still counts. */
TEST(call_rcu_waits_for_an_auto_registered_reader)
{
	reader_holds_off_the_free(_metadata, false);
}

struct kobj {
	char pad[40];
	struct rcu_head rcu;
	int tail;
};

TEST(kfree_rcu_frees_after_barrier)
{
	long live = sio_alloc_live();
	struct kobj *k = kzalloc(sizeof(*k), GFP_KERNEL);

	ASSERT_NOT_NULL(k);
	EXPECT_EQ(live + 1, sio_alloc_live());
	kfree_rcu(k, rcu);
	rcu_barrier();
	EXPECT_EQ(live, sio_alloc_live());
}

TEST(synchronize_rcu_waits_and_warns_inside_reader)
{
	synchronize_rcu();
	EXPECT_EQ(0UL, sio_warn_count());
	test_expect_warns(1);
	rcu_read_lock();
	EXPECT_TRUE(rcu_read_lock_held());
	synchronize_rcu();	/* would deadlock: WARNs and returns */
	rcu_read_unlock();
	EXPECT_FALSE(rcu_read_lock_held());
	EXPECT_EQ(1UL, sio_log_search("synchronize_rcu() inside an RCU read-side", 0));
}

static int cb_read_ok;

static void cb_reads(struct rcu_head *head)
{
	/* Callbacks run on liburcu's thread, which may enter readers. */
	rcu_read_lock();
	__atomic_store_n(&cb_read_ok, 1, __ATOMIC_RELEASE);
	rcu_read_unlock();
	kfree(container_of(head, struct obj, rcu));
}

TEST(callbacks_may_read)
{
	struct obj *o = kzalloc(sizeof(*o), GFP_KERNEL);

	ASSERT_NOT_NULL(o);
	call_rcu(&o->rcu, cb_reads);
	rcu_barrier();
	EXPECT_EQ(1, __atomic_load_n(&cb_read_ok, __ATOMIC_ACQUIRE));
}

static void *unregistered_call_rcu(void *arg)
{
	call_rcu(arg, obj_free_rcu);
	rcu_barrier();
	return NULL;
}

TEST(call_rcu_from_unregistered_thread)
{
	struct obj *o = kzalloc(sizeof(*o), GFP_KERNEL);
	pthread_t t;

	ASSERT_NOT_NULL(o);
	ASSERT_EQ(0, pthread_create(&t, NULL, unregistered_call_rcu, &o->rcu));
	pthread_join(t, NULL);
	EXPECT_EQ(1, __atomic_load_n(&freed, __ATOMIC_ACQUIRE));
}

TEST(registration_nests)
{
	sio_rcu_register_thread();
	EXPECT_TRUE(sio_rcu_thread_registered());
	sio_rcu_unregister_thread();
	/* Still registered once (by the harness). */
	EXPECT_TRUE(sio_rcu_thread_registered());
	rcu_read_lock();
	rcu_read_unlock();
}

struct auto_reg {
	bool registered_inside;
	long threads_inside;
};

static void *unregistered_reader(void *arg)
{
	struct auto_reg *r = arg;

	rcu_read_lock();	/* registers the thread */
	r->registered_inside = sio_rcu_thread_registered();
	r->threads_inside = sio_rcu_registered_threads();
	rcu_read_unlock();
	/* nested explicit registration on top of the automatic one */
	sio_rcu_register_thread();
	sio_rcu_unregister_thread();
	return NULL;
}

/*
 * A thread that never registers is registered by its first read-side
 * section and unregistered when it exits, so a dead thread never stays in
 * liburcu's registry (where it could stall the next grace period).
 */
TEST(unregistered_reader_is_registered_until_it_exits)
{
	long before = sio_rcu_registered_threads();
	struct auto_reg r = { 0 };
	pthread_t th;

	ASSERT_EQ(0, pthread_create(&th, NULL, unregistered_reader, &r));
	ASSERT_EQ(0, pthread_join(th, NULL));
	EXPECT_TRUE(r.registered_inside);
	EXPECT_EQ(before + 1, r.threads_inside);
	/* pthread_join() returns after the thread's key destructors ran */
	EXPECT_EQ(before, sio_rcu_registered_threads());
	synchronize_rcu();
	EXPECT_EQ(0UL, sio_warn_count());
}

struct node {
	int val;
	struct list_head link;
	struct rcu_head rcu;
};

TEST(rcu_list_add_walk_del)
{
	LIST_HEAD(head);
	struct node *n, *tmp;
	int i, sum = 0;

	for (i = 1; i <= 4; i++) {
		n = kzalloc(sizeof(*n), GFP_KERNEL);
		ASSERT_NOT_NULL(n);
		n->val = i;
		if (i % 2)
			list_add_tail_rcu(&n->link, &head);
		else
			list_add_rcu(&n->link, &head);
	}
	rcu_read_lock();
	list_for_each_entry_rcu(n, &head, link)
		sum = sum * 10 + n->val;
	rcu_read_unlock();
	EXPECT_EQ(4213, sum);
	list_for_each_entry_safe(n, tmp, &head, link) {
		list_del_rcu(&n->link);
		kfree_rcu(n, rcu);
	}
	EXPECT_TRUE(list_empty_rcu(&head));
}

TEST_HARNESS_MAIN
