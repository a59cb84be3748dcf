// SPDX-License-Identifier: BSD-3-Clause
/*
 * lockdep-lite: lock classes (init-site key + subclass), the per-thread
 * stack of held locks, and the global "taken while holding" graph checked
 * for cycles on every new dependency.
 * Kernel counterpart: kernel/locking/lockdep.c
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "base/bug.h"
#include "base/lockdep.h"
#include "base/log.h"

#define LOCKDEP_MAX_CLASSES	1024
#define LOCKDEP_WORDS		(LOCKDEP_MAX_CLASSES / 64)
#define LOCKDEP_HASH		2048	/* power of two, > MAX_CLASSES */
#define LOCKDEP_MSG		2048

struct lock_class {
	const struct lock_class_key *key;
	unsigned int subclass;
	char name[64];
};

/*
 * graph_lock protects the class table, the hash and the dependency
 * bitmaps' writers.  Internal and untracked; nothing is taken inside it
 * (reports are logged after it is dropped).  Bits of dep_graph are read
 * without it (atomically) on the fast path.
 */
static pthread_mutex_t graph_lock = PTHREAD_MUTEX_INITIALIZER;
static struct lock_class classes[LOCKDEP_MAX_CLASSES + 1];	/* 1-based */
static unsigned int nr_classes;
static unsigned short class_hash[LOCKDEP_HASH];	/* class id or 0 */
/* dep_graph[a] bit b: class b was taken while class a was held. */
static u64 dep_graph[LOCKDEP_MAX_CLASSES + 1][LOCKDEP_WORDS];
static bool graph_off;		/* atomic: set by the first inversion */
static bool classes_full;	/* warned about the class table */
static unsigned long nr_reports;	/* atomic */
static bool lockdep_disabled;	/* atomic: sio_lockdep_set_enabled(false) */

struct held_lock {
	const struct lockdep_map *map;
	unsigned int class_id;
	bool trylock;
	const char *func;
};

static __thread struct held_lock held[SIO_LOCKDEP_MAX_HELD];
static __thread int held_depth;
/* Locks taken beyond SIO_LOCKDEP_MAX_HELD are not tracked; count them. */
static __thread int held_overflow;

/**
 * lockdep_init_map() - bind a lock to its class
 * @map: the lock's map
 * @name: printable name ("&group->mutex")
 * @key: static key of the init site; NULL makes @map its own class
 *
 * The class id is looked up lazily on the first acquire.
 *
 * Context: any thread; @map must not be held.
 */
void lockdep_init_map(struct lockdep_map *map, const char *name,
		      const struct lock_class_key *key)
{
	map->key = key;
	map->name = name;
	__atomic_store_n(&map->class_id, 0, __ATOMIC_RELAXED);
}

static unsigned int hash_slot(const void *key, unsigned int subclass)
{
	unsigned long h = (unsigned long)key * 0x9e3779b97f4a7c15UL;

	return (unsigned int)((h >> 40) ^ subclass * 2654435761u) &
	       (LOCKDEP_HASH - 1);
}

/* Find or make the class of (@map's key, @subclass).  Return 0 if full. */
static unsigned int class_lookup(const struct lockdep_map *map,
				 unsigned int subclass)
{
	const struct lock_class_key *key = map->key;
	unsigned int slot, id;
	struct lock_class *c;

	/* A map without a key (not initialised by an init site) is its own class. */
	if (!key)
		key = (const struct lock_class_key *)map;
	pthread_mutex_lock(&graph_lock);
	for (slot = hash_slot(key, subclass);; slot = (slot + 1) & (LOCKDEP_HASH - 1)) {
		id = class_hash[slot];
		if (!id)
			break;
		if (classes[id].key == key && classes[id].subclass == subclass)
			goto out;
	}
	if (nr_classes >= LOCKDEP_MAX_CLASSES) {
		id = 0;
		goto out;
	}
	id = ++nr_classes;
	c = &classes[id];
	c->key = key;
	c->subclass = subclass;
	if (subclass)
		snprintf(c->name, sizeof(c->name), "%s/%u",
			 map->name ? map->name : "?", subclass);
	else
		snprintf(c->name, sizeof(c->name), "%s",
			 map->name ? map->name : "?");
	class_hash[slot] = (unsigned short)id;
out:
	pthread_mutex_unlock(&graph_lock);
	return id;
}

