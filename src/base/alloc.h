/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The project allocator: every allocation goes through it so tests can
 * inject failures (fail-nth, per thread, as /proc/self/task/<tid>/fail-nth)
 * and count live objects (leaks) at teardown.
 * Kernel counterpart: include/linux/slab.h, lib/fault-inject.c
 */
#ifndef SIO_BASE_ALLOC_H
#define SIO_BASE_ALLOC_H

#include "base/types.h"

/* The allocator behind the kmalloc() family (kernel-doc in alloc.c). */
void *sio_kmalloc(size_t size, gfp_t gfp, const char *site);
void *sio_krealloc(void *p, size_t size, gfp_t gfp, const char *site);
void sio_kfree(const void *p);

#define kmalloc(size, gfp) sio_kmalloc((size), (gfp), __func__)
#define kzalloc(size, gfp) sio_kmalloc((size), (gfp) | __GFP_ZERO, __func__)
/* Overflow-checked array allocation (a function, so any count type works). */
static inline void *sio_kcalloc(size_t n, size_t size, gfp_t gfp,
				const char *site)
{
	size_t bytes;

	if (__builtin_mul_overflow(n, size, &bytes))
		return NULL;
	return sio_kmalloc(bytes, gfp | __GFP_ZERO, site);
}
#define kcalloc(n, size, gfp) sio_kcalloc((n), (size), (gfp), __func__)
#define krealloc(p, size, gfp) sio_krealloc((p), (size), (gfp), __func__)
#define kfree(p) sio_kfree(p)
char *sio_kstrdup(const char *s, gfp_t gfp, const char *site);
#define kstrdup(s, gfp) sio_kstrdup((s), (gfp), __func__)
char *sio_kasprintf(gfp_t gfp, const char *site, const char *fmt, ...)
	__printf(3, 4);
#define kasprintf(gfp, fmt, ...) sio_kasprintf((gfp), __func__, fmt, ##__VA_ARGS__)

/* Allocations that never fail-inject (test scaffolding, the log itself). */
void *sio_kmalloc_nofail_inject(size_t size, gfp_t gfp, const char *site);

/* Make the @n-th allocation from now on this thread fail (0: off). */
void sio_fail_nth_set(unsigned int n);

/* For allocators outside alloc.c, so they take part in fail-nth sweeps. */
bool sio_fail_nth_should_fail(gfp_t gfp);

/* True once an armed injection has fired (reset by sio_fail_nth_set()). */
bool sio_fail_nth_fired(void);

/* Allocations attempted on this thread since the last sio_fail_nth_set(). */
unsigned long sio_fail_nth_calls(void);

/*
 * The site (the caller's function) of the allocation the armed injection
 * failed; NULL if it has not fired or the allocator named no site.
 */
const char *sio_fail_nth_site(void);

/* Live objects (allocated and not freed) in the whole process. */
long sio_alloc_live(void);
/* Total allocations ever made (successful). */
unsigned long sio_alloc_total(void);

/*
 * Record allocation sites of live objects so that sio_alloc_report_leaks()
 * can name them.  Off by default (costs a lock per allocation); the test
 * harness turns it on.
 */
void sio_alloc_track_sites(bool on);

/* Log live objects allocated after @since_total; returns their number. */
long sio_alloc_report_leaks(unsigned long since_total);

#endif /* SIO_BASE_ALLOC_H */
