// SPDX-License-Identifier: BSD-3-Clause
/*
 * Mutexes and spinlocks over pthread mutexes, reporting every acquire and
 * release to lockdep-lite.
 * Kernel counterpart: kernel/locking/mutex.c
 */
#include <pthread.h>

#include "base/mutex.h"

/**
 * __mutex_init() - set up an unlocked mutex (behind mutex_init() and
 * spin_lock_init())
 * @m: the mutex
 * @name: printable name for lockdep reports
 * @key: static key of the init site: the lock class
 *
 * Context: any thread; @m must not be in use.  (The leading "__" marks the
 * function behind a macro, not a lock the caller holds.)
 */
void __mutex_init(struct mutex *m, const char *name,
		  const struct lock_class_key *key)
{
	pthread_mutex_init(&m->lock, NULL);
	lockdep_init_map(&m->dep_map, name, key);
	__atomic_store_n(&m->owner_valid, 0, __ATOMIC_RELAXED);
}

/**
 * mutex_destroy() - release an unlocked mutex
 * @m: the mutex; WARNs if some thread still holds it
 *
 * Context: any thread; nobody may take @m any more.
 */
void mutex_destroy(struct mutex *m)
{
	WARN_ON(mutex_is_locked(m));
	pthread_mutex_destroy(&m->lock);
}

/**
 * __mutex_lock() - take a mutex (behind mutex_lock(), mutex_lock_nested()
 * and spin_lock())
 * @m: the mutex
 * @subclass: nesting level for a second lock of @m's class (0 normally)
 * @func: caller's function name, for lockdep reports
 *
 * Lockdep checks the order against every lock this thread holds before
 * blocking, so an inversion is reported rather than hung on.  Taking a
 * mutex this thread already holds is a BUG (the process aborts) when lockdep
 * is on, and a hang when it is off.
 *
 * Context: may sleep; not from an RCU read-side section.  Returns with @m
 * held.
 */
void __mutex_lock(struct mutex *m, unsigned int subclass, const char *func)
{
	/* Without lockdep nothing records holders: no self-deadlock check. */
	bool again = sio_lockdep_enabled() && lock_is_held(&m->dep_map);

	/* Checked before blocking, so an inversion is reported, not hung on. */
	lock_acquire(&m->dep_map, subclass, false, func);
	/*
	 * Taking a mutex this thread already holds would hang forever;
	 * lockdep has reported it, now stop loudly instead.
	 */
	if (again)
		__sio_bug(func, __FILE__, __LINE__,
			  "self-deadlock: mutex already held by this thread");
	pthread_mutex_lock(&m->lock);
	m->owner = pthread_self();
	__atomic_store_n(&m->owner_valid, 1, __ATOMIC_RELEASE);
}

/**
 * __mutex_trylock() - take a mutex if it is free (behind mutex_trylock())
 * @m: the mutex
 * @func: caller's function name, for lockdep reports
 *
 * A successful trylock adds no ordering dependency.
 *
 * Context: any thread; never blocks.
 * Return: 1 if @m is now held by the caller, 0 if it was contended.
 */
int __mutex_trylock(struct mutex *m, const char *func)
{
	if (pthread_mutex_trylock(&m->lock))
		return 0;
	m->owner = pthread_self();
	__atomic_store_n(&m->owner_valid, 1, __ATOMIC_RELEASE);
	lock_acquire(&m->dep_map, 0, true, func);
	return 1;
}

/**
 * mutex_unlock() - release a mutex (also behind spin_unlock())
 * @m: the mutex
 *
 * With lockdep on, unlocking a mutex this thread does not hold is reported
 * ("bad unlock balance") and ignored.
 *
 * Context: the thread that took @m.
 */
void mutex_unlock(struct mutex *m)
{
	/* lock_is_held() is always true with lockdep off: trust the caller. */
	bool mine = lock_is_held(&m->dep_map);

	/* Reports "bad unlock balance" if this thread does not hold it. */
	lock_release(&m->dep_map);
	if (!mine)
		return;
	__atomic_store_n(&m->owner_valid, 0, __ATOMIC_RELAXED);
	pthread_mutex_unlock(&m->lock);
}

/**
 * mutex_is_locked() - is @m held by any thread?
 * @m: the mutex
 *
 * Context: any thread; racy, for assertions only.
 * Return: true if some thread holds @m at the time of the load.
 */
bool mutex_is_locked(struct mutex *m)
{
	return __atomic_load_n(&m->owner_valid, __ATOMIC_RELAXED);
}

/**
 * mutex_is_held() - is @m held by the current thread?
 * @m: the mutex
 *
 * Context: any thread.
 * Return: true if the current thread holds @m; with lockdep off, true if
 * any thread holds it (the best answer without holder records).
 */
bool mutex_is_held(struct mutex *m)
{
	/* With lockdep off, "some thread holds it" is the best answer. */
	if (!sio_lockdep_enabled())
		return mutex_is_locked(m);
	return lock_is_held(&m->dep_map);
}
