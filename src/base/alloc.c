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

void *sio_kmalloc(size_t size, gfp_t gfp, const char *site)
{
	if (fail_nth_should_fail()) {
		fail_nth_failed_site = site;
		return NULL;
	}
	return alloc_raw(size, gfp, site);
}

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

bool sio_fail_nth_should_fail(gfp_t gfp)
{
	(void)gfp;
	return fail_nth_should_fail();
}

void sio_fail_nth_set(unsigned int n)
{
	fail_nth = n;
	fail_nth_did_fire = false;
	fail_nth_ncalls = 0;
	fail_nth_failed_site = NULL;
}

bool sio_fail_nth_fired(void)
{
	return fail_nth_did_fire;
}

unsigned long sio_fail_nth_calls(void)
{
	return fail_nth_ncalls;
}

const char *sio_fail_nth_site(void)
{
	return fail_nth_failed_site;
}

long sio_alloc_live(void)
{
	return __atomic_load_n(&alloc_live, __ATOMIC_RELAXED);
}

unsigned long sio_alloc_total(void)
{
	return __atomic_load_n(&alloc_total, __ATOMIC_RELAXED);
}

void sio_alloc_track_sites(bool on)
{
	__atomic_store_n(&alloc_tracking, on, __ATOMIC_RELAXED);
}

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
