// SPDX-License-Identifier: BSD-3-Clause
/*
 * WARN and BUG: the "cut here" report in the log, per-site and total
 * counts, a registry of the sites that fired, and abort() for BUG.
 * Kernel counterpart: kernel/panic.c (__warn), lib/bug.c
 */
#include <execinfo.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/bug.h"
#include "base/log.h"

#define WARN_TRACE_FRAMES 12

static unsigned long warn_total;		/* atomic */
/* Sites that fired since the last reset: lock-free push, atomic head. */
static struct sio_warn_site *warn_sites;
static bool warn_backtrace = true;		/* atomic */

/*
 * "../../work/main/src/core/x.c" -> "src/core/x.c": the path from the
 * source tree's top directory, whatever the build directory was.
 */
static const char *short_file(const char *file)
{
	static const char *const tops[] = { "src/", "tests/", "tools/",
					    "include/", "bench/" };
	const char *best = NULL, *p;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(tops); i++) {
		for (p = strstr(file, tops[i]); p; p = strstr(p + 1, tops[i]))
			if (p == file || p[-1] == '/')
				break;
		if (p && (!best || p < best))
			best = p;
	}
	if (best)
		return best;
	while (strncmp(file, "../", 3) == 0 || strncmp(file, "./", 2) == 0)
		file += file[0] == '.' && file[1] == '.' ? 3 : 2;
	return file;
}

static void warn_register(struct sio_warn_site *site)
{
	struct sio_warn_site *head;

	if (__atomic_exchange_n(&site->registered, 1, __ATOMIC_ACQ_REL))
		return;
	head = __atomic_load_n(&warn_sites, __ATOMIC_ACQUIRE);
	do {
		site->next = head;
	} while (!__atomic_compare_exchange_n(&warn_sites, &head, site, true,
					      __ATOMIC_RELEASE,
					      __ATOMIC_ACQUIRE));
}

/* Log "Call trace:" and a few frames as one message (one clock tick). */
static void warn_log_trace(void)
{
	void *frames[WARN_TRACE_FRAMES + 2];
	char buf[2048];
	char **syms;
	size_t off;
	int n, i;

	if (!__atomic_load_n(&warn_backtrace, __ATOMIC_RELAXED))
		return;
	n = backtrace(frames, (int)ARRAY_SIZE(frames));
	syms = backtrace_symbols(frames, n);
	off = (size_t)snprintf(buf, sizeof(buf), "Call trace:");
	/* Skip this helper and __sio_warn()/__sio_bug() itself. */
	for (i = 2; syms && i < n && off < sizeof(buf); i++)
		off += (size_t)snprintf(buf + off, sizeof(buf) - off, "\n %s",
					syms[i]);
	free(syms);
	sio_printk(SIO_LOGLEVEL_WARNING, "%s", buf);
}

/**
 * __sio_warn() - report a WARN (behind WARN_ON() and friends)
 * @site: the call site (counts and once-flag)
 * @once: only log the first time this site fires (still counts every time)
 * @prefix: device prefix ("pci 0000:00:02.0") or NULL
 * @fmt: optional message (NULL for a bare WARN_ON)
 * @...: arguments for @fmt
 *
 * Counts the WARN at @site and in total, adds @site to the registry of
 * sites that fired, then logs "WARNING: at <func> (<file>:<line>)", the
 * message, and a call trace, between "------------[ cut here ]------------"
 * and "---[ end trace ]---".
 *
 * Context: any thread, under any lock: it only takes the log lock, which
 * is innermost.  Does not sleep.
 */
void __sio_warn(struct sio_warn_site *site, bool once, const char *prefix,
		const char *fmt, ...)
{
	unsigned long prev;
	char msg[2048];
	va_list ap;

	prev = __atomic_fetch_add(&site->count, 1, __ATOMIC_RELAXED);
	__atomic_fetch_add(&warn_total, 1, __ATOMIC_RELAXED);
	warn_register(site);
	if (once && prev)
		return;

	sio_printk(SIO_LOGLEVEL_WARNING, "------------[ cut here ]------------");
	sio_printk(SIO_LOGLEVEL_WARNING, "WARNING: at %s (%s:%d)", site->func,
		   short_file(site->file), site->line);
	if (fmt) {
		va_start(ap, fmt);
		vsnprintf(msg, sizeof(msg), fmt, ap);
		va_end(ap);
		if (prefix)
			sio_printk_prefixed(SIO_LOGLEVEL_WARNING, prefix, "%s",
					    msg);
		else
			sio_printk(SIO_LOGLEVEL_WARNING, "%s", msg);
	}
	warn_log_trace();
	sio_printk(SIO_LOGLEVEL_WARNING, "---[ end trace 0000000000000000 ]---");
}

