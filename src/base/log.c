// SPDX-License-Identifier: BSD-3-Clause
/*
 * The kernel log: a ring of timestamped lines ("[    0.000412] text"), with
 * a real or virtual clock, optional echo, a level filter and search.
 * Kernel counterpart: kernel/printk/printk.c
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/log.h"

#define LOG_LINES	4096
#define LOG_LINE_SIZE	256

/*
 * log_lock protects everything below.  It is a leaf: nothing is taken
 * inside it, and it is a plain pthread mutex so that lockdep and WARN (which
 * log) can use the log without recursing into lockdep.
 */
static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static char log_ring[LOG_LINES][LOG_LINE_SIZE];
static unsigned long log_next_seq;	/* sequence of the next line */
static enum sio_log_clock log_clock;
static u64 log_base_ns;			/* REAL: time of the last reset */
static u64 log_virtual_us;		/* VIRTUAL: advanced per message */
static FILE *log_echo;
static int log_level = SIO_LOGLEVEL_INFO;

static u64 now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (u64)ts.tv_sec * 1000000000ull + (u64)ts.tv_nsec;
}

/* Microseconds for a new message.  Caller holds log_lock. */
static u64 log_stamp_us(void)
{
	if (log_clock == SIO_LOG_CLOCK_VIRTUAL)
		return ++log_virtual_us;
	if (!log_base_ns)
		log_base_ns = now_ns();
	return (now_ns() - log_base_ns) / 1000;
}

/* Store one line (no newline).  Caller holds log_lock. */
static void log_store(u64 us, const char *text, size_t len)
{
	char *slot = log_ring[log_next_seq % LOG_LINES];
	int n;

	n = snprintf(slot, LOG_LINE_SIZE, "[%5lu.%06lu] ",
		     (unsigned long)(us / 1000000), (unsigned long)(us % 1000000));
	if (n < 0 || n >= LOG_LINE_SIZE)
		n = 0;
	if (len > (size_t)(LOG_LINE_SIZE - 1 - n))
		len = LOG_LINE_SIZE - 1 - n;
	memcpy(slot + n, text, len);
	slot[n + len] = '\0';
	log_next_seq++;
	if (log_echo)
		fprintf(log_echo, "%s\n", slot);
}

/*
 * Append @text: each embedded line becomes its own ring entry, all with one
 * timestamp (one clock tick per message keeps the virtual clock independent
 * of how many lines a message has).
 */
static void log_append(int level, const char *text)
{
	const char *p = text, *nl;
	size_t len = strlen(text);
	u64 us;

	while (len && text[len - 1] == '\n')
		len--;
	if (level > __atomic_load_n(&log_level, __ATOMIC_RELAXED))
		return;
	pthread_mutex_lock(&log_lock);
	us = log_stamp_us();
	for (;;) {
		nl = memchr(p, '\n', len - (size_t)(p - text));
		if (!nl) {
			log_store(us, p, len - (size_t)(p - text));
			break;
		}
		log_store(us, p, (size_t)(nl - p));
		p = nl + 1;
	}
	if (log_echo)
		fflush(log_echo);
	pthread_mutex_unlock(&log_lock);
}

static void log_vprintk(int level, const char *prefix, const char *fmt,
			va_list ap)
{
	char buf[LOG_LINE_SIZE * 8];
	int n = 0;

	if (prefix)
		n = snprintf(buf, sizeof(buf), "%s: ", prefix);
	if (n < 0 || (size_t)n >= sizeof(buf))
		n = 0;
	vsnprintf(buf + n, sizeof(buf) - (size_t)n, fmt, ap);
	log_append(level, buf);
}

/**
 * sio_printk() - append one message to the log (behind pr_err() and friends)
 * @level: a SIO_LOGLEVEL_* value; messages above the set level are dropped
 * @fmt: printf format; a trailing newline is optional
 * @...: arguments for @fmt
 *
 * The stored line is "[    0.000412] <text>" with seconds since the last
 * sio_log_reset().  Each line of a multi-line message becomes its own entry,
 * all with one timestamp.  Lines longer than the ring's line size are
 * truncated; the oldest lines are overwritten when the ring is full.
 *
 * Context: any thread, under any lock: it takes only the log lock, the
 * innermost lock of all (a plain mutex, not lockdep-tracked).  Writes to
 * the echo stream, if set, under that lock.
 */
void sio_printk(int level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vprintk(level, NULL, fmt, ap);
	va_end(ap);
}

/**
 * sio_printk_prefixed() - sio_printk() with a "<prefix>: " in front
 * @level: a SIO_LOGLEVEL_* value
 * @prefix: such as "pci 0000:00:02.0" (dev_printk's device prefix)
 * @fmt: printf format
 * @...: arguments for @fmt
 *
 * Context: any thread, under any lock (see sio_printk()).
 */
void sio_printk_prefixed(int level, const char *prefix, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vprintk(level, prefix, fmt, ap);
	va_end(ap);
}

