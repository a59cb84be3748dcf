/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * refcount_t with the kernel's saturating semantics: increment from zero,
 * overflow and underflow WARN and saturate instead of wrapping, so a
 * use-after-free becomes a leak.
 * Kernel counterpart: include/linux/refcount.h, lib/refcount.c
 */
#ifndef SIO_BASE_REFCOUNT_H
#define SIO_BASE_REFCOUNT_H

#include "base/atomic.h"

typedef struct {
	atomic_t refs;
} refcount_t;

#define REFCOUNT_INIT(n) { ATOMIC_INIT(n) }
#define REFCOUNT_MAX INT_MAX
#define REFCOUNT_SATURATED (INT_MIN / 2)

static inline void refcount_set(refcount_t *r, int n) { atomic_set(&r->refs, n); }
static inline unsigned int refcount_read(const refcount_t *r)
{
	return (unsigned int)atomic_read(&r->refs);
}

/*
 * Kernel-doc in refcount.c.  Increment from 0 WARNs "refcount_t: addition
 * on 0; use-after-free." and saturates.
 */
void refcount_inc(refcount_t *r);
void refcount_add(int i, refcount_t *r);
/* Return: false (and no change) if the count was 0. */
bool __must_check refcount_inc_not_zero(refcount_t *r);
/* Return: true if the count dropped to 0; WARN "underflow" below 0. */
bool __must_check refcount_dec_and_test(refcount_t *r);
/* WARN if this drops the count to 0 (the caller does not expect to free). */
void refcount_dec(refcount_t *r);
/* Return: true, with @lock held, if the count dropped to 0. */
struct mutex;
bool __must_check refcount_dec_and_mutex_lock(refcount_t *r, struct mutex *lock);

#endif /* SIO_BASE_REFCOUNT_H */