/**
 * __sio_bug() - report a BUG and abort the process (behind BUG_ON()/BUG())
 * @func: function of the BUG site
 * @file: source file of the BUG site
 * @line: line of the BUG site
 * @what: the failed condition's text
 *
 * Logs the "kernel BUG at" report with a call trace, repeats it on stderr
 * (the log may never be read) and calls abort().
 *
 * Context: any thread, under any lock.  Return: never.
 */
void __sio_bug(const char *func, const char *file, int line, const char *what)
{
	sio_printk(SIO_LOGLEVEL_ERR, "------------[ cut here ]------------");
	sio_printk(SIO_LOGLEVEL_ERR, "kernel BUG at %s (%s:%d): %s", func,
		   short_file(file), line, what);
	warn_log_trace();
	fprintf(stderr, "softiommu: kernel BUG at %s (%s:%d): %s\n", func,
		short_file(file), line, what);
	fflush(NULL);
	abort();
}

/**
 * sio_warn_count() - WARNs fired in the process since the last reset
 *
 * Context: any thread; a relaxed snapshot.
 * Return: the total, once-sites included every time they fired.
 */
unsigned long sio_warn_count(void)
{
	return __atomic_load_n(&warn_total, __ATOMIC_RELAXED);
}

/**
 * sio_warn_count_func() - WARNs fired at sites inside one function
 * @func: the function's name, as __func__ spells it
 *
 * Context: any thread; lock-free walk of the site registry.
 * Return: the WARNs fired at @func's sites since the last reset.
 */
unsigned long sio_warn_count_func(const char *func)
{
	struct sio_warn_site *s;
	unsigned long n = 0;

	for (s = __atomic_load_n(&warn_sites, __ATOMIC_ACQUIRE); s; s = s->next)
		if (strcmp(s->func, func) == 0)
			n += __atomic_load_n(&s->count, __ATOMIC_RELAXED);
	return n;
}

/**
 * sio_warn_reset() - zero every counter and re-arm every WARN_ONCE site
 *
 * Empties the registry of sites that fired.
 *
 * Context: any thread, but meant for quiescent points (between tests): a
 * WARN racing with the reset may go uncounted.
 */
void sio_warn_reset(void)
{
	struct sio_warn_site *s, *next;

	s = __atomic_exchange_n(&warn_sites, NULL, __ATOMIC_ACQ_REL);
	for (; s; s = next) {
		next = s->next;
		__atomic_store_n(&s->count, 0, __ATOMIC_RELAXED);
		__atomic_store_n(&s->registered, 0, __ATOMIC_RELEASE);
	}
	__atomic_store_n(&warn_total, 0, __ATOMIC_RELAXED);
}

/**
 * sio_warn_set_backtrace() - include "Call trace:" frames in reports or not
 * @on: true (the default) to log the frames
 *
 * Golden log comparisons turn it off: frame text depends on the build.
 *
 * Context: any thread; affects reports made after it returns.
 */
void sio_warn_set_backtrace(bool on)
{
	__atomic_store_n(&warn_backtrace, on, __ATOMIC_RELAXED);
}

/**
 * sio_warn_for_each_site() - visit the sites that fired since the last reset
 * @fn: called with each site; a non-zero return stops the walk
 * @data: passed to @fn
 *
 * Context: any thread; no lock is held while @fn runs, and sites that fire
 * during the walk may or may not be visited.
 * Return: 0 or the first non-zero value returned by @fn.
 */
int sio_warn_for_each_site(int (*fn)(const struct sio_warn_site *site, void *data),
			   void *data)
{
	struct sio_warn_site *s;
	int ret;

	for (s = __atomic_load_n(&warn_sites, __ATOMIC_ACQUIRE); s; s = s->next) {
		ret = fn(s, data);
		if (ret)
			return ret;
	}
	return 0;
}
