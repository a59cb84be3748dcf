/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * RCU: the only header that includes liburcu.  Uses the memb flavour through
 * its flavour-qualified names (urcu_memb_*), never liburcu's renaming macros.
 *
 * EVERY THREAD THAT ENTERS AN RCU READ-SIDE CRITICAL SECTION IS A
 * REGISTERED liburcu READER.  Threads the library makes (sio_kthread_run(),
 * workqueue workers) register explicitly with sio_rcu_register_thread().
 * Any other thread -- a library user's, calling the public API -- is
 * registered by its first rcu_read_lock() and unregistered when it exits
 * (a pthread key destructor), so the public API asks nothing of its
 * callers.  The hot path stays one thread-local test.
 *
 * Kernel counterpart: include/linux/rcupdate.h
 */
#ifndef SIO_BASE_RCU_H
#define SIO_BASE_RCU_H

#include <urcu/urcu-memb.h>
#include <urcu/pointer.h>
#include <urcu/call-rcu.h>
#include "base/types.h"

/*
 * liburcu's unqualified names are macros or functions with other meanings
 * (its own call_rcu()/rcu_barrier()); the kernel-named API below replaces
 * them.  rcu_dereference()/rcu_assign_pointer() are redefined over C11
 * atomics so that ThreadSanitizer sees the publish/subscribe ordering
 * (liburcu's versions are opaque library calls).
 */
#undef rcu_dereference
#undef rcu_assign_pointer
#undef rcu_set_pointer
#undef call_rcu
#undef rcu_barrier
#undef synchronize_rcu
#undef rcu_read_lock
#undef rcu_read_unlock

/* liburcu's struct rcu_head: { next; func }.  Embed it like the kernel's. */

extern __thread int sio_rcu_registered;
extern __thread int sio_rcu_nesting;

/* Fatal: @func ran on a thread that could not be registered. */
void __sio_rcu_unregistered(const char *func) __attribute__((noreturn));
/*
 * Slow path of rcu_read_lock() on a thread not registered by us: adopts
 * liburcu's own call_rcu thread (registered by liburcu), else registers
 * the thread until it exits.
 */
void __sio_rcu_read_lock_unregistered(const char *func);

#if defined(__SANITIZE_THREAD__)
/* ThreadSanitizer: make "reader left" -> "grace period ended" visible. */
void __sio_rcu_tsan_reader_exit(void);
#else
static inline void __sio_rcu_tsan_reader_exit(void)
{
}
#endif

/*
 * Make the calling thread an RCU reader / undo it; counted, so calls nest.
 * For threads the library makes, which register for their whole life.
 * Context: the thread itself, outside any read-side critical section.
 */
void sio_rcu_register_thread(void);
void sio_rcu_unregister_thread(void);
/* Threads registered right now (tests).  Context: any. */
long sio_rcu_registered_threads(void);

static inline bool sio_rcu_thread_registered(void)
{
	return sio_rcu_registered > 0;
}

static inline void rcu_read_lock(void)
{
	if (unlikely(!sio_rcu_registered))
		__sio_rcu_read_lock_unregistered(__func__);
	sio_rcu_nesting++;
	urcu_memb_read_lock();
}

static inline void rcu_read_unlock(void)
{
	sio_rcu_nesting--;
	__sio_rcu_tsan_reader_exit();
	urcu_memb_read_unlock();
}

/* True inside rcu_read_lock() on this thread (for assertions). */
static inline bool rcu_read_lock_held(void)
{
	return sio_rcu_nesting > 0;
}

/*
 * Publish/subscribe.  @p must be an lvalue (a pointer field or variable).
 * rcu_dereference() is an acquire load (a consume, as compilers implement
 * it); rcu_assign_pointer() a release store; RCU_INIT_POINTER() and
 * rcu_access_pointer() relaxed atomics (no ordering, but no data race with
 * concurrent readers).  rcu_dereference_protected() is for the update side,
 * under the lock that serialises writers.
 */
#define rcu_dereference(p) __atomic_load_n(&(p), __ATOMIC_ACQUIRE)
#define rcu_assign_pointer(p, v)                                              \
	do {                                                                  \
		__typeof__(p) __rcu_v = (v);                                  \
		__atomic_store_n(&(p), __rcu_v, __ATOMIC_RELEASE);            \
	} while (0)
#define rcu_dereference_protected(p, c) (p)
#define RCU_INIT_POINTER(p, v)                                                \
	do {                                                                  \
		__typeof__(p) __rcu_v = (v);                                  \
		__atomic_store_n(&(p), __rcu_v, __ATOMIC_RELAXED);            \
	} while (0)
#define rcu_access_pointer(p) __atomic_load_n(&(p), __ATOMIC_RELAXED)

/* Wait for every pre-existing reader; never inside a read-side section. */
void synchronize_rcu(void);

/* Run @func(@head) after a grace period, on liburcu's call_rcu thread. */
void call_rcu(struct rcu_head *head, void (*func)(struct rcu_head *head));

/* Wait until every callback queued with call_rcu() so far has run. */
void rcu_barrier(void);

/* Free the object containing @head after a grace period (through kfree). */
void __sio_kfree_rcu(struct rcu_head *head, size_t offset);
#define kfree_rcu(ptr, field)                                                 \
	__sio_kfree_rcu(&(ptr)->field, offsetof(__typeof__(*(ptr)), field))

#endif /* SIO_BASE_RCU_H */
