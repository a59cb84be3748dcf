/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Kernel-style threads: named pthreads registered with RCU, stoppable.
 * Kernel counterpart: include/linux/kthread.h
 */
#ifndef SIO_BASE_KTHREAD_H
#define SIO_BASE_KTHREAD_H

#include "base/types.h"

struct sio_kthread;

/*
 * Start @fn(@data) on a new thread named @name, registered with RCU (kernel-doc
 * in kthread.c).
 */
struct sio_kthread *sio_kthread_run(int (*fn)(void *data), void *data,
				    const char *name);

/* Ask the thread to stop, wake it, join it. Return: @fn's return value. */
int sio_kthread_stop(struct sio_kthread *k);

/* In the thread: true once sio_kthread_stop() was called. */
bool sio_kthread_should_stop(void);

/* Sleep up to @ms milliseconds, returning early when asked to stop or woken. */
void sio_kthread_sleep_ms(unsigned long ms);
void sio_kthread_wake(struct sio_kthread *k);

#endif /* SIO_BASE_KTHREAD_H */