static unsigned int map_class(struct lockdep_map *map, unsigned int subclass)
{
	unsigned int id;

	if (subclass == 0) {
		id = (unsigned int)__atomic_load_n(&map->class_id, __ATOMIC_RELAXED);
		if (id)
			return id;
	}
	id = class_lookup(map, subclass);
	if (subclass == 0 && id)
		__atomic_store_n(&map->class_id, (int)id, __ATOMIC_RELAXED);
	if (!id && !__atomic_exchange_n(&classes_full, true, __ATOMIC_RELAXED))
		sio_printk(SIO_LOGLEVEL_WARNING,
			   "lockdep: too many lock classes, checking disabled for new ones");
	return id;
}

static bool dep_test(unsigned int a, unsigned int b)
{
	return __atomic_load_n(&dep_graph[a][b / 64], __ATOMIC_RELAXED) &
	       (1ULL << (b % 64));
}

/*
 * Breadth-first search for a path @from -> ... -> @to.  Fills @path (class
 * ids, @from first, @to last) and returns its length, or 0 if none.
 * Caller holds graph_lock.
 */
static int dep_find_path(unsigned int from, unsigned int to,
			 unsigned int *path)
{
	static unsigned short parent[LOCKDEP_MAX_CLASSES + 1];
	static unsigned short queue[LOCKDEP_MAX_CLASSES + 1];
	static u64 seen[LOCKDEP_WORDS + 1];
	unsigned int head = 0, tail = 0, cur, w, n, len, i;
	u64 bits;

	memset(seen, 0, sizeof(seen));
	queue[tail++] = (unsigned short)from;
	seen[from / 64] |= 1ULL << (from % 64);
	parent[from] = 0;
	while (head < tail) {
		cur = queue[head++];
		for (w = 0; w < LOCKDEP_WORDS; w++) {
			bits = dep_graph[cur][w] & ~seen[w];
			while (bits) {
				n = w * 64 + (unsigned int)__builtin_ctzll(bits);
				bits &= bits - 1;
				seen[n / 64] |= 1ULL << (n % 64);
				parent[n] = (unsigned short)cur;
				if (n == to)
					goto found;
				queue[tail++] = (unsigned short)n;
			}
		}
	}
	return 0;
found:
	len = 0;
	for (n = to; n != from; n = parent[n])
		len++;
	len++;
	for (i = len, n = to; i > 0; n = parent[n])
		path[--i] = n;
	return (int)len;
}

static void report(const char *what, const char *msg)
{
	static struct sio_warn_site site_inversion = {
		"lock_acquire", __FILE__, __LINE__, 0, NULL, 0 };
	static struct sio_warn_site site_recursion = {
		"lock_acquire", __FILE__, __LINE__, 0, NULL, 0 };
	static struct sio_warn_site site_unlock = {
		"lock_release", __FILE__, __LINE__, 0, NULL, 0 };
	static struct sio_warn_site site_other = {
		"lockdep", __FILE__, __LINE__, 0, NULL, 0 };
	struct sio_warn_site *site = &site_other;

	if (strstr(what, "circular"))
		site = &site_inversion;
	else if (strstr(what, "recursive"))
		site = &site_recursion;
	else if (strstr(what, "unlock"))
		site = &site_unlock;
	__atomic_fetch_add(&nr_reports, 1, __ATOMIC_RELAXED);
	__sio_warn(site, false, NULL, "%s\n%s", what, msg);
}

static int held_list(char *buf, size_t size)
{
	int i, off = 0;

	for (i = 0; i < held_depth && (size_t)off < size; i++)
		off += snprintf(buf + off, size - (size_t)off,
				"\n #%d: %s%s, taken in %s()", i,
				classes[held[i].class_id].name,
				held[i].trylock ? " (trylock)" : "",
				held[i].func ? held[i].func : "?");
	return off;
}

/*
 * Add the dependency @a -> @b (@b taken while @a held) unless it closes a
 * cycle.  Return: false and fill @msg with both chains if it does.
 */
