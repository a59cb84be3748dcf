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

/* Bind a lock to its class (kernel-doc for this API in lockdep.c). */
void lockdep_init_map(struct lockdep_map *map, const char *name,
		      const struct lock_class_key *key);

/* Record a lock being taken; WARNs on recursion or an order inversion. */
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

/* Turn the checker on (default) or off; only while no tracked lock is held. */
void sio_lockdep_set_enabled(bool on);
bool sio_lockdep_enabled(void);

/* Number of locks the current thread holds. */
int sio_lockdep_depth(void);

/* WARN if the current thread holds any lock (e.g. on return to user). */
void lockdep_assert_none_held(void);

#endif /* SIO_BASE_LOCKDEP_H */
