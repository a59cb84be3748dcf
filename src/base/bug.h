/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * WARN_ON and friends: report a broken invariant or driver bug, count it
 * per site and in total, and carry on.  BUG_ON aborts.
 * Kernel counterpart: include/asm-generic/bug.h, kernel/panic.c
 */
#ifndef SIO_BASE_BUG_H
#define SIO_BASE_BUG_H

#include "base/types.h"

/* One per WARN call site; zero-initialised static storage. */
struct sio_warn_site {
	const char *func;
	const char *file;
	int line;
	unsigned long count;		/* atomic */
	struct sio_warn_site *next;	/* registry of sites that fired */
	int registered;			/* atomic flag */
};

/* Count and log a WARN at @site (kernel-doc in bug.c); any thread, any lock. */
void __sio_warn(struct sio_warn_site *site, bool once, const char *prefix,
		const char *fmt, ...) __printf(4, 5);

#define __SIO_WARN_SITE(name)                                                 \
	static struct sio_warn_site name = { __func__, __FILE__, __LINE__,    \
					     0, NULL, 0 }

#define WARN_ON(condition)                                                    \
	({                                                                    \
		int __ret_warn_on = !!(condition);                            \
		if (unlikely(__ret_warn_on)) {                                \
			__SIO_WARN_SITE(__sio_site);                          \
			__sio_warn(&__sio_site, false, NULL, NULL);           \
		}                                                             \
		__ret_warn_on;                                                \
	})

#define WARN_ON_ONCE(condition)                                               \
	({                                                                    \
		int __ret_warn_on = !!(condition);                            \
		if (unlikely(__ret_warn_on)) {                                \
			__SIO_WARN_SITE(__sio_site);                          \
			__sio_warn(&__sio_site, true, NULL, NULL);            \
		}                                                             \
		__ret_warn_on;                                                \
	})

#define WARN(condition, fmt, ...)                                             \
	({                                                                    \
		int __ret_warn_on = !!(condition);                            \
		if (unlikely(__ret_warn_on)) {                                \
			__SIO_WARN_SITE(__sio_site);                          \
			__sio_warn(&__sio_site, false, NULL, fmt,             \
				   ##__VA_ARGS__);                            \
		}                                                             \
		__ret_warn_on;                                                \
	})

#define WARN_ONCE(condition, fmt, ...)                                        \
	({                                                                    \
		int __ret_warn_on = !!(condition);                            \
		if (unlikely(__ret_warn_on)) {                                \
			__SIO_WARN_SITE(__sio_site);                          \
			__sio_warn(&__sio_site, true, NULL, fmt,              \
				   ##__VA_ARGS__);                            \
		}                                                             \
		__ret_warn_on;                                                \
	})

/* A WARN with a device-style prefix; the device layer wraps it as dev_WARN. */
#define WARN_PREFIX(condition, prefix, fmt, ...)                              \
	({                                                                    \
		int __ret_warn_on = !!(condition);                            \
		if (unlikely(__ret_warn_on)) {                                \
			__SIO_WARN_SITE(__sio_site);                          \
			__sio_warn(&__sio_site, false, prefix, fmt,           \
				   ##__VA_ARGS__);                            \
		}                                                             \
		__ret_warn_on;                                                \
	})

/**
 * BUG_ON() - abort on an invariant whose violation makes going on unsafe
 */
#define BUG_ON(condition)                                                     \
	do {                                                                  \
		if (unlikely(condition))                                      \
			__sio_bug(__func__, __FILE__, __LINE__, #condition);  \
	} while (0)
#define BUG() __sio_bug(__func__, __FILE__, __LINE__, "BUG")

void __sio_bug(const char *func, const char *file, int line, const char *what)
	__attribute__((noreturn));

/* Total WARNs since the last sio_warn_reset(). */
unsigned long sio_warn_count(void);

/* WARNs fired at sites inside function @func since the last reset. */
unsigned long sio_warn_count_func(const char *func);

/* Zero every counter and re-arm every WARN_ONCE site. */
void sio_warn_reset(void);

/*
 * Whether WARN reports include the "Call trace:" frames (default on).  Golden
 * log comparisons turn it off: frame text depends on the build.
 */
void sio_warn_set_backtrace(bool on);

/* Visit the sites that fired since the last reset; @fn stops it. */
int sio_warn_for_each_site(int (*fn)(const struct sio_warn_site *site, void *data),
			   void *data);

#endif /* SIO_BASE_BUG_H */
