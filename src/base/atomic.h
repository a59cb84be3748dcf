/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Kernel-style atomic_t over C11 atomics (sequentially consistent unless the
 * name says otherwise).
 * Kernel counterpart: include/linux/atomic.h
 */
#ifndef SIO_BASE_ATOMIC_H
#define SIO_BASE_ATOMIC_H

#include <stdatomic.h>
#include "base/types.h"

typedef struct {
	_Atomic int counter;
} atomic_t;

typedef struct {
	_Atomic long counter;
} atomic_long_t;

#define ATOMIC_INIT(i) { (i) }

static inline int atomic_read(const atomic_t *v)
{
	return atomic_load_explicit(&((atomic_t *)v)->counter, memory_order_relaxed);
}
static inline void atomic_set(atomic_t *v, int i)
{
	atomic_store_explicit(&v->counter, i, memory_order_relaxed);
}
static inline void atomic_inc(atomic_t *v) { atomic_fetch_add(&v->counter, 1); }
static inline void atomic_dec(atomic_t *v) { atomic_fetch_sub(&v->counter, 1); }
static inline int atomic_inc_return(atomic_t *v) { return atomic_fetch_add(&v->counter, 1) + 1; }
static inline int atomic_dec_return(atomic_t *v) { return atomic_fetch_sub(&v->counter, 1) - 1; }
static inline bool atomic_dec_and_test(atomic_t *v) { return atomic_dec_return(v) == 0; }
static inline int atomic_add_return(int i, atomic_t *v) { return atomic_fetch_add(&v->counter, i) + i; }
static inline int atomic_xchg(atomic_t *v, int n) { return atomic_exchange(&v->counter, n); }
static inline int atomic_cmpxchg(atomic_t *v, int old, int n)
{
	atomic_compare_exchange_strong(&v->counter, &old, n);
	return old;
}

static inline long atomic_long_read(const atomic_long_t *v)
{
	return atomic_load_explicit(&((atomic_long_t *)v)->counter, memory_order_relaxed);
}
static inline void atomic_long_set(atomic_long_t *v, long i)
{
	atomic_store_explicit(&v->counter, i, memory_order_relaxed);
}
static inline long atomic_long_inc_return(atomic_long_t *v) { return atomic_fetch_add(&v->counter, 1) + 1; }
static inline long atomic_long_dec_return(atomic_long_t *v) { return atomic_fetch_sub(&v->counter, 1) - 1; }
static inline long atomic_long_add_return(long i, atomic_long_t *v) { return atomic_fetch_add(&v->counter, i) + i; }

#define smp_mb() atomic_thread_fence(memory_order_seq_cst)
#define smp_wmb() atomic_thread_fence(memory_order_release)
#define smp_rmb() atomic_thread_fence(memory_order_acquire)
#define smp_store_release(p, v) atomic_store_explicit((_Atomic __typeof__(*(p)) *)(p), (v), memory_order_release)
#define smp_load_acquire(p) atomic_load_explicit((_Atomic __typeof__(*(p)) *)(p), memory_order_acquire)

#endif /* SIO_BASE_ATOMIC_H */