/**
 * sio_log_reset() - empty the ring and restart the clock at 0
 * @clock: how later timestamps are taken (VIRTUAL: +1 us per message, for
 *         golden transcripts)
 *
 * Context: any thread; takes the log lock.  A walk already running keeps
 * its snapshot.
 */
void sio_log_reset(enum sio_log_clock clock)
{
	pthread_mutex_lock(&log_lock);
	log_next_seq = 0;
	log_clock = clock;
	log_virtual_us = 0;
	log_base_ns = now_ns();
	pthread_mutex_unlock(&log_lock);
}

/**
 * sio_log_set_echo() - echo every new line to a stream as it is logged
 * @f: the stream, or NULL to stop echoing; it must stay open until replaced
 *
 * Context: any thread; takes the log lock.
 */
void sio_log_set_echo(FILE *f)
{
	pthread_mutex_lock(&log_lock);
	log_echo = f;
	pthread_mutex_unlock(&log_lock);
}

/**
 * sio_log_set_level() - set the lowest priority that is stored
 * @level: a SIO_LOGLEVEL_* value (default SIO_LOGLEVEL_INFO: debug messages
 *         are dropped)
 *
 * Context: any thread; lock-free.
 */
void sio_log_set_level(int level)
{
	__atomic_store_n(&log_level, level, __ATOMIC_RELAXED);
}

/**
 * sio_log_seq() - sequence number the next message will get
 *
 * For "lines logged since X": pass it later as @since to sio_log_for_each()
 * or sio_log_search().
 *
 * Context: any thread; takes the log lock.
 * Return: the sequence number (0 after sio_log_reset()).
 */
unsigned long sio_log_seq(void)
{
	unsigned long seq;

	pthread_mutex_lock(&log_lock);
	seq = log_next_seq;
	pthread_mutex_unlock(&log_lock);
	return seq;
}

/*
 * Copy lines [max(since, oldest), next) out of the ring.  Return: a malloc'd
 * array of *@n lines (plain malloc: the log sits below the allocator, which
 * logs its leak reports), or NULL if there is nothing or no memory.
 */
static char (*log_snapshot(unsigned long since, unsigned long *n))[LOG_LINE_SIZE]
{
	char (*snap)[LOG_LINE_SIZE] = NULL;
	unsigned long first, i;

	*n = 0;
	pthread_mutex_lock(&log_lock);
	first = log_next_seq > LOG_LINES ? log_next_seq - LOG_LINES : 0;
	if (since > first)
		first = since;
	if (first < log_next_seq) {
		snap = malloc((log_next_seq - first) * LOG_LINE_SIZE);
		if (snap) {
			for (i = first; i < log_next_seq; i++)
				memcpy(snap[i - first], log_ring[i % LOG_LINES],
				       LOG_LINE_SIZE);
			*n = log_next_seq - first;
		}
	}
	pthread_mutex_unlock(&log_lock);
	return snap;
}

/**
 * sio_log_for_each() - visit the stored lines, oldest first
 * @fn: called with each full line (timestamp included, no newline); a
 *      non-zero return stops the walk and is returned
 * @data: passed to @fn
 * @since: sequence number to start from (0 = everything still in the ring)
 *
 * Context: any thread; @fn runs on a snapshot, without the log lock, so it
 * may log.  If the snapshot cannot be allocated nothing is visited.
 * Return: 0 or the first non-zero value returned by @fn.
 */
int sio_log_for_each(int (*fn)(const char *line, void *data), void *data,
		     unsigned long since)
{
	char (*snap)[LOG_LINE_SIZE];
	unsigned long n, i;
	int ret = 0;

	snap = log_snapshot(since, &n);
	for (i = 0; i < n && !ret; i++)
		ret = fn(snap[i], data);
	free(snap);
	return ret;
}

static int dump_line(const char *line, void *data)
{
	fprintf(data, "%s\n", line);
	return 0;
}

/**
 * sio_log_dump() - print every stored line to a stream, and flush it
 * @f: the stream
 *
 * Context: any thread; see sio_log_for_each().
 */
void sio_log_dump(FILE *f)
{
	sio_log_for_each(dump_line, f, 0);
	fflush(f);
}

struct log_search {
	const char *needle;
	unsigned long hits;
};

static int search_line(const char *line, void *data)
{
	struct log_search *s = data;
	const char *text = strstr(line, "] ");

	text = text ? text + 2 : line;
	if (strstr(text, s->needle))
		s->hits++;
	return 0;
}

/**
 * sio_log_search() - count stored lines containing a substring
 * @needle: plain substring to look for (timestamps excluded from matching)
 * @since: sequence number to start from
 *
 * Context: any thread; see sio_log_for_each().
 * Return: the number of matching lines.
 */
unsigned long sio_log_search(const char *needle, unsigned long since)
{
	struct log_search s = { .needle = needle };

	sio_log_for_each(search_line, &s, since);
	return s.hits;
}
