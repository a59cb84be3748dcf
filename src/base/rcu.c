// SPDX-License-Identifier: BSD-3-Clause
/*
 * RCU over liburcu's memb flavour: thread registration with a loud failure
 * for unregistered readers, synchronize_rcu, call_rcu, rcu_barrier and
 * kfree_rcu.
 * Kernel counterpart: kernel/rcu/tree.c (API only)
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "base/alloc.h"
#include "base/bug.h"
#include "base/log.h"
#include "base/rcu.h"

__thread int sio_rcu_registered;
__thread int sio_rcu_nesting;

/* liburcu's default call_rcu thread, once known (for adoption). */
static pthread_t callrcu_thread;
static int callrcu_thread_known;	/* atomic; callrcu_thread valid when 1 */

void sio_rcu_register_thread(void)
{
	if (sio_rcu_registered++ == 0)
		urcu_memb_register_thread();
}

void sio_rcu_unregister_thread(void)
{
	if (WARN_ON(sio_rcu_registered <= 0))
		return;
	if (--sio_rcu_registered)
		return;
	WARN_ON(sio_rcu_nesting);
	urcu_memb_unregister_thread();
}

void __sio_rcu_unregistered(const char *func)
{
	static const char msg[] =
		"%s() on a thread that is not registered with RCU: call sio_rcu_register_thread() first";

	sio_printk(SIO_LOGLEVEL_ERR, msg, func);
	fprintf(stderr, "softiommu: FATAL: ");
	fprintf(stderr, msg, func);
	fprintf(stderr, "\n");
	fflush(NULL);
	abort();
}

void __sio_rcu_read_lock_unregistered(const char *func)
{
	/*
	 * Callbacks run on liburcu's call_rcu thread, which liburcu registered
	 * itself; adopt it rather than abort.
	 */
	if (__atomic_load_n(&callrcu_thread_known, __ATOMIC_ACQUIRE) &&
	    pthread_equal(callrcu_thread, pthread_self())) {
		sio_rcu_registered = 1;
		return;
	}
	__sio_rcu_unregistered(func);
}

/* Remember which thread runs callbacks.  Caller is registered. */
static void callrcu_learn_thread(void)
{
	static pthread_mutex_t learn_lock = PTHREAD_MUTEX_INITIALIZER;

	if (__atomic_load_n(&callrcu_thread_known, __ATOMIC_ACQUIRE))
		return;
	pthread_mutex_lock(&learn_lock);
	if (!callrcu_thread_known) {
		callrcu_thread = urcu_memb_get_call_rcu_thread(
			urcu_memb_get_default_call_rcu_data());
		__atomic_store_n(&callrcu_thread_known, 1, __ATOMIC_RELEASE);
	}
	pthread_mutex_unlock(&learn_lock);
}

#if defined(__SANITIZE_THREAD__)
/*
 * ThreadSanitizer cannot see liburcu's synchronisation (uninstrumented
 * library).  Make it explicit: every reader leaving a read-side section
 * releases tsan_rcu_sync; the end of a grace period acquires it; call_rcu
 * callbacks go through a trampoline that acquires both the caller's
 * release and the readers'.
 */
void __tsan_acquire(void *addr);
void __tsan_release(void *addr);

static char tsan_rcu_sync;

void __sio_rcu_tsan_reader_exit(void)
{
	__tsan_release(&tsan_rcu_sync);
}

struct tsan_rcu_wrap {
	struct rcu_head head;
	struct rcu_head *orig;
	void (*func)(struct rcu_head *head);
};

static void tsan_rcu_trampoline(struct rcu_head *head)
{
	struct tsan_rcu_wrap *w = (struct tsan_rcu_wrap *)head;

	__tsan_acquire(w);
	__tsan_acquire(&tsan_rcu_sync);
	w->func(w->orig);
	free(w);
}

static void callrcu_queue(struct rcu_head *head,
			  void (*func)(struct rcu_head *head))
{
	struct tsan_rcu_wrap *w = malloc(sizeof(*w));

	if (!w) {
		synchronize_rcu();
		func(head);
		return;
	}
	w->orig = head;
	w->func = func;
	__tsan_release(w);
	urcu_memb_call_rcu(&w->head, tsan_rcu_trampoline);
}
#else
static void callrcu_queue(struct rcu_head *head,
			  void (*func)(struct rcu_head *head))
{
	urcu_memb_call_rcu(head, func);
}
#endif

void synchronize_rcu(void)
{
	if (WARN(sio_rcu_nesting > 0,
		 "synchronize_rcu() inside an RCU read-side critical section"))
		return;
	urcu_memb_synchronize_rcu();
#if defined(__SANITIZE_THREAD__)
	__tsan_acquire(&tsan_rcu_sync);
#endif
}

/*
 * liburcu's call_rcu() and rcu_barrier() enter a read-side section
 * internally, so they need a registered caller: register around the call
 * when the caller is not.
 */
void call_rcu(struct rcu_head *head, void (*func)(struct rcu_head *head))
{
	bool temp = !sio_rcu_registered;

	if (temp)
		urcu_memb_register_thread();
	callrcu_learn_thread();
	callrcu_queue(head, func);
	if (temp)
		urcu_memb_unregister_thread();
}

void rcu_barrier(void)
{
	bool temp = !sio_rcu_registered;

	if (WARN(sio_rcu_nesting > 0,
		 "rcu_barrier() inside an RCU read-side critical section"))
		return;
	if (temp)
		urcu_memb_register_thread();
	urcu_memb_barrier();
	if (temp)
		urcu_memb_unregister_thread();
#if defined(__SANITIZE_THREAD__)
	__tsan_acquire(&tsan_rcu_sync);
#endif
}

/* kfree_rcu() bookkeeping: the object to free, found again from the head. */
struct kfree_rcu_req {
	struct rcu_head head;
	const void *obj;
};

static void kfree_rcu_cb(struct rcu_head *head)
{
	struct kfree_rcu_req *req = container_of(head, struct kfree_rcu_req, head);

	kfree(req->obj);
	kfree(req);
}

/*
 * liburcu hands a callback only the rcu_head, so the offset of the head in
 * its object cannot travel with it (the kernel encodes it in the function
 * pointer).  A small request records the object instead; if even that
 * cannot be allocated, wait for a grace period here, as the kernel's
 * kvfree_rcu() does when it runs out of memory.
 */
void __sio_kfree_rcu(struct rcu_head *head, size_t offset)
{
	const void *obj = (const char *)head - offset;
	struct kfree_rcu_req *req;

	req = sio_kmalloc_nofail_inject(sizeof(*req), GFP_ATOMIC, "kfree_rcu");
	if (!req) {
		synchronize_rcu();
		kfree(obj);
		return;
	}
	req->obj = obj;
	call_rcu(&req->head, kfree_rcu_cb);
}
