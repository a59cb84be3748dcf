/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * lockdep-lite: lock classes keyed by their init site, a per-thread stack of
 * held locks, a global "B taken while holding A" graph, and a WARN with both
 * chains on the first inversion.
 * Kernel counterpart: kernel/locking/lockdep.c
 */
#ifndef SIO_BASE_LOCKDEP_H
#define SIO_BASE_LOCKDEP_H

#include "base/types.h"

/* One static key per lock-init call site; its address identifies the class. */
struct lock_class_key {
	char dummy;
};

/* What every tracked lock embeds. */
struct lockdep_map {
	const struct lock_class_key *key;
	const char *name;	/* "&group->mutex" style, from the init site */
	int class_id;		/* assigned lazily on first acquire; 0 = none */
};

#define SIO_LOCKDEP_MAX_HELD 48

/**
 * lockdep_init_map() - bind a lock to its class
 * @map: the lock's map
 * @name: printable name
 * @key: static key of the init site
 *
 * Context: any.
 */
void lockdep_init_map(struct lockdep_map *map, const char *name,
		      const struct lock_class_key *key);

/**
 * lock_acquire() - record that the current thread is taking a lock
 * @map: the lock
 * @subclass: nesting level for locks of one class taken together (0 normally)
 * @trylock: a trylock that succeeded; adds no ordering dependency
 * @ip_func: function name of the caller, for reports
 *
 * Checks, in order: the class is already held by this thread at the same
 * subclass (recursive locking, WARN), and taking it now closes a cycle in
 * the dependency graph (inversion, WARN with the two chains).  A report is
 * raised once per offending pair; after the first report the checker keeps
 * recording held locks but stops adding dependencies.
 *
 * Context: any thread; takes the lockdep graph lock (internal, untracked).
 */
void lock_acquire(struct lockdep_map *map, unsigned int subclass, bool trylock,
		  const char *ip_func);

/* Record a release; WARNs if the lock is not held by this thread. */
void lock_release(struct lockdep_map *map);

/* True iff the current thread holds @map. */
bool lock_is_held(const struct lockdep_map *map);

/* Number of lockdep reports (inversions, recursion, bad unlock) so far. */
unsigned long sio_lockdep_reports(void);

/* Forget the graph and the report count (tests; no lock may be held). */
void sio_lockdep_reset(void);

/**
 * sio_lockdep_set_enabled() - turn the checker on (default) or off
 * @on: false makes lock_acquire/lock_release no-ops and lockdep_assert_held
 *      always true, like a kernel built without CONFIG_PROVE_LOCKING; used by
 *      benchmarks to measure production lock costs.
 *
 * Context: only while no thread holds a tracked lock (the held-lock stacks
 * would go out of step otherwise).
 */
void sio_lockdep_set_enabled(bool on);
bool sio_lockdep_enabled(void);

/* Number of locks the current thread holds. */
int sio_lockdep_depth(void);

/* WARN if the current thread holds any lock (e.g. on return to user). */
void lockdep_assert_none_held(void);

#endif /* SIO_BASE_LOCKDEP_H */
