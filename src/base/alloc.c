// SPDX-License-Identifier: BSD-3-Clause
/*
 * The project allocator: malloc with a header that lets kfree() catch
 * double and foreign frees, per-thread fail-nth injection, live/total
 * counts and (optionally) a list of live objects for leak reports.
 * Kernel counterpart: mm/slab_common.c, lib/fault-inject.c
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "base/bug.h"
#include "base/list.h"
#include "base/log.h"

#define ALLOC_MAGIC_LIVE	0x51de5afe0a110c8dULL
#define ALLOC_MAGIC_FREED	0xdeadf4eedeadf4eeULL

/* Precedes every object; 64 bytes keeps the object 16-byte aligned. */
struct alloc_hdr {
	u64 magic;
	size_t size;
	const char *site;
	unsigned long serial;		/* value of alloc_total when made */
	struct list_head node;		/* on alloc_tracked when tracked */
	unsigned long tracked;
	unsigned long pad;
};

_Static_assert(sizeof(struct alloc_hdr) % 16 == 0, "alloc header alignment");

static long alloc_live;			/* atomic */
static unsigned long alloc_total;	/* atomic */
static bool alloc_tracking;		/* atomic */

/*
 * alloc_track_lock protects alloc_tracked (the list of live objects made
 * while tracking was on).  A leaf: only the log lock is taken inside it.
 */
static pthread_mutex_t alloc_track_lock = PTHREAD_MUTEX_INITIALIZER;
static LIST_HEAD(alloc_tracked);

/* Fail-nth state of this thread. */
static __thread unsigned int fail_nth;		/* countdown; 0 = off */
static __thread bool fail_nth_did_fire;
static __thread unsigned long fail_nth_ncalls;
static __thread const char *fail_nth_failed_site;

static inline struct alloc_hdr *to_hdr(const void *p)
{
	return (struct alloc_hdr *)((char *)p - sizeof(struct alloc_hdr));
}

static void *alloc_raw(size_t size, gfp_t gfp, const char *site)
{
	struct alloc_hdr *h;

	if (size > SIZE_MAX - sizeof(*h))
		return NULL;
	h = malloc(sizeof(*h) + size);
	if (!h)
		return NULL;
	h->magic = ALLOC_MAGIC_LIVE;
	h->size = size;
	h->site = site;
	h->serial = __atomic_add_fetch(&alloc_total, 1, __ATOMIC_RELAXED);
	h->tracked = 0;
	INIT_LIST_HEAD(&h->node);
	__atomic_add_fetch(&alloc_live, 1, __ATOMIC_RELAXED);
	if (__atomic_load_n(&alloc_tracking, __ATOMIC_RELAXED)) {
		pthread_mutex_lock(&alloc_track_lock);
		list_add_tail(&h->node, &alloc_tracked);
		h->tracked = 1;
		pthread_mutex_unlock(&alloc_track_lock);
	}
	if (gfp & __GFP_ZERO)
		memset(h + 1, 0, size);
	return h + 1;
}

/* Return: true if this allocation must fail by injection. */
static bool fail_nth_should_fail(void)
{
	fail_nth_ncalls++;
	if (!fail_nth)
		return false;
	if (--fail_nth)
		return false;
	fail_nth_did_fire = true;
	return true;
}

/**
 * sio_kmalloc() - allocate @size bytes (behind kmalloc()/kzalloc())
 * @size: bytes (0 returns a unique non-NULL pointer, as kmalloc(0) does)
 * @gfp: GFP_* flags; only __GFP_ZERO matters (zeroes the memory)
 * @site: caller function name, kept for leak reports
 *
 * Counts as one call for this thread's fail-nth sweep.
 *
 * Context: any thread; never sleeps beyond malloc().  Takes the
 * allocation-tracking lock (a leaf) when site tracking is on.
 * Return: the memory, or NULL when out of memory or when fail-nth injection
 * fires for this call.
 */
void *sio_kmalloc(size_t size, gfp_t gfp, const char *site)
{
	if (fail_nth_should_fail()) {
		fail_nth_failed_site = site;
		return NULL;
	}
	return alloc_raw(size, gfp, site);
}

