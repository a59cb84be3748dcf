// SPDX-License-Identifier: BSD-3-Clause
/*
 * Mutexes and spinlocks over pthread mutexes, reporting every acquire and
 * release to lockdep-lite.
 * Kernel counterpart: kernel/locking/mutex.c
 */
#include <pthread.h>

#include "base/mutex.h"

void __mutex_init(struct mutex *m, const char *name,
		  const struct lock_class_key *key)
{
	pthread_mutex_init(&m->lock, NULL);
	lockdep_init_map(&m->dep_map, name, key);
	__atomic_store_n(&m->owner_valid, 0, __ATOMIC_RELAXED);
}

void mutex_destroy(struct mutex *m)
{
	WARN_ON(mutex_is_locked(m));
	pthread_mutex_destroy(&m->lock);
}

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

int __mutex_trylock(struct mutex *m, const char *func)
{
	if (pthread_mutex_trylock(&m->lock))
		return 0;
	m->owner = pthread_self();
	__atomic_store_n(&m->owner_valid, 1, __ATOMIC_RELEASE);
	lock_acquire(&m->dep_map, 0, true, func);
	return 1;
}

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

bool mutex_is_locked(struct mutex *m)
{
	return __atomic_load_n(&m->owner_valid, __ATOMIC_RELAXED);
}

bool mutex_is_held(struct mutex *m)
{
	/* With lockdep off, "some thread holds it" is the best answer. */
	if (!sio_lockdep_enabled())
		return mutex_is_locked(m);
	return lock_is_held(&m->dep_map);
}
