/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The kernel log: dmesg-like timestamped lines kept in a ring buffer that
 * the CLI prints and tests search.
 * Kernel counterpart: kernel/printk/printk.c
 */
#ifndef SIO_BASE_LOG_H
#define SIO_BASE_LOG_H

#include <stdio.h>
#include "base/types.h"

enum sio_loglevel {
	SIO_LOGLEVEL_ERR = 3,
	SIO_LOGLEVEL_WARNING = 4,
	SIO_LOGLEVEL_NOTICE = 5,
	SIO_LOGLEVEL_INFO = 6,
	SIO_LOGLEVEL_DEBUG = 7,
};

/* How timestamps are taken. VIRTUAL: +1 us per message, for golden tests. */
enum sio_log_clock {
	SIO_LOG_CLOCK_REAL,
	SIO_LOG_CLOCK_VIRTUAL,
};

/*
 * Append one message to the log (kernel-doc for this API in log.c).  Any
 * thread, under any lock: the log lock is innermost.
 */
void sio_printk(int level, const char *fmt, ...) __printf(2, 3);

/* Same, with a prefix such as "pci 0000:00:02.0" followed by ": ". */
void sio_printk_prefixed(int level, const char *prefix, const char *fmt, ...)
	__printf(3, 4);

#define pr_err(fmt, ...) sio_printk(SIO_LOGLEVEL_ERR, fmt, ##__VA_ARGS__)
#define pr_warn(fmt, ...) sio_printk(SIO_LOGLEVEL_WARNING, fmt, ##__VA_ARGS__)
#define pr_notice(fmt, ...) sio_printk(SIO_LOGLEVEL_NOTICE, fmt, ##__VA_ARGS__)
#define pr_info(fmt, ...) sio_printk(SIO_LOGLEVEL_INFO, fmt, ##__VA_ARGS__)
#define pr_debug(fmt, ...) sio_printk(SIO_LOGLEVEL_DEBUG, fmt, ##__VA_ARGS__)

/* Empty the ring and restart the clock at 0. */
void sio_log_reset(enum sio_log_clock clock);

/* Echo every new line to @f as it is logged (NULL: stop echoing). */
void sio_log_set_echo(FILE *f);

/* Lowest level that is stored (default SIO_LOGLEVEL_INFO: debug is dropped). */
void sio_log_set_level(int level);

/* Visit the stored lines from @since on, oldest first, until @fn says stop. */
int sio_log_for_each(int (*fn)(const char *line, void *data), void *data,
		     unsigned long since);

/* Sequence number the next message will get (for "lines since X"). */
unsigned long sio_log_seq(void);

/* Print every stored line to @f. */
void sio_log_dump(FILE *f);

/* Count stored lines from @since on whose text contains @needle. */
unsigned long sio_log_search(const char *needle, unsigned long since);

#endif /* SIO_BASE_LOG_H */
