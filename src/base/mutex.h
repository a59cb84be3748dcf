/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Sleeping mutexes and spinlocks (both pthread mutexes underneath), checked
 * by lockdep-lite.  Initialise with mutex_init()/spin_lock_init(): the call
 * site is the lock class.
 * Kernel counterpart: include/linux/mutex.h, include/linux/spinlock.h
 */
#ifndef SIO_BASE_MUTEX_H
#define SIO_BASE_MUTEX_H

#include <pthread.h>
#include "base/bug.h"
#include "base/lockdep.h"

struct mutex {
	pthread_mutex_t lock;
	struct lockdep_map dep_map;
	pthread_t owner;	/* valid while owner_valid; for assertions */
	int owner_valid;	/* atomic */
};

/* Kernel-doc for the out-of-line functions in mutex.c. */
void __mutex_init(struct mutex *m, const char *name,
		  const struct lock_class_key *key);

#define mutex_init(m)                                                         \
	do {                                                                  \
		static const struct lock_class_key __key;                     \
		__mutex_init((m), #m, &__key);                                \
	} while (0)

void mutex_destroy(struct mutex *m);

/* Take @m; lockdep checks the order against every lock this thread holds. */
#define mutex_lock(m) __mutex_lock((m), 0, __func__)
/* Take a second lock of the same class: @subclass distinguishes the level. */
#define mutex_lock_nested(m, subclass) __mutex_lock((m), (subclass), __func__)
void __mutex_lock(struct mutex *m, unsigned int subclass, const char *func);

/* Return: 1 if taken, 0 if contended. */
#define mutex_trylock(m) __mutex_trylock((m), __func__)
int __mutex_trylock(struct mutex *m, const char *func);

void mutex_unlock(struct mutex *m);

/* True if any thread holds @m (racy; for assertions). */
bool mutex_is_locked(struct mutex *m);

/* True if the current thread holds @m. */
bool mutex_is_held(struct mutex *m);

/*
 * lockdep_assert_held() - WARN unless the current thread holds the lock.
 * Works on struct mutex and spinlock_t alike.
 */
#define lockdep_assert_held(l) WARN_ON(!lock_is_held(&(l)->dep_map))
#define lockdep_assert_not_held(l)                                            \
	WARN_ON(sio_lockdep_enabled() && lock_is_held(&(l)->dep_map))

/* Spinlocks: short critical sections, never sleep inside. */
typedef struct mutex spinlock_t;

#define spin_lock_init(l)                                                     \
	do {                                                                  \
		static const struct lock_class_key __key;                     \
		__mutex_init((l), #l, &__key);                                \
	} while (0)
#define spin_lock(l) __mutex_lock((l), 0, __func__)
#define spin_unlock(l) mutex_unlock(l)
#define spin_lock_irqsave(l, flags) ((void)(flags), spin_lock(l))
#define spin_unlock_irqrestore(l, flags) ((void)(flags), spin_unlock(l))

/* Scoped helper for the common lock/unlock pair with goto-free early exit. */
#define guard_mutex_cleanup __attribute__((cleanup(__sio_mutex_guard_exit)))
static inline void __sio_mutex_guard_exit(struct mutex **m)
{
	if (*m)
		mutex_unlock(*m);
}

#endif /* SIO_BASE_MUTEX_H */