/**
 * sio_kmalloc_nofail_inject() - allocate like sio_kmalloc(), outside
 * fail-nth injection
 * @size: bytes
 * @gfp: GFP_* flags; __GFP_ZERO zeroes
 * @site: caller function name, kept for leak reports
 *
 * For test scaffolding and the log itself, whose allocations must not be
 * counted or failed by a sweep.  The object is still counted as live.
 *
 * Context: any thread; may take the allocation-tracking lock (a leaf).
 * Return: the memory, or NULL when out of memory.
 */
void *sio_kmalloc_nofail_inject(size_t size, gfp_t gfp, const char *site)
{
	return alloc_raw(size, gfp, site);
}

/* Return: false (after a WARN) if @p is not a live object of ours. */
static bool alloc_check(const void *p, const char *op)
{
	struct alloc_hdr *h = to_hdr(p);

	if (likely(h->magic == ALLOC_MAGIC_LIVE))
		return true;
	if (h->magic == ALLOC_MAGIC_FREED)
		WARN(1, "%s: double free of %p (allocated by %s)", op, p,
		     h->site);
	else
		WARN(1, "%s: %p was not allocated by kmalloc", op, p);
	return false;
}

/**
 * sio_kfree() - free an object from sio_kmalloc() (behind kfree())
 * @p: the object; NULL is a no-op
 *
 * A double free or a pointer that did not come from this allocator is
 * reported with a WARN and otherwise ignored.
 *
 * Context: any thread; may take the allocation-tracking lock (a leaf).
 */
void sio_kfree(const void *p)
{
	struct alloc_hdr *h;

	if (!p)
		return;
	if (!alloc_check(p, "kfree"))
		return;
	h = to_hdr(p);
	if (h->tracked) {
		pthread_mutex_lock(&alloc_track_lock);
		list_del(&h->node);
		pthread_mutex_unlock(&alloc_track_lock);
	}
	h->magic = ALLOC_MAGIC_FREED;
	__atomic_sub_fetch(&alloc_live, 1, __ATOMIC_RELAXED);
	free(h);
}

/**
 * sio_krealloc() - resize an object (behind krealloc())
 * @p: the object, or NULL to allocate a new one
 * @size: the new size in bytes
 * @gfp: GFP_* flags; __GFP_ZERO zeroes the bytes past the old size
 * @site: caller function name, kept for leak reports
 *
 * Always moves the object to a new allocation, so a stale pointer to the
 * old one is caught by the next kfree() or krealloc() of it.
 *
 * Context: any thread; see sio_kmalloc().
 * Return: the resized object (@p is freed), or NULL when out of memory,
 * on fail-nth injection (@p is left untouched) or when @p is not a live
 * object of this allocator (after a WARN).
 */
void *sio_krealloc(void *p, size_t size, gfp_t gfp, const char *site)
{
	void *n;
	size_t old;

	if (!p)
		return sio_kmalloc(size, gfp, site);
	if (!alloc_check(p, "krealloc"))
		return NULL;
	n = sio_kmalloc(size, gfp & ~__GFP_ZERO, site);
	if (!n)
		return NULL;	/* @p is left untouched */
	old = to_hdr(p)->size;
	memcpy(n, p, min(old, size));
	if ((gfp & __GFP_ZERO) && size > old)
		memset((char *)n + old, 0, size - old);
	sio_kfree(p);
	return n;
}

/**
 * sio_kstrdup() - copy a string into a new allocation (behind kstrdup())
 * @s: the string; NULL gives NULL
 * @gfp: GFP_* flags (__GFP_ZERO is ignored)
 * @site: caller function name, kept for leak reports
 *
 * Context: any thread; see sio_kmalloc().
 * Return: the copy, or NULL if @s is NULL, on out-of-memory or on fail-nth
 * injection.
 */
char *sio_kstrdup(const char *s, gfp_t gfp, const char *site)
{
	size_t len;
	char *d;

	if (!s)
		return NULL;
	len = strlen(s) + 1;
	d = sio_kmalloc(len, gfp & ~__GFP_ZERO, site);
	if (d)
		memcpy(d, s, len);
	return d;
}

/**
 * sio_kasprintf() - format a string into a new allocation (behind
 * kasprintf())
 * @gfp: GFP_* flags (__GFP_ZERO is ignored)
 * @site: caller function name, kept for leak reports
 * @fmt: printf format
 * @...: its arguments
 *
 * Context: any thread; see sio_kmalloc().
 * Return: the string, or NULL on a formatting error, on out-of-memory or on
 * fail-nth injection.
 */
