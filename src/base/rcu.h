/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * RCU: the only header that includes liburcu.  Uses the memb flavour through
 * its flavour-qualified names (urcu_memb_*), never liburcu's renaming macros.
 *
 * EVERY THREAD THAT ENTERS AN RCU READ-SIDE CRITICAL SECTION MUST BE
 * REGISTERED with sio_rcu_register_thread() first (threads made by
 * sio_kthread_run() and workqueue workers are registered for you).
 * rcu_read_lock() on an unregistered thread is a loud error: it logs and
 * aborts, because with liburcu it would otherwise be a silent race.
 *
 * Kernel counterpart: include/linux/rcupdate.h
 */
#ifndef SIO_BASE_RCU_H
#define SIO_BASE_RCU_H

#include <urcu/urcu-memb.h>
#include <urcu/rcu-pointer.h>
#include <urcu/call-rcu.h>
#include "types.h"

/* liburcu's struct rcu_head: { next; func }.  Embed it like the kernel's. */

extern __thread int sio_rcu_registered;
extern __thread int sio_rcu_nesting;

void __sio_rcu_unregistered(const char *func) __attribute__((noreturn));

/**
 * sio_rcu_register_thread() - make the calling thread an RCU reader
 *
 * Idempotent (nested calls are counted); pair with
 * sio_rcu_unregister_thread() before the thread exits.
 *
 * Context: the thread itself, outside any read-side critical section.
 */
void sio_rcu_register_thread(void);
void sio_rcu_unregister_thread(void);

static inline bool sio_rcu_thread_registered(void)
{
	return sio_rcu_registered > 0;
}

static inline void rcu_read_lock(void)
{
	if (unlikely(!sio_rcu_registered))
		__sio_rcu_unregistered(__func__);
	sio_rcu_nesting++;
	urcu_memb_read_lock();
}

static inline void rcu_read_unlock(void)
{
	sio_rcu_nesting--;
	urcu_memb_read_unlock();
}

/* True inside rcu_read_lock() on this thread (for assertions). */
static inline bool rcu_read_lock_held(void)
{
	return sio_rcu_nesting > 0;
}

/* rcu_dereference() and rcu_assign_pointer() come from urcu/rcu-pointer.h. */
#define rcu_dereference_protected(p, c) (p)
#define RCU_INIT_POINTER(p, v) ((p) = (v))
#define rcu_access_pointer(p) READ_ONCE(p)

/**
 * synchronize_rcu() - wait for every pre-existing reader to finish
 *
 * Context: may sleep; must not be called inside a read-side critical
 * section (WARNs and returns if it is).
 */
void synchronize_rcu(void);

/**
 * call_rcu() - run @func(@head) after a grace period
 *
 * Context: any thread (registered or not). The callback runs on liburcu's
 * call_rcu thread, which is registered.
 */
void call_rcu(struct rcu_head *head, void (*func)(struct rcu_head *head));

/* Wait until every callback queued with call_rcu() so far has run. */
void rcu_barrier(void);

/* Free the object containing @head after a grace period (through kfree). */
void __sio_kfree_rcu(struct rcu_head *head, size_t offset);
#define kfree_rcu(ptr, field)                                                 \
	__sio_kfree_rcu(&(ptr)->field, offsetof(__typeof__(*(ptr)), field))

#endif /* SIO_BASE_RCU_H */
