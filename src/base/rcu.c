// SPDX-License-Identifier: BSD-3-Clause
/*
 * RCU over liburcu's memb flavour: thread registration (explicit, or
 * automatic at a thread's first read-side section and undone at its exit),
 * synchronize_rcu, call_rcu, rcu_barrier and kfree_rcu.
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

/*
 * Threads registered at their first read-side section: a key whose
 * destructor unregisters them when they exit.
 */
static pthread_key_t auto_key;
static pthread_once_t auto_key_once = PTHREAD_ONCE_INIT;
static int auto_key_err;	/* pthread_key_create()'s result */
static long registered_threads;	/* atomic; threads registered with liburcu */

/**
 * sio_rcu_register_thread() - make the calling thread an RCU reader
 *
 * Idempotent (nested calls are counted); pair with
 * sio_rcu_unregister_thread() before the thread exits.  Threads the library
 * does not create need not call it: their first read-side section
 * registers them (see rcu.h).
 *
 * Context: the thread itself, outside any read-side critical section.
 */
void sio_rcu_register_thread(void)
{
	if (sio_rcu_registered++ == 0) {
		urcu_memb_register_thread();
		__atomic_add_fetch(&registered_threads, 1, __ATOMIC_RELAXED);
	}
}

/* Leave liburcu's registry; the caller dropped the last registration. */
static void rcu_unregister_now(void)
{
	WARN_ON(sio_rcu_nesting);
	urcu_memb_unregister_thread();
	__atomic_sub_fetch(&registered_threads, 1, __ATOMIC_RELAXED);
}

/**
 * sio_rcu_unregister_thread() - undo one sio_rcu_register_thread()
 *
 * The last one takes the thread out of liburcu's registry.
 *
 * Context: the thread itself, outside any read-side critical section.
 */
void sio_rcu_unregister_thread(void)
{
	if (WARN_ON(sio_rcu_registered <= 0))
		return;
	if (--sio_rcu_registered)
		return;
	rcu_unregister_now();
}

/**
 * sio_rcu_registered_threads() - threads currently registered through this
 * file (explicitly or automatically), for tests
 *
 * Context: any.
 * Return: the count; racy unless the caller knows no thread registers or
 * exits meanwhile.
 */
long sio_rcu_registered_threads(void)
{
	return __atomic_load_n(&registered_threads, __ATOMIC_RELAXED);
}

/*
 * Thread exit of an automatically registered thread (glibc runs key
 * destructors while the thread's TLS is still valid): drop whatever
 * registrations it still holds, so liburcu's registry never keeps a reader
 * whose thread is gone.
 */
static void rcu_auto_unregister(void *unused)
{
	if (sio_rcu_registered <= 0)
		return;
	sio_rcu_registered = 0;
	rcu_unregister_now();
}

static void rcu_auto_key_create(void)
{
	auto_key_err = pthread_key_create(&auto_key, rcu_auto_unregister);
}

/**
 * __sio_rcu_unregistered() - die loudly: @func would read under RCU on a
 * thread that could not be registered
 * @func: the function about to enter a read-side section
 *
 * Context: the failing thread.  Return: never (aborts).
 */
void __sio_rcu_unregistered(const char *func)
{
	static const char msg[] =
		"%s() on a thread that cannot be registered with RCU";

	sio_printk(SIO_LOGLEVEL_ERR, msg, func);
	fprintf(stderr, "softiommu: FATAL: ");
	fprintf(stderr, msg, func);
	fprintf(stderr, "\n");
	fflush(NULL);
	abort();
}

/**
 * __sio_rcu_read_lock_unregistered() - slow path of rcu_read_lock() on a
 * thread this file has not registered
 * @func: the caller, for the fatal message
 *
 * liburcu's call_rcu thread (registered by liburcu itself) is adopted.  Any
 * other thread -- typically one of the library user's, entering through a
 * public function -- is registered now and unregistered automatically when
 * it exits, so the public API needs no registration call.  Only if the
 * exit hook cannot be installed (no pthread key left) does this abort:
 * registering without it would leave a dead reader in liburcu's registry
 * and hang the next grace period.
 *
 * Context: the calling thread, about to enter a read-side section; takes
 * liburcu's registry lock (never held while waiting for readers).
 */
void __sio_rcu_read_lock_unregistered(const char *func)
{
	/*
	 * Callbacks run on liburcu's call_rcu thread, which liburcu registered
	 * itself; adopt it rather than register it twice.
	 */
	if (__atomic_load_n(&callrcu_thread_known, __ATOMIC_ACQUIRE) &&
	    pthread_equal(callrcu_thread, pthread_self())) {
		sio_rcu_registered = 1;
		return;
	}
	pthread_once(&auto_key_once, rcu_auto_key_create);
	if (auto_key_err || pthread_setspecific(auto_key, (void *)1))
		__sio_rcu_unregistered(func);
	sio_rcu_register_thread();
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

/**
 * __sio_rcu_tsan_reader_exit() - tell ThreadSanitizer a reader is leaving
 * its read-side section (TSan builds only; an empty inline otherwise)
 *
 * Pairs with the acquire at the end of synchronize_rcu()/rcu_barrier() and
 * in the call_rcu trampoline.
 *
 * Context: the reader, from rcu_read_unlock().
 */
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

/**
 * synchronize_rcu() - wait for every pre-existing reader to finish
 *
 * Context: sleeps; the caller must not hold a lock that a reader takes
 * inside its read-side section.  Must not be called inside a read-side
 * critical section (WARNs and returns at once if it is).
 */
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

/**
 * call_rcu() - run @func(@head) after a grace period
 * @head: embedded in the object @func will release
 * @func: the callback
 *
 * liburcu's call_rcu() enters a read-side section internally, so it needs
 * a registered caller: an unregistered one is registered around the call.
 *
 * Context: any thread (registered or not), under any lock; does not wait
 * for a grace period (an unregistered caller may block briefly on liburcu's
 * registry lock).  @func runs later on liburcu's call_rcu thread, which is
 * registered, with no lock held.
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

/**
 * rcu_barrier() - wait until every callback queued with call_rcu() so far
 * has run
 *
 * Like call_rcu(), registers an unregistered caller for the duration.
 *
 * Context: sleeps; the caller must not hold a lock a pending callback
 * takes.  Must not be called inside a read-side critical section (WARNs and
 * returns at once if it is).
 */
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

/**
 * __sio_kfree_rcu() - kfree() an object after a grace period (behind
 * kfree_rcu())
 * @head: the rcu_head embedded in the object
 * @offset: offset of @head in the object
 *
 * liburcu hands a callback only the rcu_head, so the offset of the head in
 * its object cannot travel with it (the kernel encodes it in the function
 * pointer).  A small request records the object instead; if even that
 * cannot be allocated, wait for a grace period here, as the kernel's
 * kvfree_rcu() does when it runs out of memory.
 *
 * Context: any thread (see call_rcu()); does not wait for a grace period,
 * except on real out-of-memory (the request is exempt from fail-nth
 * injection), when it waits in place like synchronize_rcu().
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