char *sio_kasprintf(gfp_t gfp, const char *site, const char *fmt, ...)
{
	va_list ap;
	char *d;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return NULL;
	d = sio_kmalloc((size_t)n + 1, gfp & ~__GFP_ZERO, site);
	if (!d)
		return NULL;
	va_start(ap, fmt);
	vsnprintf(d, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return d;
}

/**
 * sio_fail_nth_should_fail() - count an allocation made by another allocator
 * @gfp: the allocation's flags (unused today: every allocation counts)
 *
 * For allocators outside this file (the simulated page-frame allocator) so
 * they take part in fail-nth sweeps like kmalloc does.
 *
 * Context: the allocating thread (fail-nth state is per thread).
 * Return: true if this allocation must fail.
 */
bool sio_fail_nth_should_fail(gfp_t gfp)
{
	(void)gfp;
	return fail_nth_should_fail();
}

/**
 * sio_fail_nth_set() - make the @n-th allocation from now fail on this thread
 * @n: 1 = the next allocation fails; 0 disables injection
 *
 * Only one allocation fails per arming.  Also clears the fired flag and the
 * call count (sio_fail_nth_fired(), sio_fail_nth_calls()).
 *
 * Context: the thread itself; allocations on other threads are unaffected.
 */
void sio_fail_nth_set(unsigned int n)
{
	fail_nth = n;
	fail_nth_did_fire = false;
	fail_nth_ncalls = 0;
	fail_nth_failed_site = NULL;
}

/**
 * sio_fail_nth_fired() - did the armed injection fire on this thread?
 *
 * Context: the thread that armed it.
 * Return: true once an injection armed by sio_fail_nth_set() has failed an
 * allocation, until the next sio_fail_nth_set().
 */
bool sio_fail_nth_fired(void)
{
	return fail_nth_did_fire;
}

/**
 * sio_fail_nth_calls() - allocations attempted on this thread
 *
 * Context: the thread that armed injection.
 * Return: allocations (kmalloc-family and sio_fail_nth_should_fail()
 * callers) attempted since the last sio_fail_nth_set().
 */
unsigned long sio_fail_nth_calls(void)
{
	return fail_nth_ncalls;
}

/**
 * sio_fail_nth_site() - the function whose allocation the last injection
 * failed
 *
 * Context: the thread that armed the injection (the site is thread-local).
 * Return: the site's name, or NULL if nothing failed yet.
 */
const char *sio_fail_nth_site(void)
{
	return fail_nth_failed_site;
}

/**
 * sio_alloc_live() - live objects in the whole process
 *
 * Context: any thread; a relaxed snapshot while other threads allocate.
 * Return: objects allocated and not yet freed.
 */
long sio_alloc_live(void)
{
	return __atomic_load_n(&alloc_live, __ATOMIC_RELAXED);
}

/**
 * sio_alloc_total() - successful allocations ever made in the process
 *
 * Context: any thread; a relaxed snapshot.
 * Return: the count; pass it to sio_alloc_report_leaks() later.
 */
unsigned long sio_alloc_total(void)
{
	return __atomic_load_n(&alloc_total, __ATOMIC_RELAXED);
}

/**
 * sio_alloc_track_sites() - record live objects so leaks can be named
 * @on: true to record objects allocated from now on, false to stop
 *
 * Off by default (it costs a lock per allocation); the test harness turns
 * it on.  Objects recorded while on stay recorded until freed.
 *
 * Context: any thread.
 */
void sio_alloc_track_sites(bool on)
{
	__atomic_store_n(&alloc_tracking, on, __ATOMIC_RELAXED);
}

/**
 * sio_alloc_report_leaks() - log every live object newer than @since_total
 * @since_total: value of sio_alloc_total() taken at the start of the test
 *
 * Only objects allocated while site tracking was on are seen.
 *
 * Context: any thread; takes the allocation-tracking lock and, inside it,
 * the log lock.
 * Return: number of live tracked objects allocated after @since_total.
 */
long sio_alloc_report_leaks(unsigned long since_total)
{
	struct alloc_hdr *h;
	long n = 0;

	pthread_mutex_lock(&alloc_track_lock);
	list_for_each_entry(h, &alloc_tracked, node) {
		if (h->serial <= since_total)
			continue;
		sio_printk(SIO_LOGLEVEL_ERR, "leak: %zu bytes from %s", h->size,
			   h->site);
		n++;
	}
	pthread_mutex_unlock(&alloc_track_lock);
	return n;
}
