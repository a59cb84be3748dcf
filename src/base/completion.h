/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Completions: wait for something to be done by another thread.
 * Kernel counterpart: include/linux/completion.h
 */
#ifndef SIO_BASE_COMPLETION_H
#define SIO_BASE_COMPLETION_H

#include <pthread.h>
#include "base/types.h"

struct completion {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	unsigned int done;	/* UINT_MAX after complete_all() */
};

/* Kernel-doc in completion.c. */
void init_completion(struct completion *x);
void reinit_completion(struct completion *x);
void complete(struct completion *x);
void complete_all(struct completion *x);
void wait_for_completion(struct completion *x);
/* Return: 0 on timeout, else > 0. */
unsigned long wait_for_completion_timeout(struct completion *x, unsigned long ms);
bool completion_done(struct completion *x);
void destroy_completion(struct completion *x);

#endif /* SIO_BASE_COMPLETION_H */