static bool dep_add(unsigned int a, unsigned int b, const char *func,
		    char *msg, size_t size)
{
	unsigned int path[LOCKDEP_MAX_CLASSES + 1];
	int len, i, off;

	if (dep_test(a, b))
		return true;
	pthread_mutex_lock(&graph_lock);
	if (__atomic_load_n(&graph_off, __ATOMIC_RELAXED) || dep_test(a, b)) {
		pthread_mutex_unlock(&graph_lock);
		return true;
	}
	len = dep_find_path(b, a, path);
	if (!len) {
		__atomic_fetch_or(&dep_graph[a][b / 64], 1ULL << (b % 64),
				  __ATOMIC_RELAXED);
		pthread_mutex_unlock(&graph_lock);
		return true;
	}
	__atomic_store_n(&graph_off, true, __ATOMIC_RELAXED);
	off = snprintf(msg, size,
		       "%s() is trying to acquire lock %s\nbut already holds lock %s,\nwhich depends on the new lock.\nexisting dependency chain: ",
		       func ? func : "?", classes[b].name, classes[a].name);
	for (i = 0; i < len && (size_t)off < size; i++)
		off += snprintf(msg + off, size - (size_t)off, "%s%s",
				i ? " -> " : "", classes[path[i]].name);
	if ((size_t)off < size)
		off += snprintf(msg + off, size - (size_t)off,
				"\nnew dependency: %s -> %s\nlocks held:",
				classes[a].name, classes[b].name);
	pthread_mutex_unlock(&graph_lock);
	if ((size_t)off < size)
		held_list(msg + off, size - (size_t)off);
	return false;
}

/**
 * lock_acquire() - record that the current thread is taking a lock
 * @map: the lock
 * @subclass: nesting level for locks of one class taken together (0 normally)
 * @trylock: a trylock that succeeded; adds no ordering dependency
 * @ip_func: function name of the caller, for reports
 *
 * Checks, in order: the class is already held by this thread at the same
 * subclass (recursive locking, WARN), and taking it now closes a cycle in
 * the dependency graph (inversion, WARN with the two chains).  After the
 * first inversion the checker keeps recording held locks but stops adding
 * dependencies.  A no-op while the checker is disabled.
 *
 * Context: any thread, before or after the real acquisition; takes the
 * lockdep graph lock (internal, untracked, a leaf) when it meets a new class
 * or dependency, and the log lock to report.
 */
void lock_acquire(struct lockdep_map *map, unsigned int subclass, bool trylock,
		  const char *ip_func)
{
	char msg[LOCKDEP_MSG];
	unsigned int id;
	int i, off;

	if (__atomic_load_n(&lockdep_disabled, __ATOMIC_RELAXED))
		return;
	id = map_class(map, subclass);
	if (id && !trylock) {
		for (i = 0; i < held_depth; i++) {
			if (held[i].class_id != id)
				continue;
			off = snprintf(msg, sizeof(msg),
				       "%s() is trying to acquire lock %s\nbut already holds a lock of the same class (taken in %s()).\nlocks held:",
				       ip_func ? ip_func : "?", classes[id].name,
				       held[i].func ? held[i].func : "?");
			held_list(msg + off, sizeof(msg) - (size_t)off);
			report("possible recursive locking detected", msg);
			break;
		}
		for (i = 0; i < held_depth; i++) {
			if (!held[i].class_id || held[i].class_id == id)
				continue;
			if (!dep_add(held[i].class_id, id, ip_func, msg,
				     sizeof(msg))) {
				report("possible circular locking dependency detected",
				       msg);
				break;
			}
		}
	}
	if (held_depth >= SIO_LOCKDEP_MAX_HELD) {
		if (!held_overflow++)
			sio_printk(SIO_LOGLEVEL_WARNING,
				   "lockdep: more than %d locks held, not tracking %s",
				   SIO_LOCKDEP_MAX_HELD, map->name);
		return;
	}
	held[held_depth].map = map;
	held[held_depth].class_id = id;
	held[held_depth].trylock = trylock;
	held[held_depth].func = ip_func;
	held_depth++;
}

/**
 * lock_release() - record that the current thread released a lock
 * @map: the lock
 *
 * Locks may be released in any order.  Releasing a lock this thread does
 * not hold is reported ("bad unlock balance") with a WARN.
 *
 * Context: the thread that took the lock; takes no lock except the log
 * lock to report.
 */
