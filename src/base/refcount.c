// SPDX-License-Identifier: BSD-3-Clause
/*
 * refcount_t: saturating reference counts.  Misuse WARNs and pins the
 * count at REFCOUNT_SATURATED so that a use-after-free becomes a leak.
 * Kernel counterpart: lib/refcount.c
 */
#include "base/bug.h"
#include "base/mutex.h"
#include "base/refcount.h"

enum refcount_saturation {
	REFCOUNT_ADD_OVF,
	REFCOUNT_ADD_UAF,
	REFCOUNT_SUB_UAF,
	REFCOUNT_DEC_LEAK,
};

static void refcount_warn_saturate(refcount_t *r, enum refcount_saturation t)
{
	refcount_set(r, REFCOUNT_SATURATED);
	switch (t) {
	case REFCOUNT_ADD_OVF:
		WARN_ONCE(1, "refcount_t: saturated; leaking memory.");
		break;
	case REFCOUNT_ADD_UAF:
		WARN_ONCE(1, "refcount_t: addition on 0; use-after-free.");
		break;
	case REFCOUNT_SUB_UAF:
		WARN_ONCE(1, "refcount_t: underflow; use-after-free.");
		break;
	case REFCOUNT_DEC_LEAK:
		WARN_ONCE(1, "refcount_t: decrement hit 0; leaking memory.");
		break;
	}
}

/**
 * refcount_add() - add @i references
 * @i: references to add (positive)
 * @r: the count
 *
 * Adding to a count of 0 WARNs "addition on 0; use-after-free" and
 * overflowing WARNs "saturated"; both pin the count at %REFCOUNT_SATURATED.
 * Relaxed ordering, as in the kernel: taking a reference orders nothing.
 *
 * Context: any thread, under any lock; lock-free.
 */
void refcount_add(int i, refcount_t *r)
{
	int old = atomic_fetch_add_explicit(&r->refs.counter, i,
					    memory_order_relaxed);
	int sum;

	if (unlikely(!old))
		refcount_warn_saturate(r, REFCOUNT_ADD_UAF);
	else if (unlikely(old < 0 || __builtin_add_overflow(old, i, &sum) ||
			  sum < 0))
		refcount_warn_saturate(r, REFCOUNT_ADD_OVF);
}

/**
 * refcount_inc() - take one reference
 * @r: the count; must not be 0 (see refcount_add())
 *
 * Context: any thread, under any lock; lock-free.
 */
void refcount_inc(refcount_t *r)
{
	refcount_add(1, r);
}

/**
 * refcount_inc_not_zero() - take a reference unless the object is dying
 * @r: the count
 *
 * For lookups that find objects whose last reference may be going away
 * concurrently (under RCU or a lookup lock).
 *
 * Context: any thread, under any lock; lock-free.
 * Return: true if a reference was taken, false (and no change) if the count
 * was 0.
 */
bool refcount_inc_not_zero(refcount_t *r)
{
	int old = atomic_read(&r->refs);

	do {
		if (!old)
			return false;
	} while (!atomic_compare_exchange_weak_explicit(&r->refs.counter, &old,
							old + 1,
							memory_order_relaxed,
							memory_order_relaxed));
	if (unlikely(old < 0 || old == INT_MAX))
		refcount_warn_saturate(r, REFCOUNT_ADD_OVF);
	return true;
}

/**
 * refcount_dec_and_test() - drop a reference and tell whether it was the last
 * @r: the count
 *
 * Orders the caller's earlier accesses before the drop and, for the last
 * one, everything other holders did before theirs before the caller's
 * release of the object.  Dropping below 0 WARNs "underflow" and saturates.
 *
 * Context: any thread, under any lock; lock-free.
 * Return: true if the count dropped to 0 (the caller frees the object).
 */
bool refcount_dec_and_test(refcount_t *r)
{
	/*
	 * acq_rel rather than release + an acquire fence on the last drop:
	 * the same ordering, but ThreadSanitizer does not model fences and
	 * would report every last-reference free as a race.
	 */
	int old = atomic_fetch_sub_explicit(&r->refs.counter, 1,
					    memory_order_acq_rel);

	if (old == 1)
		return true;
	if (unlikely(old <= 0))
		refcount_warn_saturate(r, REFCOUNT_SUB_UAF);
	return false;
}

/**
 * refcount_dec() - drop a reference that is known not to be the last
 * @r: the count
 *
 * Dropping to 0 (or below) WARNs "decrement hit 0; leaking memory" and
 * saturates: the caller never frees, so the object leaks.
 *
 * Context: any thread, under any lock; lock-free.
 */
void refcount_dec(refcount_t *r)
{
	int old = atomic_fetch_sub_explicit(&r->refs.counter, 1,
					    memory_order_release);

	if (unlikely(old <= 1))
		refcount_warn_saturate(r, REFCOUNT_DEC_LEAK);
}

/* Decrement unless the count is 1.  Return: true if it decremented. */
static bool refcount_dec_not_one(refcount_t *r)
{
	int old = atomic_read(&r->refs);

	do {
		if (unlikely(old == REFCOUNT_SATURATED))
			return true;
		if (old == 1)
			return false;
		if (unlikely(old <= 0)) {
			refcount_warn_saturate(r, REFCOUNT_SUB_UAF);
			return true;
		}
	} while (!atomic_compare_exchange_weak_explicit(&r->refs.counter, &old,
							old - 1,
							memory_order_release,
							memory_order_relaxed));
	return true;
}

/**
 * refcount_dec_and_mutex_lock() - drop a reference; if it is the last one,
 * return with @lock held
 * @r: the count
 * @lock: the lock that guards lookups of the object
 *
 * Drops without the lock while other references remain; only a likely last
 * drop takes @lock, so a lookup under @lock cannot revive the object.
 *
 * Context: may sleep (takes @lock); the caller must not hold @lock.
 * Return: true, with @lock held, if the count dropped to 0; false, without
 * @lock, otherwise.
 */
bool refcount_dec_and_mutex_lock(refcount_t *r, struct mutex *lock)
{
	if (refcount_dec_not_one(r))
		return false;
	mutex_lock(lock);
	if (!refcount_dec_and_test(r)) {
		mutex_unlock(lock);
		return false;
	}
	return true;
}