void lock_release(struct lockdep_map *map)
{
	char msg[LOCKDEP_MSG];
	int i, off;

	if (__atomic_load_n(&lockdep_disabled, __ATOMIC_RELAXED))
		return;
	for (i = held_depth - 1; i >= 0; i--) {
		if (held[i].map != map)
			continue;
		memmove(&held[i], &held[i + 1],
			(size_t)(held_depth - i - 1) * sizeof(held[0]));
		held_depth--;
		return;
	}
	if (held_overflow) {
		held_overflow--;
		return;
	}
	off = snprintf(msg, sizeof(msg),
		       "releasing lock %s that this thread does not hold.\nlocks held:",
		       map->name ? map->name : "?");
	held_list(msg + off, sizeof(msg) - (size_t)off);
	report("bad unlock balance detected", msg);
}

/**
 * lock_is_held() - does the current thread hold @map? (lockdep_assert_held())
 * @map: the lock
 *
 * Context: any thread; only looks at the thread's own held-lock stack.
 * Return: true if the current thread holds @map, and always true while the
 * checker is disabled (as upstream without lockdep).
 */
bool lock_is_held(const struct lockdep_map *map)
{
	int i;

	/* Without lockdep, lockdep_assert_held() checks nothing (as upstream). */
	if (__atomic_load_n(&lockdep_disabled, __ATOMIC_RELAXED))
		return true;

	for (i = 0; i < held_depth; i++)
		if (held[i].map == map)
			return true;
	return false;
}

/**
 * sio_lockdep_reports() - lockdep reports made since the last reset
 *
 * Context: any thread; a relaxed snapshot.
 * Return: the number of inversions, recursions and bad unlocks reported.
 */
unsigned long sio_lockdep_reports(void)
{
	return __atomic_load_n(&nr_reports, __ATOMIC_RELAXED);
}

/**
 * sio_lockdep_reset() - forget the dependency graph and the report count
 *
 * Re-enables dependency tracking after an inversion.  Lock classes and the
 * threads' held-lock stacks are kept.
 *
 * Context: tests, between cases; takes the graph lock.  No thread should
 * be taking tracked locks meanwhile, or their dependencies may survive.
 */
void sio_lockdep_reset(void)
{
	unsigned int i, w;

	pthread_mutex_lock(&graph_lock);
	for (i = 0; i <= LOCKDEP_MAX_CLASSES; i++)
		for (w = 0; w < LOCKDEP_WORDS; w++)
			__atomic_store_n(&dep_graph[i][w], 0, __ATOMIC_RELAXED);
	__atomic_store_n(&graph_off, false, __ATOMIC_RELAXED);
	__atomic_store_n(&nr_reports, 0, __ATOMIC_RELAXED);
	pthread_mutex_unlock(&graph_lock);
}

/**
 * sio_lockdep_depth() - number of tracked locks the current thread holds
 *
 * Context: any thread.
 * Return: the depth of the thread's held-lock stack (locks taken beyond
 * %SIO_LOCKDEP_MAX_HELD are not counted).
 */
int sio_lockdep_depth(void)
{
	return held_depth;
}

/**
 * lockdep_assert_none_held() - WARN if the current thread holds any lock
 *
 * For points where no lock may be held, such as the return to the library
 * user.  The WARN lists the locks held.
 *
 * Context: any thread.
 */
void lockdep_assert_none_held(void)
{
	char msg[LOCKDEP_MSG];

	if (!held_depth)
		return;
	held_list(msg, sizeof(msg));
	WARN(1, "lock held when returning to user space:%s", msg);
}

/**
 * sio_lockdep_set_enabled() - turn the checker on (default) or off
 * @on: false makes lock_acquire/lock_release no-ops and lockdep_assert_held
 *      always true, like a kernel built without CONFIG_PROVE_LOCKING; used by
 *      benchmarks to measure production lock costs.
 *
 * Context: only while no thread holds a tracked lock (the held-lock stacks
 * would go out of step otherwise).
 */
void sio_lockdep_set_enabled(bool on)
{
	__atomic_store_n(&lockdep_disabled, !on, __ATOMIC_RELAXED);
}

/**
 * sio_lockdep_enabled() - is the checker on?
 *
 * Context: any thread.
 * Return: false after sio_lockdep_set_enabled(false), true otherwise.
 */
bool sio_lockdep_enabled(void)
{
	return !__atomic_load_n(&lockdep_disabled, __ATOMIC_RELAXED);
}
